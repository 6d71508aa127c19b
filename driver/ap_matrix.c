// SPDX-License-Identifier: GPL-2.0
/*
 * Pure AP matrix / APCB core of the vfio_ap reference driver.
 *
 * The rules are those of drivers/s390/crypto/vfio_ap_ops.c and ap_bus.c in
 * Linux 6.1. No locks, no globals, no allocation: see ap_matrix.h.
 */
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/types.h>

#include "ap_matrix.h"

/**
 * ap_matrix_mask() - the mask of one kind of id of a matrix, and its limit
 * @m: the matrix
 * @kind: which ids
 * @max: set to the largest valid id of that kind
 *
 * Return: the mask, or NULL (and @max untouched) for an unknown @kind.
 */
unsigned long *ap_matrix_mask(struct ap_matrix *m, enum ap_matrix_kind kind,
			      unsigned long *max)
{
	switch (kind) {
	case AP_MATRIX_ADAPTER:
		*max = m->apm_max;
		return m->apm;
	case AP_MATRIX_DOMAIN:
		*max = m->aqm_max;
		return m->aqm;
	case AP_MATRIX_CDOM:
		*max = m->adm_max;
		return m->adm;
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(ap_matrix_mask);

/**
 * ap_matrix_parse_id() - parse an adapter or domain id written to sysfs
 * @buf: NUL-terminated input, as a sysfs store gets it
 * @max: largest valid id
 * @id: where the id is stored on success
 *
 * Parses like kstrtoul(@buf, 0): decimal, 0x hex or 0-prefixed octal, an
 * optional leading '+' and one optional trailing newline.
 *
 * Return: 0; -EINVAL for garbage, -ERANGE on overflow, -ENODEV when the id
 * is above @max. @id is written only on success.
 */
int ap_matrix_parse_id(const char *buf, unsigned long max, unsigned long *id)
{
	unsigned long v;
	int ret;

	ret = kstrtoul(buf, 0, &v);
	if (ret)
		return ret;
	if (v > max)
		return -ENODEV;
	*id = v;
	return 0;
}
EXPORT_SYMBOL_GPL(ap_matrix_parse_id);

/**
 * ap_matrix_init_limits() - set the largest valid ids of a matrix
 * @m: the matrix
 * @apxa: whether the APXA facility is installed
 * @na: largest adapter id reported by QCI, used with APXA
 * @nd: largest domain id reported by QCI, used with APXA
 *
 * Without APXA the limits are 63 adapters and 15 domains, as
 * vfio_ap_matrix_init() does.
 */
void ap_matrix_init_limits(struct ap_matrix *m, bool apxa, unsigned long na,
			   unsigned long nd)
{
	m->apm_max = apxa ? na : AP_MATRIX_APM_MAX_NOAPXA;
	m->aqm_max = apxa ? nd : AP_MATRIX_AQM_MAX_NOAPXA;
	m->adm_max = apxa ? nd : AP_MATRIX_AQM_MAX_NOAPXA;
}
EXPORT_SYMBOL_GPL(ap_matrix_init_limits);

/**
 * ap_matrix_apqns_intersect() - do two APQN sets (apm x aqm) overlap?
 * @apm1: adapters of the first set
 * @aqm1: domains of the first set
 * @apm2: adapters of the second set
 * @aqm2: domains of the second set
 * @apm_out: if not NULL, the common adapters (meaningful when true)
 * @aqm_out: if not NULL, the common domains (meaningful when true)
 *
 * The overlap of two Cartesian products is the product of the overlaps,
 * so the APQNs in both sets are exactly @apm_out x @aqm_out.
 *
 * Return: true if at least one APQN is in both sets.
 */
bool ap_matrix_apqns_intersect(const unsigned long *apm1,
			       const unsigned long *aqm1,
			       const unsigned long *apm2,
			       const unsigned long *aqm2,
			       unsigned long *apm_out, unsigned long *aqm_out)
{
	DECLARE_BITMAP(apm, AP_MATRIX_BITS);
	DECLARE_BITMAP(aqm, AP_MATRIX_BITS);
	bool hit;

	hit = bitmap_and(apm, apm1, apm2, AP_MATRIX_BITS) &&
	      bitmap_and(aqm, aqm1, aqm2, AP_MATRIX_BITS);
	if (!hit)
		return false;
	if (apm_out)
		bitmap_copy(apm_out, apm, AP_MATRIX_BITS);
	if (aqm_out)
		bitmap_copy(aqm_out, aqm, AP_MATRIX_BITS);
	return true;
}
EXPORT_SYMBOL_GPL(ap_matrix_apqns_intersect);

/**
 * ap_matrix_check_sharing() - may @assignee hold its APQNs next to @other?
 * @assignee: the matrix being assigned to
 * @other: the matrix of another mdev
 * @apm_out: if not NULL, the adapters of the shared APQNs
 * @aqm_out: if not NULL, the domains of the shared APQNs
 *
 * Return: 0, or -EADDRINUSE if an APQN is in both matrices.
 */
int ap_matrix_check_sharing(const struct ap_matrix *assignee,
			    const struct ap_matrix *other,
			    unsigned long *apm_out, unsigned long *aqm_out)
{
	if (ap_matrix_apqns_intersect(assignee->apm, assignee->aqm,
				      other->apm, other->aqm,
				      apm_out, aqm_out))
		return -EADDRINUSE;
	return 0;
}
EXPORT_SYMBOL_GPL(ap_matrix_check_sharing);

/**
 * ap_matrix_check_reserved() - does @m use APQNs reserved for the host?
 * @m: the matrix
 * @perm_apm: the AP bus apmask
 * @perm_aqm: the AP bus aqmask
 * @apm_out: if not NULL, the adapters of the reserved APQNs
 * @aqm_out: if not NULL, the domains of the reserved APQNs
 *
 * An APQN is reserved for the host drivers when its adapter is in apmask
 * and its domain in aqmask.
 *
 * Return: 0, or -EADDRNOTAVAIL if an APQN of @m is reserved.
 */
int ap_matrix_check_reserved(const struct ap_matrix *m,
			     const unsigned long *perm_apm,
			     const unsigned long *perm_aqm,
			     unsigned long *apm_out, unsigned long *aqm_out)
{
	if (ap_matrix_apqns_intersect(m->apm, m->aqm, perm_apm, perm_aqm,
				      apm_out, aqm_out))
		return -EADDRNOTAVAIL;
	return 0;
}
EXPORT_SYMBOL_GPL(ap_matrix_check_reserved);

/**
 * ap_matrix_filter() - compute the adapters and domains a guest may get
 * @matrix: the mdev's assigned matrix
 * @host: the host AP configuration (masks and limits)
 * @shadow: the shadow APCB; its apm and aqm are recomputed
 * @usable: asks whether one APQN is bound, linked and reset cleanly
 * @ctx: context for @usable
 *
 * The 6.1 rules of vfio_ap_mdev_filter_matrix(), always over the whole
 * matrix: the shadow gets the assigned ids that are in the host
 * configuration, then every adapter with an APQN that is not usable is
 * dropped. Domains are dropped only when the host lacks them. The control
 * domains of @shadow are left alone.
 *
 * Return: true if the shadow apm or aqm changed.
 */
bool ap_matrix_filter(const struct ap_matrix *matrix,
		      const struct ap_matrix *host, struct ap_matrix *shadow,
		      ap_matrix_queue_usable_fn usable, void *ctx)
{
	DECLARE_BITMAP(prev_apm, AP_MATRIX_BITS);
	DECLARE_BITMAP(prev_aqm, AP_MATRIX_BITS);
	unsigned long apid, apqi;

	bitmap_copy(prev_apm, shadow->apm, AP_MATRIX_BITS);
	bitmap_copy(prev_aqm, shadow->aqm, AP_MATRIX_BITS);
	shadow->apm_max = host->apm_max;
	shadow->aqm_max = host->aqm_max;
	shadow->adm_max = host->adm_max;

	bitmap_and(shadow->apm, matrix->apm, host->apm, AP_MATRIX_BITS);
	bitmap_and(shadow->aqm, matrix->aqm, host->aqm, AP_MATRIX_BITS);

	for_each_set_bit(apid, shadow->apm, AP_MATRIX_BITS) {
		for_each_set_bit(apqi, shadow->aqm, AP_MATRIX_BITS) {
			if (!usable(ctx, apid, apqi)) {
				__clear_bit(apid, shadow->apm);
				break;
			}
		}
	}

	return !bitmap_equal(prev_apm, shadow->apm, AP_MATRIX_BITS) ||
	       !bitmap_equal(prev_aqm, shadow->aqm, AP_MATRIX_BITS);
}
EXPORT_SYMBOL_GPL(ap_matrix_filter);

/**
 * ap_matrix_filter_cdoms() - compute the control domains a guest may get
 * @matrix: the mdev's assigned matrix
 * @host: the host AP configuration
 * @shadow: the shadow APCB; its adm is recomputed
 *
 * Return: true if the shadow adm changed.
 */
bool ap_matrix_filter_cdoms(const struct ap_matrix *matrix,
			    const struct ap_matrix *host,
			    struct ap_matrix *shadow)
{
	DECLARE_BITMAP(prev_adm, AP_MATRIX_BITS);

	bitmap_copy(prev_adm, shadow->adm, AP_MATRIX_BITS);
	bitmap_and(shadow->adm, matrix->adm, host->adm, AP_MATRIX_BITS);
	return !bitmap_equal(prev_adm, shadow->adm, AP_MATRIX_BITS);
}
EXPORT_SYMBOL_GPL(ap_matrix_filter_cdoms);

/**
 * ap_matrix_config_diff() - what a host configuration change added/removed
 * @old_cfg: the previous host configuration
 * @new_cfg: the current host configuration
 * @added: ids in @new_cfg but not in @old_cfg
 * @removed: ids in @old_cfg but not in @new_cfg
 *
 * Return: true if anything was added or removed.
 */
bool ap_matrix_config_diff(const struct ap_matrix *old_cfg,
			   const struct ap_matrix *new_cfg,
			   struct ap_matrix *added, struct ap_matrix *removed)
{
	bool changed;

	added->apm_max = new_cfg->apm_max;
	added->aqm_max = new_cfg->aqm_max;
	added->adm_max = new_cfg->adm_max;
	*removed = *added;

	changed = bitmap_andnot(added->apm, new_cfg->apm, old_cfg->apm,
				AP_MATRIX_BITS);
	changed |= bitmap_andnot(added->aqm, new_cfg->aqm, old_cfg->aqm,
				 AP_MATRIX_BITS);
	changed |= bitmap_andnot(added->adm, new_cfg->adm, old_cfg->adm,
				 AP_MATRIX_BITS);
	changed |= bitmap_andnot(removed->apm, old_cfg->apm, new_cfg->apm,
				 AP_MATRIX_BITS);
	changed |= bitmap_andnot(removed->aqm, old_cfg->aqm, new_cfg->aqm,
				 AP_MATRIX_BITS);
	changed |= bitmap_andnot(removed->adm, old_cfg->adm, new_cfg->adm,
				 AP_MATRIX_BITS);
	return changed;
}
EXPORT_SYMBOL_GPL(ap_matrix_config_diff);

/**
 * ap_matrix_filter_card_types() - drop adapters vfio_ap cannot pass through
 * @apm: adapters added to the host configuration; filtered in place
 * @aqm: domains whose queues are asked for the adapter type
 * @card_type: asks the type of one APQN
 * @ctx: context for @card_type
 *
 * An adapter is dropped as soon as one of its queues reports a type older
 * than CEX4 or no type at all, as vfio_ap_filter_apid_by_qtype() does.
 */
void ap_matrix_filter_card_types(unsigned long *apm, const unsigned long *aqm,
				 ap_matrix_card_type_fn card_type, void *ctx)
{
	unsigned long apid, apqi;
	int type;

	for_each_set_bit(apid, apm, AP_MATRIX_BITS) {
		for_each_set_bit(apqi, aqm, AP_MATRIX_BITS) {
			type = card_type(ctx, apid, apqi);
			if (type < AP_MATRIX_CEX4) {
				__clear_bit(apid, apm);
				break;
			}
		}
	}
}
EXPORT_SYMBOL_GPL(ap_matrix_filter_card_types);

/*
 * Append one "aa.dddd\n" style line if it fits whole. @apid or @apqi may
 * be ULONG_MAX to leave that half out. Returns the new length.
 */
static size_t put_apqn_line(char *buf, size_t len, size_t size,
			    unsigned long apid, unsigned long apqi)
{
	char line[16];
	size_t n;

	if (apid == ULONG_MAX)
		n = scnprintf(line, sizeof(line), ".%04lx\n", apqi);
	else if (apqi == ULONG_MAX)
		n = scnprintf(line, sizeof(line), "%02lx.\n", apid);
	else
		n = scnprintf(line, sizeof(line), "%02lx.%04lx\n", apid, apqi);
	if (len + n > size)
		return len;
	memcpy(buf + len, line, n);
	return len + n;
}

/**
 * ap_matrix_format() - format a matrix as the "matrix" attribute shows it
 * @m: the matrix (assigned matrix or shadow APCB)
 * @buf: output buffer
 * @size: size of @buf
 *
 * One "%02lx.%04lx" line per APQN; an adapter-only matrix prints "%02lx."
 * lines and a domain-only one ".%04lx" lines. Only ids up to the limits
 * are printed. Output stops at the last whole line that fits in @size,
 * so a full 256 x 256 matrix cannot overrun a sysfs page (the glue gives
 * PAGE_SIZE - 1, the most sysfs takes). No NUL is written.
 *
 * Return: the number of bytes written.
 */
size_t ap_matrix_format(const struct ap_matrix *m, char *buf, size_t size)
{
	unsigned long napm = min_t(unsigned long, m->apm_max + 1, AP_MATRIX_BITS);
	unsigned long naqm = min_t(unsigned long, m->aqm_max + 1, AP_MATRIX_BITS);
	bool have_apm = find_first_bit(m->apm, napm) < napm;
	bool have_aqm = find_first_bit(m->aqm, naqm) < naqm;
	unsigned long apid, apqi;
	size_t len = 0;

	if (have_apm && have_aqm) {
		for_each_set_bit(apid, m->apm, napm)
			for_each_set_bit(apqi, m->aqm, naqm)
				len = put_apqn_line(buf, len, size, apid, apqi);
	} else if (have_apm) {
		for_each_set_bit(apid, m->apm, napm)
			len = put_apqn_line(buf, len, size, apid, ULONG_MAX);
	} else if (have_aqm) {
		for_each_set_bit(apqi, m->aqm, naqm)
			len = put_apqn_line(buf, len, size, ULONG_MAX, apqi);
	}
	return len;
}
EXPORT_SYMBOL_GPL(ap_matrix_format);

/**
 * ap_matrix_format_cdoms() - format the control domains attribute
 * @m: the matrix
 * @buf: output buffer
 * @size: size of @buf
 *
 * One "%04lx" line per control domain up to adm_max, whole lines only.
 *
 * Return: the number of bytes written.
 */
size_t ap_matrix_format_cdoms(const struct ap_matrix *m, char *buf,
			      size_t size)
{
	unsigned long nadm = min_t(unsigned long, m->adm_max + 1, AP_MATRIX_BITS);
	unsigned long id;
	size_t len = 0;
	char line[8];

	for_each_set_bit(id, m->adm, nadm) {
		if (len + 5 > size)
			break;
		scnprintf(line, sizeof(line), "%04lx\n", id);
		memcpy(buf + len, line, 5);
		len += 5;
	}
	return len;
}
EXPORT_SYMBOL_GPL(ap_matrix_format_cdoms);

/* Bits are numbered MSB first, so bit 0 is the leftmost hex digit bit. */
static int parse_hex_mask(const char *str, unsigned long *map,
			  unsigned int bits)
{
	unsigned int i = 0;
	int b, n;

	if (str[0] == '0' && str[1] == 'x')
		str++;
	if (*str == 'x')
		str++;

	for (; hex_to_bin(*str) >= 0 && i < bits; str++, i += 4) {
		b = hex_to_bin(*str);
		for (n = 0; n < 4; n++)
			if (b & (0x08 >> n))
				__set_bit(i + n, map);
	}
	if (*str == '\n')
		str++;
	return *str ? -EINVAL : 0;
}

/*
 * simple_strtoul(s, &end, 0), but saturating at @limit instead of
 * wrapping, so that an overflowing number is rejected as out of range.
 */
static unsigned long parse_num(const char *s, const char **end,
			       unsigned long limit)
{
	unsigned int base = 10;
	unsigned long v = 0;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && hex_to_bin(s[2]) >= 0) {
		base = 16;
		s += 2;
	} else if (s[0] == '0') {
		base = 8;
	}
	*end = s;
	while ((d = hex_to_bin(*s)) >= 0 && d < base) {
		v = v > limit ? v : v * base + d;
		s++;
	}
	if (*end == s)
		return 0;
	*end = s;
	return v;
}

static int modify_mask(const char *str, unsigned long *map, unsigned int bits)
{
	unsigned long a, z, i;
	const char *np;
	char sign;

	while (*str) {
		sign = *str++;
		if (sign != '+' && sign != '-')
			return -EINVAL;
		a = parse_num(str, &np, bits);
		if (np == str || a >= bits)
			return -EINVAL;
		z = a;
		str = np;
		if (*str == '-') {
			str++;
			z = parse_num(str, &np, bits);
			if (np == str || a > z || z >= bits)
				return -EINVAL;
			str = np;
		}
		for (i = a; i <= z; i++) {
			if (sign == '+')
				__set_bit(i, map);
			else
				__clear_bit(i, map);
		}
		while (*str == ',' || *str == '\n')
			str++;
	}
	return 0;
}

/**
 * ap_matrix_parse_mask() - parse an AP bus apmask/aqmask write
 * @str: NUL-terminated input
 * @old: the current mask
 * @newmap: the resulting mask; written even on error, use it only on 0
 * @bits: mask size in bits, a multiple of 8 and at most 256
 *
 * Two forms, as ap_parse_bitmap_str() accepts them:
 * "0x..." (the 0x optional) replaces the whole mask; hex digits are MSB
 * first, bit 0 is the leftmost, and a short string is padded with zeros on
 * the right. "+n,-m,+a-b" sets or clears single bits and ranges of @old.
 * Numbers in the second form take decimal, 0x hex and 0 octal.
 *
 * Return: 0 or -EINVAL.
 */
int ap_matrix_parse_mask(const char *str, const unsigned long *old,
			 unsigned long *newmap, unsigned int bits)
{
	if ((bits & 7) || bits > AP_MATRIX_BITS)
		return -EINVAL;

	if (*str == '+' || *str == '-') {
		bitmap_copy(newmap, old, bits);
		return modify_mask(str, newmap, bits);
	}
	bitmap_zero(newmap, bits);
	return parse_hex_mask(str, newmap, bits);
}
EXPORT_SYMBOL_GPL(ap_matrix_parse_mask);

/**
 * ap_matrix_mask_to_bytes() - store a mask in the architected byte layout
 * @mask: the mask, id N in bit N
 * @out: @nbytes bytes; byte 0 bit 0x80 is id 0
 * @nbytes: number of bytes, at most AP_MATRIX_BITS / 8
 */
void ap_matrix_mask_to_bytes(const unsigned long *mask, u8 *out,
			     unsigned int nbytes)
{
	unsigned int i;

	for (i = 0; i < nbytes; i++)
		out[i] = 0;
	for (i = 0; i < nbytes * 8; i++)
		if (test_bit(i, mask))
			out[i / 8] |= 0x80 >> (i % 8);
}
EXPORT_SYMBOL_GPL(ap_matrix_mask_to_bytes);

/**
 * ap_matrix_mask_from_bytes() - read a mask from the architected layout
 * @mask: the AP_MATRIX_BITS mask to fill; ids past @nbytes * 8 are cleared
 * @in: @nbytes bytes; byte 0 bit 0x80 is id 0
 * @nbytes: number of bytes, at most AP_MATRIX_BITS / 8
 */
void ap_matrix_mask_from_bytes(unsigned long *mask, const u8 *in,
			       unsigned int nbytes)
{
	unsigned int i;

	bitmap_zero(mask, AP_MATRIX_BITS);
	for (i = 0; i < nbytes * 8; i++)
		if (in[i / 8] & (0x80 >> (i % 8)))
			__set_bit(i, mask);
}
EXPORT_SYMBOL_GPL(ap_matrix_mask_from_bytes);

/*
 * Where the three masks of a format's APCB are in the CRYCB: format 2
 * uses APCB1 with three 32-byte masks; formats 0 and 1 use APCB0 with an
 * 8-byte APM and 2 significant bytes of each of the AQM and ADM fields.
 */
static int ap_matrix_apcb_layout(enum ap_crycb_format fmt,
				 unsigned int off[3], unsigned int len[3])
{
	switch (fmt) {
	case AP_CRYCB_FORMAT2:
		off[0] = AP_CRYCB_APCB1 + AP_APCB1_APM;
		off[1] = AP_CRYCB_APCB1 + AP_APCB1_AQM;
		off[2] = AP_CRYCB_APCB1 + AP_APCB1_ADM;
		len[0] = AP_APCB1_MASK_SIZE;
		len[1] = AP_APCB1_MASK_SIZE;
		len[2] = AP_APCB1_MASK_SIZE;
		return 0;
	case AP_CRYCB_FORMAT1:
	case AP_CRYCB_FORMAT0:
		off[0] = AP_CRYCB_APCB0 + AP_APCB0_APM;
		off[1] = AP_CRYCB_APCB0 + AP_APCB0_AQM;
		off[2] = AP_CRYCB_APCB0 + AP_APCB0_ADM;
		len[0] = AP_APCB0_APM_SIZE;
		len[1] = AP_APCB0_DOM_SIZE;
		len[2] = AP_APCB0_DOM_SIZE;
		return 0;
	}
	return -EINVAL;
}

/**
 * ap_matrix_encode_apcb() - write the masks into a CRYCB
 * @fmt: the guest's CRYCB format
 * @apm: adapter mask
 * @aqm: usage domain mask
 * @adm: control domain mask
 * @crycb: AP_CRYCB_SIZE bytes of CRYCB
 *
 * Writes the bytes kvm_arch_crypto_set_masks() writes and no others:
 * format 2 fills the three 32-byte masks of APCB1; formats 0 and 1 fill
 * the 8-byte APM and the first 2 bytes of the AQM and ADM fields of APCB0.
 *
 * Return: 0, or -EINVAL for an unknown format.
 */
int ap_matrix_encode_apcb(enum ap_crycb_format fmt, const unsigned long *apm,
			  const unsigned long *aqm, const unsigned long *adm,
			  u8 *crycb)
{
	const unsigned long *masks[3] = { apm, aqm, adm };
	unsigned int off[3], len[3], i;

	if (ap_matrix_apcb_layout(fmt, off, len))
		return -EINVAL;
	for (i = 0; i < 3; i++)
		ap_matrix_mask_to_bytes(masks[i], crycb + off[i], len[i]);
	return 0;
}
EXPORT_SYMBOL_GPL(ap_matrix_encode_apcb);

/**
 * ap_matrix_decode_apcb() - read the masks a CRYCB grants a guest
 * @fmt: the guest's CRYCB format
 * @crycb: AP_CRYCB_SIZE bytes of CRYCB
 * @apm: adapter mask, AP_MATRIX_BITS
 * @aqm: usage domain mask, AP_MATRIX_BITS
 * @adm: control domain mask, AP_MATRIX_BITS
 *
 * The inverse of ap_matrix_encode_apcb(): reads only the bytes that the
 * format defines.
 *
 * Return: 0, or -EINVAL for an unknown format.
 */
int ap_matrix_decode_apcb(enum ap_crycb_format fmt, const u8 *crycb,
			  unsigned long *apm, unsigned long *aqm,
			  unsigned long *adm)
{
	unsigned long *masks[3] = { apm, aqm, adm };
	unsigned int off[3], len[3], i;

	if (ap_matrix_apcb_layout(fmt, off, len))
		return -EINVAL;
	for (i = 0; i < 3; i++)
		ap_matrix_mask_from_bytes(masks[i], crycb + off[i], len[i]);
	return 0;
}
EXPORT_SYMBOL_GPL(ap_matrix_decode_apcb);

/**
 * ap_matrix_pick_apqn() - choose one APQN of a matrix
 * @apm: adapter mask, AP_MATRIX_BITS
 * @aqm: usage domain mask, AP_MATRIX_BITS
 * @r: a random number; its bits 0-15 choose the adapter, 16-31 the domain
 *
 * Return: an APQN of @apm x @aqm, or -ENOENT when it is empty.
 */
int ap_matrix_pick_apqn(const unsigned long *apm, const unsigned long *aqm,
			u64 r)
{
	unsigned int na = bitmap_weight(apm, AP_MATRIX_BITS);
	unsigned int nd = bitmap_weight(aqm, AP_MATRIX_BITS);
	unsigned long apid, apqi;
	unsigned int n;

	if (!na || !nd)
		return -ENOENT;
	apid = find_first_bit(apm, AP_MATRIX_BITS);
	for (n = (r & 0xffff) % na; n; n--)
		apid = find_next_bit(apm, AP_MATRIX_BITS, apid + 1);
	apqi = find_first_bit(aqm, AP_MATRIX_BITS);
	for (n = ((r >> 16) & 0xffff) % nd; n; n--)
		apqi = find_next_bit(aqm, AP_MATRIX_BITS, apqi + 1);
	return AP_MATRIX_APQN(apid, apqi);
}
EXPORT_SYMBOL_GPL(ap_matrix_pick_apqn);

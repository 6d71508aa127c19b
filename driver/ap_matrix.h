/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure AP matrix / APCB core of the vfio_ap reference driver.
 *
 * Nothing in here takes a lock, touches a global or knows about devices:
 * every function works on the arguments it is given and asks the world
 * through callbacks with a context pointer. The glue in vfio_ap_*.c holds
 * the locks and feeds these functions.
 *
 * Ids are stored as plain bitmap bit numbers (id N is bit N). Only the
 * CRYCB encoding and the AP bus mask syntax use the architected
 * MSB-first order, so the same code is right on any host endianness.
 */
#ifndef _VFIO_AP_REF_AP_MATRIX_H_
#define _VFIO_AP_REF_AP_MATRIX_H_

#include <linux/types.h>
#include <linux/bitmap.h>

/* Number of adapter ids (APIDs) and of domain ids (APQIs). */
#define AP_MATRIX_BITS		256
/* Largest ids without the APXA facility. */
#define AP_MATRIX_APM_MAX_NOAPXA	63
#define AP_MATRIX_AQM_MAX_NOAPXA	15
/* Oldest adapter type vfio_ap supports. */
#define AP_MATRIX_CEX4		10

/* APQN helpers: APQN = adapter (APID) << 8 | domain (APQI). */
#define AP_MATRIX_APQN(apid, apqi)	((((apid) & 0xff) << 8) | ((apqi) & 0xff))
#define AP_MATRIX_APID(apqn)		(((apqn) >> 8) & 0xff)
#define AP_MATRIX_APQI(apqn)		((apqn) & 0xff)

/**
 * enum ap_matrix_kind - the three kinds of ids of a matrix
 * @AP_MATRIX_ADAPTER: adapter ids (APIDs), the APM; the AP bus's apmask
 * @AP_MATRIX_DOMAIN: usage domain ids (APQIs), the AQM; the bus's aqmask
 * @AP_MATRIX_CDOM: control domain ids, the ADM
 */
enum ap_matrix_kind {
	AP_MATRIX_ADAPTER,
	AP_MATRIX_DOMAIN,
	AP_MATRIX_CDOM,
};

/**
 * struct ap_matrix - adapters, domains and control domains, with limits
 * @apm_max: largest valid adapter id
 * @apm: adapter mask
 * @aqm_max: largest valid usage domain id
 * @aqm: usage domain mask
 * @adm_max: largest valid control domain id
 * @adm: control domain mask
 *
 * Used for an mdev's assigned matrix, for its shadow APCB and for the
 * host AP configuration alike.
 */
struct ap_matrix {
	unsigned long apm_max;
	DECLARE_BITMAP(apm, AP_MATRIX_BITS);
	unsigned long aqm_max;
	DECLARE_BITMAP(aqm, AP_MATRIX_BITS);
	unsigned long adm_max;
	DECLARE_BITMAP(adm, AP_MATRIX_BITS);
};

/**
 * typedef ap_matrix_queue_usable_fn - can this APQN be given to a guest?
 * @ctx: caller's context
 * @apid: adapter id
 * @apqi: domain id
 *
 * Return: true if the queue is bound to the driver, linked to the mdev and
 * its last reset succeeded.
 */
typedef bool (*ap_matrix_queue_usable_fn)(void *ctx, unsigned long apid,
					  unsigned long apqi);

/**
 * typedef ap_matrix_card_type_fn - ask the adapter type of an APQN
 * @ctx: caller's context
 * @apid: adapter id
 * @apqi: domain id
 *
 * Return: the AP device type (10 is CEX4), or a negative errno when the
 * type cannot be determined.
 */
typedef int (*ap_matrix_card_type_fn)(void *ctx, unsigned long apid,
				      unsigned long apqi);

/**
 * enum ap_crycb_format - CRYCB formats
 * @AP_CRYCB_FORMAT0: format 0, APCB0 (64-bit APM, 16-bit AQM and ADM)
 * @AP_CRYCB_FORMAT1: format 1, APCB0 as format 0
 * @AP_CRYCB_FORMAT2: format 2 (APXA), APCB1 (256-bit masks)
 */
enum ap_crycb_format {
	AP_CRYCB_FORMAT0 = 0,
	AP_CRYCB_FORMAT1 = 1,
	AP_CRYCB_FORMAT2 = 3,
};

/* Architected CRYCB layout, in bytes. */
#define AP_CRYCB_SIZE		0x100
#define AP_CRYCB_APCB0		0x000
#define AP_CRYCB_APCB0_SIZE	0x020
#define AP_CRYCB_APCB1		0x080
#define AP_CRYCB_APCB1_SIZE	0x080
/* The masks in APCB0 (formats 0 and 1): 64 adapters, 16 domains. */
#define AP_APCB0_APM		0x00
#define AP_APCB0_AQM		0x08
#define AP_APCB0_ADM		0x10
#define AP_APCB0_APM_SIZE	8
#define AP_APCB0_DOM_SIZE	2
/* The masks in APCB1 (format 2, APXA): 256 ids each. */
#define AP_APCB1_APM		0x00
#define AP_APCB1_AQM		0x20
#define AP_APCB1_ADM		0x40
#define AP_APCB1_MASK_SIZE	0x20

unsigned long *ap_matrix_mask(struct ap_matrix *m, enum ap_matrix_kind kind,
			      unsigned long *max);
int ap_matrix_parse_id(const char *buf, unsigned long max, unsigned long *id);
void ap_matrix_init_limits(struct ap_matrix *m, bool apxa, unsigned long na,
			   unsigned long nd);
bool ap_matrix_apqns_intersect(const unsigned long *apm1,
			       const unsigned long *aqm1,
			       const unsigned long *apm2,
			       const unsigned long *aqm2,
			       unsigned long *apm_out, unsigned long *aqm_out);
int ap_matrix_check_sharing(const struct ap_matrix *assignee,
			    const struct ap_matrix *other,
			    unsigned long *apm_out, unsigned long *aqm_out);
int ap_matrix_check_reserved(const struct ap_matrix *m,
			     const unsigned long *perm_apm,
			     const unsigned long *perm_aqm,
			     unsigned long *apm_out, unsigned long *aqm_out);
bool ap_matrix_filter(const struct ap_matrix *matrix,
		      const struct ap_matrix *host, struct ap_matrix *shadow,
		      ap_matrix_queue_usable_fn usable, void *ctx);
bool ap_matrix_filter_cdoms(const struct ap_matrix *matrix,
			    const struct ap_matrix *host,
			    struct ap_matrix *shadow);
bool ap_matrix_config_diff(const struct ap_matrix *old_cfg,
			   const struct ap_matrix *new_cfg,
			   struct ap_matrix *added, struct ap_matrix *removed);
void ap_matrix_filter_card_types(unsigned long *apm, const unsigned long *aqm,
				 ap_matrix_card_type_fn card_type, void *ctx);
size_t ap_matrix_format(const struct ap_matrix *m, char *buf, size_t size);
size_t ap_matrix_format_cdoms(const struct ap_matrix *m, char *buf,
			      size_t size);
int ap_matrix_parse_mask(const char *str, const unsigned long *old,
			 unsigned long *newmap, unsigned int bits);
void ap_matrix_mask_to_bytes(const unsigned long *mask, u8 *out,
			     unsigned int nbytes);
void ap_matrix_mask_from_bytes(unsigned long *mask, const u8 *in,
			       unsigned int nbytes);
int ap_matrix_encode_apcb(enum ap_crycb_format fmt, const unsigned long *apm,
			  const unsigned long *aqm, const unsigned long *adm,
			  u8 *crycb);
int ap_matrix_decode_apcb(enum ap_crycb_format fmt, const u8 *crycb,
			  unsigned long *apm, unsigned long *aqm,
			  unsigned long *adm);
int ap_matrix_pick_apqn(const unsigned long *apm, const unsigned long *aqm,
			u64 r);

#endif /* _VFIO_AP_REF_AP_MATRIX_H_ */

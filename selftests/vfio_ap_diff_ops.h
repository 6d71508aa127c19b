/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The operation language of the differential test (vfio_ap_diff.c): one
 * operation per line of text, applied to one driver, and the driver's
 * observable state after it.
 *
 * Operations (SLOT is an mdev slot 0 or 1, VAL a value as written, see
 * val_decode(); APQN is "aa.dddd"):
 *   create SLOT [VAL]        write the slot's UUID (or VAL) to create
 *   remove SLOT VAL          write VAL to the slot's remove
 *   assign|unassign SLOT KIND VAL
 *                            KIND adapter, domain or control_domain
 *   mask apmask|aqmask VAL   write VAL to the AP bus's mask
 *   bind|unbind VAL          write VAL to the vfio_ap driver's bind/unbind
 *   host CMD ID [scan]       an ap/config command ("+a 1", "-d 2", ...),
 *                            and then "scan" if asked
 *   host scan                the AP bus's scan alone
 *   reset_fail APQN RC       the next reset of APQN answers RC once
 *   guest create|destroy     the guest DIFF_GUEST
 *   attach SLOT              link the slot's mdev to the guest and open
 *                            its VFIO device
 *   detach SLOT              close the device and unlink the mdev
 *   pqap APQN IR             one PQAP(AQIC) intercept of the guest
 *
 * A driver's state is the contents of every mdev's matrix, guest_matrix
 * and control_domains, every queue's status (queues bound to vfio_ap)
 * and the guest's CRYCB, one "field value" line each.
 *
 * Files stay open and are read with pread() and written with write()
 * (sysfs and the debugfs command files ignore the offset): under TCG
 * with lockdep and KASAN, an open() of a sysfs file costs twenty times
 * a read. A file kept for reading is opened again when a read fails (it
 * was removed, and maybe created again); one kept for writing is closed
 * by the operation that removes it (drv_forget()).
 */
#ifndef _VFIO_AP_DIFF_OPS_H_
#define _VFIO_AP_DIFF_OPS_H_

#include <ctype.h>
#include <stdlib.h>

#include "vfio_ap_ref.h"

#define DIFF_SLOTS	2
#define DIFF_GUEST	7
/* The host configuration's ids: queues exist for these at most. */
#define DIFF_NR_HOST_IDS	3
static const int diff_host_ids[DIFF_NR_HOST_IDS] = { 1, 2, 255 };
#define DIFF_NR_QUEUES	(DIFF_NR_HOST_IDS * DIFF_NR_HOST_IDS)
#define DIFF_STATE_MAX	16384
#define DIFF_WCACHE	24

static const char * const diff_uuid[DIFF_SLOTS] = {
	"d1ff0000-0000-0000-0000-000000000000",
	"d1ff1111-1111-1111-1111-111111111111",
};

static const char * const diff_mdev_files[] = {
	"matrix", "guest_matrix", "control_domains",
};

#define DIFF_NR_MDEV_FILES	ARRAY_SIZE(diff_mdev_files)

/* A file kept open, or -1; re-opened when a read fails. */
struct cfile {
	char path[192];
	int fd;
};

/**
 * struct drv - one driver under the differential test
 * @t: its target (paths and attach path)
 * @link: each slot's VFIO container and group (real VFIO)
 * @dev: each slot's open VFIO device, or -1
 * @linked: the slot's mdev is linked to the guest (vfio_add)
 * @mfile: each slot's state files
 * @crycb: the guest's CRYCB file
 * @pqap: the guest's PQAP file
 * @queue: each queue's status file
 * @absent: the queue's status file did not open at the last probe
 * @probe: probe absent files again at the next capture (the set of
 *	queues or their binding may have changed)
 * @wc: files kept open for writing
 * @wnext: the entry of @wc to reuse next
 */
struct drv {
	const struct driver_target *t;
	struct vfio_link link[DIFF_SLOTS];
	int dev[DIFF_SLOTS];
	bool linked[DIFF_SLOTS];
	struct cfile mfile[DIFF_SLOTS][DIFF_NR_MDEV_FILES];
	struct cfile crycb, pqap;
	struct cfile queue[DIFF_NR_QUEUES];
	bool absent[DIFF_NR_QUEUES];
	bool probe;
	struct cfile wc[DIFF_WCACHE];
	unsigned int wnext;
};

static inline void cfile_init(struct cfile *c, const char *path)
{
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->fd = -1;
}

static inline void cfile_close(struct cfile *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/*
 * Read the whole file into @buf: its length, or -errno if it does not
 * open (absent). A failed read of an open file (it was removed, maybe
 * created again since) re-opens it once.
 */
static inline int cfile_read(struct cfile *c, char *buf, size_t size)
{
	int tries, n = -1;

	for (tries = 0; tries < 2; tries++) {
		if (c->fd < 0) {
			c->fd = open(c->path, O_RDONLY);
			if (c->fd < 0)
				return -errno;
		}
		n = pread(c->fd, buf, size - 1, 0);
		if (n >= 0)
			break;
		cfile_close(c);
	}
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	return n;
}

/* Set up @d for target @t: no file open yet, nothing attached. */
static inline void drv_init(struct drv *d, const struct driver_target *t)
{
	const struct driver_target *saved = under_test;
	int s, f, a, q;

	memset(d, 0, sizeof(*d));
	d->t = t;
	under_test = t;
	for (s = 0; s < DIFF_SLOTS; s++) {
		d->link[s] = (struct vfio_link)VFIO_LINK_INIT;
		d->dev[s] = -1;
		for (f = 0; f < (int)DIFF_NR_MDEV_FILES; f++)
			cfile_init(&d->mfile[s][f],
				   tpath("%s/%s/%s", MATRIX_DIR, diff_uuid[s],
					 diff_mdev_files[f]));
	}
	cfile_init(&d->crycb, tpath("%s/guests/%d/crycb", CTL_DIR, DIFF_GUEST));
	cfile_init(&d->pqap, tpath("%s/guests/%d/pqap", CTL_DIR, DIFF_GUEST));
	for (a = 0; a < DIFF_NR_HOST_IDS; a++)
		for (q = 0; q < DIFF_NR_HOST_IDS; q++)
			cfile_init(&d->queue[a * DIFF_NR_HOST_IDS + q],
				   tpath("%s/devices/%02x.%04x/status", BUS_DIR,
					 diff_host_ids[a], diff_host_ids[q]));
	for (s = 0; s < DIFF_WCACHE; s++)
		d->wc[s].fd = -1;
	d->probe = true;
	under_test = saved;
}

/* Write @val to @path in one write() on a kept file: 0 or -errno. */
static inline int drv_write(struct drv *d, const char *path, const char *val)
{
	size_t len = strlen(val);
	struct cfile *c = NULL;
	unsigned int i;
	ssize_t n;

	for (i = 0; i < DIFF_WCACHE && !c; i++)
		if (d->wc[i].fd >= 0 && !strcmp(d->wc[i].path, path))
			c = &d->wc[i];
	if (!c) {
		c = &d->wc[d->wnext++ % DIFF_WCACHE];
		cfile_close(c);
		cfile_init(c, path);
		c->fd = open(path, O_WRONLY);
		if (c->fd < 0)
			return -errno;
	}
	/*
	 * write(), not pwrite(): seq_open() takes FMODE_PWRITE from the
	 * debugfs files that can also be read (ap/config, pqap), and no
	 * store these files reach looks at the position.
	 */
	n = write(c->fd, val, len);
	return n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
}

/* Close the kept files under @prefix: they are about to go. */
static inline void drv_forget(struct drv *d, const char *prefix)
{
	unsigned int i;

	for (i = 0; i < DIFF_WCACHE; i++)
		if (!strncmp(d->wc[i].path, prefix, strlen(prefix)))
			cfile_close(&d->wc[i]);
}

/*
 * A value token: "-" is the empty string, "%XX" a byte in hex, any
 * other byte itself. Returns false for a malformed token.
 */
static inline bool val_decode(const char *tok, char *out, size_t size)
{
	size_t n = 0;

	if (!strcmp(tok, "-")) {
		out[0] = '\0';
		return true;
	}
	for (; *tok && n + 1 < size; tok++) {
		unsigned int byte;

		if (*tok != '%') {
			out[n++] = *tok;
			continue;
		}
		if (!isxdigit((unsigned char)tok[1]) ||
		    !isxdigit((unsigned char)tok[2]) ||
		    sscanf(tok + 1, "%2x", &byte) != 1)
			return false;
		out[n++] = byte;
		tok += 2;
	}
	out[n] = '\0';
	return !*tok;
}

/* The token of @val, as val_decode() reads it. */
static inline const char *val_encode(const char *val, char *out, size_t size)
{
	size_t n = 0;

	if (!*val)
		return "-";
	for (; *val && n + 4 < size; val++) {
		unsigned char c = *val;

		if (c <= ' ' || c >= 0x7f || c == '%' || c == ';')
			n += snprintf(out + n, size - n, "%%%02x", c);
		else
			out[n++] = c;
	}
	out[n] = '\0';
	return out;
}

/* An ap/config command on a kept file. */
static inline int drv_host(struct drv *d, const char *cmd)
{
	return drv_write(d, tpath("%s/ap/config", CTL_DIR), cmd);
}

/* Detach slot @s: close its device, unlink it, close its group. */
static inline int drv_detach(struct drv *d, int s)
{
	int ret = 0;

	if (d->dev[s] >= 0)
		close(d->dev[s]);
	d->dev[s] = -1;
	if (d->linked[s])
		ret = guest_vfio(DIFF_GUEST, false, &d->link[s], diff_uuid[s]);
	d->linked[s] = false;
	vfio_link_close(&d->link[s]);
	return ret;
}

/* Attach slot @s: link it to the guest and open its VFIO device. */
static inline int drv_attach(struct drv *d, int s)
{
	int ret;

	if (d->dev[s] >= 0)
		return -EALREADY;
	ret = vfio_link_open(&d->link[s], diff_uuid[s]);
	if (!ret && !d->linked[s]) {
		ret = guest_vfio(DIFF_GUEST, true, &d->link[s], diff_uuid[s]);
		d->linked[s] = !ret;
	}
	if (!ret) {
		ret = vfio_device_open(&d->link[s], diff_uuid[s]);
		d->dev[s] = ret < 0 ? -1 : ret;
	}
	/*
	 * Without the mdev, the attach path of the target fails on the
	 * way: the model's vfio/UUID file or the real mdev's iommu_group
	 * link is missing (-ENOENT), or a group kept open from before has
	 * no device (-ENODEV). Both mean "no such device" here.
	 */
	if (ret == -ENOENT)
		ret = -ENODEV;
	return ret < 0 ? ret : 0;
}

/*
 * The last PQAP's answer as "ret=R rc=RC flags=F": the hook's return
 * value, and the response code (bits 40-47 of general register 1) and
 * the flags byte (bits 32-39: queue empty, replies waiting, queue full,
 * IRQ enabled) of the AP queue status word.
 */
static inline void pqap_answer(struct cfile *c, char *res, size_t size)
{
	unsigned long long gr1;
	char buf[64];
	int ret;

	if (cfile_read(c, buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%d %llx", &ret, &gr1) != 2) {
		snprintf(res, size, "ret=unreadable");
		return;
	}
	snprintf(res, size, "ret=%d rc=%02llx flags=%02llx", ret,
		 gr1 >> 16 & 0xff, gr1 >> 24 & 0xff);
}

/* Whether @s names a slot; sets *@slot. */
static inline bool slot_arg(const char *s, int *slot)
{
	if (!s || (strcmp(s, "0") && strcmp(s, "1")))
		return false;
	*slot = *s - '0';
	return true;
}

#define DIFF_EBADOP	1000	/* not an operation: a bug in the test */

/*
 * Apply one operation to driver @d: 0, -errno, or -DIFF_EBADOP if @line
 * is not an operation. @res gets what the operation answered beyond
 * its errno ("key=value" words, see pqap_answer()), or "".
 */
static inline int drv_apply(struct drv *d, const char *line, char *res,
			    size_t ressize)
{
	char buf[256], *w[6] = { NULL }, *save, val[256];
	int n = 0, slot, ret;

	res[0] = '\0';
	snprintf(buf, sizeof(buf), "%s", line);
	for (w[0] = strtok_r(buf, " ", &save); w[n] && n < 5;)
		w[++n] = strtok_r(NULL, " ", &save);
	if (!n)
		return -DIFF_EBADOP;
	under_test = d->t;
	if (!strcmp(w[0], "create") && slot_arg(w[1], &slot)) {
		if (w[2] && !val_decode(w[2], val, sizeof(val)))
			return -DIFF_EBADOP;
		drv_forget(d, tpath("%s/%s/", MATRIX_DIR, diff_uuid[slot]));
		return drv_write(d, tpath("%s/create", MDEV_TYPE_DIR),
				 w[2] ? val : diff_uuid[slot]);
	}
	if (!strcmp(w[0], "remove") && slot_arg(w[1], &slot) && w[2] &&
	    val_decode(w[2], val, sizeof(val))) {
		ret = drv_write(d, tpath("%s/%s/remove", MATRIX_DIR,
					 diff_uuid[slot]), val);
		drv_forget(d, tpath("%s/%s/", MATRIX_DIR, diff_uuid[slot]));
		/*
		 * Gone with the mdev: its group, as QEMU would close it. The
		 * guest keeps its link to the old group until it unlinks
		 * everything at destroy, in both drivers' KVM.
		 */
		if (access(tpath("%s/%s", MATRIX_DIR, diff_uuid[slot]), F_OK)) {
			vfio_link_close(&d->link[slot]);
			d->linked[slot] = false;
		}
		return ret;
	}
	if ((!strcmp(w[0], "assign") || !strcmp(w[0], "unassign")) &&
	    slot_arg(w[1], &slot) && w[2] && w[3] &&
	    (!strcmp(w[2], "adapter") || !strcmp(w[2], "domain") ||
	     !strcmp(w[2], "control_domain")) &&
	    val_decode(w[3], val, sizeof(val)))
		return drv_write(d, tpath("%s/%s/%s_%s", MATRIX_DIR,
					  diff_uuid[slot], w[0], w[2]), val);
	if (!strcmp(w[0], "mask") && w[1] && w[2] &&
	    (!strcmp(w[1], "apmask") || !strcmp(w[1], "aqmask")) &&
	    val_decode(w[2], val, sizeof(val))) {
		d->probe = true;
		return drv_write(d, tpath("%s/%s", BUS_DIR, w[1]), val);
	}
	if ((!strcmp(w[0], "bind") || !strcmp(w[0], "unbind")) && w[1] &&
	    val_decode(w[1], val, sizeof(val))) {
		d->probe = true;
		return drv_write(d, tpath("%s/%s", DRV_DIR, w[0]), val);
	}
	if (!strcmp(w[0], "host") && w[1] && !strcmp(w[1], "scan") && !w[2]) {
		d->probe = true;
		return drv_host(d, "scan");
	}
	if (!strcmp(w[0], "host") && w[1] && w[2]) {
		snprintf(val, sizeof(val), "%s %s", w[1], w[2]);
		ret = drv_host(d, val);
		if (!ret && w[3] && !strcmp(w[3], "scan"))
			ret = drv_host(d, "scan");
		d->probe = true;
		return ret;
	}
	if (!strcmp(w[0], "reset_fail") && w[1] && w[2]) {
		unsigned int a, q;

		if (sscanf(w[1], "%x.%x", &a, &q) != 2)
			return -DIFF_EBADOP;
		return drv_host(d, tpath("reset_fail %u %s", a << 8 | q, w[2]));
	}
	if (!strcmp(w[0], "guest") && w[1] && !strcmp(w[1], "create"))
		return drv_write(d, tpath("%s/guests/create", CTL_DIR),
				 tpath("%d", DIFF_GUEST));
	if (!strcmp(w[0], "guest") && w[1] && !strcmp(w[1], "destroy")) {
		/* The kvm-vfio device goes, and with it the links. */
		for (slot = 0; slot < DIFF_SLOTS; slot++)
			d->linked[slot] = false;
		drv_forget(d, tpath("%s/guests/%d/", CTL_DIR, DIFF_GUEST));
		return drv_write(d, tpath("%s/guests/destroy", CTL_DIR),
				 tpath("%d", DIFF_GUEST));
	}
	if (!strcmp(w[0], "attach") && slot_arg(w[1], &slot))
		return drv_attach(d, slot);
	if (!strcmp(w[0], "detach") && slot_arg(w[1], &slot))
		return drv_detach(d, slot);
	if (!strcmp(w[0], "pqap") && w[1] && w[2]) {
		unsigned int a, q;

		if (sscanf(w[1], "%x.%x", &a, &q) != 2)
			return -DIFF_EBADOP;
		ret = drv_write(d, d->pqap.path, tpath("%u %s", a << 8 | q, w[2]));
		if (!ret)
			pqap_answer(&d->pqap, res, ressize);
		return ret;
	}
	return -DIFF_EBADOP;
}

/* Append "field value" to @out, newlines in the value shown as '|'. */
static inline size_t state_line(char *out, size_t len, size_t size,
				const char *field, const char *val)
{
	size_t start = len;

	len += snprintf(out + len, size - len, "%s ", field);
	for (; *val && len + 2 < size; val++)
		out[len++] = *val == '\n' ? '|' : *val;
	out[len++] = '\n';
	out[len] = '\0';
	return len < size ? len : start;
}

/* The observable state of driver @d, as "field value" lines. */
static inline void drv_capture(struct drv *d, char *out, size_t size)
{
	char buf[4096], field[64];
	size_t len = 0;
	int s, f, i, n;

	out[0] = '\0';
	for (s = 0; s < DIFF_SLOTS; s++)
		for (f = 0; f < (int)DIFF_NR_MDEV_FILES; f++) {
			n = cfile_read(&d->mfile[s][f], buf, sizeof(buf));
			snprintf(field, sizeof(field), "mdev%d.%s", s,
				 diff_mdev_files[f]);
			len = state_line(out, len, size, field,
					 n < 0 ? "(none)" : buf);
		}
	for (i = 0; i < DIFF_NR_QUEUES; i++) {
		if (d->absent[i] && !d->probe)
			continue;
		n = cfile_read(&d->queue[i], buf, sizeof(buf));
		d->absent[i] = n < 0;
		if (n < 0)
			continue;
		snprintf(field, sizeof(field), "queue.%02x.%04x",
			 diff_host_ids[i / DIFF_NR_HOST_IDS],
			 diff_host_ids[i % DIFF_NR_HOST_IDS]);
		len = state_line(out, len, size, field, buf);
	}
	d->probe = false;
	n = cfile_read(&d->crycb, buf, sizeof(buf));
	len = state_line(out, len, size, "guest.crycb", n < 0 ? "(none)" : buf);
}

#endif /* _VFIO_AP_DIFF_OPS_H_ */

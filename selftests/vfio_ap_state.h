/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The driver's own bookkeeping, as the simulation's debugfs "state"
 * dumps it (driver/vfio_ap_state.c, the model's and the real vfio_ap's):
 * read into a table once, for the stress test's invariant checks and the
 * functional tests' look at one queue's link.
 *
 * The dump's format is written in driver/vfio_ap_state.c; the mdevs'
 * reference counts ("refs N") are not read here, a snapshot compares
 * them. The simulation answers "no driver" while the driver is not
 * registered.
 */
#ifndef _VFIO_AP_STATE_H_
#define _VFIO_AP_STATE_H_

#include "vfio_ap_ref.h"

#define DRV_STATE_MDEVS	16

/**
 * struct drv_state - the driver's bookkeeping, read
 * @nmdev: mdevs read
 * @mdev: their names
 * @assigned: per mdev, its assigned adapters [0] and domains [1]
 * @guest: per mdev, its guest's (hashed) pointer, or "" without one
 * @hook: per mdev with a guest, whether the guest's PQAP hook is the mdev's
 * @in_table: per APQN (adapter << 8 | domain & 0xff), the index + 1 of the
 *	mdev whose queue table holds it, or 0
 * @bound: per APQN, 0 when not bound, 1 when bound and naming no mdev,
 *	else 2 + the index of the mdev it names
 */
struct drv_state {
	int nmdev;
	char mdev[DRV_STATE_MDEVS][64];
	bool assigned[DRV_STATE_MDEVS][2][256];
	char guest[DRV_STATE_MDEVS][32];
	bool hook[DRV_STATE_MDEVS];
	int in_table[1 << 16];
	int bound[1 << 16];
};

#define STATE_APQN(a, q)	(((a) & 0xff) << 8 | ((q) & 0xff))

static inline int drv_state_mdev(const struct drv_state *s, const char *name)
{
	int m;

	for (m = 0; m < s->nmdev && strcmp(s->mdev[m], name); m++)
		;
	return m < s->nmdev ? m : -1;
}

/*
 * Read the dump into @s. Returns 0, -errno when it cannot be read, or
 * -EPROTO with what is wrong in @why when a line cannot be parsed or
 * contradicts another: a table of an unknown mdev, a queue in two tables
 * or bound twice, a table entry not assigned, a queue naming an unknown
 * mdev, no "end" line.
 */
static inline int drv_state_read(struct drv_state *s, char *why, size_t size)
{
	static char buf[1 << 16];
	char *l, *save, name[64], apm[1024], aqm[1024], kvm[32], hook[4];
	unsigned int a, q, apqn, users;
	int n, m, ended = 0;

	n = file_read(tpath("%s/state", CTL_DIR), buf, sizeof(buf));
	if (n < 0)
		return n;
	memset(s, 0, sizeof(*s));
#define STATE_BAD(...) ({ snprintf(why, size, "state: " __VA_ARGS__); -EPROTO; })
	for (l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!strcmp(l, "end")) {
			ended = 1;
		} else if (sscanf(l, "mdev %63s apm %1023s aqm %1023s", name, apm,
				  aqm) == 3) {
			if (s->nmdev == DRV_STATE_MDEVS)
				return STATE_BAD("more than %d mdevs", DRV_STATE_MDEVS);
			snprintf(s->mdev[s->nmdev], sizeof(s->mdev[0]), "%s", name);
			parse_list(strcmp(apm, "-") ? apm : "", s->assigned[s->nmdev][0]);
			parse_list(strcmp(aqm, "-") ? aqm : "", s->assigned[s->nmdev][1]);
			s->nmdev++;
		} else if (sscanf(l, "guest %63s kvm %31s hook %3s users %u", name,
				  kvm, hook, &users) == 4) {
			m = drv_state_mdev(s, name);
			if (m < 0)
				return STATE_BAD("guest of unknown mdev %s", name);
			snprintf(s->guest[m], sizeof(s->guest[0]), "%s", kvm);
			s->hook[m] = !strcmp(hook, "yes");
		} else if (sscanf(l, "table %63s %x.%x", name, &a, &q) == 3) {
			m = drv_state_mdev(s, name);
			apqn = STATE_APQN(a, q);
			if (m < 0)
				return STATE_BAD("table of unknown mdev %s", name);
			if (s->in_table[apqn])
				return STATE_BAD("%02x.%04x in the tables of %s and %s", a, q,
						 s->mdev[s->in_table[apqn] - 1], name);
			if (!s->assigned[m][0][a & 0xff] || !s->assigned[m][1][q & 0xff])
				return STATE_BAD("%02x.%04x in %s's table, not assigned",
						 a, q, name);
			s->in_table[apqn] = m + 1;
		} else if (sscanf(l, "queue %x.%x %63s", &a, &q, name) == 3) {
			bool none = !strcmp(name, "-");

			apqn = STATE_APQN(a, q);
			if (s->bound[apqn])
				return STATE_BAD("%02x.%04x bound twice", a, q);
			m = none ? -1 : drv_state_mdev(s, name);
			if (!none && m < 0)
				return STATE_BAD("%02x.%04x points at unknown mdev %s",
						 a, q, name);
			s->bound[apqn] = 2 + m;
		} else if (strcmp(l, "no driver")) {
			return STATE_BAD("cannot parse \"%s\"", l);
		}
	}
	if (!ended)
		return STATE_BAD("no \"end\" line: cut short");
	return 0;
#undef STATE_BAD
}

/*
 * The invariants of the bookkeeping: an mdev's guest has that mdev's PQAP
 * hook, and no other mdev has the same guest; every queue in an mdev's
 * table is bound and names that mdev; every bound queue that names an
 * mdev is in that mdev's table. Returns 0, or -EPROTO with the first one
 * broken in @why.
 */
static inline int drv_state_check(const struct drv_state *s, char *why, size_t size)
{
	unsigned int apqn;
	int m, o;

	/* An mdev's guest has the mdev's PQAP hook, and no other mdev. */
	for (m = 0; m < s->nmdev; m++) {
		if (!s->guest[m][0])
			continue;
		if (!s->hook[m]) {
			snprintf(why, size, "state: the guest of %s has another PQAP hook",
				 s->mdev[m]);
			return -EPROTO;
		}
		for (o = m + 1; o < s->nmdev; o++) {
			if (!strcmp(s->guest[m], s->guest[o])) {
				snprintf(why, size, "state: %s and %s have one guest",
					 s->mdev[m], s->mdev[o]);
				return -EPROTO;
			}
		}
	}

	for (apqn = 0; apqn < (1 << 16); apqn++) {
		if (s->in_table[apqn] && s->bound[apqn] != 1 + s->in_table[apqn]) {
			snprintf(why, size, "state: %02x.%04x is in an mdev's table but %s",
				 apqn >> 8, apqn & 0xff,
				 s->bound[apqn] ? "points at another or none" : "is not bound");
			return -EPROTO;
		}
		if (s->bound[apqn] > 1 && s->in_table[apqn] != s->bound[apqn] - 1) {
			snprintf(why, size, "state: bound %02x.%04x not in its mdev's table",
				 apqn >> 8, apqn & 0xff);
			return -EPROTO;
		}
	}
	return 0;
}

/*
 * A bound queue's link: the mdev the queue @a.@q names, and whether that
 * mdev's queue table holds it. Writes "" to @why when the link holds
 * both ways (or the queue names no mdev), otherwise what is wrong (a
 * dump that contradicts itself included). Returns 0, or -errno when the
 * state cannot be read or the queue is not bound.
 */
static inline int drv_state_queue_link(unsigned int a, unsigned int q,
				       char *why, size_t size)
{
	static struct drv_state s;
	unsigned int apqn = STATE_APQN(a, q);
	int ret;

	ret = drv_state_read(&s, why, size);
	if (ret == -EPROTO)
		return 0;
	if (ret)
		return ret;
	if (!s.bound[apqn])
		return -ENOENT;
	if (s.bound[apqn] == 1 || s.in_table[apqn] == s.bound[apqn] - 1)
		snprintf(why, size, "%s", "");
	else
		snprintf(why, size, "bound %02x.%04x names mdev %s, whose queue table lacks it",
			 a, q, s.mdev[s.bound[apqn] - 2]);
	return 0;
}

#endif /* _VFIO_AP_STATE_H_ */

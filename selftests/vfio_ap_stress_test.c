// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrent stress of the vfio_ap reference driver: actors assign and
 * unassign, create and remove an mdev, attach and detach guests, destroy
 * guests, change the host configuration, flip apmask/aqmask, bind and
 * unbind queues, run vCPUs intercepting PQAP, and read the matrices and
 * queue status, all at once. A checker stops the actors now and then and
 * checks the invariants on a quiescent system:
 *
 *  - a guest's APCB is within assigned & host config & bound queues;
 *  - no APQN is in two mdevs;
 *  - no APQN reserved for the host is assigned;
 * and at the end the assigned matrices must equal what the log of
 * successful assign/unassign operations says (each matrix bit has one
 * owning thread, so the last successful operation of its owner wins).
 *
 * Parameters come from the environment (the VM's init exports them from
 * the kernel command line): SELFTEST_SEED, SELFTEST_STRESS_SECONDS,
 * SELFTEST_STRESS_THREADS, SELFTEST_STALL_SECS. Each thread draws from its own
 * generator seeded from (seed, actor, thread), so a seed reproduces every
 * thread's schedule of operations.
 *
 * The variant in_kernel runs the sysfs actors (assign, mdev, mask, bind,
 * read) in kernel threads of vfio_ap_torture (test_modules/), which keep
 * their files open and loop at the rate the driver allows, while the
 * actors that need file descriptors or debugfs (attach, destroy, host,
 * vcpu) stay here. The kernel threads run in chunks of two seconds, and
 * the invariants are checked between them.
 *
 * A run that overruns its end by SELFTEST_STALL_SECS (an actor stuck in the
 * kernel, which the harness's hour-long timeout would not see for an
 * hour) ends by SIGALRM: the test fails, and a thread that cannot die is
 * reported with its stack by the VM's stall watcher
 * (tools/testing/vm/stall-watch.sh).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <linux/types.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "../kselftest_harness.h"
#include "vfio_ap_rand.h"
#include "vfio_ap_ref.h"
#include "vfio_ap_resume.h"
#include "vfio_ap_state.h"
#include "vfio_ap_torture.h"

#define NR_MDEVS	3	/* mdevs 0..2 fixed, guests 100..102 */
#define NR_IDS		6	/* adapters, domains and cdoms 0..5 */
#define SPARE_UUID	"dddddddd-dddd-dddd-dddd-dddddddddddd"

static const char * const mdev_uuid[NR_MDEVS] = {
	"a0000000-0000-0000-0000-000000000000",
	"a1111111-1111-1111-1111-111111111111",
	"a2222222-2222-2222-2222-222222222222",
};

enum actor {
	A_ASSIGN, A_MDEV, A_ATTACH, A_DESTROY, A_HOST, A_MASK, A_BIND,
	A_VCPU, A_READ, NR_ACTORS
};

#define BIT(a) (1u << (a))

static const char * const actor_name[NR_ACTORS] = {
	"assign", "mdev", "attach", "destroy", "host", "mask", "bind",
	"vcpu", "read",
};

struct stress {
	__u64 seed;
	int seconds, threads, stall_seconds;
	int stop;		/* read and set with __atomic */
	/* Actors hold it for reading per operation; the checker writes. */
	pthread_rwlock_t quiesce;
	pthread_mutex_t fail_lock;
	char failure[512];
	/* The last successful op on each owned bit: 1 set, 0 clear, -1 none. */
	__s8 last[NR_MDEVS][3][NR_IDS];
	unsigned long ops[NR_ACTORS], ok[NR_ACTORS];
	/* The longest operation of each actor, in microseconds. */
	unsigned long max_us[NR_ACTORS];
	int vfio_fd[NR_MDEVS];
	struct vfio_link link[NR_MDEVS];	/* each mdev's group */
	pthread_mutex_t fd_lock;
};

struct actor_arg {
	struct stress *st;
	enum actor actor;
	int thread, nthreads;
	__u64 rng;
};

/**
 * struct krow - what the test knows of a row of vfio_ap_torture's table
 * @actor: whose row it is
 * @path: the file it writes or reads
 * @m: for A_ASSIGN, the mdev, the kind (adapter, domain, control domain),
 *     the id and whether the row sets (1) or clears (0) the bit
 * @kind: see @m
 * @id: see @m
 * @set: see @m
 */
struct krow {
	enum actor actor;
	char path[160];
	int m, kind, id, set;
};

static struct krow krows[TORTURE_MAX_ROWS];
static int nr_krows;

/*
 * The errnos an actor's operation may fail with while the others run;
 * any other fails the test. The actors not named may fail as they like
 * (a queue bound twice, the status of a queue the host removed).
 */
static bool tolerated(enum actor a, int err)
{
	switch (a) {
	case A_ASSIGN:
		return err == EADDRINUSE || err == EADDRNOTAVAIL;
	case A_ATTACH:
		return err == EINVAL;	/* a destroyed guest is unlinked */
	case A_HOST:
		return false;
	case A_MASK:
		return err == EBUSY;
	default:
		return true;
	}
}

/* Record the first failure and stop the actors; returns -1. */
static int fail(struct stress *st, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&st->fail_lock);
	if (!st->failure[0]) {
		va_start(ap, fmt);
		vsnprintf(st->failure, sizeof(st->failure), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&st->fail_lock);
	__atomic_store_n(&st->stop, 1, __ATOMIC_RELAXED);
	return -1;
}

static const char * const kind_attr[3][2] = {
	{ "unassign_adapter", "assign_adapter" },
	{ "unassign_domain", "assign_domain" },
	{ "unassign_control_domain", "assign_control_domain" },
};

/* One operation of an actor; returns true if it succeeded. */
static bool actor_op(struct actor_arg *a)
{
	struct stress *st = a->st;
	__u64 *r = &a->rng;
	char p[256], buf[4096];
	int m = below(r, NR_MDEVS), id, ret;

	switch (a->actor) {
	case A_ASSIGN: {
		/* Thread t owns the bits whose (mdev, kind, id) index is t mod n. */
		int kind = below(r, 3), set = below(r, 2), idx;

		id = below(r, NR_IDS);
		idx = (m * 3 + kind) * NR_IDS + id;
		if (idx % a->nthreads != a->thread)
			id = (id + a->thread) % NR_IDS;
		idx = (m * 3 + kind) * NR_IDS + id;
		if (idx % a->nthreads != a->thread)
			return false;
		snprintf(buf, sizeof(buf), "%d", id);
		ret = mdev_write(mdev_uuid[m], kind_attr[kind][set], buf);
		if (ret && !tolerated(A_ASSIGN, -ret))
			fail(st, "%s %s %d: %s", mdev_uuid[m],
			     kind_attr[kind][set], id, strerror(-ret));
		if (!ret)
			st->last[m][kind][id] = set;
		return !ret;
	}
	case A_MDEV:
		ret = file_write(tpath("%s/create", MDEV_TYPE_DIR), SPARE_UUID);
		if (ret == -EEXIST)
			ret = mdev_write(SPARE_UUID, "remove", "1");
		else if (!ret)
			mdev_write(SPARE_UUID, "assign_domain", "3");
		return !ret;
	case A_ATTACH:
		pthread_mutex_lock(&st->fd_lock);
		if (st->vfio_fd[m] >= 0) {
			close(st->vfio_fd[m]);
			st->vfio_fd[m] = -1;
			ret = 0;
		} else {
			ret = vfio_device_open(&st->link[m], mdev_uuid[m]);
			st->vfio_fd[m] = ret < 0 ? -1 : ret;
			ret = ret < 0 ? ret : 0;
			if (ret && !tolerated(A_ATTACH, -ret))
				fail(st, "open %s: %s", mdev_uuid[m],
				     strerror(-ret));
		}
		pthread_mutex_unlock(&st->fd_lock);
		return !ret;
	case A_DESTROY:
		file_writef(tpath("%s/guests/destroy", CTL_DIR), "%d", 100 + m);
		ret = file_writef(tpath("%s/guests/create", CTL_DIR), "%d", 100 + m);
		if (!ret)
			ret = guest_vfio(100 + m, true, &st->link[m],
					 mdev_uuid[m]);
		return !ret;
	case A_HOST: {
		static const char kinds[] = "adc";

		id = below(r, NR_IDS);
		snprintf(buf, sizeof(buf), "%c%c %d", below(r, 4) ? '+' : '-',
			 kinds[below(r, 3)], id);
		ret = host_cmd(buf);
		if (!ret)
			ret = host_cmd("scan");
		if (ret && !tolerated(A_HOST, -ret))
			fail(st, "host %s: %s", buf, strerror(-ret));
		return !ret;
	}
	case A_MASK:
		/* Reserve ids 4 and 5 only, so the others stay assignable. */
		snprintf(buf, sizeof(buf), "%c%d", below(r, 2) ? '+' : '-',
			 4 + below(r, 2));
		ret = file_write(tpath("%s/%s", BUS_DIR,
				       below(r, 2) ? "apmask" : "aqmask"), buf);
		if (ret && !tolerated(A_MASK, -ret))
			fail(st, "mask %s: %s", buf, strerror(-ret));
		return !ret;
	case A_BIND:
		snprintf(buf, sizeof(buf), "%02x.%04x", below(r, NR_IDS),
			 below(r, NR_IDS));
		if (below(r, 2))
			ret = file_write(tpath("%s/unbind", DRV_DIR), buf);
		else
			ret = file_write(tpath("%s/bind", DRV_DIR), buf);
		return !ret;
	case A_VCPU:
		guest_path(p, 100 + m, "vcpus");
		ret = file_write(p, below(r, 4) ? "2 2000" : "0");
		return !ret;
	case A_READ:
		mdev_read(mdev_uuid[m], below(r, 2) ? "matrix" : "guest_matrix",
			  buf, sizeof(buf));
		snprintf(p, sizeof(p), "%s/devices/%02x.%04x/status", BUS_DIR,
			 below(r, NR_IDS), below(r, NR_IDS));
		ret = file_read(p, buf, sizeof(buf));
		if (ret > 0 && strcmp(buf, "unassigned\n") &&
		    strcmp(buf, "assigned\n") && strcmp(buf, "in use\n"))
			fail(st, "%s reads \"%s\"", p, buf);
		return ret > 0;
	default:
		return false;
	}
}

static unsigned long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000UL + ts.tv_nsec / 1000;
}

static void *actor_thread(void *arg)
{
	struct actor_arg *a = arg;
	struct stress *st = a->st;

	while (!__atomic_load_n(&st->stop, __ATOMIC_RELAXED)) {
		unsigned long us, max;
		bool ok;

		pthread_rwlock_rdlock(&st->quiesce);
		us = now_us();
		ok = actor_op(a);
		us = now_us() - us;
		pthread_rwlock_unlock(&st->quiesce);
		max = __atomic_load_n(&st->max_us[a->actor], __ATOMIC_RELAXED);
		while (us > max &&
		       !__atomic_compare_exchange_n(&st->max_us[a->actor], &max,
						    us, false, __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED))
			;
		__atomic_add_fetch(&st->ops[a->actor], 1, __ATOMIC_RELAXED);
		if (ok)
			__atomic_add_fetch(&st->ok[a->actor], 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

struct sets {
	bool apm[256], aqm[256], adm[256];
};

/* An mdev's matrix from its "matrix" and "control_domains" files. */
static int read_matrix(const char *uuid, struct sets *s)
{
	char buf[8192], *line, *save;
	unsigned int a, q;

	memset(s, 0, sizeof(*s));
	if (mdev_read(uuid, "matrix", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *end;

		/* "aa.dddd", "aa." or ".dddd" */
		a = strtoul(line, &end, 16);
		if (end != line && a < 256)
			s->apm[a] = true;
		if (*end == '.' && end[1]) {
			q = strtoul(end + 1, NULL, 16);
			if (q < 256)
				s->aqm[q] = true;
		}
	}
	if (mdev_read(uuid, "control_domains", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		a = strtoul(line, NULL, 16);
		if (a < 256)
			s->adm[a] = true;
	}
	return 0;
}

/*
 * The driver's own bookkeeping, from the simulation's "state" file (the
 * driver's dump, driver/vfio_ap_state.c, read by vfio_ap_state.h): every
 * queue in an mdev's queue table is assigned to it and bound, and the
 * bound queue points back at it; every bound queue that points at an mdev
 * is in that mdev's table and in no other; no queue is in two tables or
 * bound twice.
 */
static int check_state(struct stress *st)
{
	static struct drv_state s;
	char why[256];
	int ret;

	ret = drv_state_read(&s, why, sizeof(why));
	if (ret && ret != -EPROTO)
		return fail(st, "cannot read %s/state", CTL_DIR);
	if (ret || drv_state_check(&s, why, sizeof(why)))
		return fail(st, "%s", why);
	return 0;
}

/* Check the invariants; the caller has stopped every actor. */
static int check_invariants(struct stress *st)
{
	struct sets mx[NR_MDEVS], host;
	bool apmask[256], aqmask[256];
	char buf[4096], hex[8];
	int m, n, a, q;
	struct apcb g;

	for (m = 0; m < NR_MDEVS; m++)
		if (read_matrix(mdev_uuid[m], &mx[m]))
			return fail(st, "cannot read mdev %d", m);
	/* An mdev that exists can always be removed. */
	if (!access(tpath("%s/%s/matrix", MATRIX_DIR, SPARE_UUID), F_OK) &&
	    access(tpath("%s/%s/remove", MATRIX_DIR, SPARE_UUID), F_OK))
		return fail(st, "mdev %s exists without its remove file", SPARE_UUID);
	/* Host config: "apm <list>\naqm <list>\nadm <list>\n". */
	if (file_read(tpath("%s/ap/config", CTL_DIR), buf, sizeof(buf)) < 0)
		return fail(st, "cannot read the host config");
	memset(&host, 0, sizeof(host));
	{
		char *l, *save;

		for (l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			if (!strncmp(l, "apm ", 4))
				parse_list(l + 4, host.apm);
			else if (!strncmp(l, "aqm ", 4))
				parse_list(l + 4, host.aqm);
			else if (!strncmp(l, "adm ", 4))
				parse_list(l + 4, host.adm);
		}
	}
	/* apmask/aqmask: "0x" and 64 hex digits, MSB first. */
	for (n = 0; n < 2; n++) {
		bool *mask = n ? aqmask : apmask;

		if (file_read(tpath("%s/%s", BUS_DIR, n ? "aqmask" : "apmask"),
			      buf, sizeof(buf)) < 66)
			return fail(st, "cannot read the masks");
		for (a = 0; a < 256; a++) {
			memcpy(hex, buf + 2 + a / 4, 1);
			hex[1] = '\0';
			mask[a] = strtol(hex, NULL, 16) & (8 >> (a % 4));
		}
	}

	for (m = 0; m < NR_MDEVS; m++) {
		for (a = 0; a < 256; a++) {
			for (q = 0; q < 256; q++) {
				if (!mx[m].apm[a] || !mx[m].aqm[q])
					continue;
				if (apmask[a] && aqmask[q])
					return fail(st, "reserved %02x.%04x assigned to mdev %d",
						    a, q, m);
				for (n = m + 1; n < NR_MDEVS; n++)
					if (mx[n].apm[a] && mx[n].aqm[q])
						return fail(st, "%02x.%04x in mdevs %d and %d",
							    a, q, m, n);
			}
		}
		if (guest_apcb(100 + m, &g))
			continue;	/* the guest is being recreated */
		{
			bool gapm[256], gaqm[256], gadm[256];

			parse_list(g.apm, gapm);
			parse_list(g.aqm, gaqm);
			parse_list(g.adm, gadm);
			bool *gm[3] = { gapm, gaqm, gadm };
			bool *mm[3] = { mx[m].apm, mx[m].aqm, mx[m].adm };
			bool *hm[3] = { host.apm, host.aqm, host.adm };
			int k;

			/* kind_attr[k][1] + 7: "adapter", "domain", ... */
			for (k = 0; k < 3; k++)
				for (a = 0; a < 256; a++)
					if (gm[k][a] && (!mm[k][a] || !hm[k][a]))
						return fail(st, "guest %d: %s %d not granted",
							    100 + m, kind_attr[k][1] + 7, a);
			/* Every APQN of the guest's APCB is bound to vfio_ap_ref. */
			for (a = 0; a < 256; a++) {
				for (q = 0; q < 256; q++) {
					char p[256];

					if (!gapm[a] || !gaqm[q])
						continue;
					snprintf(p, sizeof(p), "%s/%02x.%04x", DRV_DIR,
						 a, q);
					if (access(p, F_OK))
						return fail(st, "guest %d has %02x.%04x, not bound",
							    100 + m, a, q);
				}
			}
		}
	}
	/*
	 * The driver's own bookkeeping last: what sysfs shows is checked
	 * first, so that a failure a user can see is the one reported.
	 */
	return check_state(st);
}

/* A row of vfio_ap_torture's table, and what the test knows of it. */
static int krow_add(struct stress *st, enum actor a, int group,
		    const char *path, const char *value, int m, int kind,
		    int id, int set)
{
	struct krow *k = &krows[nr_krows];
	int ret;

	if (nr_krows == TORTURE_MAX_ROWS)
		return fail(st, "more than %d rows for vfio_ap_torture",
			    TORTURE_MAX_ROWS);
	ret = torture_add(actor_name[a], group, path, value);
	if (ret)
		return fail(st, "vfio_ap_torture row %s %s: %s", path,
			    value ?: "(read)", strerror(-ret));
	*k = (struct krow){ .actor = a, .m = m, .kind = kind, .id = id,
			    .set = set };
	snprintf(k->path, sizeof(k->path), "%s", path);
	nr_krows++;
	return 0;
}

/*
 * vfio_ap_torture's table: the operations the user-space actors of
 * @actors draw from, one row each. An assign row belongs to the thread
 * that owns its bit, as in actor_op(); the other rows to every thread.
 */
static int krows_fill(struct stress *st, unsigned int actors)
{
	static const char * const masks[] = { "apmask", "aqmask" };
	static const char * const mask_ops[] = { "+4", "-4", "+5", "-5" };
	char p[256], v[16];
	int m, kind, id, set, a, q, i, ret = torture_clear();

	nr_krows = 0;
	if (ret)
		return fail(st, "vfio_ap_torture: %s", strerror(-ret));
	for (m = 0; m < NR_MDEVS && (actors & BIT(A_ASSIGN)); m++)
		for (kind = 0; kind < 3; kind++)
			for (id = 0; id < NR_IDS; id++)
				for (set = 0; set < 2; set++) {
					snprintf(v, sizeof(v), "%d", id);
					if (krow_add(st, A_ASSIGN,
						     (m * 3 + kind) * NR_IDS + id,
						     mdev_path(p, mdev_uuid[m],
							       kind_attr[kind][set]),
						     v, m, kind, id, set))
						return -1;
				}
	for (m = 0; m < NR_MDEVS && (actors & BIT(A_READ)); m++)
		if (krow_add(st, A_READ, -1, mdev_path(p, mdev_uuid[m], "matrix"),
			     NULL, m, 0, 0, 0) ||
		    krow_add(st, A_READ, -1,
			     mdev_path(p, mdev_uuid[m], "guest_matrix"), NULL,
			     m, 0, 0, 0))
			return -1;
	for (a = 0; a < NR_IDS; a++) {
		for (q = 0; q < NR_IDS; q++) {
			snprintf(v, sizeof(v), "%02x.%04x", a, q);
			snprintf(p, sizeof(p), "%s/devices/%s/status", BUS_DIR, v);
			if ((actors & BIT(A_READ)) &&
			    krow_add(st, A_READ, -1, p, NULL, 0, 0, 0, 0))
				return -1;
			if ((actors & BIT(A_BIND)) &&
			    (krow_add(st, A_BIND, -1, tpath("%s/bind", DRV_DIR), v,
				      0, 0, 0, 0) ||
			     krow_add(st, A_BIND, -1, tpath("%s/unbind", DRV_DIR), v,
				      0, 0, 0, 0)))
				return -1;
		}
	}
	for (i = 0; i < 8 && (actors & BIT(A_MASK)); i++)
		if (krow_add(st, A_MASK, -1, tpath("%s/%s", BUS_DIR, masks[i / 4]),
			     mask_ops[i % 4], 0, 0, 0, 0))
			return -1;
	if ((actors & BIT(A_MDEV)) &&
	    (krow_add(st, A_MDEV, -1, tpath("%s/create", MDEV_TYPE_DIR),
		      SPARE_UUID, 0, 0, 0, 0) ||
	     krow_add(st, A_MDEV, -1, mdev_path(p, SPARE_UUID, "remove"), "1",
		      0, 0, 0, 0) ||
	     krow_add(st, A_MDEV, -1, mdev_path(p, SPARE_UUID, "assign_domain"),
		      "3", 0, 0, 0, 0)))
		return -1;
	return 0;
}

/*
 * After the run: what the kernel threads did. Each actor finished an
 * operation at least; every errno a row failed with must be one its
 * actor tolerates; each owned assign bit's last
 * successful row goes into st->last for the lost-update check; the
 * actors' counts go where the user-space actors' do.
 */
static int krows_check(struct stress *st)
{
	static struct torture_result res;
	__u64 seq[NR_MDEVS][3][NR_IDS][2] = {};
	int i, e, a, ret = torture_read(&res);

	if (ret)
		return fail(st, "cannot read %s/result: %s", TORTURE_DIR,
			    strerror(-ret));
	if (res.nr_rows != nr_krows)
		return fail(st, "vfio_ap_torture has %d rows, the test %d",
			    res.nr_rows, nr_krows);
	for (i = 0; i < nr_krows; i++) {
		struct krow *k = &krows[i];

		for (e = 0; e < res.row[i].nr_errnos; e++)
			if (!tolerated(k->actor, res.row[i].errnos[e]))
				return fail(st, "%s (in a kernel thread) %s: %s",
					    actor_name[k->actor], k->path,
					    strerror(res.row[i].errnos[e]));
		if (k->actor == A_ASSIGN)
			seq[k->m][k->kind][k->id][k->set] = res.row[i].seq;
	}
	for (i = 0; i < NR_MDEVS * 3 * NR_IDS; i++) {
		__u64 *sq = seq[i / (3 * NR_IDS)][i / NR_IDS % 3][i % NR_IDS];

		if (sq[0] || sq[1])
			st->last[i / (3 * NR_IDS)][i / NR_IDS % 3][i % NR_IDS] =
				sq[1] > sq[0];
	}
	for (i = 0; i < res.nr_actors; i++) {
		for (a = 0; a < NR_ACTORS; a++) {
			if (strcmp(actor_name[a], res.actor[i].name))
				continue;
			st->ops[a] = res.actor[i].ops;
			st->ok[a] = res.actor[i].ok;
			st->max_us[a] = res.actor[i].max_us;
		}
		/*
		 * Threads that never finish an operation in the whole run
		 * (seen: every kernel actor at 0 while the user-space ones
		 * made hundreds) test nothing, and would pass.
		 */
		if (!res.actor[i].ops)
			return fail(st, "%s (in kernel threads): no operation in %d s",
				    res.actor[i].name, st->seconds);
	}
	return 0;
}

FIXTURE(stress) {
	struct stress st;
};

FIXTURE_VARIANT(stress) {
	const char *name;	/* the variant's name again, for SELFTEST_BEGIN() */
	unsigned int actors;	/* bitmask of enum actor */
	unsigned int kernel_actors;	/* of those, run by vfio_ap_torture */
};

FIXTURE_VARIANT_ADD(stress, assign_only) {
	.name = "assign_only",
	.actors = BIT(A_ASSIGN) | BIT(A_READ),
};

FIXTURE_VARIANT_ADD(stress, kvm_hotplug) {
	.name = "kvm_hotplug",
	.actors = BIT(A_ASSIGN) | BIT(A_ATTACH) | BIT(A_DESTROY) | BIT(A_VCPU) |
		  BIT(A_READ),
};

FIXTURE_VARIANT_ADD(stress, host_bus) {
	.name = "host_bus",
	.actors = BIT(A_ASSIGN) | BIT(A_HOST) | BIT(A_MASK) | BIT(A_BIND) |
		  BIT(A_ATTACH) | BIT(A_READ),
};

FIXTURE_VARIANT_ADD(stress, everything) {
	.name = "everything",
	.actors = (1u << NR_ACTORS) - 1,
};

FIXTURE_VARIANT_ADD(stress, in_kernel) {
	.name = "in_kernel",
	.actors = (1u << NR_ACTORS) - 1,
	.kernel_actors = BIT(A_ASSIGN) | BIT(A_MDEV) | BIT(A_MASK) |
			 BIT(A_BIND) | BIT(A_READ),
};

static __u64 env_u64(const char *name, __u64 def)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : def;
}

FIXTURE_SETUP(stress)
{
	struct stress *st = &self->st;
	char cmd[32], name[128];
	int m, i;

	snprintf(name, sizeof(name), "stress.%s.%s", variant->name,
		 _metadata->name);
	SELFTEST_BEGIN(name);
	memset(st, 0, sizeof(*st));
	st->seed = env_u64("SELFTEST_SEED", 1);
	st->seconds = env_u64("SELFTEST_STRESS_SECONDS", 10);
	st->threads = env_u64("SELFTEST_STRESS_THREADS", 2);
	st->stall_seconds = env_u64("SELFTEST_STALL_SECS", 30);
	memset(st->last, -1, sizeof(st->last));
	{
		pthread_rwlockattr_t attr;

		/* Writer first, or the looping actors starve the checker. */
		int kind = PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP;

		pthread_rwlockattr_init(&attr);
		pthread_rwlockattr_setkind_np(&attr, kind);
		pthread_rwlock_init(&st->quiesce, &attr);
		pthread_rwlockattr_destroy(&attr);
	}
	pthread_mutex_init(&st->fail_lock, NULL);
	pthread_mutex_init(&st->fd_lock, NULL);
	TH_LOG("seed %llu, %d s, %d threads per actor",
	       (unsigned long long)st->seed, st->seconds, st->threads);

	file_write(tpath("%s/apmask", BUS_DIR), "0x");
	file_write(tpath("%s/aqmask", BUS_DIR), "0x");
	for (i = 0; i < NR_IDS; i++) {
		snprintf(cmd, sizeof(cmd), "+a %d", i);
		ASSERT_EQ(0, host_cmd(cmd));
		snprintf(cmd, sizeof(cmd), "+d %d", i);
		ASSERT_EQ(0, host_cmd(cmd));
		snprintf(cmd, sizeof(cmd), "+c %d", i);
		ASSERT_EQ(0, host_cmd(cmd));
	}
	ASSERT_EQ(0, host_cmd("scan"));
	for (m = 0; m < NR_MDEVS; m++) {
		st->vfio_fd[m] = -1;
		st->link[m] = (struct vfio_link)VFIO_LINK_INIT;
		ASSERT_EQ(0, file_write(tpath("%s/create", MDEV_TYPE_DIR), mdev_uuid[m]));
		ASSERT_EQ(0, file_writef(tpath("%s/guests/create", CTL_DIR), "%d", 100 + m));
		ASSERT_EQ(0, vfio_link_open(&st->link[m], mdev_uuid[m]));
		ASSERT_EQ(0, guest_vfio(100 + m, true, &st->link[m], mdev_uuid[m]));
	}
}

FIXTURE_TEARDOWN(stress)
{
	struct stress *st = &self->st;
	char cmd[32];
	int m, i;

	for (m = 0; m < NR_MDEVS; m++) {
		if (st->vfio_fd[m] >= 0)
			close(st->vfio_fd[m]);
		file_writef(tpath("%s/guests/destroy", CTL_DIR), "%d", 100 + m);
		vfio_link_close(&st->link[m]);
		mdev_write(mdev_uuid[m], "remove", "1");
	}
	mdev_write(SPARE_UUID, "remove", "1");
	file_write(tpath("%s/apmask", BUS_DIR), "0x");
	file_write(tpath("%s/aqmask", BUS_DIR), "0x");
	for (i = 0; i < NR_IDS; i++) {
		snprintf(cmd, sizeof(cmd), "-a %d", i);
		host_cmd(cmd);
		snprintf(cmd, sizeof(cmd), "-d %d", i);
		host_cmd(cmd);
		snprintf(cmd, sizeof(cmd), "-c %d", i);
		host_cmd(cmd);
	}
	host_cmd("scan");
}

TEST_F_TIMEOUT(stress, run, 3600)
{
	struct stress *st = &self->st;
	struct actor_arg *args;
	pthread_t *tids;
	unsigned int user = variant->actors & ~variant->kernel_actors;
	struct sets mx;
	int nr = 0, a, t, m, kind, id, chunk = 0, ret;
	time_t end;

	if (variant->kernel_actors && !torture_available())
		SKIP(return, "%s is missing: vfio_ap_torture is not loaded",
		     TORTURE_DIR);
	if (variant->kernel_actors)
		ASSERT_EQ(0, krows_fill(st, variant->kernel_actors))
			TH_LOG("%s", st->failure);

	/* The default action of SIGALRM ends the test: see the top. */
	alarm(st->seconds + st->stall_seconds);
	args = calloc(NR_ACTORS * st->threads, sizeof(*args));
	tids = calloc(NR_ACTORS * st->threads, sizeof(*tids));
	ASSERT_NE(NULL, args);
	ASSERT_NE(NULL, tids);
	for (a = 0; a < NR_ACTORS; a++) {
		if (!(user & BIT(a)))
			continue;
		for (t = 0; t < st->threads; t++, nr++) {
			args[nr].st = st;
			args[nr].actor = a;
			args[nr].thread = t;
			args[nr].nthreads = st->threads;
			args[nr].rng = (st->seed * 0x9e3779b97f4a7c15ULL) ^
				       ((__u64)(a * 64 + t + 1) << 32) ^ 1;
			ASSERT_EQ(0, pthread_create(&tids[nr], NULL, actor_thread,
						    &args[nr]));
		}
	}
	end = time(NULL) + st->seconds;
	while (!__atomic_load_n(&st->stop, __ATOMIC_RELAXED) &&
	       time(NULL) < end) {
		if (variant->kernel_actors) {
			/* At least 1: the loop's condition. */
			int left = end - time(NULL);

			/* The kernel threads stop at the chunk's end. */
			ret = torture_run(left < 2 ? left : 2, st->threads,
					  st->seed * 1000 + chunk++);
			if (ret)
				fail(st, "%s/run: %s", TORTURE_DIR, strerror(-ret));
		} else {
			sleep(2);
		}
		pthread_rwlock_wrlock(&st->quiesce);
		check_invariants(st);
		pthread_rwlock_unlock(&st->quiesce);
	}
	__atomic_store_n(&st->stop, 1, __ATOMIC_RELAXED);
	for (t = 0; t < nr; t++)
		pthread_join(tids[t], NULL);

	if (!st->failure[0])
		check_invariants(st);
	if (variant->kernel_actors)
		krows_check(st);
	/* No lost update: each owned bit is what its owner last set. */
	for (m = 0; m < NR_MDEVS && !st->failure[0]; m++) {
		ASSERT_EQ(0, read_matrix(mdev_uuid[m], &mx));
		for (kind = 0; kind < 3; kind++) {
			bool *have = kind == 0 ? mx.apm : kind == 1 ? mx.aqm : mx.adm;

			for (id = 0; id < NR_IDS; id++) {
				if (st->last[m][kind][id] < 0)
					continue;
				if (have[id] != st->last[m][kind][id])
					fail(st, "lost update: mdev %d %s %d is %d, log says %d",
					     m, kind_attr[kind][1], id, have[id],
					     st->last[m][kind][id]);
			}
		}
	}
	for (a = 0; a < NR_ACTORS; a++)
		if (variant->actors & BIT(a))
			TH_LOG("actor %-8s %8lu ops %8lu ok %6.1f ops/s, longest %.2f s%s",
			       actor_name[a], st->ops[a], st->ok[a],
			       (double)st->ops[a] / st->seconds,
			       st->max_us[a] / 1e6,
			       variant->kernel_actors & BIT(a) ?
			       ", in kernel threads" : "");
	EXPECT_STREQ("", st->failure) TH_LOG("seed %llu", (unsigned long long)st->seed);
	free(args);
	free(tids);
	/* The teardown gets as long. */
	alarm(st->stall_seconds);
}

int main(int argc, char **argv)
{
	driver_or_skip();
	return test_harness_run(argc, argv);
}

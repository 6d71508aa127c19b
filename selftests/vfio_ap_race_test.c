// SPDX-License-Identifier: GPL-2.0
/*
 * Races forced, not hoped for: some bugs bite only when two paths overlap
 * on one object, and at the stress test's rates over 36 queues such an
 * overlap may never happen. Each test here drives two paths on the same
 * object from two threads for RACE_SECONDS:
 *
 *  - a queue's status read while the queue is unbound and bound again;
 *  - an mdev removed (and made again) while a guest attaches it;
 *  - a guest destroyed (and made again) while a vCPU's intercept of
 *    PQAP(AQIC) runs through the mdev's hook.
 *
 * Each side notes when each of its operations began and ended; the test
 * reports how many operations of the first side overlapped one of the
 * second (the overlap achieved) and fails if none did. What an operation
 * may answer while the other side has the object half gone is listed per
 * side; any other answer fails the test. Afterwards the driver's
 * bookkeeping must be consistent and the object must serve again. KASAN
 * and lockdep watch the overlaps themselves.
 */
#include <pthread.h>
#include <time.h>

#include "vfio_ap_fixture.h"

#define RACE_SECONDS	4
#define RACE_MAX_OPS	32768

/* The functional tests' fixture, under a name of its own: race.TEST. */
FIXTURE(race) {
	int vfio_fd;			/* UUID_A's open VFIO device */
	struct vfio_link link[2];	/* UUID_A's and UUID_B's groups */
};

#define race_self _test_data_race

FIXTURE_SETUP(race)
{
	fixture_begin(_metadata, "race", &self->vfio_fd, self->link);
}

FIXTURE_TEARDOWN(race)
{
	fixture_undo(&self->vfio_fd, self->link);
}

/* When an operation, or the part of it that races, began and ended (ns). */
struct race_span {
	long long t0, t1;
};

/**
 * struct race_side - one thread of a race
 * @what: its operation, for the log ("status reads")
 * @op: one operation: 0 done, 1 refused as the other side allows (the
 *	object is going or gone), or -errno, which ends the test; it may
 *	narrow @span to the part that races
 * @self: the fixture's data, for @op
 * @nops: operations run
 * @ndone: of those, done
 * @why: what the failed operation said
 * @span: per operation
 * @end: CLOCK_MONOTONIC ns at which to stop
 */
struct race_side {
	const char *what;
	int (*op)(struct race_side *s, struct race_span *span);
	void *self;
	int nops, ndone;
	char why[160];
	struct race_span *span;
	long long end;
};

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void *race_loop(void *data)
{
	struct race_side *s = data;
	struct race_span *span;
	int ret;

	while (s->nops < RACE_MAX_OPS && now_ns() < s->end) {
		span = &s->span[s->nops];
		span->t0 = now_ns();
		span->t1 = 0;
		ret = s->op(s, span);
		if (!span->t1)
			span->t1 = now_ns();
		s->nops++;
		if (ret < 0) {
			if (!s->why[0])
				snprintf(s->why, sizeof(s->why), "%s",
					 strerror(-ret));
			break;
		}
		s->ndone += !ret;
	}
	return NULL;
}

/*
 * How many of @a's operations overlapped one of @b's: each side's spans
 * follow each other in time, so one pass over both.
 */
static int overlaps(const struct race_side *a, const struct race_side *b)
{
	int i, j = 0, n = 0;

	for (i = 0; i < a->nops; i++) {
		while (j < b->nops && b->span[j].t1 < a->span[i].t0)
			j++;
		n += j < b->nops && b->span[j].t0 <= a->span[i].t1;
	}
	return n;
}

/* Run both sides at once for RACE_SECONDS and judge what they did. */
static void race(struct __test_metadata *_metadata, struct race_side *a,
		 struct race_side *b)
{
	struct race_side *side[2] = { a, b };
	pthread_t thread[2];
	long long end = now_ns() + RACE_SECONDS * 1000000000LL;
	int i, n;

	for (i = 0; i < 2; i++) {
		side[i]->span = calloc(RACE_MAX_OPS, sizeof(struct race_span));
		ASSERT_NE(NULL, side[i]->span);
		side[i]->end = end;
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&thread[i], NULL, race_loop,
					    side[i]));
	for (i = 0; i < 2; i++)
		pthread_join(thread[i], NULL);
	n = overlaps(a, b);
	/* An operation not done was refused as the other side allows. */
	TH_LOG("%d of %d %s (%d done) overlapped one of %d %s (%d done)",
	       n, a->nops, a->what, a->ndone, b->nops, b->what, b->ndone);
	for (i = 0; i < 2; i++) {
		EXPECT_STREQ("", side[i]->why)
			TH_LOG("%s: an answer the other side does not excuse",
			       side[i]->what);
		EXPECT_LT(0, side[i]->ndone) TH_LOG("no %s done", side[i]->what);
		free(side[i]->span);
	}
	EXPECT_LT(0, n) TH_LOG("the two paths never overlapped");
}

/* 1 for the errnos in the zero-ended list, else @ret. */
static int allowed(int ret, const int *errnos)
{
	for (; *errnos; errnos++)
		if (ret == -*errnos)
			return 1;
	return ret;
}

/*
 * A queue's status read while the queue is unbound: the attribute goes
 * with the driver (-ENOENT), or the read finds the queue half gone
 * (-ENODEV); else one of the three states.
 */
static int status_read(struct race_side *s, struct race_span *span)
{
	static const int gone[] = { ENOENT, ENODEV, 0 };
	char buf[64];
	int n;

	n = file_read(tpath("%s/devices/01.0004/status", BUS_DIR), buf,
		      sizeof(buf));
	if (n < 0)
		return allowed(n, gone);
	if (strcmp(buf, "in use\n") && strcmp(buf, "assigned\n") &&
	    strcmp(buf, "unassigned\n")) {
		snprintf(s->why, sizeof(s->why), "status '%s'", buf);
		return -EPROTO;
	}
	return 0;
}

/* The unbinder: 01.0004 unbound (the span), then bound again. */
static int unbind_bind(struct race_side *s, struct race_span *span)
{
	int ret = file_write(tpath("%s/unbind", DRV_DIR), "01.0004");

	span->t1 = now_ns();
	return ret ? ret : file_write(tpath("%s/bind", DRV_DIR), "01.0004");
}

TEST_F_TIMEOUT(race, status_read_vs_unbind, 60)
{
	struct race_side reader = {
		.what = "status reads", .op = status_read,
	};
	struct race_side unbinder = {
		.what = "unbinds", .op = unbind_bind,
	};
	char buf[64];

	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "1"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "4"));
	self->vfio_fd = attach(&self->link[0], UUID_A);
	ASSERT_LE(0, self->vfio_fd);
	race(_metadata, &reader, &unbinder);
	state_consistent(_metadata, NULL, "after the race");
	/* The last unbind was bound again: the queue serves the guest. */
	ASSERT_LT(0, file_read(tpath("%s/devices/01.0004/status", BUS_DIR),
			       buf, sizeof(buf)));
	EXPECT_STREQ("in use\n", buf);
}

/*
 * The remover: mdev UUID_B removed (the span), then made again with
 * adapter 2 and domain 5. A removal waits while the attacher has the
 * device open.
 */
static int remove_make(struct race_side *s, struct race_span *span)
{
	int ret = mdev_write(UUID_B, "remove", "1");

	span->t1 = now_ns();
	if (ret && ret != -ENOENT)
		return ret;
	ret = file_write(tpath("%s/create", MDEV_TYPE_DIR), UUID_B);
	if (!ret)
		ret = mdev_write(UUID_B, "assign_adapter", "2");
	if (!ret)
		ret = mdev_write(UUID_B, "assign_domain", "5");
	return ret;
}

/*
 * The attacher: UUID_B's group linked to guest GUEST and its device
 * opened and closed, then unlinked. While the mdev goes or comes, any
 * step may find it gone; only -EPERM, a guest that another mdev still
 * owns, is never right: UUID_B is its only mdev.
 */
static int attach_detach(struct race_side *s, struct race_span *span)
{
	struct race_self *self = s->self;
	int fd, ret;

	fd = attach(&self->link[1], UUID_B);
	if (fd >= 0)
		close(fd);
	ret = fd < 0 ? fd : 0;
	guest_vfio(GUEST, false, &self->link[1], UUID_B);
	vfio_link_close(&self->link[1]);
	if (ret == -EPERM)
		return ret;
	return ret ? 1 : 0;
}

TEST_F_TIMEOUT(race, mdev_remove_vs_attach, 60)
{
	struct race_side attacher = {
		.what = "attaches", .op = attach_detach, .self = self,
	};
	struct race_side remover = {
		.what = "removals", .op = remove_make,
	};
	int fd;

	ASSERT_EQ(0, file_write(tpath("%s/create", MDEV_TYPE_DIR), UUID_B));
	race(_metadata, &attacher, &remover);
	state_consistent(_metadata, NULL, "after the race");
	/* What the mdevs held is free: UUID_B, made anew, attaches. */
	mdev_write(UUID_B, "remove", "1");
	ASSERT_EQ(0, file_write(tpath("%s/create", MDEV_TYPE_DIR), UUID_B));
	ASSERT_EQ(0, mdev_write(UUID_B, "assign_adapter", "2"));
	fd = attach(&self->link[1], UUID_B);
	ASSERT_LE(0, fd) TH_LOG("attach after the race: %s", strerror(-fd));
	close(fd);
}

/*
 * The destroyer: guest GUEST made, UUID_A linked and opened, the guest
 * destroyed (the span: it waits for intercepts in flight), the device
 * closed.
 */
static int destroy_make(struct race_side *s, struct race_span *span)
{
	struct race_self *self = s->self;
	int fd, ret;

	fd = attach(&self->link[0], UUID_A);
	if (fd < 0)
		return fd;
	span->t0 = now_ns();
	ret = file_writef(tpath("%s/guests/destroy", CTL_DIR), "%d", GUEST);
	span->t1 = now_ns();
	close(fd);
	return ret;
}

/*
 * The intercepting vCPU: one PQAP(AQIC) on 01.0004 through the guest's
 * hook. The guest may be gone (-ENOENT) or going (-EIO: debugfs refuses a
 * file removed after its open).
 */
static int intercept(struct race_side *s, struct race_span *span)
{
	static const int gone[] = { ENOENT, EIO, 0 };

	return allowed(guest_file_write(GUEST, "pqap", "%d 0", 0x0104), gone);
}

TEST_F_TIMEOUT(race, guest_destroy_vs_intercept, 60)
{
	struct race_side vcpu = {
		.what = "intercepts", .op = intercept,
	};
	struct race_side destroyer = {
		.what = "destroys", .op = destroy_make, .self = self,
	};
	struct apcb a;

	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "1"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "4"));
	race(_metadata, &vcpu, &destroyer);
	state_consistent(_metadata, NULL, "after the race");
	/* A new guest takes the mdev. */
	self->vfio_fd = attach(&self->link[0], UUID_A);
	ASSERT_LE(0, self->vfio_fd);
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ("1", a.apm);
}

int main(int argc, char **argv)
{
	driver_or_skip();
	return test_harness_run(argc, argv);
}

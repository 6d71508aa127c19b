// SPDX-License-Identifier: GPL-2.0
/*
 * Every destructive operation in every state of its object: a table whose
 * rows are the states of mdev UUID_A and of its queue 01.0004 (the
 * fixture's variants) and whose columns are the operations (the tests),
 * so that each cell is one test, "destroy.STATE.OPERATION".
 *
 * States: created (nothing assigned); assigned (adapter 1, domain 4 and
 * control domain 6, the queue bound and in the shadow APCB); unbound (as
 * assigned, the queue unbound); attached (as assigned, the VFIO device
 * open with guest GUEST); filtered (attached, adapters 1-2 and domains 4-5
 * assigned and 01.0005 unbound, which keeps adapter 1 out of the shadow);
 * intercepting (attached, the guest's vCPUs intercepting PQAP(AQIC)).
 *
 * Each cell checks that the object is gone or the operation refused with
 * its errno (and then that the state is what it was, snapshot()); that
 * the driver's bookkeeping is consistent (vfio_ap_state.h); that what the
 * object held is free (another mdev takes its queues and its guest, a
 * new guest takes the mdev, a vCPU's intercept is answered); and, after
 * it has undone everything, that the driver's live allocations are those
 * of the start (the allocation ledger, driver/sim/sim_ledger.c). KASAN sees
 * what is used after it is freed; kmemleak scans after the program.
 *
 * Cells that must wait: removing an mdev whose VFIO device is open waits
 * for its close (the VFIO core's vfio_unregister_group_dev(), the model's
 * vfio_sim); destroying a guest whose vCPUs intercept stops them first.
 * Cells that are refused: unloading the driver while a VFIO device is open
 * (the device holds the module: -EWOULDBLOCK), a mask write that takes
 * an assigned adapter or domain (-EBUSY), unbinding a queue that is not
 * bound (-ENODEV). Closing a VFIO device is no operation where none is
 * open: those cells SKIP.
 */
#include <pthread.h>

#include "vfio_ap_fixture.h"

#define LEDGER_SIZE	16384

FIXTURE(destroy) {
	int vfio_fd;			/* UUID_A's open VFIO device */
	struct vfio_link link[2];	/* UUID_A's and UUID_B's groups */
	char ledger[LEDGER_SIZE];	/* the driver's allocations at the start */
	char before[SNAPSHOT_SIZE];		/* snapshot() before the operation */
	char now[SNAPSHOT_SIZE];
};

FIXTURE_VARIANT(destroy) {
	const char *name;	/* the variant's name, for SELFTEST_BEGIN() */
	bool assigned;
	bool unbound;
	bool attached;
	bool filtered;
	bool intercepting;
};

FIXTURE_VARIANT_ADD(destroy, created) {
	.name = "created",
};

FIXTURE_VARIANT_ADD(destroy, assigned) {
	.name = "assigned",
	.assigned = true,
};

FIXTURE_VARIANT_ADD(destroy, unbound) {
	.name = "unbound",
	.assigned = true,
	.unbound = true,
};

FIXTURE_VARIANT_ADD(destroy, attached) {
	.name = "attached",
	.assigned = true,
	.attached = true,
};

FIXTURE_VARIANT_ADD(destroy, filtered) {
	.name = "filtered",
	.assigned = true,
	.attached = true,
	.filtered = true,
};

FIXTURE_VARIANT_ADD(destroy, intercepting) {
	.name = "intercepting",
	.assigned = true,
	.attached = true,
	.intercepting = true,
};

/*
 * The fixture's data and variant, FIXTURE_DATA(destroy) and
 * FIXTURE_VARIANT(destroy): their structs, which checkpatch can parse
 * where the macros are parameters' types.
 */
#define cell_self _test_data_destroy
#define cell_state _fixture_variant_destroy

/*
 * The driver's live allocations, debugfs "ledger", sorted: one "FUNC
 * SIZE" line each. 0 or -errno.
 */
static int ledger_read(char *out, size_t size)
{
	int ret = file_read(tpath("%s/ledger", CTL_DIR), out, size);

	return ret < 0 ? ret : sort_lines(out);
}

/* The guest's adapters in the state, with the guest attached. */
static const char *state_apm(const struct cell_state *v)
{
	if (!v->assigned || v->unbound)
		return "";
	return v->filtered ? "2" : "1";
}

/* Unbind the queues the state keeps unbound. */
static void state_unbind(struct __test_metadata *_metadata,
			 const struct cell_state *v)
{
	if (v->unbound)
		ASSERT_EQ(0, file_write(tpath("%s/unbind", DRV_DIR), "01.0004"));
	if (v->filtered)
		ASSERT_EQ(0, file_write(tpath("%s/unbind", DRV_DIR), "01.0005"));
}

FIXTURE_SETUP(destroy)
{
	const struct cell_state *v = variant;
	char prefix[64];
	int i;

	snprintf(prefix, sizeof(prefix), "destroy.%s", v->name);
	fixture_begin(_metadata, prefix, &self->vfio_fd, self->link);
	ASSERT_EQ(0, ledger_read(self->ledger, sizeof(self->ledger)));
	if (v->assigned) {
		ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "1"));
		ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "4"));
		ASSERT_EQ(0, mdev_write(UUID_A, "assign_control_domain", "6"));
	}
	if (v->filtered) {
		ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "2"));
		ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "5"));
	}
	state_unbind(_metadata, v);
	if (v->attached) {
		self->vfio_fd = attach(&self->link[0], UUID_A);
		ASSERT_LE(0, self->vfio_fd);
	}
	if (v->intercepting) {
		ASSERT_EQ(0, guest_file_write(GUEST, "vcpus", "2 1000"));
		for (i = 0; i < 100 && vcpu_intercepts(GUEST) < 5; i++)
			usleep(50000);
		ASSERT_LE(5, vcpu_intercepts(GUEST));
	}
	snapshot(self->before, sizeof(self->before));
}

FIXTURE_TEARDOWN(destroy)
{
	fixture_undo(&self->vfio_fd, self->link);
}

/* The state is what it was before the operation. */
static void unchanged(struct __test_metadata *_metadata,
		      struct cell_self *self)
{
	snapshot(self->now, sizeof(self->now));
	EXPECT_STREQ("", snapshot_diff(self->before, self->now));
}

/*
 * Another mdev takes what @uuid held: mdev UUID_B gets adapter 1 and
 * domain 4 and the guest.
 */
static void reuse(struct __test_metadata *_metadata, struct cell_self *self,
		  const struct cell_state *v)
{
	ASSERT_EQ(0, file_write(tpath("%s/create", MDEV_TYPE_DIR), UUID_B));
	ASSERT_EQ(0, mdev_write(UUID_B, "assign_adapter", "1"));
	ASSERT_EQ(0, mdev_write(UUID_B, "assign_domain", "4"));
	use(_metadata, &self->link[1], UUID_B, v->unbound ? "" : "1");
}

/*
 * The end of every cell: undo everything, fill the fixture's state in
 * again, and find the driver's allocations those of the start.
 */
static void cell_end(struct __test_metadata *_metadata,
		     struct cell_self *self)
{
	fixture_undo(&self->vfio_fd, self->link);
	fixture_fill(_metadata);
	ASSERT_EQ(0, ledger_read(self->now, sizeof(self->now)));
	/* The first line that differs: "'FUNC SIZE' became 'FUNC SIZE'". */
	EXPECT_STREQ("", snapshot_diff(self->ledger, self->now))
		TH_LOG("the driver's allocations differ from the start's");
}

struct remover {
	pthread_t thread;
	int ret;
	bool done;	/* __atomic: the thread sets it */
};

static void *remove_mdev(void *data)
{
	struct remover *r = data;

	r->ret = mdev_write(UUID_A, "remove", "1");
	__atomic_store_n(&r->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * mdev remove: gone at once, or once its open VFIO device is closed; its
 * queues and its guest then serve another mdev.
 */
TEST_F_TIMEOUT(destroy, mdev_remove, 60)
{
	struct remover r = { .done = false };

	if (self->vfio_fd >= 0) {
		ASSERT_EQ(0, pthread_create(&r.thread, NULL, remove_mdev, &r));
		usleep(500000);
		EXPECT_FALSE(__atomic_load_n(&r.done, __ATOMIC_ACQUIRE))
			TH_LOG("removed with its VFIO device open");
		close(self->vfio_fd);
		self->vfio_fd = -1;
		ASSERT_EQ(0, pthread_join(r.thread, NULL));
		EXPECT_EQ(0, r.ret);
	} else {
		ASSERT_EQ(0, mdev_write(UUID_A, "remove", "1"));
	}
	EXPECT_NE(0, access(tpath("%s/%s", MATRIX_DIR, UUID_A), F_OK));
	state_consistent(_metadata, NULL, "after the operation");
	reuse(_metadata, self, variant);
	cell_end(_metadata, self);
}

/*
 * Guest destroy, of the guest the mdev's group is linked to: the guest
 * goes at once; an open VFIO device keeps its struct kvm until it is
 * closed. Then a new guest takes the mdev.
 */
TEST_F_TIMEOUT(destroy, guest_destroy, 60)
{
	if (!variant->attached)
		ASSERT_EQ(0, link_to_guest(&self->link[0], UUID_A));
	ASSERT_EQ(0, file_writef(tpath("%s/guests/destroy", CTL_DIR), "%d",
				 GUEST));
	EXPECT_NE(0, access(tpath("%s/guests/%d", CTL_DIR, GUEST), F_OK));
	state_consistent(_metadata, NULL, "after the operation");
	if (self->vfio_fd >= 0)
		close(self->vfio_fd);
	self->vfio_fd = -1;
	state_consistent(_metadata, UUID_A, "after the operation");
	use(_metadata, &self->link[0], UUID_A, state_apm(variant));
	cell_end(_metadata, self);
}

/*
 * VFIO close: the guest loses the mdev's APCB and hook; another mdev can
 * then have the guest.
 */
TEST_F_TIMEOUT(destroy, vfio_close, 60)
{
	if (self->vfio_fd < 0)
		SKIP(return, "no VFIO device is open in state %s",
		     variant->name);
	close(self->vfio_fd);
	self->vfio_fd = -1;
	guest_has(_metadata, "");
	state_consistent(_metadata, UUID_A, "after the operation");
	ASSERT_EQ(0, file_write(tpath("%s/create", MDEV_TYPE_DIR), UUID_B));
	ASSERT_EQ(0, mdev_write(UUID_B, "assign_adapter", "3"));
	ASSERT_EQ(0, mdev_write(UUID_B, "assign_domain", "4"));
	use(_metadata, &self->link[1], UUID_B, "3");
	cell_end(_metadata, self);
}

/*
 * Queue unbind: the queue leaves the driver, its mdev's table and the
 * guest; bound again, all is as it was. An unbound queue: -ENODEV.
 */
TEST_F_TIMEOUT(destroy, queue_unbind, 60)
{
	int ret = file_write(tpath("%s/unbind", DRV_DIR), "01.0004");

	if (variant->unbound) {
		EXPECT_EQ(-ENODEV, ret);
		unchanged(_metadata, self);
		cell_end(_metadata, self);
		return;
	}
	ASSERT_EQ(0, ret);
	EXPECT_NE(0, access(tpath("%s/01.0004", DRV_DIR), F_OK));
	state_consistent(_metadata, NULL, "after the operation");
	if (variant->attached)
		guest_has(_metadata, variant->filtered ? "2" : "");
	ASSERT_EQ(0, file_write(tpath("%s/bind", DRV_DIR), "01.0004"));
	unchanged(_metadata, self);
	cell_end(_metadata, self);
}

/*
 * Host config removal plus scan: adapter 1's queues go, its assignment
 * stays; the adapter back, all is as it was once the state's queues are
 * unbound again.
 */
TEST_F_TIMEOUT(destroy, host_remove, 60)
{
	char buf[256];

	ASSERT_EQ(0, host_cmd("-a 1"));
	ASSERT_EQ(0, host_cmd("scan"));
	EXPECT_NE(0, access(tpath("%s/devices/01.0004", BUS_DIR), F_OK));
	state_consistent(_metadata, NULL, "after the operation");
	ASSERT_LE(0, mdev_read(UUID_A, "matrix", buf, sizeof(buf)));
	EXPECT_EQ(variant->assigned, !!strstr(buf, "01.0004")) TH_LOG("%s", buf);
	if (variant->attached)
		guest_has(_metadata, variant->filtered ? "2" : "");
	ASSERT_EQ(0, host_cmd("+a 1"));
	ASSERT_EQ(0, host_cmd("scan"));
	state_unbind(_metadata, variant);
	unchanged(_metadata, self);
	cell_end(_metadata, self);
}

/*
 * A mask write that gives the host what an mdev has assigned: -EBUSY and
 * nothing changed; else the queue goes to the host's driver and, given
 * back, all is as it was. The host owns an APQN whose adapter is in
 * apmask and whose domain in aqmask: @other's bit @other_id is set
 * first, which gives the host nothing yet.
 */
static void mask_reserve(struct __test_metadata *_metadata,
			 struct cell_self *self, const struct cell_state *v,
			 const char *mask, int id, const char *other,
			 int other_id)
{
	char path[256];
	int ret;

	/* snapshot() takes more of tpath()'s buffers than it keeps. */
	snprintf(path, sizeof(path), "%s/%s", BUS_DIR, mask);
	ASSERT_EQ(0, file_writef(tpath("%s/%s", BUS_DIR, other), "+%d",
				 other_id));
	snapshot(self->before, sizeof(self->before));
	ret = file_writef(path, "+%d", id);
	if (v->assigned) {
		EXPECT_EQ(-EBUSY, ret);
		unchanged(_metadata, self);
		return;
	}
	ASSERT_EQ(0, ret);
	EXPECT_EQ(0, access(tpath("%s/01.0004", HOSTDRV_DIR), F_OK));
	EXPECT_NE(0, access(tpath("%s/01.0004", DRV_DIR), F_OK));
	state_consistent(_metadata, NULL, "after the operation");
	ASSERT_EQ(0, file_writef(path, "-%d", id));
	unchanged(_metadata, self);
}

TEST_F_TIMEOUT(destroy, apmask_reserve, 60)
{
	mask_reserve(_metadata, self, variant, "apmask", 1, "aqmask", 4);
	cell_end(_metadata, self);
}

TEST_F_TIMEOUT(destroy, aqmask_reserve, 60)
{
	mask_reserve(_metadata, self, variant, "aqmask", 4, "apmask", 1);
	cell_end(_metadata, self);
}

/*
 * Module unload: refused while a VFIO device is open; else the mdevs go
 * with the driver (the ledger reports what it left), and the driver,
 * loaded again, serves a new mdev and the guest.
 */
TEST_F_TIMEOUT(destroy, module_unload, 60)
{
	const char *ko = driver_module_path();
	int ret;

	if (access(ko, R_OK))
		SKIP(return, "%s: not in the test VM's layout", ko);
	ret = driver_unload();
	if (self->vfio_fd >= 0) {
		EXPECT_EQ(-EWOULDBLOCK, ret);
		unchanged(_metadata, self);
		cell_end(_metadata, self);
		return;
	}
	driver_reloaded(_metadata, ret);
	EXPECT_NE(0, access(tpath("%s/%s", MATRIX_DIR, UUID_A), F_OK));
	state_consistent(_metadata, NULL, "after the operation");
	/* Loaded again, the driver has every queue bound. */
	vfio_link_close(&self->link[0]);
	ASSERT_EQ(0, file_write(tpath("%s/create", MDEV_TYPE_DIR), UUID_A));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "1"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "4"));
	use(_metadata, &self->link[0], UUID_A, "1");
	cell_end(_metadata, self);
}

int main(int argc, char **argv)
{
	driver_or_skip();
	return test_harness_run(argc, argv);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Functional selftests of the vfio_ap reference driver, through its sysfs
 * interface and the simulation's debugfs control files: every attribute
 * and error code (the bad-input table: vfio_ap_input_test.c), driver
 * reload, mdev create/remove, apmask/aqmask and in_use, queue status, and
 * the guest's APCB after each kind of change.
 */
#include <sys/stat.h>
#include <time.h>

#include "../kselftest_harness.h"
#include "vfio_ap_ref.h"
#include "vfio_ap_fixture.h"
#include "vfio_ap_state.h"

/*
 * Unload the driver and load it again, first of all the tests: its exit
 * must free what it allocated (the allocation ledger, driver/sim/sim_ledger.c,
 * reports what it left as "leak at unload" as the module goes), and the
 * reloaded driver must serve: its matrix device and mdev type are back,
 * and an mdev can be created on them. A leak that only unloading shows
 * is found here, in seconds, not after the whole run.
 */
TEST_F(mdev, driver_reloads)
{
	const char *ko = driver_module_path();

	if (access(ko, R_OK))
		SKIP(return, "%s: not in the test VM's layout", ko);
	ASSERT_EQ(0, mdev_write(UUID_A, "remove", "1"));
	driver_reloaded(_metadata, driver_unload());
	ASSERT_EQ(0, file_write(tpath("%s/create", MDEV_TYPE_DIR), UUID_A));
}

TEST_F(mdev, mdev_create_remove)
{
	char buf[256], p[256];
	int avail;

	ASSERT_LT(0, file_read(tpath("%s/available_instances", MDEV_TYPE_DIR), buf, sizeof(buf)));
	avail = atoi(buf);
	/* MAX_ZDEV_ENTRIES_EXT (256 * 256) instances, UUID_A one of them. */
	EXPECT_EQ(256 * 256 - 1, avail);
	ASSERT_LT(0, file_read(tpath("%s/name", MDEV_TYPE_DIR), buf, sizeof(buf)));
	EXPECT_STREQ("VFIO AP Passthrough Device\n", buf);
	ASSERT_LT(0, file_read(tpath("%s/device_api", MDEV_TYPE_DIR), buf, sizeof(buf)));
	EXPECT_STREQ("vfio-ap\n", buf);

	EXPECT_EQ(-EEXIST, file_write(tpath("%s/create", MDEV_TYPE_DIR), UUID_A));
	EXPECT_EQ(-EINVAL, file_write(tpath("%s/create", MDEV_TYPE_DIR), "not-a-uuid"));
	ASSERT_EQ(0, file_write(tpath("%s/create", MDEV_TYPE_DIR), UUID_B "\n"));
	snprintf(p, sizeof(p), "%s/devices/%s", MDEV_TYPE_DIR, UUID_B);
	EXPECT_EQ(0, access(p, F_OK));
	ASSERT_LT(0, file_read(tpath("%s/available_instances", MDEV_TYPE_DIR), buf, sizeof(buf)));
	EXPECT_EQ(avail - 1, atoi(buf));

	/* As the real mdev core's remove_store(): 0 is a no-op. */
	EXPECT_EQ(0, mdev_write(UUID_B, "remove", "0"));
	EXPECT_EQ(0, access(mdev_path(p, UUID_B, "matrix"), F_OK));
	ASSERT_EQ(0, mdev_write(UUID_B, "remove", "1"));
	EXPECT_NE(0, access(mdev_path(p, UUID_B, "matrix"), F_OK));
	ASSERT_LT(0, file_read(tpath("%s/available_instances", MDEV_TYPE_DIR), buf, sizeof(buf)));
	EXPECT_EQ(avail, atoi(buf));
}

TEST_F(mdev, assign_and_show)
{
	char buf[4096];

	/* Adapter only, domain only, then APQNs. */
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "5"));
	ASSERT_LE(0, mdev_read(UUID_A, "matrix", buf, sizeof(buf)));
	EXPECT_STREQ("05.\n", buf);
	ASSERT_EQ(0, mdev_write(UUID_A, "unassign_adapter", "5"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "0xab"));
	ASSERT_LE(0, mdev_read(UUID_A, "matrix", buf, sizeof(buf)));
	EXPECT_STREQ(".00ab\n", buf);
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "1"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "0x10"));
	/* Assigning again changes nothing. */
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "1"));
	ASSERT_LE(0, mdev_read(UUID_A, "matrix", buf, sizeof(buf)));
	EXPECT_STREQ("01.00ab\n10.00ab\n", buf);
	/* Unassigning what is not assigned succeeds. */
	EXPECT_EQ(0, mdev_write(UUID_A, "unassign_domain", "7"));

	ASSERT_EQ(0, mdev_write(UUID_A, "assign_control_domain", "6"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_control_domain", "255"));
	ASSERT_LE(0, mdev_read(UUID_A, "control_domains", buf, sizeof(buf)));
	EXPECT_STREQ("0006\n00ff\n", buf);
	ASSERT_EQ(0, mdev_write(UUID_A, "unassign_control_domain", "255"));
	ASSERT_LE(0, mdev_read(UUID_A, "control_domains", buf, sizeof(buf)));
	EXPECT_STREQ("0006\n", buf);

	/*
	 * Only adapter 1 and no domain are in the host config: the shadow
	 * has adapter 1 alone. With domain 4, queue 01.0004 passes.
	 */
	ASSERT_LE(0, mdev_read(UUID_A, "guest_matrix", buf, sizeof(buf)));
	EXPECT_STREQ("01.\n", buf);
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "4"));
	ASSERT_LE(0, mdev_read(UUID_A, "guest_matrix", buf, sizeof(buf)));
	EXPECT_STREQ("01.0004\n", buf);
}

/*
 * An adapter that an unbound queue keeps out of the shadow APCB stays
 * out whatever is assigned next, and its queues show "assigned", not "in
 * use"; a domain the host does not have keeps no adapter out. Linux
 * fixed each of these: 850fb7fa8c68 filters the whole matrix again on
 * every assignment, 16fb78cbf56e loops over the shadow APCB, not the
 * matrix, and a0d8f4eeb7c4 made the status look at the shadow APCB.
 */
TEST_F(mdev, filtered_adapter_stays_out)
{
	char buf[64];
	struct apcb a;

	ASSERT_EQ(0, file_write(tpath("%s/unbind", DRV_DIR), "02.0005"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "1"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "2"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "4"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "5"));
	self->vfio_fd = attach(&self->link[0], UUID_A);
	ASSERT_LE(0, self->vfio_fd);
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ("1", a.apm);
	EXPECT_STREQ("4-5", a.aqm);
	ASSERT_LT(0, file_read(tpath("%s/devices/01.0004/status", BUS_DIR), buf, sizeof(buf)));
	EXPECT_STREQ("in use\n", buf);
	ASSERT_LT(0, file_read(tpath("%s/devices/02.0004/status", BUS_DIR), buf, sizeof(buf)));
	EXPECT_STREQ("assigned\n", buf);

	/* Another adapter: the whole matrix is filtered again. */
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "3"));
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ("1,3", a.apm);
	/* Another domain, which the host does not have. */
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "8"));
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ("1,3", a.apm);
	EXPECT_STREQ("4-5", a.aqm);

	/* With its queue bound again, the adapter comes in. */
	ASSERT_EQ(0, file_write(tpath("%s/bind", DRV_DIR), "02.0005"));
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ("1-3", a.apm);
	ASSERT_LT(0, file_read(tpath("%s/devices/02.0004/status", BUS_DIR), buf, sizeof(buf)));
	EXPECT_STREQ("in use\n", buf);
}

/*
 * More APQNs than a sysfs page holds lines for: 23 x 23 = 529 lines of
 * 8 bytes. The attribute shows what sysfs takes (less than a page), in
 * whole lines, in order. The real vfio_ap_mdev_matrix_show() sprintf()s
 * every line into the page, past its end, and sysfs cuts the count to
 * PAGE_SIZE - 1, mid-line.
 */
#define PAGE_APQNS	23

TEST_F(mdev, matrix_show_past_a_page)
{
	char buf[8192], line[16];
	unsigned int i, lines;
	int len;

	for (i = 0; i < PAGE_APQNS; i++) {
		snprintf(line, sizeof(line), "%u", i);
		ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", line));
		ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", line));
	}
	len = mdev_read(UUID_A, "matrix", buf, sizeof(buf));
	ASSERT_LT(0, len);
	EXPECT_GT(4096, len);
	EXPECT_EQ(0, len % 8) TH_LOG("%d bytes: not whole lines", len);
	lines = len / 8;
	for (i = 0; i < lines; i++) {
		snprintf(line, sizeof(line), "%02x.%04x\n", i / PAGE_APQNS,
			 i % PAGE_APQNS);
		ASSERT_EQ(0, memcmp(buf + 8 * i, line, 8)) TH_LOG("line %u", i);
	}
}

TEST_F(mdev, assign_errors_roll_back)
{
	char before[4096], after[4096];

	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "1"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "4"));
	ASSERT_LE(0, mdev_read(UUID_A, "matrix", before, sizeof(before)));

	/* Reserved for the host: 02.0004. */
	ASSERT_EQ(0, file_write(tpath("%s/apmask", BUS_DIR), "+2"));
	ASSERT_EQ(0, file_write(tpath("%s/aqmask", BUS_DIR), "+4"));
	EXPECT_EQ(-EADDRNOTAVAIL, mdev_write(UUID_A, "assign_adapter", "2"));
	/* In another mdev: B gets 03.0004, then A asks for adapter 3. */
	ASSERT_EQ(0, file_write(tpath("%s/create", MDEV_TYPE_DIR), UUID_B));
	ASSERT_EQ(0, mdev_write(UUID_B, "assign_adapter", "3"));
	ASSERT_EQ(0, mdev_write(UUID_B, "assign_domain", "4"));
	EXPECT_EQ(-EADDRINUSE, mdev_write(UUID_A, "assign_adapter", "3"));
	EXPECT_EQ(-ENODEV, mdev_write(UUID_A, "assign_adapter", "256"));
	EXPECT_EQ(-ENODEV, mdev_write(UUID_A, "assign_domain", "256"));
	EXPECT_EQ(-ENODEV, mdev_write(UUID_A, "assign_control_domain", "256"));

	ASSERT_LE(0, mdev_read(UUID_A, "matrix", after, sizeof(after)));
	EXPECT_STREQ(before, after);
	/* Control domains are never checked for sharing. */
	EXPECT_EQ(0, mdev_write(UUID_B, "assign_control_domain", "6"));
	EXPECT_EQ(0, mdev_write(UUID_A, "assign_control_domain", "6"));
}

TEST_F(mdev, in_use_makes_mask_write_ebusy)
{
	char before[256], after[256];

	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "1"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "4"));
	ASSERT_EQ(0, file_write(tpath("%s/aqmask", BUS_DIR), "+4"));
	ASSERT_LT(0, file_read(tpath("%s/apmask", BUS_DIR), before, sizeof(before)));
	EXPECT_EQ(-EBUSY, file_write(tpath("%s/apmask", BUS_DIR), "+1"));
	EXPECT_EQ(-EBUSY, file_write(tpath("%s/apmask", BUS_DIR), "0x40"));
	ASSERT_LT(0, file_read(tpath("%s/apmask", BUS_DIR), after, sizeof(after)));
	EXPECT_STREQ(before, after);
	/* Adapter 2 is not used: it can be reserved, and its queue rebinds. */
	ASSERT_EQ(0, file_write(tpath("%s/apmask", BUS_DIR), "+2"));
	EXPECT_EQ(0, access(tpath("%s/02.0004", HOSTDRV_DIR), F_OK));
	EXPECT_NE(0, access(tpath("%s/02.0004", DRV_DIR), F_OK));
	ASSERT_LT(0, file_read(tpath("%s/apmask", BUS_DIR), after, sizeof(after)));
	EXPECT_EQ(0, strncmp(after, "0x20", 4)) TH_LOG("apmask %s", after);
	ASSERT_EQ(0, file_write(tpath("%s/apmask", BUS_DIR), "-2"));
	EXPECT_EQ(0, access(tpath("%s/02.0004", DRV_DIR), F_OK));
}

TEST_F(mdev, queue_status)
{
	char buf[64];

	ASSERT_LT(0, file_read(tpath("%s/devices/01.0004/status", BUS_DIR), buf, sizeof(buf)));
	EXPECT_STREQ("unassigned\n", buf);
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "1"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "4"));
	ASSERT_LT(0, file_read(tpath("%s/devices/01.0004/status", BUS_DIR), buf, sizeof(buf)));
	EXPECT_STREQ("assigned\n", buf);
	self->vfio_fd = attach(&self->link[0], UUID_A);
	ASSERT_LE(0, self->vfio_fd);
	ASSERT_LT(0, file_read(tpath("%s/devices/01.0004/status", BUS_DIR), buf, sizeof(buf)));
	EXPECT_STREQ("in use\n", buf);
	/* A queue reserved for the host has no status attribute. */
	ASSERT_EQ(0, file_write(tpath("%s/aqmask", BUS_DIR), "+5"));
	ASSERT_EQ(0, file_write(tpath("%s/apmask", BUS_DIR), "+3"));
	EXPECT_NE(0, access(tpath("%s/devices/03.0005/status", BUS_DIR), F_OK));
}

/*
 * A queue unlinked while it is out of the shadow APCB must forget its
 * mdev: 6.1's unlink left q->matrix_mdev set, and unbinding the queue
 * after the mdev was removed used the freed mdev. The driver's own
 * bookkeeping shows the stale link before the mdev is gone: the queue
 * names the mdev whose queue table no longer holds it.
 */
TEST_F(mdev, queue_outlives_its_mdev)
{
	char buf[128];

	/* 02.0005 unbound keeps adapter 2, and so 02.0004, out of the shadow. */
	ASSERT_EQ(0, file_write(tpath("%s/unbind", DRV_DIR), "02.0005"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "2"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "4"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "5"));
	ASSERT_LT(0, mdev_read(UUID_A, "guest_matrix", buf, sizeof(buf)));
	EXPECT_STREQ(".0004\n.0005\n", buf);
	ASSERT_EQ(0, mdev_write(UUID_A, "unassign_adapter", "2"));
	/* The queue must not name the mdev it has left. */
	ASSERT_EQ(0, drv_state_queue_link(2, 4, buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
	ASSERT_EQ(0, mdev_write(UUID_A, "remove", "1"));
	ASSERT_EQ(0, file_write(tpath("%s/unbind", DRV_DIR), "02.0004"));
	ASSERT_EQ(0, file_write(tpath("%s/bind", DRV_DIR), "02.0004"));
	ASSERT_EQ(0, file_write(tpath("%s/bind", DRV_DIR), "02.0005"));
	ASSERT_LT(0, file_read(tpath("%s/devices/02.0004/status", BUS_DIR), buf, sizeof(buf)));
	EXPECT_STREQ("unassigned\n", buf);
}

TEST_F(mdev, guest_apcb_follows_changes)
{
	struct apcb a;
	char p[256];

	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "1"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "4"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_control_domain", "6"));
	self->vfio_fd = attach(&self->link[0], UUID_A);
	ASSERT_LE(0, self->vfio_fd);
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ("1", a.apm);
	EXPECT_STREQ("4", a.aqm);
	EXPECT_STREQ("6", a.adm);

	/* Hot plug and unplug with the guest attached. */
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "2"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "5"));
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ("1-2", a.apm);
	EXPECT_STREQ("4-5", a.aqm);
	ASSERT_EQ(0, mdev_write(UUID_A, "unassign_adapter", "1"));
	ASSERT_EQ(0, mdev_write(UUID_A, "unassign_control_domain", "6"));
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ("2", a.apm);
	EXPECT_STREQ("", a.adm);

	/* Unbinding a queue takes its adapter out; binding brings it back. */
	ASSERT_EQ(0, file_write(tpath("%s/unbind", DRV_DIR), "02.0005"));
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ("", a.apm);
	ASSERT_EQ(0, file_write(tpath("%s/bind", DRV_DIR), "02.0005"));
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ("2", a.apm);

	/* Host config: a removed domain goes, an added adapter comes. */
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "7"));
	ASSERT_EQ(0, host_cmd("-d 5"));
	ASSERT_EQ(0, host_cmd("scan"));
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ("4", a.aqm);
	ASSERT_EQ(0, host_cmd("+a 7"));
	ASSERT_EQ(0, host_cmd("scan"));
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ("2,7", a.apm);
	/* An adapter older than CEX4 is not plugged in. */
	ASSERT_EQ(0, host_cmd("-a 7"));
	ASSERT_EQ(0, host_cmd("scan"));
	ASSERT_EQ(0, host_cmd("type 7 8"));
	ASSERT_EQ(0, host_cmd("+a 7"));
	ASSERT_EQ(0, host_cmd("scan"));
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ("2", a.apm);

	/* Detach clears the guest's masks. */
	close(self->vfio_fd);
	self->vfio_fd = -1;
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ("", a.apm);
	EXPECT_STREQ("", a.aqm);
	guest_path(p, GUEST, "crycb");
	EXPECT_EQ(0, access(p, R_OK));
}

/*
 * The host drops a domain the guest has, and the guest's vCPUs keep
 * intercepting PQAP(AQIC) on its queue until the AP bus scans: the
 * intercepts are answered, and the scan takes the domain from the guest.
 */
TEST_F(mdev, aqic_while_host_config_changes)
{
	struct apcb a;
	char p[256];
	int i;

	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "1"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "4"));
	self->vfio_fd = attach(&self->link[0], UUID_A);
	ASSERT_LE(0, self->vfio_fd);
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ("4", a.aqm);
	ASSERT_EQ(0, host_cmd("-d 4"));
	guest_path(p, GUEST, "vcpus");
	ASSERT_EQ(0, file_write(p, "2 1000"));
	/* Every intercept is for 01.0004, the guest's only queue. */
	for (i = 0; i < 100 && vcpu_intercepts(GUEST) < 20; i++)
		usleep(100000);
	EXPECT_LE(20, vcpu_intercepts(GUEST));
	ASSERT_EQ(0, file_write(p, "0"));
	ASSERT_EQ(0, host_cmd("scan"));
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ("", a.aqm);
}

/*
 * The guest's vCPUs intercept PQAP(AQIC) while its mdev is detached and
 * attached again and again: each detach takes the PQAP hook away while a
 * vCPU may be in it, holding pqap_hook_rwsem for reading. That overlap is
 * where the open-coded kvm_busy wait (0cc00c8d, removed by 86956e70)
 * deadlocked; the stress reaches it only by chance. The cycles run for
 * 10 s at most; the log says how many, and how many intercepts the vCPUs
 * made meanwhile (the overlap achieved).
 */
TEST_F_TIMEOUT(mdev, detach_while_vcpus_intercept, 60)
{
	struct timespec t0, t;
	long before, after;
	char p[256];
	int cycles = 0;

	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "1"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "4"));
	self->vfio_fd = attach(&self->link[0], UUID_A);
	ASSERT_LE(0, self->vfio_fd);
	guest_path(p, GUEST, "vcpus");
	ASSERT_EQ(0, file_write(p, "2 5000"));
	before = vcpu_intercepts(GUEST);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		close(self->vfio_fd);
		self->vfio_fd = vfio_device_open(&self->link[0], UUID_A);
		ASSERT_LE(0, self->vfio_fd);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (++cycles < 40 && t.tv_sec - t0.tv_sec < 10);
	after = vcpu_intercepts(GUEST);
	ASSERT_EQ(0, file_write(p, "0"));
	TH_LOG("%d detach/attach cycles, %ld intercepts during them", cycles,
	       after - before);
	EXPECT_LT(0, after - before);
}

TEST_F(mdev, reset_failure_keeps_adapter_out)
{
	struct apcb a;

	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "1"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "2"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "4"));
	self->vfio_fd = attach(&self->link[0], UUID_A);
	ASSERT_LE(0, self->vfio_fd);
	/* The reset at detach fails for 01.0004 (response code 3). */
	ASSERT_EQ(0, host_cmd("reset_fail 0x0104 3"));
	close(self->vfio_fd);
	self->vfio_fd = -1;
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "5"));
	self->vfio_fd = attach(&self->link[0], UUID_A);
	ASSERT_LE(0, self->vfio_fd);
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	/*
	 * Linux 6.12's filter passes a queue whose reset answered
	 * DECONFIGURED or CHECKSTOPPED (_queue_passable() in vfio_ap_ops.c);
	 * 6.1's, like the model, keeps any queue whose reset failed out.
	 */
	EXPECT_STREQ(under_test->real_mdev && kernel_at_least(6, 12) ? "1-2" : "2",
		     a.apm);
}

/* A refused open leaves the state as it was: snapshot() before and after. */
static char snap_before[SNAPSHOT_SIZE], snap_after[SNAPSHOT_SIZE];

TEST_F(mdev, open_without_guest_einval)
{
	int fd;

	ASSERT_EQ(0, vfio_link_open(&self->link[0], UUID_A));
	snapshot(snap_before, sizeof(snap_before));
	fd = vfio_device_open(&self->link[0], UUID_A);
	EXPECT_EQ(-EINVAL, fd);
	if (fd >= 0)
		close(fd);
	snapshot(snap_after, sizeof(snap_after));
	EXPECT_STREQ("", snapshot_diff(snap_before, snap_after));
}

TEST_F(mdev, two_mdevs_one_guest_eperm)
{
	struct apcb a;
	int fd;

	ASSERT_EQ(0, file_write(tpath("%s/create", MDEV_TYPE_DIR), UUID_B));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "1"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "4"));
	ASSERT_EQ(0, mdev_write(UUID_B, "assign_adapter", "2"));
	ASSERT_EQ(0, mdev_write(UUID_B, "assign_domain", "5"));
	self->vfio_fd = attach(&self->link[0], UUID_A);
	ASSERT_LE(0, self->vfio_fd);
	ASSERT_EQ(0, link_to_guest(&self->link[1], UUID_B));
	snapshot(snap_before, sizeof(snap_before));
	fd = vfio_device_open(&self->link[1], UUID_B);
	EXPECT_EQ(-EPERM, fd);
	if (fd >= 0)
		close(fd);
	snapshot(snap_after, sizeof(snap_after));
	EXPECT_STREQ("", snapshot_diff(snap_before, snap_after));
	/* Nothing dangles: the guest still has A's APCB, and B can detach. */
	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ("1", a.apm);
	EXPECT_EQ(0, guest_vfio(GUEST, false, &self->link[1], UUID_B));
	EXPECT_EQ(0, mdev_write(UUID_B, "remove", "1"));
}

int main(int argc, char **argv)
{
	driver_or_skip();
	return test_harness_run(argc, argv);
}

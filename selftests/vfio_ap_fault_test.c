// SPDX-License-Identifier: GPL-2.0
/*
 * The error paths of allocation failures, by the kernel's fault injection
 * (Documentation/fault-injection/fault-injection.rst): each test runs its
 * operation again and again, and each time the Nth slab allocation of
 * its task fails (N = 1, 2, ..., written to /proc/thread-self/fail-nth),
 * until it runs without reaching an Nth allocation.
 *
 * After a run the failure made fail, the state must be what it was before:
 * the mdev's files, the masks, the host's configuration, the driver's own
 * bookkeeping and the guest's APCB (snapshot()). After a run the failure
 * did not stop, the bookkeeping must be consistent (vfio_ap_state.h).
 * Each run is undone, which must work. KASAN sees what an error path
 * touches after freeing it, and kmemleak, scanned after the functional
 * tests, what it does not free.
 *
 * The allocations counted are those of the one system call an operation
 * makes, VFS and sysfs ones included; the set-up before it and the check
 * after it allocate freely. The driver's load fails its last
 * allocations, where the driver's init runs after the module loader's,
 * and, where the kernel can tell them apart, its init's first ones.
 */
#include <sys/syscall.h>

#include "vfio_ap_fixture.h"

#define FAILSLAB	"/sys/kernel/debug/failslab"
/* No operation allocates that often: a sweep past it is a test failure. */
#define FAULT_MAX_NTH	1000
/* More allocations than a run makes: a count of them. */
#define FAULT_COUNT	1000000

/* An operation's set-up, run or undo: 0 or -errno. */
typedef int (*fault_step_t)(struct mdev_self *self);

static int assign(const char *uuid, const char *adapter, const char *domain)
{
	int ret = 0;

	if (adapter)
		ret = mdev_write(uuid, "assign_adapter", adapter);
	if (!ret && domain)
		ret = mdev_write(uuid, "assign_domain", domain);
	return ret;
}

static int none(struct mdev_self *self)
{
	return 0;
}

static int create_b(struct mdev_self *self)
{
	return file_write(tpath("%s/create", MDEV_TYPE_DIR), UUID_B);
}

static int remove_b(struct mdev_self *self)
{
	return mdev_write(UUID_B, "remove", "1");
}

static int assign_adapter_1(struct mdev_self *self)
{
	return mdev_write(UUID_A, "assign_adapter", "1");
}

static int unassign_adapter_1(struct mdev_self *self)
{
	return mdev_write(UUID_A, "unassign_adapter", "1");
}

static int assign_domain_4(struct mdev_self *self)
{
	return mdev_write(UUID_A, "assign_domain", "4");
}

static int unassign_domain_4(struct mdev_self *self)
{
	return mdev_write(UUID_A, "unassign_domain", "4");
}

static int assign_control_6(struct mdev_self *self)
{
	return mdev_write(UUID_A, "assign_control_domain", "6");
}

static int unassign_control_6(struct mdev_self *self)
{
	return mdev_write(UUID_A, "unassign_control_domain", "6");
}

/* Guest GUEST exists and has UUID_A's group; the device is not open. */
static int guest_has_a(struct mdev_self *self)
{
	int ret = assign(UUID_A, "1", "4");

	return ret ? ret : link_to_guest(&self->link[0], UUID_A);
}

static int open_device(struct mdev_self *self)
{
	int fd = vfio_device_open(&self->link[0], UUID_A);

	if (fd < 0)
		return fd;
	self->vfio_fd = fd;
	return 0;
}

static int close_device(struct mdev_self *self)
{
	close(self->vfio_fd);
	self->vfio_fd = -1;
	return 0;
}

/* Attached: the device is open, with domain 4 and no adapter assigned. */
static int attached(struct mdev_self *self)
{
	int ret = guest_has_a(self);

	if (!ret)
		ret = mdev_write(UUID_A, "unassign_adapter", "1");
	if (!ret && self->vfio_fd < 0)
		ret = open_device(self);
	return ret;
}

static int unbound_0104(struct mdev_self *self)
{
	int ret = file_write(tpath("%s/unbind", DRV_DIR), "01.0004");

	return ret == -ENODEV ? 0 : ret;
}

static int bind_0104(struct mdev_self *self)
{
	return file_write(tpath("%s/bind", DRV_DIR), "01.0004");
}

/* The driver's module, opened for finit_module() by unloaded(). */
static int driver_ko = -1;

/* The driver is not loaded, and driver_ko is its module file. */
static int unloaded(struct mdev_self *self)
{
	int ret;

	ret = mdev_write(UUID_A, "remove", "1");
	if (ret && ret != -ENOENT)
		return ret;
	ret = driver_unload();
	if (ret && ret != -ENOENT)
		return ret;
	if (driver_ko < 0)
		driver_ko = open(driver_module_path(), O_RDONLY | O_CLOEXEC);
	return driver_ko < 0 ? -errno : 0;
}

static int load_driver(struct mdev_self *self)
{
	return syscall(__NR_finit_module, driver_ko, "", 0) ? -errno : 0;
}

/* UUID_B holds adapter 2 and domain 5. */
static int b_assigned(struct mdev_self *self)
{
	int ret = create_b(self);

	if (ret && ret != -EEXIST)
		return ret;
	return assign(UUID_B, "2", "5");
}

/* /proc/thread-self/fail-nth: N fails this thread's Nth allocation. */
static int fail_nth_set(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -errno;
}

/* What is left of N: 0 once the Nth allocation failed. */
static int fail_nth_left(int fd)
{
	char buf[16];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return atoi(buf);
}

/* A failslab knob's value fits in this (debugfs xul: "0x" and 16 digits). */
#define FAILSLAB_VAL	32

/* A failslab knob's value, read into @old, then set to @val. */
static int failslab_set(const char *knob, const char *val, char *old)
{
	const char *p = tpath("%s/%s", FAILSLAB, knob);

	if (old && file_read(p, old, FAILSLAB_VAL) < 0)
		return -1;
	return file_write(p, val);
}

/*
 * On s390 the modules lie in the 2 GB below the kernel image
 * (MODULES_END is the image's start rounded down to a segment).
 */
#define MODULES_SPAN	((2UL << 30) + (1UL << 20))

/* A symbol's address from /proc/kallsyms; 0 if it is not there. */
static unsigned long kallsyms_addr(const char *sym)
{
	unsigned long addr = 0, a;
	char line[256], name[128], type;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return 0;
	while (!addr && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %127s", &a, &type, name) == 3 &&
		    !strcmp(name, sym))
			addr = a;
	fclose(f);
	return addr;
}

/* The address of a loaded module, from /proc/modules; 0 if none. */
static unsigned long a_module_addr(void)
{
	unsigned long addr = 0;
	char line[256], *p;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return 0;
	while (!addr && fgets(line, sizeof(line), f)) {
		p = strstr(line, " 0x");
		if (p)
			addr = strtoul(p + 1, NULL, 16);
	}
	fclose(f);
	return addr;
}

/*
 * Make fail-nth count only the allocations made with a module's code on
 * the stack, failslab's stack filter set to the module area: a module's
 * load then counts its init's allocations from the first, and not the
 * module loader's before them. fail-nth honours the stack filter only
 * in newer kernels (should_fail_ex() of 6.12 does, 6.1's does not), and
 * only with CONFIG_FAULT_INJECTION_STACKTRACE_FILTER: a probe with a
 * range no code is in finds out. The module area is checked against a
 * loaded module's address. Returns true with the filter set, the old
 * range in @start and @end.
 */
static bool fail_in_modules(int fd, char *start, char *end)
{
	unsigned long text = kallsyms_addr("_text"), mod = a_module_addr();
	char v[FAILSLAB_VAL];
	int left;

	if (!text || !mod || mod >= text || text - mod > MODULES_SPAN ||
	    access(FAILSLAB "/require-start", W_OK))
		return false;
	if (failslab_set("require-start", "1", start) ||
	    failslab_set("require-end", "2", end))
		return false;
	/* An open allocates: with the filter honoured, none is counted. */
	fail_nth_set(fd, 1);
	close(open("/proc/self/stat", O_RDONLY));
	left = fail_nth_left(fd);
	fail_nth_set(fd, 0);
	snprintf(v, sizeof(v), "%lu", text - MODULES_SPAN);
	if (left == 1 && !failslab_set("require-start", v, NULL)) {
		snprintf(v, sizeof(v), "%lu", text);
		if (!failslab_set("require-end", v, NULL))
			return true;
	}
	failslab_set("require-start", start, NULL);
	failslab_set("require-end", end, NULL);
	return false;
}

/*
 * Fail allocation @n, @n + 1, ... of @run in turn, after @prepare, and
 * @undo each run that succeeded, until a run no longer reaches the
 * failing allocation or @n reaches @stop. Adds to @refused and
 * @tolerated; returns the last N tried plus one.
 */
static unsigned int fault_range(struct __test_metadata *_metadata,
				struct mdev_self *self, fault_step_t prepare,
				fault_step_t run, fault_step_t undo, int fd,
				unsigned int n, unsigned int stop,
				unsigned int *refused, unsigned int *tolerated)
{
	static char before[SNAPSHOT_SIZE], after[SNAPSHOT_SIZE];
	const char *name = _metadata->name;
	char when[128];
	int ret, left;

	for (; n < stop; n++) {
		ret = prepare(self);
		EXPECT_EQ(0, ret) TH_LOG("%s: set-up", name);
		if (ret)
			break;
		snapshot(before, sizeof(before));
		ret = fail_nth_set(fd, n);
		EXPECT_EQ(0, ret) TH_LOG("%s: fail-nth %u", name, n);
		if (ret)
			break;
		ret = run(self);
		left = fail_nth_left(fd);
		fail_nth_set(fd, 0);
		if (left) {
			/* It ran without reaching an Nth allocation. */
			EXPECT_EQ(0, ret) TH_LOG("%s without a failure", name);
			EXPECT_EQ(0, undo(self)) TH_LOG("%s: undo", name);
			break;
		}
		if (ret) {
			(*refused)++;
			snapshot(after, sizeof(after));
			EXPECT_STREQ("", snapshot_diff(before, after))
				TH_LOG("%s, allocation %u failed (%s): the state changed",
				       name, n, strerror(-ret));
		} else {
			(*tolerated)++;
			EXPECT_EQ(0, undo(self))
				TH_LOG("%s, allocation %u failed: undo", name, n);
		}
		snprintf(when, sizeof(when), "%s, allocation %u failed",
			 name, n);
		state_consistent(_metadata, NULL, when);
	}
	return n;
}

/*
 * The first FAULT_LOAD_FIRST allocations of a driver's init, counted with
 * a module's code on the stack: the root device, bus, matrix device and
 * driver registrations the init begins with, and their error labels.
 */
#define FAULT_LOAD_FIRST	64

/*
 * Fail each allocation of @run in turn, after @prepare, and @undo each
 * run that succeeded; see the top of the file. @last: a module load,
 * whose last @last allocations fail in turn, and, where the kernel can
 * tell them (fail_in_modules()), also the init's first FAULT_LOAD_FIRST.
 */
static void fault_sweep(struct __test_metadata *_metadata,
			struct mdev_self *self, fault_step_t prepare,
			fault_step_t run, fault_step_t undo, unsigned int last)
{
	char gfp[FAILSLAB_VAL], verbose[FAILSLAB_VAL];
	char start[FAILSLAB_VAL], end[FAILSLAB_VAL];
	unsigned int n = 1, first, refused = 0, tolerated = 0;
	const char *name = _metadata->name;
	int fd, ret, left;

	if (access(FAILSLAB, F_OK))
		SKIP(return, "no %s: the kernel has no CONFIG_FAILSLAB", FAILSLAB);
	fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (fd < 0)
		SKIP(return, "no /proc/thread-self/fail-nth");
	/* GFP_KERNEL allocations too; no stack dump for each failure. */
	ASSERT_EQ(0, failslab_set("ignore-gfp-wait", "N", gfp));
	ASSERT_EQ(0, failslab_set("verbose", "0", verbose));

	if (last && fail_in_modules(fd, start, end)) {
		n = fault_range(_metadata, self, prepare, run, undo, fd, 1,
				FAULT_LOAD_FIRST + 1, &refused, &tolerated);
		failslab_set("require-start", start, NULL);
		failslab_set("require-end", end, NULL);
		ksft_print_msg("%s: init allocations 1 to %u failed: %u refused, %u tolerated\n",
			       name, n - 1, refused, tolerated);
		refused = 0;
		tolerated = 0;
	}
	if (last) {
		/* Count a run's allocations: N past them never fails. */
		ASSERT_EQ(0, prepare(self)) TH_LOG("%s: set-up", name);
		ASSERT_EQ(0, fail_nth_set(fd, FAULT_COUNT));
		ret = run(self);
		left = fail_nth_left(fd);
		ASSERT_EQ(0, fail_nth_set(fd, 0));
		ASSERT_EQ(0, ret) TH_LOG("%s without a failure", name);
		ASSERT_LT(0, left);
		ASSERT_EQ(0, undo(self));
		n = FAULT_COUNT - left;
		n = n > last ? n - last + 1 : 1;
	}
	first = n;
	n = fault_range(_metadata, self, prepare, run, undo, fd, first,
			first + FAULT_MAX_NTH, &refused, &tolerated);
	EXPECT_GT(first + FAULT_MAX_NTH, n)
		TH_LOG("%s reached allocation %u", name, first + FAULT_MAX_NTH);
	/* Refused: with the state unchanged. Tolerated: it succeeded. */
	ksft_print_msg("%s: allocations %u to %u failed in turn: %u refused, %u tolerated\n",
		       name, first, n - 1, refused, tolerated);
	/* 6.1's harness ends a test with _exit(): no stdio flush. */
	fflush(stdout);
	failslab_set("ignore-gfp-wait", gfp, NULL);
	failslab_set("verbose", verbose, NULL);
	close(fd);
}

TEST_F_TIMEOUT(mdev, fault_mdev_create, 300)
{
	fault_sweep(_metadata, self, none, create_b, remove_b, 0);
}

TEST_F_TIMEOUT(mdev, fault_assign_adapter, 300)
{
	fault_sweep(_metadata, self, assign_domain_4, assign_adapter_1, unassign_adapter_1, 0);
}

TEST_F_TIMEOUT(mdev, fault_assign_domain, 300)
{
	fault_sweep(_metadata, self, assign_adapter_1, assign_domain_4, unassign_domain_4, 0);
}

TEST_F_TIMEOUT(mdev, fault_assign_control_domain, 300)
{
	fault_sweep(_metadata, self, none, assign_control_6, unassign_control_6, 0);
}

TEST_F_TIMEOUT(mdev, fault_open_with_guest, 300)
{
	fault_sweep(_metadata, self, guest_has_a, open_device, close_device, 0);
}

TEST_F_TIMEOUT(mdev, fault_hot_plug_adapter, 300)
{
	fault_sweep(_metadata, self, attached, assign_adapter_1, unassign_adapter_1, 0);
}

TEST_F_TIMEOUT(mdev, fault_queue_bind, 300)
{
	fault_sweep(_metadata, self, unbound_0104, bind_0104, none, 0);
}

TEST_F_TIMEOUT(mdev, fault_mdev_remove, 300)
{
	fault_sweep(_metadata, self, b_assigned, remove_b, none, 0);
}

/*
 * The driver's init runs at the end of a module load: the last
 * FAULT_LOAD_LAST allocations of one, not those of the module loader
 * before it, and where the kernel can count only the allocations made
 * with module code on the stack, the first FAULT_LOAD_FIRST of the init
 * (fail_in_modules()). The fixture's teardown finds the driver loaded
 * again.
 */
#define FAULT_LOAD_LAST	48

TEST_F_TIMEOUT(mdev, fault_driver_load, 300)
{
	const char *ko = driver_module_path();

	if (access(ko, R_OK))
		SKIP(return, "%s: not in the test VM's layout", ko);
	fault_sweep(_metadata, self, unloaded, load_driver, none,
		    FAULT_LOAD_LAST);
}

int main(int argc, char **argv)
{
	driver_or_skip();
	return test_harness_run(argc, argv);
}

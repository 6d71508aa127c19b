// SPDX-License-Identifier: GPL-2.0
/*
 * The bad-input selftest: every file of the bad-input table
 * (vfio_ap_test_data.h) against each of its nine inputs, one test per
 * (file, input): bad_input.FILE.INPUT. The files are the fixture's
 * variants, the inputs its tests. Each write gets the table's answer, and
 * a refused write leaves the state as it was (the snapshot of
 * vfio_ap_fixture.h: the mdev's files, the masks, the host's
 * configuration, the driver's bookkeeping, the guest's APCB).
 *
 * After the table, FIXTURE(after_bad_input) walks the state it left
 * through its life cycle, where a refusal's leftover would bite.
 *
 * A cell starts from the state the one before it left: guest GUEST and
 * mdev UUID_A with adapter 1, domain 4 and control domain 6 assigned,
 * made anew (fixture_make()) only when the guest or the mdev is missing,
 * as for the first cell. 144 cells under TCG and KASAN: a full reset
 * each would triple their time.
 */
#include "vfio_ap_fixture.h"
#include "vfio_ap_test_data.h"

FIXTURE(bad_input) {
	char before[SNAPSHOT_SIZE];	/* snapshot() before the write */
	char after[SNAPSHOT_SIZE];
	char page[4097];		/* BAD_PAGE's input */
	const char *in;			/* the input written, or NULL */
	int ret;			/* what the write returned */
};

FIXTURE_VARIANT(bad_input) {
	const char *name;	/* the variant's name, for SELFTEST_BEGIN() */
	const char *file;	/* its file in the bad-input table */
};

FIXTURE_VARIANT_ADD(bad_input, assign_adapter) {
	.name = "assign_adapter", .file = "assign_adapter",
};

FIXTURE_VARIANT_ADD(bad_input, unassign_adapter) {
	.name = "unassign_adapter", .file = "unassign_adapter",
};

FIXTURE_VARIANT_ADD(bad_input, assign_domain) {
	.name = "assign_domain", .file = "assign_domain",
};

FIXTURE_VARIANT_ADD(bad_input, unassign_domain) {
	.name = "unassign_domain", .file = "unassign_domain",
};

FIXTURE_VARIANT_ADD(bad_input, assign_control_domain) {
	.name = "assign_control_domain", .file = "assign_control_domain",
};

FIXTURE_VARIANT_ADD(bad_input, unassign_control_domain) {
	.name = "unassign_control_domain", .file = "unassign_control_domain",
};

FIXTURE_VARIANT_ADD(bad_input, remove) {
	.name = "remove", .file = "remove",
};

FIXTURE_VARIANT_ADD(bad_input, create) {
	.name = "create", .file = "type/create",
};

FIXTURE_VARIANT_ADD(bad_input, apmask) {
	.name = "apmask", .file = "bus/apmask",
};

FIXTURE_VARIANT_ADD(bad_input, aqmask) {
	.name = "aqmask", .file = "bus/aqmask",
};

FIXTURE_VARIANT_ADD(bad_input, ap_config) {
	.name = "ap_config", .file = "dbg/ap/config",
};

FIXTURE_VARIANT_ADD(bad_input, guest_create) {
	.name = "guest_create", .file = "dbg/guests/create",
};

FIXTURE_VARIANT_ADD(bad_input, guest_destroy) {
	.name = "guest_destroy", .file = "dbg/guests/destroy",
};

FIXTURE_VARIANT_ADD(bad_input, vcpus) {
	.name = "vcpus", .file = "dbg/guests/42/vcpus",
};

FIXTURE_VARIANT_ADD(bad_input, vfio_add) {
	.name = "vfio_add", .file = "dbg/guests/42/vfio_add",
};

FIXTURE_VARIANT_ADD(bad_input, vfio_del) {
	.name = "vfio_del", .file = "dbg/guests/42/vfio_del",
};

/*
 * The fixture's data and variant, FIXTURE_DATA(bad_input) and
 * FIXTURE_VARIANT(bad_input): their structs, which checkpatch can parse
 * where the macros are parameters' types.
 */
#define input_self _test_data_bad_input
#define input_file _fixture_variant_bad_input

/*
 * Whether the state the table's cells hand on is gone (guest GUEST or
 * mdev UUID_A missing): the first cell's, or a run of one test alone.
 */
static bool table_state_lost(void)
{
	return access(tpath("%s/guests/%d", CTL_DIR, GUEST), F_OK) ||
	       access(tpath("%s/%s", MATRIX_DIR, UUID_A), F_OK);
}

/* The table's row for @file and the driver under test. */
static const struct bad_input_file *bad_row(const char *file)
{
	unsigned int i;

	for (i = 0; under_test->real_mdev && i < ARRAY_SIZE(bad_input_upstream); i++)
		if (!strcmp(bad_input_upstream[i].file, file))
			return &bad_input_upstream[i];
	for (i = 0; i < ARRAY_SIZE(bad_input_files); i++)
		if (!strcmp(bad_input_files[i].file, file))
			return &bad_input_files[i];
	return NULL;
}

FIXTURE_SETUP(bad_input)
{
	char name[128];
	int ret;

	snprintf(name, sizeof(name), "bad_input.%s.%s", variant->name,
		 _metadata->name);
	SELFTEST_BEGIN(name);
	self->in = NULL;
	if (table_state_lost()) {
		int vfio_fd;
		struct vfio_link link[2];

		fixture_make(_metadata, &vfio_fd, link);
	}
	ret = file_writef(tpath("%s/guests/create", CTL_DIR), "%d", GUEST);
	ASSERT_TRUE(ret == 0 || ret == -EEXIST) TH_LOG("guest: %d", ret);
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "1"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "4"));
	ASSERT_EQ(0, mdev_write(UUID_A, "assign_control_domain", "6"));
}

/*
 * Undo what an accepted write made: an mdev, a guest, a change of the
 * host's configuration ("+a 255"). The last is undone and scanned now:
 * the real AP bus also scans on a timer (every 30 s), and a change left
 * pending would land in whichever later test's window that scan hits,
 * between its two snapshots.
 */
FIXTURE_TEARDOWN(bad_input)
{
	char undo[64];

	if (!self->in || self->ret)
		return;
	/* The mdev is named by the UUID's first 36 characters. */
	if (!strcmp(variant->file, "type/create"))
		mdev_write(tpath("%.36s", self->in), "remove", "1");
	if (!strcmp(variant->file, "dbg/guests/create"))
		file_write(tpath("%s/guests/destroy", CTL_DIR), self->in);
	if (!strcmp(variant->file, "dbg/ap/config") && self->in[0] == '+') {
		snprintf(undo, sizeof(undo), "-%s", self->in + 1);
		host_cmd(undo);
		host_cmd("scan");
	}
}

/*
 * Write the row's @input to its file: the table's answer, and on a
 * refusal the state unchanged.
 */
static void bad_input_try(struct __test_metadata *_metadata,
			  struct input_self *self,
			  const struct input_file *variant,
			  enum bad_input input)
{
	const struct bad_input_file *row = bad_row(variant->file);
	char path[256];
	const char *in;
	int want;

	ASSERT_NE(NULL, row) TH_LOG("%s is not in the table", variant->file);
	in = row->in[input];
	if (in == BAD_PAGE) {
		memset(self->page, 'a', sizeof(self->page) - 1);
		self->page[sizeof(self->page) - 1] = '\0';
		in = self->page;
	}
	want = row->err[input];
	if (want == BAD_NA)
		SKIP(return, "%s: not tried on %s", bad_input_names[input],
		     row->file);
	/* A copy: tpath()'s buffers are reused, by snapshot() too. */
	snprintf(path, sizeof(path), "%s", bad_path(row->file));
	/* An empty write() reaches no sysfs store; debugfs files see it. */
	if (!*in && strncmp(path, CTL_DIR, strlen(CTL_DIR)))
		want = 0;

	snapshot(self->before, sizeof(self->before));
	self->in = in;
	self->ret = file_write(path, in);
	ASSERT_EQ(want, self->ret)
		TH_LOG("%s <- %s", row->file, bad_input_names[input]);
	if (self->ret) {
		snapshot(self->after, sizeof(self->after));
		EXPECT_STREQ("", snapshot_diff(self->before, self->after))
			TH_LOG("%s <- %s changed state", row->file,
			       bad_input_names[input]);
	}
}

TEST_F(bad_input, empty)
{
	bad_input_try(_metadata, self, variant, BAD_EMPTY);
}

TEST_F(bad_input, whitespace)
{
	bad_input_try(_metadata, self, variant, BAD_SPACE);
}

TEST_F(bad_input, sign)
{
	bad_input_try(_metadata, self, variant, BAD_SIGN);
}

TEST_F(bad_input, overflow)
{
	bad_input_try(_metadata, self, variant, BAD_OVERFLOW);
}

TEST_F(bad_input, max)
{
	bad_input_try(_metadata, self, variant, BAD_MAX);
}

TEST_F(bad_input, max_plus_one)
{
	bad_input_try(_metadata, self, variant, BAD_MAX1);
}

TEST_F(bad_input, trailing_garbage)
{
	bad_input_try(_metadata, self, variant, BAD_GARBAGE);
}

TEST_F(bad_input, over_a_page)
{
	bad_input_try(_metadata, self, variant, BAD_OVER_A_PAGE);
}

TEST_F(bad_input, non_ascii)
{
	bad_input_try(_metadata, self, variant, BAD_NON_ASCII);
}

/*
 * After the table, what its refusals may have left behind is made to
 * bite: the state the last cell left (guest GUEST, mdev UUID_A with what
 * the accepted writes assigned) goes through its life cycle. UUID_A is
 * attached to the guest and a vCPU's intercept reaches its hook; UUID_A
 * is removed and the guest destroyed; UUID_B takes adapter 1, domain 4
 * and a new guest, and intercepts; then everything is removed and the
 * driver unloaded, which frees all it allocated or the allocation
 * ledger reports "leak at unload", and loaded again.
 */
FIXTURE(after_bad_input) {
	struct vfio_link link[2];	/* UUID_A's and UUID_B's groups */
	int vfio_fd;			/* none: use() closes its own */
};

FIXTURE_SETUP(after_bad_input)
{
	SELFTEST_BEGIN("after_bad_input.life_cycle");
	self->vfio_fd = -1;
	self->link[0] = (struct vfio_link)VFIO_LINK_INIT;
	self->link[1] = (struct vfio_link)VFIO_LINK_INIT;
	/* Run alone, the table left nothing: make its start. */
	if (table_state_lost()) {
		fixture_make(_metadata, &self->vfio_fd, self->link);
		ASSERT_EQ(0, mdev_write(UUID_A, "assign_adapter", "1"));
		ASSERT_EQ(0, mdev_write(UUID_A, "assign_domain", "4"));
	}
}

FIXTURE_TEARDOWN(after_bad_input)
{
	fixture_undo(&self->vfio_fd, self->link);
}

TEST_F(after_bad_input, life_cycle)
{
	use(_metadata, &self->link[0], UUID_A, "1");
	vfio_link_close(&self->link[0]);
	ASSERT_EQ(0, mdev_write(UUID_A, "remove", "1"));
	ASSERT_EQ(0, file_writef(tpath("%s/guests/destroy", CTL_DIR), "%d",
				 GUEST));
	state_consistent(_metadata, NULL, "after UUID_A and its guest went");
	ASSERT_EQ(0, file_write(tpath("%s/create", MDEV_TYPE_DIR), UUID_B));
	ASSERT_EQ(0, mdev_write(UUID_B, "assign_adapter", "1"));
	ASSERT_EQ(0, mdev_write(UUID_B, "assign_domain", "4"));
	use(_metadata, &self->link[1], UUID_B, "1");
	fixture_undo(&self->vfio_fd, self->link);
	driver_reloaded(_metadata, driver_unload());
}

int main(int argc, char **argv)
{
	driver_or_skip();
	return test_harness_run(argc, argv);
}

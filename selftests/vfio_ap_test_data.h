/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tests' data, written once for the KUnit glue suite
 * (kunit/vfio_ap_glue_test.c, which calls the model's functions) and the
 * selftests (which write the files of the model and of the real
 * vfio_ap): the mdevs and the guest the tests use, and the bad-input
 * table, every file the driver and its simulation take writes in
 * against nine kinds of bad input, and what each input gets (the
 * bad-input selftest is vfio_ap_input_test.c). Plain C data, for the
 * kernel and for user space.
 */
#ifndef _VFIO_AP_TEST_DATA_H_
#define _VFIO_AP_TEST_DATA_H_

#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif

/* The tests' two mdevs: UUID_A, which the fixtures create, and UUID_B. */
#define UUID_A	"11111111-2222-3333-4444-555555555555"
#define UUID_B	"66666666-7777-8888-9999-aaaaaaaaaaaa"
/* The tests' guest: the "42" of the guests/42 files. */
#define GUEST	42

/**
 * enum bad_input - the kinds of bad input
 * @BAD_EMPTY: nothing. Through sysfs an empty write() reaches no store
 *	function and returns 0; the table holds what the store answers.
 * @BAD_SPACE: whitespace alone
 * @BAD_SIGN: a negative number
 * @BAD_OVERFLOW: 2^64, one past what an unsigned long holds
 * @BAD_MAX: the largest valid value, or else a valid write
 * @BAD_MAX1: one past the largest valid value
 * @BAD_GARBAGE: a number with trailing garbage
 * @BAD_OVER_A_PAGE: 4096 bytes, one more than a sysfs store gets
 * @BAD_NON_ASCII: a UTF-8 "e" with an acute accent
 * @NR_BAD_INPUTS: how many there are
 */
enum bad_input {
	BAD_EMPTY, BAD_SPACE, BAD_SIGN, BAD_OVERFLOW, BAD_MAX, BAD_MAX1,
	BAD_GARBAGE, BAD_OVER_A_PAGE, BAD_NON_ASCII, NR_BAD_INPUTS
};

/* The inputs' names, in the tests' names (TAP and KUnit). */
static const char * const bad_input_names[NR_BAD_INPUTS] = {
	"empty", "whitespace", "sign", "overflow", "max", "max_plus_one",
	"trailing_garbage", "over_a_page", "non_ascii",
};

/* In place of an input: BAD_OVER_A_PAGE's 4096 times 'a'. */
#define BAD_PAGE	((const char *)1)
/* In place of what an input gets: the input is not tried. */
#define BAD_NA		1

/**
 * struct bad_input_file - one file's bad inputs
 * @file: an attribute of the mdev; type/create, the mdev type's;
 *	bus/apmask and bus/aqmask, the AP bus's; or dbg/NAME, the
 *	simulation's debugfs file NAME, guests/42 being the tests' guest
 * @in: the inputs, indexed by enum bad_input
 * @err: what each input gets: 0 (accepted), -errno, or BAD_NA
 */
struct bad_input_file {
	const char *file;
	const char *in[NR_BAD_INPUTS];
	int err[NR_BAD_INPUTS];
};

/* The adapter, domain and control domain numbers of the mdev's files. */
#define BAD_ID_IN	{ "", " ", "-1", "18446744073709551616", "255", "256", \
			  "1x", BAD_PAGE, "\xc3\xa9" }
#define BAD_ID_ERR	{ -EINVAL, -EINVAL, -EINVAL, -ERANGE, 0, -ENODEV, \
			  -EINVAL, -EINVAL, -EINVAL }

/* The model's answers; the real driver's are these unless listed below. */
static const struct bad_input_file bad_input_files[] = {
	{ "assign_adapter", BAD_ID_IN, BAD_ID_ERR },
	{ "unassign_adapter", BAD_ID_IN, BAD_ID_ERR },
	{ "assign_domain", BAD_ID_IN, BAD_ID_ERR },
	{ "unassign_domain", BAD_ID_IN, BAD_ID_ERR },
	/* Numbers in any base kstrtoul() reads: hex and octal here. */
	{ "assign_control_domain", { "", " ", "-1", "18446744073709551616",
	  "0xff", "0x100", "1x", BAD_PAGE, "\xc3\xa9" }, BAD_ID_ERR },
	{ "unassign_control_domain", { "", " ", "-1", "18446744073709551616",
	  "0377", "0400", "1x", BAD_PAGE, "\xc3\xa9" }, BAD_ID_ERR },
	/*
	 * As the mdev core's remove_store(): "0" removes nothing and
	 * succeeds, any other number removes the mdev, so "1" is not tried.
	 */
	{ "remove", { "", " ", "-1", "18446744073709551616", "0", "1", "1x",
	  BAD_PAGE, "\xc3\xa9" },
	  { -EINVAL, -EINVAL, -EINVAL, -EINVAL, 0, BAD_NA, -EINVAL, -EINVAL,
	    -EINVAL } },
	/*
	 * As the mdev core's create_store(): it takes 36 or 37 bytes and
	 * parses the first 36, so a 37th byte is ignored. An accepted
	 * create makes the mdev its first 36 bytes name.
	 */
	{ "type/create", { "", " ", "-1", "18446744073709551616",
	  "01234567-89ab-cdef-0123-456789abcdef",
	  "01234567-89ab-cdef-0123-456789abcdefx", "1x", BAD_PAGE,
	  "\xc3\xa9" },
	  { -EINVAL, -EINVAL, -EINVAL, -EINVAL, 0, 0, -EINVAL, -EINVAL,
	    -EINVAL } },
	/* An empty mask clears it; "-1" is the edit syntax, a no-op here. */
	{ "bus/apmask", { "", " ", "-1", "+18446744073709551616", "+255",
	  "+256", "+1x", BAD_PAGE, "\xc3\xa9" },
	  { 0, -EINVAL, 0, -EINVAL, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL } },
	{ "bus/aqmask", { "", " ", "-1", "+18446744073709551616", "+0xff",
	  "+0x100", "+1x", BAD_PAGE, "\xc3\xa9" },
	  { 0, -EINVAL, 0, -EINVAL, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL } },
	{ "dbg/ap/config", { "", " ", "+a -1", "+a 18446744073709551616",
	  "+a 255", "+a 256", "+a 1x", BAD_PAGE, "\xc3\xa9" },
	  { -EINVAL, -EINVAL, -EINVAL, -ERANGE, 0, -ERANGE, -EINVAL, -EINVAL,
	    -EINVAL } },
	{ "dbg/guests/create", { "", " ", "-1", "18446744073709551616", "9999",
	  "10000", "1x", BAD_PAGE, "\xc3\xa9" },
	  { -EINVAL, -EINVAL, -EINVAL, -ERANGE, 0, -ERANGE, -EINVAL, -EINVAL,
	    -EINVAL } },
	{ "dbg/guests/destroy", { "", " ", "-1", "18446744073709551616", "9999",
	  "10000", "1x", BAD_PAGE, "\xc3\xa9" },
	  { -EINVAL, -EINVAL, -EINVAL, -ERANGE, -ENOENT, -ERANGE, -EINVAL,
	    -EINVAL, -EINVAL } },
	{ "dbg/guests/42/vcpus", { "", " ", "-1", "18446744073709551616 1",
	  "64 1", "65 1", "1x 1", BAD_PAGE, "\xc3\xa9" },
	  { -EINVAL, -EINVAL, -EINVAL, -ERANGE, 0, -ERANGE, -EINVAL, -EINVAL,
	    -EINVAL } },
	/* The model's VFIO links a guest to an mdev by its UUID. */
	{ "dbg/guests/42/vfio_add", { "", " ", "-1", "18446744073709551616",
	  UUID_A, UUID_A "0", "1x", BAD_PAGE,
	  "\xc3\xa9" },
	  { -EINVAL, -EINVAL, -ENOENT, -ENOENT, 0, -ENOENT, -ENOENT, -EINVAL,
	    -EINVAL } },
	{ "dbg/guests/42/vfio_del", { "", " ", "-1", "18446744073709551616",
	  UUID_B, UUID_B "0", "1x", BAD_PAGE,
	  "\xc3\xa9" },
	  { -EINVAL, -EINVAL, -ENOENT, -ENOENT, -ENOENT, -ENOENT, -ENOENT,
	    -EINVAL, -EINVAL } },
};

/* Where the real vfio_ap, on the real AP bus and the KVM shim, differs. */
static const struct bad_input_file bad_input_upstream[] = {
	/*
	 * The real AP bus parses ids with simple_strtoul(), which wraps
	 * instead of failing: "+18446744073709551616" is "+0"
	 * (modify_bitmap() in drivers/s390/crypto/ap_bus.c).
	 */
	{ "bus/apmask", { "", " ", "-1", "+18446744073709551616", "+255",
	  "+256", "+1x", BAD_PAGE, "\xc3\xa9" },
	  { 0, -EINVAL, 0, 0, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL } },
	{ "bus/aqmask", { "", " ", "-1", "+18446744073709551616", "+255",
	  "+256", "+1x", BAD_PAGE, "\xc3\xa9" },
	  { 0, -EINVAL, 0, 0, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL } },
	/* The KVM shim links a VFIO group by its file descriptor. */
	{ "dbg/guests/42/vfio_add", { "", " ", "-1", "18446744073709551616",
	  "2147483647", "2147483648", "1x", BAD_PAGE, "\xc3\xa9" },
	  { -EINVAL, -EINVAL, -EINVAL, -ERANGE, -EBADF, -ERANGE, -EINVAL,
	    -EINVAL, -EINVAL } },
	{ "dbg/guests/42/vfio_del", { "", " ", "-1", "18446744073709551616",
	  "2147483647", "2147483648", "1x", BAD_PAGE, "\xc3\xa9" },
	  { -EINVAL, -EINVAL, -EINVAL, -ERANGE, -EBADF, -ERANGE, -EINVAL,
	    -EINVAL, -EINVAL } },
};

#endif /* _VFIO_AP_TEST_DATA_H_ */

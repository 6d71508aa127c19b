/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Resumed boots: skip the tests an earlier boot of the same run has
 * already given a result, and mark in the kernel log where each begins.
 *
 * A known finding that panics the VM (a real deadlock's hung-task report)
 * leaves the tests after it unrun, and one that turns lockdep off (a KASAN
 * or lockdep report) leaves them running without lock checking. The
 * runner then boots again and hands it the tests that have their result
 * (the initramfs file /selftest-ran, NAME,NAME,...; init.sh exports it as
 * SELFTEST_RAN), with their TAP names: "mdev.queue_status",
 * "stress.kvm_hotplug.run". Those tests SKIP, and say why. So that a boot
 * does not spend its time on results a later boot replaces, the tests
 * after lockdep stopped recording SKIP too, as deferred, when the runner
 * says another boot may follow (selftest.defer=1).
 *
 * The kselftest harness of 6.1 has no test filter (6.12's -T and -V are
 * not in it), and run_kselftest.sh passes no arguments to a test, so the
 * tests filter themselves, from their FIXTURE_SETUP.
 *
 * To tell which test was running when lockdep stopped recording or the
 * VM stopped, each test also writes "vfio_ap_ref selftest: begin NAME"
 * to the kernel log: the runner's pipes deliver a test's TAP lines to the
 * console when the test has ended, after the kernel's messages about it.
 */
#ifndef _VFIO_AP_RESUME_SELFTEST_H_
#define _VFIO_AP_RESUME_SELFTEST_H_

#include <fcntl.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Whether the comma list @list (NULL or empty: none) holds @test; an
 * element "PREFIX.*" holds every test whose name begins "PREFIX.".
 */
static inline bool name_list_has(const char *list, const char *test)
{
	size_t len = strlen(test), n;

	while (list && *list) {
		n = strcspn(list, ",");
		if (n == len && !strncmp(list, test, len))
			return true;
		/* "mdev.*": every test whose name begins "mdev.". */
		if (n >= 2 && list[n - 1] == '*' && list[n - 2] == '.' &&
		    n - 1 <= len && !strncmp(list, test, n - 1))
			return true;
		list = strchr(list, ',');
		if (list)
			list++;
	}
	return false;
}

/* Whether SELFTEST_RAN lists @test, a test's TAP name. */
static inline bool test_already_ran(const char *test)
{
	return name_list_has(getenv("SELFTEST_RAN"), test);
}

/*
 * Say in the kernel log that @test begins, or is deferred: "vfio_ap_ref
 * selftest: @what @test" (best effort: no /dev/kmsg, no line).
 */
static inline void test_kmsg(const char *what, const char *test)
{
	char line[160];
	int fd = open("/dev/kmsg", O_WRONLY);

	if (fd < 0)
		return;
	snprintf(line, sizeof(line), "<6>vfio_ap_ref selftest: %s %s\n", what,
		 test);
	if (write(fd, line, strlen(line)) < 0)
		perror("/dev/kmsg");
	close(fd);
}

/*
 * Note that a test began: "NAME PID" is appended to the file SELFTEST_BEGAN
 * names, if set (init.sh scans kmemleak only after something ran, and its
 * stall watcher names the test a stuck task belongs to).
 */
static inline void test_note_began(const char *test)
{
	const char *path = getenv("SELFTEST_BEGAN");
	FILE *f;

	if (!path || !*path)
		return;
	f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "%s %d\n", test, (int)getpid());
	fclose(f);
}

/*
 * Whether lockdep has stopped recording (/proc/lockdep_stats says
 * "debug_locks: 0"): after a lockdep report, or one that tainted the
 * kernel. False on a kernel without lockdep.
 */
static inline bool lockdep_is_off(void)
{
	char buf[4096], *p;
	int fd = open("/proc/lockdep_stats", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strstr(buf, "debug_locks:");
	return p && strtol(p + strlen("debug_locks:"), NULL, 10) == 0;
}

/*
 * Begin @test from its FIXTURE_SETUP: SKIP it when an earlier boot ran it,
 * when the run is of other tests alone (SELFTEST_ONLY, a comma list from
 * selftest.only=: the gate runs a failing test alone on earlier patches, or
 * only the tests that trigger the findings a series fixes), or when
 * lockdep is off and the runner will boot again (SELFTEST_DEFER=1, from
 * selftest.defer=1): a later boot runs it with lockdep. Else say in the kernel
 * log that it begins, and note it in SELFTEST_BEGAN's file.
 * SKIP(return, ...) in a setup does not stop the test body on 6.1's
 * harness (it does on 6.12's); leaving through the harness's jump buffer,
 * as a failing ASSERT does, skips the body and the teardown on both.
 */
#define SELFTEST_BEGIN(test) do { \
	const char *_st_test = (test), *_st_defer = getenv("SELFTEST_DEFER"); \
	const char *_st_only = getenv("SELFTEST_ONLY"); \
	if (test_already_ran(_st_test)) \
		SKIP(longjmp(_metadata->env, 1), \
		     "%s: ran in an earlier boot of this run", _st_test); \
	if (_st_only && *_st_only && !name_list_has(_st_only, _st_test)) \
		SKIP(longjmp(_metadata->env, 1), \
		     "%s: this run is of %s alone", _st_test, _st_only); \
	if (_st_defer && !strcmp(_st_defer, "1") && lockdep_is_off()) { \
		test_kmsg("deferred", _st_test); \
		SKIP(longjmp(_metadata->env, 1), \
		     "%s: deferred: lockdep is off, a later boot runs it", \
		     _st_test); \
	} \
	test_kmsg("begin", _st_test); \
	test_note_began(_st_test); \
} while (0)

#endif /* _VFIO_AP_RESUME_SELFTEST_H_ */

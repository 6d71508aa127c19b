/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The functional tests' fixture, "mdev": the simulated host holds adapters
 * 1-3, domains 4 and 5 and control domain 6, and mdev UUID_A exists; the
 * teardown removes what a test made, guest GUEST included. Shared by the
 * functional tests (vfio_ap_ref_test.c) and the fault-injection tests
 * (vfio_ap_fault_test.c), with the helpers the tests use: attaching an
 * mdev to the guest and using it (use()), a snapshot of the state a
 * write could change, the bookkeeping's consistency, a driver reload.
 */
#ifndef _VFIO_AP_FIXTURE_SELFTEST_H_
#define _VFIO_AP_FIXTURE_SELFTEST_H_

#include <dirent.h>

#include "../kselftest_harness.h"
#include "vfio_ap_ref.h"
#include "vfio_ap_resume.h"
#include "vfio_ap_state.h"

FIXTURE(mdev) {
	int vfio_fd;			/* UUID_A's open VFIO device */
	struct vfio_link link[2];	/* UUID_A's and UUID_B's groups */
};

/*
 * The fixture's data, FIXTURE_DATA(mdev): its struct, which checkpatch
 * can parse where the macro is a parameter's type.
 */
#define mdev_self _test_data_mdev

static inline void host_reset(void)
{
	static const char * const undo[] = {
		"-a 1", "-a 2", "-a 3", "-a 7", "-d 4", "-d 5", "-d 8", "-c 6",
		"type 7 10", "scan",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(undo); i++)
		host_cmd(undo[i]);
}

/*
 * On a cleared host: its adapters 1-3, domains 4 and 5 and control
 * domain 6, and mdev UUID_A.
 */
static inline void fixture_fill(struct __test_metadata *_metadata)
{
	static const char * const setup[] = {
		"+a 1", "+a 2", "+a 3", "+d 4", "+d 5", "+c 6", "scan",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(setup); i++)
		ASSERT_EQ(0, host_cmd(setup[i])) TH_LOG("host command %u", i);
	ASSERT_EQ(0, file_write(tpath("%s/create", MDEV_TYPE_DIR), UUID_A));
}

/*
 * The fixture's state, made anew: guest GUEST and both mdevs gone (a
 * test killed by its timeout leaves its state behind), both masks clear,
 * then fixture_fill(). Shared with fixtures of other names
 * (FIXTURE(destroy), FIXTURE(race)).
 */
static inline void fixture_make(struct __test_metadata *_metadata,
				int *vfio_fd, struct vfio_link *link)
{
	*vfio_fd = -1;
	link[0] = (struct vfio_link)VFIO_LINK_INIT;
	link[1] = (struct vfio_link)VFIO_LINK_INIT;
	file_writef(tpath("%s/guests/destroy", CTL_DIR), "%d", GUEST);
	mdev_write(UUID_A, "remove", "1");
	mdev_write(UUID_B, "remove", "1");
	host_reset();
	file_write(tpath("%s/apmask", BUS_DIR), "0x");
	file_write(tpath("%s/aqmask", BUS_DIR), "0x");
	fixture_fill(_metadata);
}

/* Undo what a test made: the VFIO device, the guest, the mdevs, the host. */
static inline void fixture_undo(int *vfio_fd, struct vfio_link *link)
{
	char p[256];

	if (*vfio_fd >= 0)
		close(*vfio_fd);
	*vfio_fd = -1;
	file_writef(tpath("%s/guests/destroy", CTL_DIR), "%d", GUEST);
	vfio_link_close(&link[0]);
	vfio_link_close(&link[1]);
	file_write(mdev_path(p, UUID_A, "remove"), "1");
	file_write(mdev_path(p, UUID_B, "remove"), "1");
	file_write(tpath("%s/apmask", BUS_DIR), "0x");
	file_write(tpath("%s/aqmask", BUS_DIR), "0x");
	host_reset();
}

/*
 * The set-up of a fixture whose tests are named "@prefix.TEST": the test
 * begins (vfio_ap_resume.h: it may skip), then fixture_make().
 */
static inline void fixture_begin(struct __test_metadata *_metadata,
				 const char *prefix, int *vfio_fd,
				 struct vfio_link *link)
{
	char name[128];

	snprintf(name, sizeof(name), "%s.%s", prefix, _metadata->name);
	SELFTEST_BEGIN(name);
	fixture_make(_metadata, vfio_fd, link);
}

FIXTURE_SETUP(mdev)
{
	fixture_begin(_metadata, "mdev", &self->vfio_fd, self->link);
}

FIXTURE_TEARDOWN(mdev)
{
	fixture_undo(&self->vfio_fd, self->link);
}

/*
 * Create guest GUEST and link @uuid's group to it, each unless done
 * already: 0 or -errno.
 */
static inline int link_to_guest(struct vfio_link *l, const char *uuid)
{
	int ret;

	ret = file_writef(tpath("%s/guests/create", CTL_DIR), "%d", GUEST);
	if (ret && ret != -EEXIST)
		return ret;
	ret = vfio_link_open(l, uuid);
	if (ret)
		return ret;
	ret = guest_vfio(GUEST, true, l, uuid);
	return ret == -EEXIST ? 0 : ret;
}

/*
 * Link @uuid to guest GUEST (link_to_guest()) and open the mdev's VFIO
 * device: a file descriptor or -errno.
 */
static inline int attach(struct vfio_link *l, const char *uuid)
{
	int ret = link_to_guest(l, uuid);

	return ret ? ret : vfio_device_open(l, uuid);
}

/*
 * A file of the bad-input table: "type/NAME" under the mdev type,
 * "bus/NAME" on the AP bus, "dbg/NAME" in the simulation's debugfs, an
 * absolute path, or else an attribute of mdev UUID_A.
 */
static inline const char *bad_path(const char *file)
{
	if (!strncmp(file, "type/", 5))
		return tpath("%s/%s", MDEV_TYPE_DIR, file + 5);
	if (!strncmp(file, "bus/", 4))
		return tpath("%s/%s", BUS_DIR, file + 4);
	if (!strncmp(file, "dbg/", 4))
		return tpath("%s/%s", CTL_DIR, file + 4);
	if (file[0] == '/')
		return file;
	return tpath("%s/%s/%s", MATRIX_DIR, UUID_A, file);
}

static inline int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/*
 * Sort the lines of @text in place: a dump of a set (the driver's queues,
 * its allocations) whose order is its lists', which a rebind changes.
 * Returns 0, or -ENOMEM with @text as it was.
 */
static inline int sort_lines(char *text)
{
	size_t len = strlen(text), n = 0, i, at = 0;
	char *copy = strdup(text), **line, *l, *save;

	line = calloc(len / 2 + 1, sizeof(*line));
	if (!copy || !line) {
		free(copy);
		free(line);
		return -ENOMEM;
	}
	for (l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		line[n++] = l;
	qsort(line, n, sizeof(*line), cmp_lines);
	for (i = 0; i < n; i++)
		at += sprintf(text + at, "%s\n", line[i]);
	free(copy);
	free(line);
	return 0;
}

/*
 * The s390 debug feature's areas: the real vfio_ap registers one,
 * "vfio_ap", as its init begins, and unregisters it at exit.
 */
#define S390DBF_DIR	"/sys/kernel/debug/s390dbf"

/*
 * "DIR:" and the names in DIR on one line, sorted ("none" for none): a
 * name that appears or goes shows as that line's change. Returns the
 * length written.
 */
static inline size_t dir_names(const char *dir, char *out, size_t size)
{
	char *name[64];
	size_t len = snprintf(out, size, "%s:\n", dir);
	unsigned int n = 0, i;
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)) && n < ARRAY_SIZE(name)) {
		if (e->d_name[0] == '.')
			continue;
		name[n] = strdup(e->d_name);
		if (name[n])
			n++;
	}
	if (d)
		closedir(d);
	qsort(name, n, sizeof(*name), cmp_lines);
	for (i = 0; i < n; i++) {
		if (len < size)
			len += snprintf(out + len, size - len, "%s%s", i ? " " : "",
					name[i]);
		free(name[i]);
	}
	if (len < size)
		len += snprintf(out + len, size - len, "%s\n", n ? "" : "none");
	return len < size ? len : size - 1;
}

/* The room a snapshot() takes. */
#define SNAPSHOT_SIZE	65536

/*
 * Everything an operation could change, as text: UUID_A's files, the
 * masks, the host's configuration, the driver's own bookkeeping (every
 * mdev's assignments and queue table, every bound queue's link,
 * vfio_ap_state.h, its lines sorted), guest GUEST's APCB, and whether
 * the matrix device and the guest exist.
 */
static inline void snapshot(char *out, size_t size)
{
	static const char * const files[] = {
		"matrix", "guest_matrix", "control_domains",
		"type/available_instances", "bus/apmask", "bus/aqmask",
		"dbg/ap/config", "dbg/state", "dbg/guests/42/apcb",
	};
	size_t len = 0;
	unsigned int i;
	int n;

	out[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		const char *path = bad_path(files[i]);

		len += snprintf(out + len, size - len, "%s:\n", path);
		n = file_read(path, out + len, size - len);
		if (n > 0 && !strcmp(files[i], "dbg/state"))
			sort_lines(out + len);
		if (n > 0)
			len += n;
	}
	len += dir_names(S390DBF_DIR, out + len, size - len);
	len += snprintf(out + len, size - len, "%s:\n%s\n", MATRIX_DIR,
			access(MATRIX_DIR, F_OK) ? "absent" : "exists");
	len += snprintf(out + len, size - len, "%s:\n%s\n",
			tpath("%s/guests/%d", CTL_DIR, GUEST),
			access(tpath("%s/guests/%d", CTL_DIR, GUEST), F_OK) ?
			"absent" : "exists");
}

/*
 * The first difference of two snapshots, as "FILE: 'LINE' became 'LINE'"
 * (FILE: the last part of the file's path, the same for every target),
 * or "" when they are the same: a stable text for a failure's title.
 */
static inline const char *snapshot_diff(const char *before, const char *after)
{
	static char out[512];
	const char *b = before, *a = after, *file = "", *slash;
	size_t lb, la, lf = 0;

	while (*b || *a) {
		lb = strcspn(b, "\n");
		la = strcspn(a, "\n");
		if (lb != la || strncmp(a, b, la))
			break;
		/* A file's header line: "PATH:". */
		if (b[0] == '/' && b[lb - 1] == ':') {
			for (file = b, slash = b; slash < b + lb; slash++)
				if (*slash == '/')
					file = slash + 1;
			lf = b + lb - file;
		}
		b += lb + !!b[lb];
		a += la + !!a[la];
	}
	if (!*b && !*a)
		return "";
	snprintf(out, sizeof(out), "%.*s '%.*s' became '%.*s'", (int)lf, file,
		 (int)strcspn(b, "\n"), b, (int)strcspn(a, "\n"), a);
	return out;
}

/*
 * The driver's bookkeeping is consistent (vfio_ap_state.h), and mdev
 * @uuid, if given and there, has no guest; @when says in a failure's log
 * at which point of the test.
 */
static inline void state_consistent(struct __test_metadata *_metadata,
				    const char *uuid, const char *when)
{
	static struct drv_state s;
	char why[256] = "";
	int m, ret;

	ret = drv_state_read(&s, why, sizeof(why));
	EXPECT_EQ(0, ret) TH_LOG("%s: %s", when, why);
	if (ret)
		return;
	EXPECT_EQ(0, drv_state_check(&s, why, sizeof(why)))
		TH_LOG("%s: %s", when, why);
	m = uuid ? drv_state_mdev(&s, uuid) : -1;
	if (m >= 0)
		EXPECT_STREQ("", s.guest[m])
			TH_LOG("%s: %s keeps its guest", when, uuid);
}

/* Guest GUEST's adapters are @apm. */
static inline void guest_has(struct __test_metadata *_metadata, const char *apm)
{
	struct apcb a;

	ASSERT_EQ(0, guest_apcb(GUEST, &a));
	EXPECT_STREQ(apm, a.apm);
}

/*
 * Open @uuid's VFIO device with guest GUEST (made if need be), check
 * that the guest has @apm and that a vCPU's intercept of PQAP(AQIC) on
 * 01.0004 reaches the mdev's hook (0; the instruction's status, whatever
 * it is, is in GR1), then close it again.
 */
static inline void use(struct __test_metadata *_metadata,
		       struct vfio_link *l, const char *uuid,
		       const char *apm)
{
	char p[256], buf[64];
	int fd;

	fd = attach(l, uuid);
	ASSERT_LE(0, fd) TH_LOG("attaching %s: %s", uuid, strerror(-fd));
	guest_has(_metadata, apm);
	ASSERT_EQ(0, guest_file_write(GUEST, "pqap", "%d 0", 0x0104));
	guest_path(p, GUEST, "pqap");
	ASSERT_LT(0, file_read(p, buf, sizeof(buf)));
	EXPECT_EQ(0, atoi(buf)) TH_LOG("PQAP(AQIC) answered %s", buf);
	close(fd);
	state_consistent(_metadata, uuid, "after the operation");
}

/*
 * After an unload of the driver that returned @unloaded: the driver was
 * unloaded and its matrix device went; loaded again, the matrix device
 * is back.
 */
static inline void driver_reloaded(struct __test_metadata *_metadata,
				   int unloaded)
{
	int ret;

	ASSERT_EQ(0, unloaded) TH_LOG("unloading %s: %s", under_test->module,
				      strerror(-unloaded));
	EXPECT_NE(0, access(MATRIX_DIR, F_OK));
	ret = driver_load();
	ASSERT_EQ(0, ret) TH_LOG("loading %s: %s", driver_module_path(),
				 strerror(-ret));
	ASSERT_EQ(0, access(MATRIX_DIR, F_OK));
}

#endif /* _VFIO_AP_FIXTURE_SELFTEST_H_ */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the vfio_ap selftests: reads and writes that return
 * -errno, mdev attributes, the simulation's debugfs commands and a
 * guest's decoded APCB. Paths come from the target layer.
 */
#ifndef _VFIO_AP_REF_SELFTEST_H_
#define _VFIO_AP_REF_SELFTEST_H_

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vfio_ap_target.h"
#include "vfio_ap_test_data.h"

/* Write @len bytes to @path in one write(): 0 or -errno. */
static inline int file_write_len(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY);
	ssize_t n = 0;
	int ret;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	ret = n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
	close(fd);
	return ret;
}

static inline int file_write(const char *path, const char *buf)
{
	return file_write_len(path, buf, strlen(buf));
}

/* printf-style path and value. */
static inline int file_writef(const char *path, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return file_write(path, buf);
}

/* Read a whole file into @buf (NUL-terminated): length or -errno. */
static inline int file_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	size_t len = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -errno;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	n = n < 0 ? -errno : 0;
	close(fd);
	buf[len] = '\0';
	return n < 0 ? n : (int)len;
}

static inline const char *mdev_path(char *buf, const char *uuid,
				    const char *attr)
{
	snprintf(buf, 256, "%s/%s/%s", MATRIX_DIR, uuid, attr);
	return buf;
}

/* Write to an mdev attribute. */
static inline int mdev_write(const char *uuid, const char *attr,
			     const char *val)
{
	char p[256];

	return file_write(mdev_path(p, uuid, attr), val);
}

static inline int mdev_read(const char *uuid, const char *attr, char *buf,
			    size_t size)
{
	char p[256];

	return file_read(mdev_path(p, uuid, attr), buf, size);
}

/* A command to the simulated host AP configuration. */
static inline int host_cmd(const char *cmd)
{
	return file_write(tpath("%s/ap/config", CTL_DIR), cmd);
}

static inline int guest_path(char *buf, int id, const char *file)
{
	return snprintf(buf, 256, "%s/guests/%d/%s", CTL_DIR, id, file);
}

/* Intercepts the guest's vCPUs handled so far, from "NR INTERCEPTS". */
static inline long vcpu_intercepts(int guest)
{
	char p[256], buf[64];
	long nr, n;

	guest_path(p, guest, "vcpus");
	if (file_read(p, buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%ld %ld", &nr, &n) != 2)
		return -1;
	return n;
}

/* The guest's APCB as the simulation decodes it from the CRYCB. */
struct apcb {
	char apm[1024], aqm[1024], adm[1024];
};

static inline int guest_apcb(int id, struct apcb *a)
{
	char p[256], buf[4096], *line, *save;
	int n;

	guest_path(p, id, "apcb");
	n = file_read(p, buf, sizeof(buf));
	if (n < 0)
		return n;
	memset(a, 0, sizeof(*a));
	/* Lines "apm <list>", "aqm <list>", "adm <list>"; a list may be empty. */
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *dst = !strncmp(line, "apm ", 4) ? a->apm :
			    !strncmp(line, "aqm ", 4) ? a->aqm :
			    !strncmp(line, "adm ", 4) ? a->adm : NULL;

		if (dst)
			snprintf(dst, sizeof(a->apm), "%s", line + 4);
	}
	return 0;
}

/* An id list, "1,3-5", into a bitmap of 256 bools: @out[id] is true. */
static inline void parse_list(const char *s, bool *out)
{
	char *end;
	long a, b;

	memset(out, 0, 256);
	while (*s) {
		a = strtol(s, &end, 10);
		if (end == s)
			break;
		b = a;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (; a <= b && a < 256; a++)
			out[a] = true;
		s = *end == ',' ? end + 1 : end;
	}
}

#endif /* _VFIO_AP_REF_SELFTEST_H_ */

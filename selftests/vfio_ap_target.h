/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The thin target layer of the vfio_ap selftests: what differs between
 * the reference driver (the model, on its simulated AP bus and VFIO) and
 * the real vfio_ap (upstream mode, on the real AP bus, VFIO and mdev
 * cores with the simulated AP machine and the KVM shim). The tests
 * themselves are the same for both.
 *
 * Differences:
 *  - the sysfs roots, the AP bus and the driver names;
 *  - how a guest is linked and a VFIO device opened: the model's debugfs
 *    files vfio/UUID and guests/ID/vfio_add UUID, or real VFIO: a
 *    container, the mdev's group (handed to the KVM shim by its file
 *    descriptor) and the device file from VFIO_GROUP_GET_DEVICE_FD.
 *
 * The debugfs control interfaces (/sys/kernel/debug/vfio_ap_ref of the
 * model's simulation, /sys/kernel/debug/vfio_ap_shim of the shims) speak
 * the same commands. Their names differ so that both drivers can be
 * loaded at once, as the differential test (vfio_ap_diff.c) does.
 */
#ifndef _VFIO_AP_TARGET_H_
#define _VFIO_AP_TARGET_H_

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "../kselftest.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/**
 * struct driver_target - where a driver lives and how it is attached
 * @name: shown in the test log
 * @module: the driver's module, /lib/modules/@module.ko in the test VM
 * @root: the matrix device
 * @bus: the AP bus
 * @drv: the vfio_ap driver on the bus
 * @hostdrv: the host's default driver on the bus
 * @dbg: the simulation's debugfs control directory
 * @real_vfio: guests attach through /dev/vfio, not the model's debugfs
 * @real_mdev: the real mdev core: "remove" takes any number, 0 being a
 *	no-op and any other removing the mdev; the model takes only 1
 */
struct driver_target {
	const char *name;
	const char *module;
	const char *root;
	const char *bus;
	const char *drv;
	const char *hostdrv;
	const char *dbg;
	bool real_vfio;
	bool real_mdev;
};

static const struct driver_target driver_targets[] = {
	{
		.name = "model (vfio_ap_ref)",
		.module = "vfio_ap_ref",
		.root = "/sys/devices/vfio_ap_ref/matrix",
		.bus = "/sys/bus/ap_sim",
		.drv = "/sys/bus/ap_sim/drivers/vfio_ap_ref",
		.hostdrv = "/sys/bus/ap_sim/drivers/ap_sim_host",
		.dbg = "/sys/kernel/debug/vfio_ap_ref",
	},
	{
		.name = "upstream (vfio_ap)",
		.module = "vfio_ap",
		.root = "/sys/devices/vfio_ap/matrix",
		.bus = "/sys/bus/ap",
		.drv = "/sys/bus/ap/drivers/vfio_ap",
		.hostdrv = "/sys/bus/ap/drivers/apsim_host",
		.dbg = "/sys/kernel/debug/vfio_ap_shim",
		.real_vfio = true,
		.real_mdev = true,
	},
};

/* The driver under test, set by driver_detect() in main(). */
static const struct driver_target *under_test;

#define MATRIX_DIR	(under_test->root)
#define BUS_DIR		(under_test->bus)
#define DRV_DIR		(under_test->drv)
#define HOSTDRV_DIR	(under_test->hostdrv)
#define CTL_DIR		(under_test->dbg)

/*
 * Find the driver under test: the first whose matrix device and
 * simulation debugfs exist. Returns NULL if there is none.
 */
static inline const struct driver_target *driver_detect(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(driver_targets); i++)
		if (!access(driver_targets[i].root, F_OK) &&
		    !access(driver_targets[i].dbg, F_OK))
			return under_test = &driver_targets[i];
	return NULL;
}

/*
 * Find the driver under test and name it, or SKIP the whole program: the
 * first call of a test program's main().
 */
static inline void driver_or_skip(void)
{
	if (!driver_detect())
		ksft_exit_skip("no vfio_ap driver and simulation loaded, or no debugfs\n");
	ksft_print_msg("driver: %s\n", under_test->name);
}

/* Whether the running kernel is at least @major.@minor (the tree's). */
static inline bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/*
 * A path from a format, in one of eight rotating per-thread buffers: it
 * stays valid for the next seven calls of the same thread.
 */
static inline const char *tpath(const char *fmt, ...)
{
	static __thread char bufs[8][256];
	static __thread unsigned int next;
	char *p = bufs[next++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	return p;
}

/* The driver's module file in the test VM, /lib/modules/MODULE.ko. */
static inline const char *driver_module_path(void)
{
	return tpath("/lib/modules/%s.ko", under_test->module);
}

/* Unload the driver's module, refused while it is in use: 0 or -errno. */
static inline int driver_unload(void)
{
	return syscall(__NR_delete_module, under_test->module, O_NONBLOCK) ?
	       -errno : 0;
}

/* Load the driver's module from driver_module_path(): 0 or -errno. */
static inline int driver_load(void)
{
	int fd = open(driver_module_path(), O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(__NR_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

#define MDEV_TYPE_DIR	tpath("%s/mdev_supported_types/vfio_ap-passthrough", \
			      MATRIX_DIR)

/*
 * The guest page the KVM shim's vCPUs point PQAP(AQIC) at for the
 * notification indicator byte (KVM_SHIM_NIB in upstream/kvm_shim.c). As
 * QEMU maps guest memory, the container maps a page of ours there, so
 * that vfio_pin_pages() in the driver's interruption path succeeds.
 */
#define VFIO_LINK_NIB_IOVA	0x10000UL

/**
 * struct vfio_link - what links an mdev to a guest
 * @container: /dev/vfio/vfio (real VFIO only, else -1)
 * @group: /dev/vfio/N of the mdev's IOMMU group (real VFIO only, else -1)
 * @nib: the page mapped at VFIO_LINK_NIB_IOVA, or NULL
 */
struct vfio_link {
	int container;
	int group;
	void *nib;
};

#define VFIO_LINK_INIT	{ .container = -1, .group = -1, .nib = NULL }

/* Close the group and the container, which unmaps the NIB page. */
static inline void vfio_link_close(struct vfio_link *l)
{
	if (l->group >= 0)
		close(l->group);
	if (l->container >= 0)
		close(l->container);
	if (l->nib)
		munmap(l->nib, getpagesize());
	l->group = -1;
	l->container = -1;
	l->nib = NULL;
}

/* Map a page of ours at VFIO_LINK_NIB_IOVA: 0 or -1 with errno set. */
static inline int vfio_map_nib(struct vfio_link *l)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.iova = VFIO_LINK_NIB_IOVA,
		.size = getpagesize(),
	};
	void *page = mmap(NULL, map.size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED)
		return -1;
	/* Touched, so that pinning finds it present. */
	memset(page, 0, map.size);
	l->nib = page;
	map.vaddr = (unsigned long)page;
	return ioctl(l->container, VFIO_IOMMU_MAP_DMA, &map);
}

/*
 * Open the mdev's group in a container of its own and map the NIB page,
 * as QEMU does before it hands the group to KVM. Nothing to do for the
 * model. 0 or -errno.
 */
static inline int vfio_link_open(struct vfio_link *l, const char *uuid)
{
	char link[256], *group;
	ssize_t n;
	int ret;

	if (!under_test->real_vfio || l->group >= 0)
		return 0;
	n = readlink(tpath("%s/%s/iommu_group", MATRIX_DIR, uuid), link,
		     sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	group = basename(link);
	l->container = open("/dev/vfio/vfio", O_RDWR);
	if (l->container < 0)
		return -errno;
	l->group = open(tpath("/dev/vfio/%s", group), O_RDWR);
	if (l->group < 0 ||
	    ioctl(l->group, VFIO_GROUP_SET_CONTAINER, &l->container) ||
	    ioctl(l->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) ||
	    vfio_map_nib(l)) {
		ret = -errno;
		vfio_link_close(l);
		return ret;
	}
	return 0;
}

/* Write @fmt to guests/@guest/@file: 0 or -errno. */
static inline int guest_file_write(int guest, const char *file,
				   const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int fd, ret = 0;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fd = open(tpath("%s/guests/%d/%s", CTL_DIR, guest, file), O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf))
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * KVM_DEV_VFIO_FILE_ADD/_DEL of the mdev's group to the guest: the
 * model takes the mdev's UUID, the KVM shim the group's descriptor.
 */
static inline int guest_vfio(int guest, bool add, struct vfio_link *l,
			     const char *uuid)
{
	const char *file = add ? "vfio_add" : "vfio_del";

	if (!under_test->real_vfio)
		return guest_file_write(guest, file, "%s", uuid);
	if (l->group < 0)
		return -EBADF;
	return guest_file_write(guest, file, "%d", l->group);
}

/* Open the mdev's VFIO device: a file descriptor or -errno. */
static inline int vfio_device_open(struct vfio_link *l, const char *uuid)
{
	int fd;

	if (under_test->real_vfio && l->group < 0)
		return -EBADF;
	if (under_test->real_vfio)
		fd = ioctl(l->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	else
		fd = open(tpath("%s/vfio/%s", CTL_DIR, uuid), O_RDWR);
	return fd < 0 ? -errno : fd;
}

#endif /* _VFIO_AP_TARGET_H_ */

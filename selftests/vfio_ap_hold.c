// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ap_hold UUID GUEST: attach mdev UUID to guest GUEST through the
 * driver's attach path (see vfio_ap_target.h), print "held" and keep
 * the VFIO device open until standard input is closed. The VM's /init
 * uses it to check that the driver module cannot be unloaded while a
 * device is open. Not a test: lib.mk installs it without running it.
 */
#include <stdlib.h>

#include "vfio_ap_ref.h"

int main(int argc, char **argv)
{
	struct vfio_link link = VFIO_LINK_INIT;
	char c;
	int guest, fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s UUID GUEST\n", argv[0]);
		return 2;
	}
	if (!driver_detect()) {
		fprintf(stderr, "no vfio_ap driver with the simulation\n");
		return 1;
	}
	guest = atoi(argv[2]);
	fd = file_writef(tpath("%s/guests/create", CTL_DIR), "%d", guest);
	if (!fd || fd == -EEXIST)
		fd = vfio_link_open(&link, argv[1]);
	if (!fd)
		fd = guest_vfio(guest, true, &link, argv[1]);
	if (!fd)
		fd = vfio_device_open(&link, argv[1]);
	if (fd < 0) {
		fprintf(stderr, "attach %s: %s\n", argv[1], strerror(-fd));
		return 1;
	}
	printf("held\n");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	close(fd);
	file_writef(tpath("%s/guests/destroy", CTL_DIR), "%d", guest);
	vfio_link_close(&link);
	return 0;
}

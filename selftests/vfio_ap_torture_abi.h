/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What vfio_ap_torture (test_modules/vfio_ap_torture.c) and its
 * user-space side (vfio_ap_torture.h) must agree on: the sizes of the
 * module's tables, which bound what its result file can hold. Included
 * by both; tools/testing/vm/build-test-modules.sh copies it next to the
 * module's source.
 */
#ifndef VFIO_AP_TORTURE_ABI_H
#define VFIO_AP_TORTURE_ABI_H

#define TORTURE_MAX_ROWS	512	/* rows of the operation table */
#define TORTURE_MAX_ACTORS	16	/* distinct actor names */
#define TORTURE_NAME_LEN	16	/* an actor's name, with its NUL */

#endif /* VFIO_AP_TORTURE_ABI_H */

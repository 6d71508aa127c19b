// SPDX-License-Identifier: GPL-2.0
/*
 * Module wrapper of the pure AP matrix core, so that ap_matrix.c itself
 * needs no module headers. The simulated AP bus and the reference driver
 * both link against it.
 */
#include <linux/module.h>

MODULE_DESCRIPTION("vfio_ap reference driver: pure AP matrix / APCB core");
MODULE_LICENSE("GPL");

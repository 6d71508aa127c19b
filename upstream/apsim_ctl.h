/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control interface of the simulated AP machine (apsim.h), for the
 * debugfs file ap/config (shim_debugfs.c): the host configuration, the
 * APXA facility, card types and reset failures. Not for the real
 * sources, whose struct ap_matrix is not the core's.
 */
#ifndef _VFIO_AP_UPSTREAM_APSIM_CTL_H_
#define _VFIO_AP_UPSTREAM_APSIM_CTL_H_

#include <linux/types.h>
#include "ap_matrix.h"

int apsim_config_set(enum ap_matrix_kind kind, unsigned long id, bool on);
int apsim_set_apxa(bool apxa);
int apsim_set_card_type(unsigned long apid, int type);
int apsim_fail_next_reset(int apqn, int rc);
void apsim_get_config(struct ap_matrix *cfg);

#endif /* _VFIO_AP_UPSTREAM_APSIM_CTL_H_ */

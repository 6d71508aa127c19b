/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to the simulation module and its tests: init/exit of its
 * parts (sim_main.c calls them) and the control files' commands.
 */
#ifndef _VFIO_AP_REF_SIM_INTERNAL_H_
#define _VFIO_AP_REF_SIM_INTERNAL_H_

#include <linux/types.h>

int ap_sim_bus_init(void);
void ap_sim_bus_exit(void);
void kvm_sim_exit(void);

void sim_debugfs_init(void);
void sim_debugfs_exit(void);

ssize_t vfio_ap_sim_ctl(const char *name, void *data, const char *in,
			size_t count);

#endif /* _VFIO_AP_REF_SIM_INTERNAL_H_ */

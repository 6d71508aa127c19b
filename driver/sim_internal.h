/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to the simulation module and its tests: init/exit of its
 * parts, the debugfs hooks they call, and the control files' commands.
 */
#ifndef _VFIO_AP_REF_SIM_INTERNAL_H_
#define _VFIO_AP_REF_SIM_INTERNAL_H_

#include <linux/types.h>

struct kvm_sim;
struct vfio_sim_device;

int ap_sim_bus_init(void);
void ap_sim_bus_exit(void);
void kvm_sim_exit(void);

void sim_debugfs_add_guest(struct kvm_sim *kvm);
void sim_debugfs_remove_guest(struct kvm_sim *kvm);
void sim_debugfs_add_vfio(struct vfio_sim_device *vdev);
void sim_debugfs_remove_vfio(struct vfio_sim_device *vdev);

ssize_t vfio_ap_sim_ctl(const char *name, void *data, const char *in,
			size_t count);

#endif /* _VFIO_AP_REF_SIM_INTERNAL_H_ */

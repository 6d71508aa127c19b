/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to the simulation module: init/exit of its parts and the
 * debugfs hooks they call.
 */
#ifndef _VFIO_AP_REF_SIM_INTERNAL_H_
#define _VFIO_AP_REF_SIM_INTERNAL_H_

struct kvm_sim;
struct vfio_sim_device;

int ap_sim_bus_init(void);
void ap_sim_bus_exit(void);
void kvm_sim_exit(void);

void sim_debugfs_add_guest(struct kvm_sim *kvm);
void sim_debugfs_remove_guest(struct kvm_sim *kvm);
void sim_debugfs_add_vfio(struct vfio_sim_device *vdev);
void sim_debugfs_remove_vfio(struct vfio_sim_device *vdev);

#endif /* _VFIO_AP_REF_SIM_INTERNAL_H_ */

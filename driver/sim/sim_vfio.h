/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Simulated VFIO attach path, modelled on the 6.12 VFIO core: opening a
 * device runs open_device() under group->group_lock and dev_set->lock;
 * the group's KVM pointer is set and read under group->kvm_ref_lock, so
 * KVM's kvm-vfio release path (under kvm->lock) never waits for
 * group_lock.
 */
#ifndef _VFIO_AP_REF_SIM_VFIO_H_
#define _VFIO_AP_REF_SIM_VFIO_H_

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>

struct kvm_sim;
struct vfio_sim_device;
struct dentry;
struct module;

/**
 * struct vfio_sim_device_ops - callbacks of a VFIO device driver
 * @open_device: first open; the device's kvm is set if a guest is linked
 * @close_device: last close
 */
struct vfio_sim_device_ops {
	int (*open_device)(struct vfio_sim_device *vdev);
	void (*close_device)(struct vfio_sim_device *vdev);
};

/**
 * struct vfio_sim_group - a VFIO group (one per device, as for mdevs)
 * @group_lock: serializes open, close and unregistration
 * @kvm_ref_lock: protects @kvm
 * @kvm: the guest linked with KVM_DEV_VFIO_FILE_ADD, or NULL
 * @device: the device, NULL once unregistered
 * @ref: references: the device and every linking guest
 * @kvm_node: entry in the linking guest's list
 */
struct vfio_sim_group {
	struct mutex group_lock;	/* open, close, unregister */
	spinlock_t kvm_ref_lock;	/* @kvm */
	struct kvm_sim *kvm;
	struct vfio_sim_device *device;
	struct kref ref;
	struct list_head kvm_node;
};

/**
 * struct vfio_sim_device_set - the set of devices reset together
 * @lock: serializes open_device() and close_device()
 */
struct vfio_sim_device_set {
	struct mutex lock;	/* open_device, close_device */
};

/**
 * struct vfio_sim_device - a registered VFIO device
 * @name: the device name (the mdev UUID)
 * @ops: the driver's callbacks
 * @owner: the driver module, pinned while the device is open
 * @group: its group
 * @dev_set: its device set
 * @open_count: number of opens, under dev_set->lock
 * @kvm: the guest, valid from open_device() to close_device()
 * @users: the registration's reference and one per open, as the real
 *	VFIO core's device->refcount: the last one put completes @closed
 * @closed: completed when the registration and every open are gone
 * @node: entry in the list of registered devices
 * @file: debugfs file whose open() and release() open and close it
 */
struct vfio_sim_device {
	const char *name;
	const struct vfio_sim_device_ops *ops;
	struct module *owner;
	struct vfio_sim_group *group;
	struct vfio_sim_device_set dev_set;
	unsigned int open_count;
	struct kvm_sim *kvm;
	refcount_t users;
	struct completion closed;
	struct list_head node;
	struct dentry *file;
};

/**
 * struct vfio_sim_listener - told of VFIO devices as they come and go
 * @added: a device was registered
 * @removed: a device is being unregistered; called before it waits for
 *	its opens to close, and may wait for the listener's open() calls in
 *	progress
 *
 * The control layer (sim_debugfs.c) listens: each device gets a file.
 */
struct vfio_sim_listener {
	void (*added)(struct vfio_sim_device *vdev);
	void (*removed)(struct vfio_sim_device *vdev);
};

void vfio_sim_set_listener(const struct vfio_sim_listener *listener);
int vfio_sim_register_device(struct vfio_sim_device *vdev, const char *name,
			     const struct vfio_sim_device_ops *ops,
			     struct module *owner);
void vfio_sim_unregister_device(struct vfio_sim_device *vdev);
int vfio_sim_open(struct vfio_sim_device *vdev);
void vfio_sim_close(struct vfio_sim_device *vdev);

/* KVM side: KVM_DEV_VFIO_FILE_ADD / _DEL, and the kvm-vfio device type. */
int kvm_sim_vfio_add(struct kvm_sim *kvm, const char *name);
int kvm_sim_vfio_del(struct kvm_sim *kvm, const char *name);
extern const struct kvm_sim_device_ops kvm_sim_vfio_ops;

#endif /* _VFIO_AP_REF_SIM_VFIO_H_ */

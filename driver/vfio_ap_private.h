/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private data of the vfio_ap reference driver, mirroring
 * drivers/s390/crypto/vfio_ap_private.h (6.1) on top of the simulation.
 */
#ifndef _VFIO_AP_REF_PRIVATE_H_
#define _VFIO_AP_REF_PRIVATE_H_

#include <linux/device.h>
#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/uuid.h>
#include <linux/wait.h>

#include "ap_matrix.h"
#include "sim_ap_bus.h"
#include "sim_kvm.h"
#include "sim_vfio.h"

#define VFIO_AP_REF_NAME	"vfio_ap_ref"
#define VFIO_AP_MDEV_TYPE	"vfio_ap-passthrough"
/*
 * As the real mdev type's max_instances: MAX_ZDEV_ENTRIES_EXT, 256
 * adapters times 256 domains (vfio_ap_ops.c in Linux 6.1 and 6.12).
 */
#define VFIO_AP_MAX_MDEVS	(256 * 256)

/**
 * struct ap_matrix_dev - the matrix device, parent of every mdev
 * @device: the "matrix" device under the vfio_ap_ref root
 * @info: the host AP configuration (QCI), updated on config changes
 * @mdev_list: every mdev; changed and walked under @guests_lock
 * @mdevs_lock: guards the state of every mdev and of the queues
 * @vfio_ap_drv: the driver on the AP bus
 * @guests_lock: guards the use of an mdev's KVM pointer and @mdev_list
 * @types_kobj: mdev_supported_types/
 * @type_kobj: mdev_supported_types/vfio_ap-passthrough/
 * @devices_kobj: mdev_supported_types/vfio_ap-passthrough/devices/
 * @available: mdevs that may still be created
 */
struct ap_matrix_dev {
	struct device device;
	struct ap_matrix info;
	struct list_head mdev_list;
	struct mutex mdevs_lock;	/* level 5, see vfio_ap_locks.c */
	struct ap_sim_driver *vfio_ap_drv;
	struct mutex guests_lock;	/* level 2, see vfio_ap_locks.c */
	struct kobject *types_kobj;
	struct kobject *type_kobj;
	struct kobject *devices_kobj;
	atomic_t available;
};

extern struct ap_matrix_dev *matrix_dev;

/**
 * struct ap_queue_table - the queues linked to an mdev
 * @queues: hashtable of struct vfio_ap_queue by APQN
 */
struct ap_queue_table {
	DECLARE_HASHTABLE(queues, 8);
};

/**
 * struct ap_matrix_mdev - a mediated matrix device
 * @dev: the mdev device, named by its UUID, child of the matrix device
 * @vdev: its VFIO device
 * @node: entry in matrix_dev->mdev_list
 * @matrix: the assigned adapters, domains and control domains
 * @shadow_apcb: what the guest gets
 * @kvm: the attached guest, or NULL
 * @pqap_hook: the PQAP(AQIC) handler installed in the guest
 * @qtable: queues assigned to the mdev and bound to the driver
 * @apm_add: adapters added to the host config, waiting for scan-complete
 * @aqm_add: domains added to the host config, waiting for scan-complete
 * @adm_add: control domains added, waiting for scan-complete
 * @uuid: the UUID
 * @name: the UUID as a string
 * @removing: remove was requested; set under guests_lock
 * @name_node: entry in the list of UUIDs in use, kept until the device
 *	has left sysfs, so that a UUID cannot be created twice meanwhile
 */
struct ap_matrix_mdev {
	struct device dev;
	struct vfio_sim_device vdev;
	struct list_head node;
	struct ap_matrix matrix;
	struct ap_matrix shadow_apcb;
	struct kvm_sim *kvm;
	crypto_hook pqap_hook;
	struct ap_queue_table qtable;
	DECLARE_BITMAP(apm_add, AP_MATRIX_BITS);
	DECLARE_BITMAP(aqm_add, AP_MATRIX_BITS);
	DECLARE_BITMAP(adm_add, AP_MATRIX_BITS);
	guid_t uuid;
	char name[UUID_STRING_LEN + 1];
	bool removing;
	struct list_head name_node;
};

#define to_matrix_mdev(d) container_of(d, struct ap_matrix_mdev, dev)

/**
 * struct vfio_ap_queue - a queue bound to the driver
 * @matrix_mdev: the mdev it is linked to, or NULL
 * @apqn: its APQN
 * @saved_isc: guest ISC while interrupts are enabled, else 0xff
 * @mdev_qnode: entry in the mdev's queue table
 * @reset_rc: response code of the last reset
 * @apq: the AP bus queue device it is bound to
 */
struct vfio_ap_queue {
	struct ap_matrix_mdev *matrix_mdev;
	int apqn;
#define VFIO_AP_ISC_INVALID 0xff
	unsigned char saved_isc;
	struct hlist_node mdev_qnode;
	unsigned int reset_rc;
	struct ap_sim_queue *apq;
};

/* vfio_ap_locks.c: the lock hierarchy */
void get_update_locks_for_kvm(struct kvm_sim *kvm);
void release_update_locks_for_kvm(struct kvm_sim *kvm);
void lock_kvm_and_mdevs(struct ap_matrix_mdev *matrix_mdev);
void unlock_kvm_and_mdevs(struct ap_matrix_mdev *matrix_mdev);
void get_update_locks_for_mdev(struct ap_matrix_mdev *matrix_mdev);
void release_update_locks_for_mdev(struct ap_matrix_mdev *matrix_mdev);
struct ap_matrix_mdev *get_update_locks_by_apqn(int apqn);
void get_update_locks_for_queue(struct vfio_ap_queue *q);

/* vfio_ap_apcb.c: queue tables, the shadow APCB, sharing across mdevs */
struct vfio_ap_queue *vfio_ap_mdev_get_queue(struct ap_matrix_mdev *matrix_mdev,
					     int apqn);
bool vfio_ap_mdev_filter_matrix(struct ap_matrix_mdev *matrix_mdev);
bool vfio_ap_mdev_filter_cdoms(struct ap_matrix_mdev *matrix_mdev);
void vfio_ap_mdev_update_guest_apcb(struct ap_matrix_mdev *matrix_mdev);
int vfio_ap_mdev_verify_no_sharing(struct ap_matrix_mdev *assignee,
				   const struct ap_matrix *m);
int vfio_ap_mdev_resource_in_use(unsigned long *apm, unsigned long *aqm);

/*
 * vfio_ap_mdev.c: mdevs and their attributes. These, and matrix_dev, are
 * exported for the glue KUnit suite, a module of its own in the VM
 * (kunit/vfio_ap_glue_test.c, tools/testing/kunit-vm.sh).
 */
extern const struct attribute_group *vfio_ap_mdev_groups[];
extern const struct attribute_group vfio_ap_mdev_remove_group;
int vfio_ap_mdev_create(const char *buf);
int vfio_ap_mdev_remove(struct ap_matrix_mdev *matrix_mdev);
struct ap_matrix_mdev *vfio_ap_mdev_find(const char *name);
int vfio_ap_mdev_assign(struct ap_matrix_mdev *matrix_mdev,
			enum ap_matrix_kind kind, const char *buf);
int vfio_ap_mdev_unassign(struct ap_matrix_mdev *matrix_mdev,
			  enum ap_matrix_kind kind, const char *buf);

/* vfio_ap_queue.c: queues and host config changes */
extern const struct attribute_group vfio_queue_attr_group;
void vfio_ap_mdev_link_apqn(struct ap_matrix_mdev *matrix_mdev, int apqn);
void vfio_ap_mdev_unlink_fr_queues(struct ap_matrix_mdev *matrix_mdev);
int vfio_ap_mdev_reset_queue(struct vfio_ap_queue *q);
int vfio_ap_mdev_reset_queues(struct ap_queue_table *qtable);
int vfio_ap_mdev_probe_queue(struct ap_sim_queue *apq);
void vfio_ap_mdev_remove_queue(struct ap_sim_queue *apq);
void vfio_ap_on_cfg_changed(const struct ap_matrix *cur,
			    const struct ap_matrix *prev);
void vfio_ap_on_scan_complete(const struct ap_matrix *cur,
			      const struct ap_matrix *prev);

/* vfio_ap_kvm.c: attaching and detaching a guest, the PQAP hook */
extern const struct vfio_sim_device_ops vfio_ap_matrix_dev_ops;
int vfio_ap_handle_pqap(struct kvm_sim_vcpu *vcpu);

#endif /* _VFIO_AP_REF_PRIVATE_H_ */

// SPDX-License-Identifier: GPL-2.0
/*
 * The lock hierarchy of the vfio_ap reference driver, and the helpers
 * that take and release the locks in that order.
 */

/**
 * DOC: vfio_ap_ref lock hierarchy
 *
 * Locks are always taken in this order and released in the reverse
 * order. A path may skip levels but never go back up:
 *
 * 1. ap_sim_perms_mutex (the AP bus's ap_perms_mutex): apmask/aqmask.
 *    Taken by assign_adapter and assign_domain before the others, and by
 *    the bus's mask stores around the driver's in_use().
 * 2. matrix_dev->guests_lock: required to use an mdev's KVM pointer to
 *    update a guest's APCB, and to change or walk matrix_dev->mdev_list.
 * 3. kvm->lock: required to update a guest's APCB
 *    (kvm_sim_set_masks()/kvm_sim_clear_masks() assert it).
 * 4. kvm->arch.crypto.pqap_hook_rwsem, for writing: required to install
 *    or remove the PQAP hook; vCPUs hold it for reading while they run
 *    the hook, which then takes 5.
 * 5. matrix_dev->mdevs_lock: required to access the data of any
 *    ap_matrix_mdev and vfio_ap_queue.
 *
 * Above 1 sit the locks of the code that calls in: the kernfs reference
 * of a sysfs file; a queue's device lock in probe and remove; and, when a
 * guest attaches or detaches, the VFIO group->group_lock and then
 * dev_set->lock. KVM's kvm-vfio release path holds kvm->lock and takes
 * only the group's kvm_ref_lock spinlock, a leaf.
 *
 * kvm_sim_put() is only called after every lock here is released.
 *
 * The same hierarchy as lockdep names the classes, with the simulated
 * VFIO core's locks above it, highest first; and the direct edges the
 * documented paths take. The kselftest verdict reads these lines
 * (tools/testing/judge/verdict.py): an edge between these classes that
 * goes up fails a run, and the lock-order coverage counts the edges::
 *
 *   class &group->group_lock
 *   class &vdev->dev_set.lock
 *   class ap_sim_perms_mutex
 *   class &matrix_dev->guests_lock
 *   class &kvm->lock
 *   class &kvm->arch.crypto.pqap_hook_rwsem
 *   class &matrix_dev->mdevs_lock
 *   edge &group->group_lock -> &vdev->dev_set.lock
 *   edge &vdev->dev_set.lock -> &matrix_dev->guests_lock
 *   edge ap_sim_perms_mutex -> &matrix_dev->guests_lock
 *   edge &matrix_dev->guests_lock -> &kvm->lock
 *   edge &matrix_dev->guests_lock -> &matrix_dev->mdevs_lock
 *   edge &kvm->lock -> &kvm->arch.crypto.pqap_hook_rwsem
 *   edge &kvm->lock -> &matrix_dev->mdevs_lock
 *   edge &kvm->arch.crypto.pqap_hook_rwsem -> &matrix_dev->mdevs_lock
 */
#include "vfio_ap_private.h"

/**
 * get_update_locks_for_kvm() - take locks 2 to 5 to update @kvm's APCB
 * @kvm: the guest, or NULL to take only guests_lock and mdevs_lock
 *
 * See the lock hierarchy at the top of vfio_ap_locks.c.
 */
void get_update_locks_for_kvm(struct kvm_sim *kvm)
{
	mutex_lock(&matrix_dev->guests_lock);
	if (kvm) {
		mutex_lock(&kvm->lock);
		down_write(&kvm->arch.crypto.pqap_hook_rwsem);
	}
	mutex_lock(&matrix_dev->mdevs_lock);
}

/**
 * release_update_locks_for_kvm() - release what get_update_locks_for_kvm()
 * took, in reverse order
 * @kvm: the same guest, or NULL
 */
void release_update_locks_for_kvm(struct kvm_sim *kvm)
{
	mutex_unlock(&matrix_dev->mdevs_lock);
	if (kvm) {
		up_write(&kvm->arch.crypto.pqap_hook_rwsem);
		mutex_unlock(&kvm->lock);
	}
	mutex_unlock(&matrix_dev->guests_lock);
}

/**
 * lock_kvm_and_mdevs() - with guests_lock held, take the attached guest's
 * kvm->lock and then mdevs_lock (levels 3 and 5)
 * @matrix_mdev: the mdev, or NULL to take only mdevs_lock
 *
 * matrix_mdev->kvm only changes with guests_lock held, so it is stable
 * here and until unlock_kvm_and_mdevs().
 */
void lock_kvm_and_mdevs(struct ap_matrix_mdev *matrix_mdev)
{
	lockdep_assert_held(&matrix_dev->guests_lock);
	if (matrix_mdev && matrix_mdev->kvm)
		mutex_lock(&matrix_mdev->kvm->lock);
	mutex_lock(&matrix_dev->mdevs_lock);
}

/**
 * unlock_kvm_and_mdevs() - release what lock_kvm_and_mdevs() took
 * @matrix_mdev: the same mdev, or NULL
 */
void unlock_kvm_and_mdevs(struct ap_matrix_mdev *matrix_mdev)
{
	mutex_unlock(&matrix_dev->mdevs_lock);
	if (matrix_mdev && matrix_mdev->kvm)
		mutex_unlock(&matrix_mdev->kvm->lock);
}

/**
 * get_update_locks_for_mdev() - take guests_lock, the attached guest's
 * kvm->lock and mdevs_lock (levels 2, 3 and 5)
 * @matrix_mdev: the mdev, or NULL to take only levels 2 and 5
 */
void get_update_locks_for_mdev(struct ap_matrix_mdev *matrix_mdev)
{
	mutex_lock(&matrix_dev->guests_lock);
	lock_kvm_and_mdevs(matrix_mdev);
}

/**
 * release_update_locks_for_mdev() - release what
 * get_update_locks_for_mdev() took, in reverse order
 * @matrix_mdev: the same mdev, or NULL
 */
void release_update_locks_for_mdev(struct ap_matrix_mdev *matrix_mdev)
{
	unlock_kvm_and_mdevs(matrix_mdev);
	mutex_unlock(&matrix_dev->guests_lock);
}

/**
 * get_update_locks_by_apqn() - find the mdev an APQN is assigned to and
 * take the locks to update its guest's APCB
 * @apqn: the APQN of a queue device
 *
 * Return: the mdev, or NULL; either way release with
 * release_update_locks_for_mdev() and the returned value.
 */
struct ap_matrix_mdev *get_update_locks_by_apqn(int apqn)
{
	struct ap_matrix_mdev *matrix_mdev;

	mutex_lock(&matrix_dev->guests_lock);
	list_for_each_entry(matrix_mdev, &matrix_dev->mdev_list, node) {
		if (test_bit(AP_MATRIX_APID(apqn), matrix_mdev->matrix.apm) &&
		    test_bit(AP_MATRIX_APQI(apqn), matrix_mdev->matrix.aqm)) {
			lock_kvm_and_mdevs(matrix_mdev);
			return matrix_mdev;
		}
	}
	mutex_lock(&matrix_dev->mdevs_lock);
	return NULL;
}

/**
 * get_update_locks_for_queue() - take the locks to update the APCB of the
 * guest a queue is passed through to
 * @q: the queue
 *
 * q->matrix_mdev is read before mdevs_lock is taken, as the 6.1 driver
 * does; it only changes with guests_lock held as well. Release with
 * release_update_locks_for_mdev(q->matrix_mdev) as read here.
 */
void get_update_locks_for_queue(struct vfio_ap_queue *q)
{
	mutex_lock(&matrix_dev->guests_lock);
	lock_kvm_and_mdevs(q->matrix_mdev);
}

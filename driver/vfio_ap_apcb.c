// SPDX-License-Identifier: GPL-2.0
/*
 * The mdevs' matrices in the vfio_ap reference driver, between the pure
 * core (ap_matrix.c) and the objects: an mdev's queue table, its shadow
 * APCB and the guest's copy of it, and the checks across every mdev's
 * matrix that the assign stores and the AP bus's in_use() share. The
 * sysfs stores (vfio_ap_mdev.c) and the queue and bus callbacks
 * (vfio_ap_queue.c) both call it; it calls neither. The lock order is
 * documented once, in vfio_ap_locks.c.
 */
#include <linux/slab.h>

#include "vfio_ap_private.h"

/**
 * vfio_ap_mdev_get_queue() - find a queue in an mdev's queue table
 * @matrix_mdev: the mdev
 * @apqn: the APQN
 *
 * Return: the queue, or NULL if it is not linked to @matrix_mdev.
 */
struct vfio_ap_queue *vfio_ap_mdev_get_queue(struct ap_matrix_mdev *matrix_mdev,
					     int apqn)
{
	struct vfio_ap_queue *q;

	lockdep_assert_held(&matrix_dev->mdevs_lock);
	hash_for_each_possible(matrix_mdev->qtable.queues, q, mdev_qnode, apqn)
		if (q->apqn == apqn)
			return q;
	return NULL;
}

static bool vfio_ap_queue_usable(void *ctx, unsigned long apid,
				 unsigned long apqi)
{
	struct vfio_ap_queue *q;

	q = vfio_ap_mdev_get_queue(ctx, AP_MATRIX_APQN(apid, apqi));
	return q && !q->reset_rc;
}

/**
 * vfio_ap_mdev_filter_matrix() - recompute the shadow APCB's adapters and
 * domains from the whole matrix (see ap_matrix_filter())
 * @matrix_mdev: the mdev
 *
 * Return: true if the shadow changed and the guest needs an update.
 */
bool vfio_ap_mdev_filter_matrix(struct ap_matrix_mdev *matrix_mdev)
{
	lockdep_assert_held(&matrix_dev->guests_lock);
	lockdep_assert_held(&matrix_dev->mdevs_lock);
	return ap_matrix_filter(&matrix_mdev->matrix, &matrix_dev->info,
				&matrix_mdev->shadow_apcb,
				vfio_ap_queue_usable, matrix_mdev);
}

/**
 * vfio_ap_mdev_filter_cdoms() - recompute the shadow's control domains
 * @matrix_mdev: the mdev
 *
 * Return: true if the shadow changed.
 */
bool vfio_ap_mdev_filter_cdoms(struct ap_matrix_mdev *matrix_mdev)
{
	lockdep_assert_held(&matrix_dev->guests_lock);
	lockdep_assert_held(&matrix_dev->mdevs_lock);
	return ap_matrix_filter_cdoms(&matrix_mdev->matrix, &matrix_dev->info,
				      &matrix_mdev->shadow_apcb);
}

/**
 * vfio_ap_mdev_update_guest_apcb() - push the shadow APCB to the guest
 * @matrix_mdev: the mdev; nothing happens without an attached guest
 *
 * The guest's kvm->lock must be held: kvm_sim_set_masks() asserts it.
 */
void vfio_ap_mdev_update_guest_apcb(struct ap_matrix_mdev *matrix_mdev)
{
	lockdep_assert_held(&matrix_dev->mdevs_lock);
	if (matrix_mdev->kvm)
		kvm_sim_set_masks(matrix_mdev->kvm,
				  matrix_mdev->shadow_apcb.apm,
				  matrix_mdev->shadow_apcb.aqm,
				  matrix_mdev->shadow_apcb.adm);
}

/**
 * vfio_ap_mdev_verify_no_sharing() - is an APQN of @m in another mdev?
 * @assignee: the mdev @m belongs to, or NULL for the in_use() check
 * @m: the APQNs (adapters x domains) to check
 *
 * Return: 0, or -EADDRINUSE naming the first shared APQN in the log.
 */
int vfio_ap_mdev_verify_no_sharing(struct ap_matrix_mdev *assignee,
				   const struct ap_matrix *m)
{
	DECLARE_BITMAP(apm, AP_MATRIX_BITS);
	DECLARE_BITMAP(aqm, AP_MATRIX_BITS);
	struct ap_matrix_mdev *other;

	lockdep_assert_held(&matrix_dev->guests_lock);
	lockdep_assert_held(&matrix_dev->mdevs_lock);
	list_for_each_entry(other, &matrix_dev->mdev_list, node) {
		if (other == assignee ||
		    !ap_matrix_check_sharing(m, &other->matrix, apm, aqm))
			continue;
		if (assignee)
			dev_warn_ratelimited(&assignee->dev,
					     "Userspace may not assign queue %02lx.%04lx to mdev: already assigned to %s\n",
					     find_first_bit(apm, AP_MATRIX_BITS),
					     find_first_bit(aqm, AP_MATRIX_BITS),
					     other->name);
		else
			dev_warn_ratelimited(&other->dev,
					     "Can not reserve queue %02lx.%04lx for host driver: in use by mdev\n",
					     find_first_bit(apm, AP_MATRIX_BITS),
					     find_first_bit(aqm, AP_MATRIX_BITS));
		return -EADDRINUSE;
	}
	return 0;
}

/**
 * vfio_ap_mdev_resource_in_use() - the AP bus's in_use() callback
 * @apm: adapters the bus wants to reserve for the host
 * @aqm: domains the bus wants to reserve for the host
 *
 * Context: ap_sim_perms_mutex held by the AP bus.
 * Return: 0, or -EADDRINUSE if an mdev has one of the APQNs.
 */
int vfio_ap_mdev_resource_in_use(unsigned long *apm, unsigned long *aqm)
{
	struct ap_matrix *m;
	int ret;

	lockdep_assert_held(&ap_sim_perms_mutex);
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	bitmap_copy(m->apm, apm, AP_MATRIX_BITS);
	bitmap_copy(m->aqm, aqm, AP_MATRIX_BITS);
	mutex_lock(&matrix_dev->guests_lock);
	mutex_lock(&matrix_dev->mdevs_lock);
	ret = vfio_ap_mdev_verify_no_sharing(NULL, m);
	mutex_unlock(&matrix_dev->mdevs_lock);
	mutex_unlock(&matrix_dev->guests_lock);
	kfree(m);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Queue devices of the vfio_ap reference driver: probe and remove, the
 * status attribute, resets and host configuration changes, as in
 * drivers/s390/crypto/vfio_ap_ops.c (6.1). The lock order is
 * documented once, in vfio_ap_locks.c.
 */
#include <linux/delay.h>
#include <linux/slab.h>

#include "vfio_ap_private.h"

static void vfio_ap_mdev_link_queue(struct ap_matrix_mdev *matrix_mdev,
				    struct vfio_ap_queue *q)
{
	lockdep_assert_held(&matrix_dev->mdevs_lock);
	q->matrix_mdev = matrix_mdev;
	hash_add(matrix_mdev->qtable.queues, &q->mdev_qnode, q->apqn);
}

/* The driver data of a queue bound to vfio_ap_ref, like vfio_ap_find_queue. */
static struct vfio_ap_queue *vfio_ap_find_queue(int apqn)
{
	struct vfio_ap_queue *q = NULL;
	struct ap_sim_queue *apq;

	apq = ap_sim_get_queue(apqn);
	if (!apq)
		return NULL;
	if (apq->dev.driver == &matrix_dev->vfio_ap_drv->driver)
		q = dev_get_drvdata(&apq->dev);
	put_device(&apq->dev);
	return q;
}

/**
 * vfio_ap_mdev_link_apqn() - link a bound queue, if any, to an mdev
 * @matrix_mdev: the mdev the APQN was assigned to
 * @apqn: the APQN
 */
void vfio_ap_mdev_link_apqn(struct ap_matrix_mdev *matrix_mdev, int apqn)
{
	struct vfio_ap_queue *q;

	lockdep_assert_held(&matrix_dev->mdevs_lock);
	q = vfio_ap_find_queue(apqn);
	if (q)
		vfio_ap_mdev_link_queue(matrix_mdev, q);
}

/**
 * vfio_ap_mdev_unlink_fr_queues() - unlink every queue from a removed mdev
 * @matrix_mdev: the mdev
 */
void vfio_ap_mdev_unlink_fr_queues(struct ap_matrix_mdev *matrix_mdev)
{
	struct hlist_node *tmp;
	struct vfio_ap_queue *q;
	int bkt;

	lockdep_assert_held(&matrix_dev->mdevs_lock);
	hash_for_each_safe(matrix_mdev->qtable.queues, bkt, tmp, q, mdev_qnode) {
		hash_del(&q->mdev_qnode);
		q->matrix_mdev = NULL;
	}
}

/**
 * vfio_ap_mdev_reset_queue() - reset a queue with PQAP(ZAPQ)
 * @q: the queue
 *
 * The response code is kept in q->reset_rc; a queue whose reset failed is
 * not given to a guest until a later reset succeeds. Interrupts the guest
 * enabled are disabled.
 *
 * Return: 0, or -EBUSY if the queue could not be reset.
 */
int vfio_ap_mdev_reset_queue(struct vfio_ap_queue *q)
{
	int retry = 1, ret = 0;

	lockdep_assert_held(&matrix_dev->mdevs_lock);
again:
	q->reset_rc = ap_sim_zapq(q->apq);
	switch (q->reset_rc) {
	case AP_RESPONSE_NORMAL:
		break;
	case AP_RESPONSE_RESET_IN_PROGRESS:
		if (retry--) {
			msleep(20);
			goto again;
		}
		ret = -EBUSY;
		break;
	default:
		ret = -EBUSY;
		break;
	}
	q->saved_isc = VFIO_AP_ISC_INVALID;
	return ret;
}

/**
 * vfio_ap_mdev_reset_queues() - reset every queue of a table
 * @qtable: the table
 *
 * Return: 0, or the error of the last queue that failed.
 */
int vfio_ap_mdev_reset_queues(struct ap_queue_table *qtable)
{
	struct vfio_ap_queue *q;
	int bkt, ret, rc = 0;

	lockdep_assert_held(&matrix_dev->mdevs_lock);
	hash_for_each(qtable->queues, bkt, q, mdev_qnode) {
		ret = vfio_ap_mdev_reset_queue(q);
		if (ret)
			rc = ret;
	}
	return rc;
}

static struct ap_matrix_mdev *vfio_ap_mdev_for_queue(struct vfio_ap_queue *q)
{
	struct ap_matrix_mdev *matrix_mdev;

	lockdep_assert_held(&matrix_dev->guests_lock);
	list_for_each_entry(matrix_mdev, &matrix_dev->mdev_list, node) {
		if (test_bit(AP_MATRIX_APID(q->apqn), matrix_mdev->matrix.apm) &&
		    test_bit(AP_MATRIX_APQI(q->apqn), matrix_mdev->matrix.aqm))
			return matrix_mdev;
	}
	return NULL;
}

static ssize_t status_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct ap_matrix_mdev *matrix_mdev;
	const char *status = "unassigned";
	struct vfio_ap_queue *q;

	mutex_lock(&matrix_dev->guests_lock);
	mutex_lock(&matrix_dev->mdevs_lock);
	q = dev_get_drvdata(dev);
	matrix_mdev = q ? vfio_ap_mdev_for_queue(q) : NULL;
	if (matrix_mdev) {
		status = "assigned";
		if (matrix_mdev->kvm &&
		    test_bit(AP_MATRIX_APID(q->apqn), matrix_mdev->shadow_apcb.apm) &&
		    test_bit(AP_MATRIX_APQI(q->apqn), matrix_mdev->shadow_apcb.aqm))
			status = "in use";
	}
	mutex_unlock(&matrix_dev->mdevs_lock);
	mutex_unlock(&matrix_dev->guests_lock);
	return sysfs_emit(buf, "%s\n", status);
}
static DEVICE_ATTR_RO(status);

static struct attribute *vfio_queue_attrs[] = {
	&dev_attr_status.attr,
	NULL,
};

/* The per-queue attributes vfio_ap adds to a queue it binds. */
const struct attribute_group vfio_queue_attr_group = {
	.attrs = vfio_queue_attrs,
};

/**
 * vfio_ap_mdev_probe_queue() - bind a queue, linking it to the mdev it is
 * assigned to and hot plugging it into that mdev's guest
 * @apq: the queue device
 *
 * While adapters or domains added to the host config wait for
 * scan-complete, the filtering is left to vfio_ap_on_scan_complete().
 *
 * Return: 0, -ENOMEM, or a sysfs error.
 */
int vfio_ap_mdev_probe_queue(struct ap_sim_queue *apq)
{
	struct ap_matrix_mdev *matrix_mdev;
	struct vfio_ap_queue *q;
	int ret;

	matrix_mdev = get_update_locks_by_apqn(apq->apqn);
	ret = sysfs_create_group(&apq->dev.kobj, &vfio_queue_attr_group);
	if (ret)
		goto out;
	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q) {
		ret = -ENOMEM;
		release_update_locks_for_mdev(matrix_mdev);
		sysfs_remove_group(&apq->dev.kobj, &vfio_queue_attr_group);
		return ret;
	}
	q->apqn = apq->apqn;
	q->apq = apq;
	q->saved_isc = VFIO_AP_ISC_INVALID;
	if (matrix_mdev) {
		vfio_ap_mdev_link_queue(matrix_mdev, q);
		if (bitmap_empty(matrix_mdev->apm_add, AP_MATRIX_BITS) &&
		    bitmap_empty(matrix_mdev->aqm_add, AP_MATRIX_BITS) &&
		    vfio_ap_mdev_filter_matrix(matrix_mdev))
			vfio_ap_mdev_update_guest_apcb(matrix_mdev);
	}
	dev_set_drvdata(&apq->dev, q);
out:
	release_update_locks_for_mdev(matrix_mdev);
	return ret;
}

/**
 * vfio_ap_mdev_remove_queue() - unbind a queue: take its adapter out of
 * the guest, reset it and free it
 * @apq: the queue device
 */
void vfio_ap_mdev_remove_queue(struct ap_sim_queue *apq)
{
	struct ap_matrix_mdev *matrix_mdev;
	struct vfio_ap_queue *q;
	unsigned long apid, apqi;

	sysfs_remove_group(&apq->dev.kobj, &vfio_queue_attr_group);
	q = dev_get_drvdata(&apq->dev);
	get_update_locks_for_queue(q);
	matrix_mdev = q->matrix_mdev;
	if (matrix_mdev) {
		hash_del(&q->mdev_qnode);
		apid = AP_MATRIX_APID(q->apqn);
		apqi = AP_MATRIX_APQI(q->apqn);
		if (test_bit(apid, matrix_mdev->shadow_apcb.apm) &&
		    test_bit(apqi, matrix_mdev->shadow_apcb.aqm)) {
			__clear_bit(apid, matrix_mdev->shadow_apcb.apm);
			vfio_ap_mdev_update_guest_apcb(matrix_mdev);
		}
	}
	vfio_ap_mdev_reset_queue(q);
	dev_set_drvdata(&apq->dev, NULL);
	kfree(q);
	release_update_locks_for_mdev(matrix_mdev);
}

/* Take ids the host removed out of the shadow and update the guest. */
static void vfio_ap_mdev_cfg_remove(const struct ap_matrix *removed)
{
	struct ap_matrix_mdev *matrix_mdev;
	struct ap_matrix *shadow;
	bool hotplug;

	lockdep_assert_held(&matrix_dev->guests_lock);
	list_for_each_entry(matrix_mdev, &matrix_dev->mdev_list, node) {
		lock_kvm_and_mdevs(matrix_mdev);
		shadow = &matrix_mdev->shadow_apcb;
		hotplug = bitmap_intersects(shadow->apm, removed->apm, AP_MATRIX_BITS) ||
			  bitmap_intersects(shadow->aqm, removed->aqm, AP_MATRIX_BITS) ||
			  bitmap_intersects(shadow->adm, removed->adm, AP_MATRIX_BITS);
		if (hotplug) {
			bitmap_andnot(shadow->apm, shadow->apm, removed->apm,
				      AP_MATRIX_BITS);
			bitmap_andnot(shadow->aqm, shadow->aqm, removed->aqm,
				      AP_MATRIX_BITS);
			bitmap_andnot(shadow->adm, shadow->adm, removed->adm,
				      AP_MATRIX_BITS);
			vfio_ap_mdev_update_guest_apcb(matrix_mdev);
		}
		unlock_kvm_and_mdevs(matrix_mdev);
	}
}

static int vfio_ap_card_type(void *ctx, unsigned long apid, unsigned long apqi)
{
	return ap_sim_card_type(apid, apqi);
}

/* Record ids the host added, for on_scan_complete to plug in. */
static void vfio_ap_mdev_cfg_add(struct ap_matrix *added)
{
	struct ap_matrix_mdev *matrix_mdev;

	lockdep_assert_held(&matrix_dev->guests_lock);
	if (list_empty(&matrix_dev->mdev_list))
		return;
	ap_matrix_filter_card_types(added->apm, added->aqm, vfio_ap_card_type,
				    NULL);
	list_for_each_entry(matrix_mdev, &matrix_dev->mdev_list, node) {
		mutex_lock(&matrix_dev->mdevs_lock);
		bitmap_and(matrix_mdev->apm_add, matrix_mdev->matrix.apm,
			   added->apm, AP_MATRIX_BITS);
		bitmap_and(matrix_mdev->aqm_add, matrix_mdev->matrix.aqm,
			   added->aqm, AP_MATRIX_BITS);
		bitmap_and(matrix_mdev->adm_add, matrix_mdev->matrix.adm,
			   added->adm, AP_MATRIX_BITS);
		mutex_unlock(&matrix_dev->mdevs_lock);
	}
}

/**
 * vfio_ap_on_cfg_changed() - the AP bus's on_config_changed() callback
 * @cur: the new host configuration
 * @prev: the previous one
 */
void vfio_ap_on_cfg_changed(const struct ap_matrix *cur,
			    const struct ap_matrix *prev)
{
	struct ap_matrix *added, *removed;

	added = kmalloc(sizeof(*added), GFP_KERNEL);
	removed = kmalloc(sizeof(*removed), GFP_KERNEL);
	mutex_lock(&matrix_dev->guests_lock);
	if (added && removed && ap_matrix_config_diff(prev, cur, added, removed)) {
		vfio_ap_mdev_cfg_remove(removed);
		vfio_ap_mdev_cfg_add(added);
	}
	matrix_dev->info = *cur;
	mutex_unlock(&matrix_dev->guests_lock);
	kfree(added);
	kfree(removed);
}

/**
 * vfio_ap_on_scan_complete() - the AP bus's on_scan_complete() callback:
 * filter once every mdev that waits for added ids and hot plug its guest
 * @cur: the new host configuration
 * @prev: the previous one
 */
void vfio_ap_on_scan_complete(const struct ap_matrix *cur,
			      const struct ap_matrix *prev)
{
	struct ap_matrix_mdev *matrix_mdev;
	bool adapters, domains, cdoms, hotplug;

	mutex_lock(&matrix_dev->guests_lock);
	list_for_each_entry(matrix_mdev, &matrix_dev->mdev_list, node) {
		lock_kvm_and_mdevs(matrix_mdev);
		adapters = !bitmap_empty(matrix_mdev->apm_add, AP_MATRIX_BITS);
		domains = !bitmap_empty(matrix_mdev->aqm_add, AP_MATRIX_BITS);
		cdoms = !bitmap_empty(matrix_mdev->adm_add, AP_MATRIX_BITS);
		hotplug = false;
		if (adapters || domains)
			hotplug = vfio_ap_mdev_filter_matrix(matrix_mdev);
		if (cdoms)
			hotplug |= vfio_ap_mdev_filter_cdoms(matrix_mdev);
		if (hotplug)
			vfio_ap_mdev_update_guest_apcb(matrix_mdev);
		bitmap_zero(matrix_mdev->apm_add, AP_MATRIX_BITS);
		bitmap_zero(matrix_mdev->aqm_add, AP_MATRIX_BITS);
		bitmap_zero(matrix_mdev->adm_add, AP_MATRIX_BITS);
		unlock_kvm_and_mdevs(matrix_mdev);
	}
	mutex_unlock(&matrix_dev->guests_lock);
}

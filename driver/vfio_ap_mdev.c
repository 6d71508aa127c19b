// SPDX-License-Identifier: GPL-2.0
/*
 * Mediated matrix devices of the vfio_ap reference driver: creation and
 * removal and the sysfs attributes, as in
 * drivers/s390/crypto/vfio_ap_ops.c (6.1); the shadow APCB they update
 * is vfio_ap_apcb.c's. The lock order is documented
 * once, in vfio_ap_locks.c.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "vfio_ap_private.h"

static int vfio_ap_mdev_validate_masks(struct ap_matrix_mdev *matrix_mdev)
{
	int ret;

	lockdep_assert_held(&ap_sim_perms_mutex);
	ret = ap_sim_check_reserved(&matrix_mdev->matrix);
	if (ret) {
		dev_warn_ratelimited(&matrix_mdev->dev,
				     "Userspace may not assign queues reserved for the host\n");
		return ret;
	}
	return vfio_ap_mdev_verify_no_sharing(matrix_mdev, &matrix_mdev->matrix);
}

static void vfio_ap_mdev_link_ids(struct ap_matrix_mdev *matrix_mdev,
				  enum ap_matrix_kind kind, unsigned long id)
{
	unsigned long other;

	if (kind == AP_MATRIX_ADAPTER) {
		for_each_set_bit(other, matrix_mdev->matrix.aqm, AP_MATRIX_BITS)
			vfio_ap_mdev_link_apqn(matrix_mdev,
					       AP_MATRIX_APQN(id, other));
	} else {
		for_each_set_bit(other, matrix_mdev->matrix.apm, AP_MATRIX_BITS)
			vfio_ap_mdev_link_apqn(matrix_mdev,
					       AP_MATRIX_APQN(other, id));
	}
}

/**
 * vfio_ap_mdev_assign() - assign_adapter, assign_domain and
 * assign_control_domain
 * @matrix_mdev: the mdev
 * @kind: which ids
 * @buf: the written id
 *
 * Adapters and domains are checked against the host reservation first
 * (-EADDRNOTAVAIL), then against the other mdevs (-EADDRINUSE); on either
 * error the bit is rolled back. Then the queues are linked and the whole
 * matrix is filtered. Control domains are only cdom-filtered.
 *
 * Return: 0, or -EINVAL, -ERANGE, -ENODEV, -EADDRNOTAVAIL, -EADDRINUSE.
 */
int vfio_ap_mdev_assign(struct ap_matrix_mdev *matrix_mdev,
			enum ap_matrix_kind kind,
			const char *buf)
{
	unsigned long id, max, *mask;
	bool need_perms = kind != AP_MATRIX_CDOM;
	int ret;

	if (need_perms)
		mutex_lock(&ap_sim_perms_mutex);
	get_update_locks_for_mdev(matrix_mdev);

	mask = ap_matrix_mask(&matrix_mdev->matrix, kind, &max);
	ret = mask ? ap_matrix_parse_id(buf, max, &id) : -EINVAL;
	if (ret || test_bit(id, mask))
		goto done;
	__set_bit(id, mask);

	if (kind == AP_MATRIX_CDOM) {
		if (vfio_ap_mdev_filter_cdoms(matrix_mdev))
			vfio_ap_mdev_update_guest_apcb(matrix_mdev);
		goto done;
	}

	ret = vfio_ap_mdev_validate_masks(matrix_mdev);
	if (ret) {
		__clear_bit(id, mask);
		goto done;
	}
	vfio_ap_mdev_link_ids(matrix_mdev, kind, id);
	if (vfio_ap_mdev_filter_matrix(matrix_mdev))
		vfio_ap_mdev_update_guest_apcb(matrix_mdev);
done:
	release_update_locks_for_mdev(matrix_mdev);
	if (need_perms)
		mutex_unlock(&ap_sim_perms_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_ap_mdev_assign);

/*
 * Hot unplug an adapter or a domain that was just unassigned: unlink
 * every queue of @apm x @aqm from the mdev, take the id out of the
 * shadow, update the guest, and reset the queues the guest had.
 */
static void vfio_ap_mdev_hot_unplug(struct ap_matrix_mdev *matrix_mdev,
				    enum ap_matrix_kind kind, unsigned long id,
				    const unsigned long *apm,
				    const unsigned long *aqm)
{
	struct ap_matrix *shadow = &matrix_mdev->shadow_apcb;
	struct vfio_ap_queue *q;
	struct hlist_node *tmp;
	unsigned long apid, apqi;
	unsigned long *smask = kind == AP_MATRIX_ADAPTER ? shadow->apm : shadow->aqm;
	HLIST_HEAD(reset);

	lockdep_assert_held(&matrix_dev->mdevs_lock);
	for_each_set_bit(apid, apm, AP_MATRIX_BITS) {
		for_each_set_bit(apqi, aqm, AP_MATRIX_BITS) {
			q = vfio_ap_mdev_get_queue(matrix_mdev,
						   AP_MATRIX_APQN(apid, apqi));
			if (!q)
				continue;
			hash_del(&q->mdev_qnode);
			if (test_bit(apid, shadow->apm) &&
			    test_bit(apqi, shadow->aqm)) {
				hlist_add_head(&q->mdev_qnode, &reset);
				continue;
			}
			/* Not in the guest: no reset, and no longer the mdev's. */
			q->matrix_mdev = NULL;
		}
	}

	if (test_bit(id, smask)) {
		__clear_bit(id, smask);
		vfio_ap_mdev_update_guest_apcb(matrix_mdev);
	}

	hlist_for_each_entry_safe(q, tmp, &reset, mdev_qnode) {
		hlist_del_init(&q->mdev_qnode);
		vfio_ap_mdev_reset_queue(q);
		q->matrix_mdev = NULL;
	}
}

/**
 * vfio_ap_mdev_unassign() - unassign_adapter, unassign_domain and
 * unassign_control_domain; works while a guest is attached (hot unplug)
 * @matrix_mdev: the mdev
 * @kind: which ids
 * @buf: the written id
 *
 * Return: 0, or -EINVAL, -ERANGE, -ENODEV.
 */
int vfio_ap_mdev_unassign(struct ap_matrix_mdev *matrix_mdev,
			  enum ap_matrix_kind kind,
			  const char *buf)
{
	DECLARE_BITMAP(one, AP_MATRIX_BITS);
	unsigned long id, max, *mask;
	int ret;

	get_update_locks_for_mdev(matrix_mdev);
	mask = ap_matrix_mask(&matrix_mdev->matrix, kind, &max);
	ret = mask ? ap_matrix_parse_id(buf, max, &id) : -EINVAL;
	if (ret || !test_bit(id, mask))
		goto done;
	__clear_bit(id, mask);

	bitmap_zero(one, AP_MATRIX_BITS);
	__set_bit(id, one);
	if (kind == AP_MATRIX_ADAPTER) {
		vfio_ap_mdev_hot_unplug(matrix_mdev, kind, id, one,
					matrix_mdev->matrix.aqm);
	} else if (kind == AP_MATRIX_DOMAIN) {
		vfio_ap_mdev_hot_unplug(matrix_mdev, kind, id,
					matrix_mdev->matrix.apm, one);
	} else if (test_bit(id, matrix_mdev->shadow_apcb.adm)) {
		__clear_bit(id, matrix_mdev->shadow_apcb.adm);
		vfio_ap_mdev_update_guest_apcb(matrix_mdev);
	}
done:
	release_update_locks_for_mdev(matrix_mdev);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_ap_mdev_unassign);

#define MDEV_STORE(_name, _fn, _kind)					\
static ssize_t _name##_store(struct device *dev,			\
			     struct device_attribute *attr,		\
			     const char *buf, size_t count)		\
{									\
	int ret = _fn(to_matrix_mdev(dev), _kind, buf);			\
									\
	return ret ? ret : count;					\
}									\
static DEVICE_ATTR_WO(_name)

MDEV_STORE(assign_adapter, vfio_ap_mdev_assign, AP_MATRIX_ADAPTER);
MDEV_STORE(unassign_adapter, vfio_ap_mdev_unassign, AP_MATRIX_ADAPTER);
MDEV_STORE(assign_domain, vfio_ap_mdev_assign, AP_MATRIX_DOMAIN);
MDEV_STORE(unassign_domain, vfio_ap_mdev_unassign, AP_MATRIX_DOMAIN);
MDEV_STORE(assign_control_domain, vfio_ap_mdev_assign, AP_MATRIX_CDOM);
MDEV_STORE(unassign_control_domain, vfio_ap_mdev_unassign, AP_MATRIX_CDOM);

/*
 * The most a show may return: sysfs takes a count of PAGE_SIZE or more as
 * an overrun, cuts it to PAGE_SIZE - 1 mid-line and logs "returned bad
 * count" (fs/sysfs/file.c, sysfs_kf_seq_show()).
 */
#define VFIO_AP_SHOW_MAX	(PAGE_SIZE - 1)

static ssize_t control_domains_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct ap_matrix_mdev *matrix_mdev = to_matrix_mdev(dev);
	ssize_t n;

	mutex_lock(&matrix_dev->mdevs_lock);
	n = ap_matrix_format_cdoms(&matrix_mdev->matrix, buf,
				   VFIO_AP_SHOW_MAX);
	mutex_unlock(&matrix_dev->mdevs_lock);
	return n;
}
static DEVICE_ATTR_RO(control_domains);

static ssize_t matrix_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct ap_matrix_mdev *matrix_mdev = to_matrix_mdev(dev);
	ssize_t n;

	mutex_lock(&matrix_dev->mdevs_lock);
	n = ap_matrix_format(&matrix_mdev->matrix, buf, VFIO_AP_SHOW_MAX);
	mutex_unlock(&matrix_dev->mdevs_lock);
	return n;
}
static DEVICE_ATTR_RO(matrix);

static ssize_t guest_matrix_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct ap_matrix_mdev *matrix_mdev = to_matrix_mdev(dev);
	ssize_t n;

	mutex_lock(&matrix_dev->mdevs_lock);
	n = ap_matrix_format(&matrix_mdev->shadow_apcb, buf,
			     VFIO_AP_SHOW_MAX);
	mutex_unlock(&matrix_dev->mdevs_lock);
	return n;
}
static DEVICE_ATTR_RO(guest_matrix);

static struct attribute *vfio_ap_mdev_attrs[] = {
	&dev_attr_assign_adapter.attr,
	&dev_attr_unassign_adapter.attr,
	&dev_attr_assign_domain.attr,
	&dev_attr_unassign_domain.attr,
	&dev_attr_assign_control_domain.attr,
	&dev_attr_unassign_control_domain.attr,
	&dev_attr_control_domains.attr,
	&dev_attr_matrix.attr,
	&dev_attr_guest_matrix.attr,
	NULL,
};

static const struct attribute_group vfio_ap_mdev_attr_group = {
	.attrs = vfio_ap_mdev_attrs,
};

/* The driver's attributes, created at "probe" and removed first. */
const struct attribute_group *vfio_ap_mdev_groups[] = {
	&vfio_ap_mdev_attr_group,
	NULL,
};
EXPORT_SYMBOL_GPL(vfio_ap_mdev_groups);

/*
 * The mdev core's own "remove" attribute, as remove_store() of
 * drivers/vfio/mdev/mdev_sysfs.c: any number is taken, 0 removes nothing
 * and any other the mdev; a remover that loses the race to another one
 * succeeds without removing.
 */
static ssize_t remove_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct ap_matrix_mdev *matrix_mdev = to_matrix_mdev(dev);
	unsigned long val;
	int ret = 0;

	if (kstrtoul(buf, 0, &val) < 0)
		return -EINVAL;
	get_device(dev);
	if (val && device_remove_file_self(dev, attr))
		ret = vfio_ap_mdev_remove(matrix_mdev);
	put_device(dev);
	return ret ? ret : count;
}
static DEVICE_ATTR_WO(remove);

static struct attribute *vfio_ap_mdev_remove_attrs[] = {
	&dev_attr_remove.attr,
	NULL,
};

/* The mdev core's "remove", created when the mdev is complete. */
const struct attribute_group vfio_ap_mdev_remove_group = {
	.attrs = vfio_ap_mdev_remove_attrs,
};
EXPORT_SYMBOL_GPL(vfio_ap_mdev_remove_group);

/* UUIDs in use, from create until the device has left sysfs. */
static LIST_HEAD(mdev_names);
static DEFINE_MUTEX(mdev_names_lock);

static int mdev_name_reserve(struct ap_matrix_mdev *matrix_mdev)
{
	struct ap_matrix_mdev *other;
	int ret = 0;

	mutex_lock(&mdev_names_lock);
	list_for_each_entry(other, &mdev_names, name_node) {
		if (guid_equal(&other->uuid, &matrix_mdev->uuid)) {
			ret = -EEXIST;
			break;
		}
	}
	if (!ret)
		list_add(&matrix_mdev->name_node, &mdev_names);
	mutex_unlock(&mdev_names_lock);
	return ret;
}

static void mdev_name_release(struct ap_matrix_mdev *matrix_mdev)
{
	mutex_lock(&mdev_names_lock);
	list_del(&matrix_mdev->name_node);
	mutex_unlock(&mdev_names_lock);
}

static void vfio_ap_mdev_release(struct device *dev)
{
	kfree(to_matrix_mdev(dev));
}

/**
 * vfio_ap_mdev_find() - find an mdev by its UUID string
 * @name: the UUID, lower case
 *
 * Return: the mdev with a device reference the caller must put, or NULL.
 */
struct ap_matrix_mdev *vfio_ap_mdev_find(const char *name)
{
	struct ap_matrix_mdev *matrix_mdev, *found = NULL;

	mutex_lock(&matrix_dev->guests_lock);
	list_for_each_entry(matrix_mdev, &matrix_dev->mdev_list, node) {
		if (!strcmp(matrix_mdev->name, name)) {
			found = matrix_mdev;
			get_device(&found->dev);
			break;
		}
	}
	mutex_unlock(&matrix_dev->guests_lock);
	return found;
}
EXPORT_SYMBOL_GPL(vfio_ap_mdev_find);

/**
 * vfio_ap_mdev_create() - the "create" attribute of the mdev type
 * @buf: a UUID, optionally followed by one more byte
 *
 * As create_store() of drivers/vfio/mdev/mdev_sysfs.c: 36 or 37 bytes,
 * of which guid_parse() reads the first 36, so a 37th byte is ignored
 * whatever it is.
 *
 * Return: 0; -EINVAL for a malformed UUID, -EUSERS when no instance is
 * left, -EEXIST if the UUID is taken, -ENOMEM, or a driver-core error.
 */
int vfio_ap_mdev_create(const char *buf)
{
	struct ap_matrix_mdev *matrix_mdev;
	char tmp[UUID_STRING_LEN + 1];
	size_t len = strlen(buf);
	guid_t uuid;
	int ret;

	if (len < UUID_STRING_LEN || len > UUID_STRING_LEN + 1)
		return -EINVAL;
	memcpy(tmp, buf, UUID_STRING_LEN);
	tmp[UUID_STRING_LEN] = '\0';
	if (guid_parse(tmp, &uuid))
		return -EINVAL;
	if (!atomic_add_unless(&matrix_dev->available, -1, 0))
		return -EUSERS;

	matrix_mdev = kzalloc(sizeof(*matrix_mdev), GFP_KERNEL);
	if (!matrix_mdev) {
		atomic_inc(&matrix_dev->available);
		return -ENOMEM;
	}
	matrix_mdev->uuid = uuid;
	snprintf(matrix_mdev->name, sizeof(matrix_mdev->name), "%pUl", &uuid);
	ret = mdev_name_reserve(matrix_mdev);
	if (ret) {
		kfree(matrix_mdev);
		atomic_inc(&matrix_dev->available);
		return ret;
	}
	INIT_LIST_HEAD(&matrix_mdev->node);
	hash_init(matrix_mdev->qtable.queues);
	matrix_mdev->pqap_hook = vfio_ap_handle_pqap;
	mutex_lock(&matrix_dev->guests_lock);
	matrix_mdev->matrix.apm_max = matrix_dev->info.apm_max;
	matrix_mdev->matrix.aqm_max = matrix_dev->info.aqm_max;
	matrix_mdev->matrix.adm_max = matrix_dev->info.adm_max;
	matrix_mdev->shadow_apcb = matrix_mdev->matrix;
	mutex_unlock(&matrix_dev->guests_lock);

	device_initialize(&matrix_mdev->dev);
	matrix_mdev->dev.parent = &matrix_dev->device;
	matrix_mdev->dev.release = vfio_ap_mdev_release;
	dev_set_name(&matrix_mdev->dev, "%s", matrix_mdev->name);

	ret = vfio_sim_register_device(&matrix_mdev->vdev, matrix_mdev->name,
				       &vfio_ap_matrix_dev_ops, THIS_MODULE);
	if (ret)
		goto err_put;
	ret = device_add(&matrix_mdev->dev);
	if (ret)
		goto err_vfio;
	ret = sysfs_create_groups(&matrix_mdev->dev.kobj, vfio_ap_mdev_groups);
	if (ret)
		goto err_del;
	ret = sysfs_create_link(matrix_dev->devices_kobj,
				&matrix_mdev->dev.kobj, matrix_mdev->name);
	if (ret)
		goto err_groups;

	mutex_lock(&matrix_dev->guests_lock);
	list_add(&matrix_mdev->node, &matrix_dev->mdev_list);
	mutex_unlock(&matrix_dev->guests_lock);
	/*
	 * "remove" comes last, as mdev_create_sysfs_files() does: a remove
	 * written while the mdev is still being created would delete its
	 * own file and then fail, leaving an mdev nobody can remove.
	 */
	ret = sysfs_create_group(&matrix_mdev->dev.kobj,
				 &vfio_ap_mdev_remove_group);
	if (ret)
		vfio_ap_mdev_remove(matrix_mdev);
	return ret;

err_groups:
	sysfs_remove_groups(&matrix_mdev->dev.kobj, vfio_ap_mdev_groups);
err_del:
	device_del(&matrix_mdev->dev);
err_vfio:
	vfio_sim_unregister_device(&matrix_mdev->vdev);
err_put:
	mdev_name_release(matrix_mdev);
	put_device(&matrix_mdev->dev);
	atomic_inc(&matrix_dev->available);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_ap_mdev_create);

/**
 * vfio_ap_mdev_remove() - remove an mdev, as the mdev core and
 * vfio_ap_mdev_remove() do
 * @matrix_mdev: the mdev; the caller holds a device reference
 *
 * The driver's attributes go first, so no store runs any more; then the
 * VFIO device is unregistered, which waits until it is closed; then the
 * queues are reset and unlinked and the mdev leaves the list.
 *
 * Return: 0, or -ENODEV if it is already being removed.
 */
int vfio_ap_mdev_remove(struct ap_matrix_mdev *matrix_mdev)
{
	mutex_lock(&matrix_dev->guests_lock);
	if (matrix_mdev->removing || list_empty(&matrix_mdev->node)) {
		mutex_unlock(&matrix_dev->guests_lock);
		return -ENODEV;
	}
	matrix_mdev->removing = true;
	mutex_unlock(&matrix_dev->guests_lock);

	/* Gone already when the removal came through the file itself. */
	sysfs_remove_group(&matrix_mdev->dev.kobj, &vfio_ap_mdev_remove_group);
	sysfs_remove_link(matrix_dev->devices_kobj, matrix_mdev->name);
	sysfs_remove_groups(&matrix_mdev->dev.kobj, vfio_ap_mdev_groups);
	vfio_sim_unregister_device(&matrix_mdev->vdev);

	mutex_lock(&matrix_dev->guests_lock);
	mutex_lock(&matrix_dev->mdevs_lock);
	vfio_ap_mdev_reset_queues(&matrix_mdev->qtable);
	vfio_ap_mdev_unlink_fr_queues(matrix_mdev);
	list_del_init(&matrix_mdev->node);
	mutex_unlock(&matrix_dev->mdevs_lock);
	mutex_unlock(&matrix_dev->guests_lock);

	device_del(&matrix_mdev->dev);
	mdev_name_release(matrix_mdev);
	put_device(&matrix_mdev->dev);
	atomic_inc(&matrix_dev->available);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_ap_mdev_remove);

// SPDX-License-Identifier: GPL-2.0
/*
 * Module init and exit of the vfio_ap reference driver: the matrix device
 * under /sys/devices/vfio_ap_ref, its mdev_supported_types directory and
 * the driver on the (simulated) AP bus, as vfio_ap_drv.c and the mdev
 * core set them up.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "vfio_ap_private.h"

/* The matrix device, as in the real driver a single global. */
struct ap_matrix_dev *matrix_dev;
EXPORT_SYMBOL_GPL(matrix_dev);
static struct device *vfio_ap_root;

static struct ap_sim_driver vfio_ap_drv = {
	.driver.name = VFIO_AP_REF_NAME,
	.probe = vfio_ap_mdev_probe_queue,
	.remove = vfio_ap_mdev_remove_queue,
	.in_use = vfio_ap_mdev_resource_in_use,
	.on_config_changed = vfio_ap_on_cfg_changed,
	.on_scan_complete = vfio_ap_on_scan_complete,
};

static ssize_t create_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	int ret = vfio_ap_mdev_create(buf);

	return ret ? ret : count;
}

static struct kobj_attribute create_attr = __ATTR_WO(create);

static ssize_t name_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "VFIO AP Passthrough Device\n");
}

static struct kobj_attribute name_attr = __ATTR_RO(name);

static ssize_t device_api_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "vfio-ap\n");
}

static struct kobj_attribute device_api_attr = __ATTR_RO(device_api);

static ssize_t available_instances_show(struct kobject *kobj,
					struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&matrix_dev->available));
}

static struct kobj_attribute available_instances_attr =
	__ATTR_RO(available_instances);

static struct attribute *mdev_type_attrs[] = {
	&create_attr.attr,
	&name_attr.attr,
	&device_api_attr.attr,
	&available_instances_attr.attr,
	NULL,
};

static const struct attribute_group mdev_type_group = {
	.attrs = mdev_type_attrs,
};

static void matrix_dev_release(struct device *dev)
{
	kfree(container_of(dev, struct ap_matrix_dev, device));
}

static void vfio_ap_types_del(void)
{
	kobject_put(matrix_dev->devices_kobj);
	if (matrix_dev->type_kobj)
		sysfs_remove_group(matrix_dev->type_kobj, &mdev_type_group);
	kobject_put(matrix_dev->type_kobj);
	kobject_put(matrix_dev->types_kobj);
}

static int vfio_ap_types_add(void)
{
	matrix_dev->types_kobj = kobject_create_and_add("mdev_supported_types",
							&matrix_dev->device.kobj);
	if (!matrix_dev->types_kobj)
		return -ENOMEM;
	matrix_dev->type_kobj = kobject_create_and_add(VFIO_AP_MDEV_TYPE,
						       matrix_dev->types_kobj);
	if (!matrix_dev->type_kobj)
		return -ENOMEM;
	matrix_dev->devices_kobj = kobject_create_and_add("devices",
							  matrix_dev->type_kobj);
	if (!matrix_dev->devices_kobj)
		return -ENOMEM;
	return sysfs_create_group(matrix_dev->type_kobj, &mdev_type_group);
}

/* Remove every mdev, as mdev_unregister_parent() does at unload. */
static void vfio_ap_remove_all_mdevs(void)
{
	struct ap_matrix_mdev *matrix_mdev;

	for (;;) {
		mutex_lock(&matrix_dev->guests_lock);
		matrix_mdev = list_first_entry_or_null(&matrix_dev->mdev_list,
						       struct ap_matrix_mdev,
						       node);
		if (matrix_mdev)
			get_device(&matrix_mdev->dev);
		mutex_unlock(&matrix_dev->guests_lock);
		if (!matrix_mdev)
			break;
		vfio_ap_mdev_remove(matrix_mdev);
		put_device(&matrix_mdev->dev);
	}
}

static int __init vfio_ap_ref_init(void)
{
	int ret;

	vfio_ap_root = root_device_register(VFIO_AP_REF_NAME);
	if (IS_ERR(vfio_ap_root))
		return PTR_ERR(vfio_ap_root);

	matrix_dev = kzalloc(sizeof(*matrix_dev), GFP_KERNEL);
	if (!matrix_dev) {
		ret = -ENOMEM;
		goto err_root;
	}
	ap_sim_get_config(&matrix_dev->info);
	INIT_LIST_HEAD(&matrix_dev->mdev_list);
	mutex_init(&matrix_dev->mdevs_lock);
	mutex_init(&matrix_dev->guests_lock);
	atomic_set(&matrix_dev->available, VFIO_AP_MAX_MDEVS);
	matrix_dev->vfio_ap_drv = &vfio_ap_drv;
	matrix_dev->device.parent = vfio_ap_root;
	matrix_dev->device.release = matrix_dev_release;
	dev_set_name(&matrix_dev->device, "matrix");
	ret = device_register(&matrix_dev->device);
	if (ret) {
		put_device(&matrix_dev->device);
		goto err_root;
	}
	ret = ap_sim_driver_register(&vfio_ap_drv, THIS_MODULE);
	if (ret)
		goto err_matrix;
	ret = vfio_ap_types_add();
	if (ret)
		goto err_types;
	return 0;

err_types:
	vfio_ap_types_del();
	ap_sim_driver_unregister(&vfio_ap_drv);
err_matrix:
	device_unregister(&matrix_dev->device);
err_root:
	root_device_unregister(vfio_ap_root);
	return ret;
}

static void __exit vfio_ap_ref_exit(void)
{
	/* No new mdevs, then none at all; open ones pin the module. */
	sysfs_remove_group(matrix_dev->type_kobj, &mdev_type_group);
	vfio_ap_remove_all_mdevs();
	vfio_ap_types_del();
	ap_sim_driver_unregister(&vfio_ap_drv);
	device_unregister(&matrix_dev->device);
	root_device_unregister(vfio_ap_root);
}

module_init(vfio_ap_ref_init);
module_exit(vfio_ap_ref_exit);

MODULE_DESCRIPTION("vfio_ap reference driver on a simulated AP bus and KVM");
MODULE_LICENSE("GPL");

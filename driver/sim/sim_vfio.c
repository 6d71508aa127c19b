// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated VFIO attach path, modelled on drivers/vfio/group.c and
 * virt/kvm/vfio.c of Linux 6.12:
 *
 *  open:  group->group_lock -> dev_set->lock -> [kvm_ref_lock: get kvm]
 *         -> open_device()
 *  close: group->group_lock -> dev_set->lock -> close_device() -> put kvm
 *  KVM_DEV_VFIO_FILE_ADD/DEL: kv->lock -> group->kvm_ref_lock
 *  kvm-vfio release (guest teardown): kvm->lock -> kv->lock ->
 *         group->kvm_ref_lock
 *
 * Linux 6.1 set and read group->kvm under group_lock, so the release
 * path took kvm->lock -> group_lock against open's group_lock -> (vfio_ap)
 * kvm->lock: a real cycle, fixed upstream by the kvm_ref_lock spinlock.
 */
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "sim_kvm.h"
#include "sim_vfio.h"

static LIST_HEAD(vfio_sim_devices);
static DEFINE_MUTEX(vfio_sim_devices_lock);
/* Set at the module's init, before any device exists, and at its exit. */
static const struct vfio_sim_listener *vfio_sim_listener;

/**
 * vfio_sim_set_listener() - tell @listener of every device from now on
 * @listener: the listener, or NULL for none
 *
 * Called at the module's init and exit, when no device is registered.
 */
void vfio_sim_set_listener(const struct vfio_sim_listener *listener)
{
	vfio_sim_listener = listener;
}

static void vfio_sim_group_release(struct kref *ref)
{
	kfree(container_of(ref, struct vfio_sim_group, ref));
}

static void vfio_sim_group_put(struct vfio_sim_group *group)
{
	kref_put(&group->ref, vfio_sim_group_release);
}

/**
 * vfio_sim_register_device() - vfio_register_emulated_iommu_dev()
 * @vdev: the device, zeroed by the caller
 * @name: its name; must stay valid until unregistration
 * @ops: the driver's callbacks
 * @owner: the driver module
 *
 * Creates the device's group, and tells the listener (which gives it the
 * debugfs file vfio_ap_ref/vfio/<name>).
 *
 * Return: 0, -EEXIST for a duplicate name, or -ENOMEM.
 */
int vfio_sim_register_device(struct vfio_sim_device *vdev, const char *name,
			     const struct vfio_sim_device_ops *ops,
			     struct module *owner)
{
	struct vfio_sim_group *group;
	struct vfio_sim_device *other;

	group = kzalloc(sizeof(*group), GFP_KERNEL);
	if (!group)
		return -ENOMEM;
	mutex_init(&group->group_lock);
	spin_lock_init(&group->kvm_ref_lock);
	kref_init(&group->ref);
	INIT_LIST_HEAD(&group->kvm_node);
	group->device = vdev;

	vdev->name = name;
	vdev->ops = ops;
	vdev->owner = owner;
	vdev->group = group;
	mutex_init(&vdev->dev_set.lock);
	refcount_set(&vdev->users, 1);
	init_completion(&vdev->closed);

	mutex_lock(&vfio_sim_devices_lock);
	list_for_each_entry(other, &vfio_sim_devices, node) {
		if (!strcmp(other->name, name)) {
			mutex_unlock(&vfio_sim_devices_lock);
			kfree(group);
			return -EEXIST;
		}
	}
	list_add_tail(&vdev->node, &vfio_sim_devices);
	mutex_unlock(&vfio_sim_devices_lock);
	if (vfio_sim_listener)
		vfio_sim_listener->added(vdev);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_sim_register_device);

/**
 * vfio_sim_unregister_device() - vfio_unregister_group_dev()
 * @vdev: the device
 *
 * New opens fail from now on; waits until every open is closed, as the
 * real function does, then drops the device's group reference. As in the
 * real VFIO core, the wait is for a completion that the last user's put
 * completes as its last touch of the device: a waiter that only watched
 * the open count could free the device while the last closer still
 * used it.
 */
void vfio_sim_unregister_device(struct vfio_sim_device *vdev)
{
	struct vfio_sim_group *group = vdev->group;
	unsigned int i = 0;

	mutex_lock(&vfio_sim_devices_lock);
	list_del(&vdev->node);
	mutex_unlock(&vfio_sim_devices_lock);
	if (vfio_sim_listener)
		vfio_sim_listener->removed(vdev);

	mutex_lock(&group->group_lock);
	group->device = NULL;
	mutex_unlock(&group->group_lock);

	if (!refcount_dec_and_test(&vdev->users)) {
		while (!wait_for_completion_timeout(&vdev->closed, HZ * 10))
			if (!(i++ % 10))
				pr_info("vfio_sim: device %s is in use, waiting until it is closed\n",
					vdev->name);
	}
	vfio_sim_group_put(group);
}
EXPORT_SYMBOL_GPL(vfio_sim_unregister_device);

/*
 * Open the group's device. group_lock is held from the check that the
 * device is still registered to the end of open_device(), and
 * unregistration clears group->device under the same lock before it
 * waits for the last close, so the device cannot go away meanwhile.
 */
static struct vfio_sim_device *vfio_sim_group_open(struct vfio_sim_group *group,
						   int *err)
{
	struct vfio_sim_device *vdev;
	struct kvm_sim *kvm = NULL;
	int ret = 0;

	mutex_lock(&group->group_lock);
	vdev = group->device;
	if (!vdev || !try_module_get(vdev->owner)) {
		mutex_unlock(&group->group_lock);
		*err = -ENODEV;
		return NULL;
	}
	mutex_lock(&vdev->dev_set.lock);
	if (vdev->open_count == 0) {
		spin_lock(&group->kvm_ref_lock);
		if (group->kvm && kvm_sim_get_safe(group->kvm))
			kvm = group->kvm;
		spin_unlock(&group->kvm_ref_lock);
		vdev->kvm = kvm;
		ret = vdev->ops->open_device(vdev);
		if (ret)
			vdev->kvm = NULL;
		else
			kvm = NULL;	/* now owned by vdev->kvm */
	}
	if (!ret) {
		vdev->open_count++;
		/* The registration is alive: group->device is still set. */
		refcount_inc(&vdev->users);
	}
	mutex_unlock(&vdev->dev_set.lock);
	mutex_unlock(&group->group_lock);
	if (kvm)
		kvm_sim_put(kvm);
	if (ret) {
		module_put(vdev->owner);
		*err = ret;
		return NULL;
	}
	return vdev;
}

/**
 * vfio_sim_open() - open the device through its group, as QEMU does
 * @vdev: the device
 *
 * On the first open the guest linked to the group (if any) is referenced
 * and passed to open_device() in @vdev->kvm. The driver module is pinned
 * while the device is open.
 *
 * Return: 0, -ENODEV if the device is going away, or open_device()'s error.
 */
int vfio_sim_open(struct vfio_sim_device *vdev)
{
	int ret = 0;

	vfio_sim_group_open(vdev->group, &ret);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_sim_open);

/**
 * vfio_sim_close() - close one open of the device
 * @vdev: the device, opened with vfio_sim_open()
 *
 * The last close calls close_device() and drops the guest reference.
 */
void vfio_sim_close(struct vfio_sim_device *vdev)
{
	struct vfio_sim_group *group = vdev->group;
	struct kvm_sim *kvm = NULL;
	struct module *owner = vdev->owner;

	mutex_lock(&group->group_lock);
	mutex_lock(&vdev->dev_set.lock);
	if (!WARN_ON(!vdev->open_count) && !--vdev->open_count) {
		vdev->ops->close_device(vdev);
		kvm = vdev->kvm;
		vdev->kvm = NULL;
	}
	mutex_unlock(&vdev->dev_set.lock);
	mutex_unlock(&group->group_lock);
	if (kvm)
		kvm_sim_put(kvm);
	/* The last touch of the device: unregistering may free it next. */
	if (refcount_dec_and_test(&vdev->users))
		complete(&vdev->closed);
	module_put(owner);
}
EXPORT_SYMBOL_GPL(vfio_sim_close);

static struct vfio_sim_group *vfio_sim_get_group(const char *name)
{
	struct vfio_sim_device *vdev;
	struct vfio_sim_group *group = NULL;

	mutex_lock(&vfio_sim_devices_lock);
	list_for_each_entry(vdev, &vfio_sim_devices, node) {
		if (!strcmp(vdev->name, name)) {
			group = vdev->group;
			kref_get(&group->ref);
			break;
		}
	}
	mutex_unlock(&vfio_sim_devices_lock);
	return group;
}

static void vfio_sim_group_set_kvm(struct vfio_sim_group *group,
				   struct kvm_sim *kvm)
{
	spin_lock(&group->kvm_ref_lock);
	group->kvm = kvm;
	spin_unlock(&group->kvm_ref_lock);
}

/**
 * kvm_sim_vfio_add() - KVM_DEV_VFIO_FILE_ADD: link a device's group
 * @kvm: the guest
 * @name: the VFIO device name (mdev UUID)
 *
 * Return: 0, -ENOENT for an unknown device, -EEXIST if already linked to
 * this guest, -EBUSY if linked to another guest.
 */
int kvm_sim_vfio_add(struct kvm_sim *kvm, const char *name)
{
	struct vfio_sim_group *group = vfio_sim_get_group(name);
	int ret = 0;

	if (!group)
		return -ENOENT;
	mutex_lock(&kvm->kv_lock);
	spin_lock(&group->kvm_ref_lock);
	if (group->kvm)
		ret = group->kvm == kvm ? -EEXIST : -EBUSY;
	else
		group->kvm = kvm;
	spin_unlock(&group->kvm_ref_lock);
	if (!ret)
		list_add_tail(&group->kvm_node, &kvm->vfio_groups);
	mutex_unlock(&kvm->kv_lock);
	if (ret)
		vfio_sim_group_put(group);
	return ret;
}
EXPORT_SYMBOL_GPL(kvm_sim_vfio_add);

/**
 * kvm_sim_vfio_del() - KVM_DEV_VFIO_FILE_DEL: unlink a device's group
 * @kvm: the guest
 * @name: the VFIO device name
 *
 * Return: 0 or -ENOENT.
 */
int kvm_sim_vfio_del(struct kvm_sim *kvm, const char *name)
{
	struct vfio_sim_group *group = vfio_sim_get_group(name);
	struct vfio_sim_group *g;
	int ret = -ENOENT;

	if (!group)
		return -ENOENT;
	mutex_lock(&kvm->kv_lock);
	list_for_each_entry(g, &kvm->vfio_groups, kvm_node) {
		if (g == group) {
			list_del_init(&g->kvm_node);
			vfio_sim_group_set_kvm(g, NULL);
			ret = 0;
			break;
		}
	}
	mutex_unlock(&kvm->kv_lock);
	if (!ret)
		vfio_sim_group_put(group);	/* the link's reference */
	vfio_sim_group_put(group);
	return ret;
}
EXPORT_SYMBOL_GPL(kvm_sim_vfio_del);

/*
 * kvm_device_release() of the kvm-vfio device: runs under kvm->lock, as
 * the real one, and unlinks every group.
 */
static void kvm_sim_vfio_release(struct kvm_sim *kvm)
{
	struct vfio_sim_group *group, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&kvm->lock);
	mutex_lock(&kvm->kv_lock);
	list_for_each_entry_safe(group, tmp, &kvm->vfio_groups, kvm_node) {
		vfio_sim_group_set_kvm(group, NULL);
		list_move(&group->kvm_node, &gone);
	}
	mutex_unlock(&kvm->kv_lock);
	mutex_unlock(&kvm->lock);
	list_for_each_entry_safe(group, tmp, &gone, kvm_node) {
		list_del_init(&group->kvm_node);
		vfio_sim_group_put(group);
	}
}

/* The kvm-vfio device type, registered with the simulated KVM at init. */
const struct kvm_sim_device_ops kvm_sim_vfio_ops = {
	.release = kvm_sim_vfio_release,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching and detaching a KVM guest (the VFIO open/close callbacks) and
 * the PQAP(AQIC) intercept handler of the vfio_ap reference driver, as in
 * drivers/s390/crypto/vfio_ap_ops.c (6.1). The lock order is documented
 * once, in vfio_ap_locks.c.
 */
#include "vfio_ap_private.h"

/*
 * The AP queue status word of PQAP(AQIC) goes to bits 32-63 of general
 * register 1, its response code to bits 40-47 (handle_pqap() in
 * vfio_ap_ops.c: the 32-bit struct ap_queue_status, shifted right by 32).
 */
#define AQIC_STATUS(rc)	((u64)(rc) << 16)

/**
 * vfio_ap_handle_pqap() - the PQAP(AQIC) hook installed in a guest
 * @vcpu: the intercepting vCPU; APQN in gprs[0], IR bit and ISC in gprs[1]
 *
 * Runs with the guest's pqap_hook_rwsem held for reading and takes
 * mdevs_lock. Enables or disables the queue's interrupts if the queue is
 * passed through to this guest, else answers "queue not available".
 *
 * Return: 0; the result is in gprs[1].
 */
int vfio_ap_handle_pqap(struct kvm_sim_vcpu *vcpu)
{
	struct kvm_sim *kvm = vcpu->kvm;
	struct ap_matrix_mdev *matrix_mdev;
	int rc = AP_RESPONSE_Q_NOT_AVAIL;
	struct vfio_ap_queue *q;
	int apqn = vcpu->gprs[0] & 0xffff;

	lockdep_assert_held(&kvm->arch.crypto.pqap_hook_rwsem);
	mutex_lock(&matrix_dev->mdevs_lock);
	if (!kvm->arch.crypto.pqap_hook)
		goto out;
	matrix_mdev = container_of(kvm->arch.crypto.pqap_hook,
				   struct ap_matrix_mdev, pqap_hook);
	if (!matrix_mdev->kvm)
		goto out;
	q = vfio_ap_mdev_get_queue(matrix_mdev, apqn);
	if (!q)
		goto out;
	if (vcpu->gprs[1] & (1ULL << (63 - 16)))
		q->saved_isc = vcpu->gprs[1] & 0x07;
	else
		q->saved_isc = VFIO_AP_ISC_INVALID;
	rc = AP_RESPONSE_NORMAL;
out:
	vcpu->gprs[1] = AQIC_STATUS(rc);
	mutex_unlock(&matrix_dev->mdevs_lock);
	return 0;
}

/*
 * Attach @kvm: refuse a guest that already has a hook (another mdev owns
 * it), install ours, take a reference and push the shadow APCB as it is.
 */
static int vfio_ap_mdev_set_kvm(struct ap_matrix_mdev *matrix_mdev,
				struct kvm_sim *kvm)
{
	get_update_locks_for_kvm(kvm);
	if (kvm->arch.crypto.pqap_hook) {
		release_update_locks_for_kvm(kvm);
		return -EPERM;
	}
	kvm->arch.crypto.pqap_hook = &matrix_mdev->pqap_hook;
	kvm_sim_get(kvm);
	matrix_mdev->kvm = kvm;
	vfio_ap_mdev_update_guest_apcb(matrix_mdev);
	release_update_locks_for_kvm(kvm);
	return 0;
}

/*
 * Detach the guest: remove the hook, clear its masks and reset every
 * queue of the mdev. The reference is dropped after the locks.
 */
static void vfio_ap_mdev_unset_kvm(struct ap_matrix_mdev *matrix_mdev)
{
	struct kvm_sim *kvm = matrix_mdev->kvm;

	if (!kvm)
		return;
	get_update_locks_for_kvm(kvm);
	kvm->arch.crypto.pqap_hook = NULL;
	kvm_sim_clear_masks(kvm);
	vfio_ap_mdev_reset_queues(&matrix_mdev->qtable);
	matrix_mdev->kvm = NULL;
	release_update_locks_for_kvm(kvm);
	kvm_sim_put(kvm);
}

static int vfio_ap_mdev_open_device(struct vfio_sim_device *vdev)
{
	struct ap_matrix_mdev *matrix_mdev =
		container_of(vdev, struct ap_matrix_mdev, vdev);

	lockdep_assert_held(&vdev->dev_set.lock);
	if (!vdev->kvm)
		return -EINVAL;
	return vfio_ap_mdev_set_kvm(matrix_mdev, vdev->kvm);
}

static void vfio_ap_mdev_close_device(struct vfio_sim_device *vdev)
{
	lockdep_assert_held(&vdev->dev_set.lock);
	vfio_ap_mdev_unset_kvm(container_of(vdev, struct ap_matrix_mdev, vdev));
}

/* The VFIO device ops of an mdev. */
const struct vfio_sim_device_ops vfio_ap_matrix_dev_ops = {
	.open_device = vfio_ap_mdev_open_device,
	.close_device = vfio_ap_mdev_close_device,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated KVM guests, modelled on arch/s390/kvm (6.1): the CRYCB masks
 * are written with kvm->lock held, and a vCPU's PQAP(AQIC) intercept
 * calls the hook with pqap_hook_rwsem held for reading.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "sim_internal.h"
#include "sim_kvm.h"

static LIST_HEAD(kvm_sim_list);
static DEFINE_MUTEX(kvm_sim_list_lock);
/* Set at the module's init, before any guest exists, and at its exit. */
static const struct kvm_sim_listener *kvm_sim_listener;
static const struct kvm_sim_device_ops *kvm_sim_vfio_dev;

/**
 * kvm_sim_set_listener() - tell @listener of every guest from now on
 * @listener: the listener, or NULL for none
 *
 * Called at the module's init and exit, when no guest exists.
 */
void kvm_sim_set_listener(const struct kvm_sim_listener *listener)
{
	kvm_sim_listener = listener;
}

/**
 * kvm_sim_set_vfio_device() - the kvm-vfio device type, as
 *	kvm_vfio_ops_init() registers it with KVM
 * @ops: its operations, or NULL for none
 *
 * Called at the module's init and exit, when no guest exists.
 */
void kvm_sim_set_vfio_device(const struct kvm_sim_device_ops *ops)
{
	kvm_sim_vfio_dev = ops;
}

/**
 * kvm_sim_get() - kvm_get_kvm(): take a reference
 * @kvm: the guest; the caller already holds a reference
 */
void kvm_sim_get(struct kvm_sim *kvm)
{
	refcount_inc(&kvm->users_count);
}
EXPORT_SYMBOL_GPL(kvm_sim_get);

/**
 * kvm_sim_get_safe() - kvm_get_kvm_safe(): take a reference if alive
 * @kvm: the guest
 *
 * Return: false if the guest is already being destroyed.
 */
bool kvm_sim_get_safe(struct kvm_sim *kvm)
{
	return refcount_inc_not_zero(&kvm->users_count);
}
EXPORT_SYMBOL_GPL(kvm_sim_get_safe);

/**
 * kvm_sim_put() - kvm_put_kvm(): drop a reference, freeing the guest last
 * @kvm: the guest
 */
void kvm_sim_put(struct kvm_sim *kvm)
{
	if (!refcount_dec_and_test(&kvm->users_count))
		return;
	WARN_ON(kvm->arch.crypto.pqap_hook);
	kfree(kvm->vcpus);
	kfree(kvm);
}
EXPORT_SYMBOL_GPL(kvm_sim_put);

/**
 * kvm_sim_set_masks() - kvm_arch_crypto_set_masks()
 * @kvm: the guest
 * @apm: adapters
 * @aqm: usage domains
 * @adm: control domains
 *
 * Context: kvm->lock held, as the real function documents.
 */
void kvm_sim_set_masks(struct kvm_sim *kvm, const unsigned long *apm,
		       const unsigned long *aqm, const unsigned long *adm)
{
	lockdep_assert_held(&kvm->lock);
	spin_lock(&kvm->arch.crypto.crycb_lock);
	ap_matrix_encode_apcb(kvm->arch.crypto.crycbd, apm, aqm, adm,
			      kvm->arch.crypto.crycb);
	spin_unlock(&kvm->arch.crypto.crycb_lock);
}
EXPORT_SYMBOL_GPL(kvm_sim_set_masks);

/**
 * kvm_sim_clear_masks() - kvm_arch_crypto_clear_masks()
 * @kvm: the guest
 *
 * Context: kvm->lock held.
 */
void kvm_sim_clear_masks(struct kvm_sim *kvm)
{
	lockdep_assert_held(&kvm->lock);
	spin_lock(&kvm->arch.crypto.crycb_lock);
	memset(kvm->arch.crypto.crycb + AP_CRYCB_APCB0, 0, AP_CRYCB_APCB0_SIZE);
	memset(kvm->arch.crypto.crycb + AP_CRYCB_APCB1, 0, AP_CRYCB_APCB1_SIZE);
	spin_unlock(&kvm->arch.crypto.crycb_lock);
}
EXPORT_SYMBOL_GPL(kvm_sim_clear_masks);

/**
 * kvm_sim_read_crycb() - copy the CRYCB bytes as the guest sees them
 * @kvm: the guest
 * @out: AP_CRYCB_SIZE bytes
 */
void kvm_sim_read_crycb(struct kvm_sim *kvm, u8 *out)
{
	spin_lock(&kvm->arch.crypto.crycb_lock);
	memcpy(out, kvm->arch.crypto.crycb, AP_CRYCB_SIZE);
	spin_unlock(&kvm->arch.crypto.crycb_lock);
}
EXPORT_SYMBOL_GPL(kvm_sim_read_crycb);

/**
 * kvm_sim_pqap() - a vCPU intercepts PQAP(AQIC), as handle_pqap() in
 * arch/s390/kvm/priv.c does
 * @vcpu: the vCPU
 * @apqn: APQN in general register 0
 * @enable: set the IR bit (enable interrupts) or not
 *
 * Return: the hook's return value, or -EOPNOTSUPP without a hook.
 */
int kvm_sim_pqap(struct kvm_sim_vcpu *vcpu, int apqn, bool enable)
{
	struct kvm_sim *kvm = vcpu->kvm;
	int ret = -EOPNOTSUPP;

	vcpu->gprs[0] = apqn;
	vcpu->gprs[1] = enable ? (1ULL << (63 - 16)) | 3 : 0;
	if (!READ_ONCE(kvm->arch.crypto.pqap_hook))
		return ret;
	down_read(&kvm->arch.crypto.pqap_hook_rwsem);
	if (kvm->arch.crypto.pqap_hook)
		ret = (*kvm->arch.crypto.pqap_hook)(vcpu);
	up_read(&kvm->arch.crypto.pqap_hook_rwsem);
	vcpu->intercepts++;
	return ret;
}
EXPORT_SYMBOL_GPL(kvm_sim_pqap);

/* One period of a vCPU: PQAP(AQIC) on an APQN of the guest's APCB. */
static void vcpu_intercept(struct sim_vcpu *thread, u64 r)
{
	struct kvm_sim_vcpu *vcpu = container_of(thread, struct kvm_sim_vcpu,
						 thread);
	u8 *crycb = kmalloc(AP_CRYCB_SIZE, GFP_KERNEL);
	int apqn = r & 0xffff;

	if (crycb) {
		kvm_sim_read_crycb(vcpu->kvm, crycb);
		apqn = sim_vcpu_pick_apqn(crycb, vcpu->kvm->arch.crypto.crycbd,
					  r);
		kfree(crycb);
	}
	kvm_sim_pqap(vcpu, apqn, r & BIT_ULL(63));
}

/* Stop and free the running vCPU threads. */
static void __kvm_sim_stop_vcpus(struct kvm_sim *kvm)
{
	int i;

	lockdep_assert_held(&kvm->vcpu_lock);
	for (i = 0; i < kvm->nr_vcpus; i++)
		sim_vcpu_stop(&kvm->vcpus[i].thread);
	kfree(kvm->vcpus);
	kvm->vcpus = NULL;
	WRITE_ONCE(kvm->nr_vcpus, 0);
}

/**
 * kvm_sim_start_vcpus() - start vCPU threads intercepting PQAP(AQIC)
 * @kvm: the guest
 * @nr: number of vCPUs, 1 to 64
 * @rate_hz: intercepts per second per vCPU, 1 to 100000
 *
 * Running vCPUs are stopped first. Starting and stopping are serialized
 * by the guest's vcpu_lock, so concurrent callers never lose threads.
 *
 * Return: 0, -EINVAL for bad arguments, -ENOMEM, or the kthread error.
 */
int kvm_sim_start_vcpus(struct kvm_sim *kvm, int nr, unsigned int rate_hz)
{
	struct kvm_sim_vcpu *vcpus;
	int i, ret = 0;

	if (nr < 1 || nr > 64 || rate_hz < 1 || rate_hz > 100000)
		return -EINVAL;
	vcpus = kcalloc(nr, sizeof(*vcpus), GFP_KERNEL);
	if (!vcpus)
		return -ENOMEM;
	mutex_lock(&kvm->vcpu_lock);
	__kvm_sim_stop_vcpus(kvm);
	for (i = 0; i < nr; i++) {
		char name[32];

		vcpus[i].kvm = kvm;
		vcpus[i].id = i;
		snprintf(name, sizeof(name), "kvm_sim%d/vcpu%d", kvm->id, i);
		ret = sim_vcpu_start(&vcpus[i].thread, vcpu_intercept, rate_hz,
				     0x9e3779b97f4a7c15ULL * (kvm->id * 64 + i + 1),
				     name);
		if (ret) {
			while (--i >= 0)
				sim_vcpu_stop(&vcpus[i].thread);
			kfree(vcpus);
			goto out;
		}
	}
	kvm->vcpus = vcpus;
	WRITE_ONCE(kvm->nr_vcpus, nr);
out:
	mutex_unlock(&kvm->vcpu_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(kvm_sim_start_vcpus);

/**
 * kvm_sim_stop_vcpus() - stop and free the vCPU threads of a guest
 * @kvm: the guest
 */
void kvm_sim_stop_vcpus(struct kvm_sim *kvm)
{
	mutex_lock(&kvm->vcpu_lock);
	__kvm_sim_stop_vcpus(kvm);
	mutex_unlock(&kvm->vcpu_lock);
}
EXPORT_SYMBOL_GPL(kvm_sim_stop_vcpus);

/**
 * kvm_sim_intercepts() - PQAP intercepts handled by the running vCPUs
 * @kvm: the guest
 *
 * Return: the sum over the vCPUs.
 */
unsigned long kvm_sim_intercepts(struct kvm_sim *kvm)
{
	unsigned long sum = 0;
	int i;

	mutex_lock(&kvm->vcpu_lock);
	for (i = 0; i < kvm->nr_vcpus; i++)
		sum += READ_ONCE(kvm->vcpus[i].intercepts);
	mutex_unlock(&kvm->vcpu_lock);
	return sum;
}
EXPORT_SYMBOL_GPL(kvm_sim_intercepts);

/**
 * kvm_sim_create() - create a guest, as opening /dev/kvm and KVM_CREATE_VM
 * @id: guest number, 0 to 9999, unique among live guests
 * @fmt: its CRYCB format
 *
 * The guest holds one reference, the "VM fd", dropped by kvm_sim_destroy().
 *
 * Return: the guest, or ERR_PTR(-EINVAL, -EEXIST or -ENOMEM).
 */
struct kvm_sim *kvm_sim_create(int id, enum ap_crycb_format fmt)
{
	struct kvm_sim *kvm, *other;

	if (id < 0 || id > 9999 ||
	    (fmt != AP_CRYCB_FORMAT0 && fmt != AP_CRYCB_FORMAT1 &&
	     fmt != AP_CRYCB_FORMAT2))
		return ERR_PTR(-EINVAL);
	kvm = kzalloc(sizeof(*kvm), GFP_KERNEL);
	if (!kvm)
		return ERR_PTR(-ENOMEM);
	mutex_init(&kvm->lock);
	init_rwsem(&kvm->arch.crypto.pqap_hook_rwsem);
	spin_lock_init(&kvm->arch.crypto.crycb_lock);
	kvm->arch.crypto.crycbd = fmt;
	refcount_set(&kvm->users_count, 1);
	kvm->id = id;
	mutex_init(&kvm->kv_lock);
	mutex_init(&kvm->vcpu_lock);
	INIT_LIST_HEAD(&kvm->vfio_groups);

	/*
	 * The listener (the debugfs directory) hears of the guest before
	 * it can be found, and of its end before it is unlisted, both under
	 * the list lock, so a destroy racing a create of the same id sees a
	 * complete guest.
	 */
	mutex_lock(&kvm_sim_list_lock);
	list_for_each_entry(other, &kvm_sim_list, node) {
		if (other->id == id) {
			mutex_unlock(&kvm_sim_list_lock);
			kfree(kvm);
			return ERR_PTR(-EEXIST);
		}
	}
	if (kvm_sim_listener)
		kvm_sim_listener->added(kvm);
	list_add_tail(&kvm->node, &kvm_sim_list);
	mutex_unlock(&kvm_sim_list_lock);
	return kvm;
}
EXPORT_SYMBOL_GPL(kvm_sim_create);

/**
 * kvm_sim_find() - look a live guest up by number
 * @id: guest number
 *
 * Return: the guest with a reference the caller must put, or NULL.
 */
struct kvm_sim *kvm_sim_find(int id)
{
	struct kvm_sim *kvm;

	mutex_lock(&kvm_sim_list_lock);
	list_for_each_entry(kvm, &kvm_sim_list, node) {
		if (kvm->id == id && kvm_sim_get_safe(kvm)) {
			mutex_unlock(&kvm_sim_list_lock);
			return kvm;
		}
	}
	mutex_unlock(&kvm_sim_list_lock);
	return NULL;
}
EXPORT_SYMBOL_GPL(kvm_sim_find);

/**
 * kvm_sim_destroy() - what QEMU's exit does to a guest
 * @id: guest number
 *
 * The vCPUs stop, the kvm-vfio device is released under kvm->lock
 * (unlinking every VFIO group) and the VM fd's reference is dropped. A
 * VFIO device still open keeps the guest alive until it is closed.
 *
 * Return: 0 or -ENOENT.
 */
int kvm_sim_destroy(int id)
{
	struct kvm_sim *kvm;

	mutex_lock(&kvm_sim_list_lock);
	list_for_each_entry(kvm, &kvm_sim_list, node) {
		if (kvm->id == id) {
			/* Waits for writes to the guest's files in progress. */
			if (kvm_sim_listener)
				kvm_sim_listener->removed(kvm);
			list_del(&kvm->node);
			mutex_unlock(&kvm_sim_list_lock);
			kvm_sim_stop_vcpus(kvm);
			if (kvm_sim_vfio_dev)
				kvm_sim_vfio_dev->release(kvm);
			kvm_sim_put(kvm);
			return 0;
		}
	}
	mutex_unlock(&kvm_sim_list_lock);
	return -ENOENT;
}
EXPORT_SYMBOL_GPL(kvm_sim_destroy);

/**
 * kvm_sim_exit() - destroy every live guest at module unload
 */
void kvm_sim_exit(void)
{
	struct kvm_sim *kvm;
	int id;

	for (;;) {
		mutex_lock(&kvm_sim_list_lock);
		kvm = list_first_entry_or_null(&kvm_sim_list, struct kvm_sim,
					       node);
		id = kvm ? kvm->id : -1;
		mutex_unlock(&kvm_sim_list_lock);
		if (!kvm)
			break;
		kvm_sim_destroy(id);
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM shim: guests on the real struct kvm, for a kernel built with
 * CONFIG_KVM=m whose kvm.ko is never loaded (without SIE kvm_s390_init()
 * fails). It exports what vfio_ap and the VFIO core call in kvm.ko.
 *
 * A guest is created as QEMU creates one: the VM (one reference) and its
 * kvm-vfio device (a second reference, as kvm_ioctl_create_device()
 * takes). Linking a VFIO group file is KVM_DEV_VFIO_FILE_ADD under the
 * device's kv->lock; destroying the guest is the device's release under
 * kvm->lock, as kvm_device_release() and kvm_vfio_release() do in both
 * Linux 6.1 and 6.12, then the VM's last reference. The real VFIO core's
 * vfio_file_set_kvm() takes its own locks inside.
 */
#include <linux/file.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vfio.h>
#include <linux/kvm_host.h>

#include "ap_matrix.h"
#include "kvm_shim.h"
#include "sim_vcpu.h"

/* A NIB page the vCPUs point AQIC at: guest frame 0x10, IOVA 0x10000. */
#define KVM_SHIM_NIB		0x10000UL
/* Guest frames below this are backed; above, gfn_to_hva() fails. */
#define KVM_SHIM_GUEST_FRAMES	0x100
/* The host ISC that kvm_s390_gisc_register() hands out. */
#define KVM_SHIM_NISC		4

/**
 * struct kvm_shim_vcpu - a vCPU
 * @vcpu: the real struct kvm_vcpu, with its kvm_run and SIE block
 * @g: the guest
 * @thread: its thread, intercepting PQAP(AQIC)
 * @intercepts: intercepts handled
 */
struct kvm_shim_vcpu {
	struct kvm_vcpu vcpu;
	struct kvm_shim_guest *g;
	struct sim_vcpu thread;
	unsigned long intercepts;
};

/* A VFIO file linked to the kvm-vfio device, as struct kvm_vfio_file. */
struct kvm_shim_file {
	struct list_head node;
	struct file *file;
};

static DEFINE_MUTEX(kvm_shim_guests_lock);
static LIST_HEAD(kvm_shim_guests);

/*
 * The guest that holds a struct kvm: the shim allocates both together,
 * so the kvm pointer the driver hands back leads to the CRYCB lock.
 */
struct kvm_shim_vm {
	struct kvm kvm;
	spinlock_t crycb_lock;		/* the CRYCB bytes */
	spinlock_t gisc_lock;		/* gisc_refs */
	unsigned int gisc_refs[MAX_ISC + 1];
	struct kvm_shim_guest *g;
};

static struct kvm_shim_vm *to_vm(struct kvm *kvm)
{
	return container_of(kvm, struct kvm_shim_vm, kvm);
}

static void kvm_shim_free(struct kvm *kvm)
{
	struct kvm_shim_vm *vm = to_vm(kvm);

	kfree(vm->g);
	free_page((unsigned long)kvm->arch.gisa_int.origin);
	free_page((unsigned long)kvm->arch.crypto.crycb);
	kfree(vm);
}

/**
 * kvm_get_kvm() - take a reference on a guest
 * @kvm: the guest
 */
void kvm_get_kvm(struct kvm *kvm)
{
	refcount_inc(&kvm->users_count);
}
EXPORT_SYMBOL_GPL(kvm_get_kvm);

/**
 * kvm_get_kvm_safe() - take a reference unless the guest is being freed
 * @kvm: the guest
 *
 * Return: true if a reference was taken.
 */
bool kvm_get_kvm_safe(struct kvm *kvm)
{
	return refcount_inc_not_zero(&kvm->users_count);
}
EXPORT_SYMBOL_GPL(kvm_get_kvm_safe);

/**
 * kvm_put_kvm() - drop a reference; the last one frees the guest
 * @kvm: the guest
 */
void kvm_put_kvm(struct kvm *kvm)
{
	if (refcount_dec_and_test(&kvm->users_count))
		kvm_shim_free(kvm);
}
EXPORT_SYMBOL_GPL(kvm_put_kvm);

/**
 * kvm_arch_crypto_set_masks() - grant the guest adapters and domains
 * @kvm: the guest
 * @apm: adapter mask, in the driver's MSB-first bit order
 * @aqm: usage domain mask
 * @adm: control domain mask
 *
 * Writes the CRYCB bytes that arch/s390/kvm/kvm-s390.c writes. The real
 * function also blocks the vCPUs out of SIE, which the shim's vCPUs
 * never enter, and takes no lock.
 */
void kvm_arch_crypto_set_masks(struct kvm *kvm, unsigned long *apm,
			       unsigned long *aqm, unsigned long *adm)
{
	struct kvm_s390_crypto_cb *crycb = kvm->arch.crypto.crycb;
	struct kvm_shim_vm *vm = to_vm(kvm);

	spin_lock(&vm->crycb_lock);
	switch (kvm->arch.crypto.crycbd & CRYCB_FORMAT_MASK) {
	case CRYCB_FORMAT2:
		memcpy(crycb->apcb1.apm, apm, 32);
		memcpy(crycb->apcb1.aqm, aqm, 32);
		memcpy(crycb->apcb1.adm, adm, 32);
		break;
	case CRYCB_FORMAT1:
	case CRYCB_FORMAT0:
		memcpy(crycb->apcb0.apm, apm, 8);
		memcpy(crycb->apcb0.aqm, aqm, 2);
		memcpy(crycb->apcb0.adm, adm, 2);
		break;
	}
	spin_unlock(&vm->crycb_lock);
}
EXPORT_SYMBOL_GPL(kvm_arch_crypto_set_masks);

/**
 * kvm_arch_crypto_clear_masks() - take every adapter and domain away
 * @kvm: the guest
 */
void kvm_arch_crypto_clear_masks(struct kvm *kvm)
{
	struct kvm_s390_crypto_cb *crycb = kvm->arch.crypto.crycb;
	struct kvm_shim_vm *vm = to_vm(kvm);

	spin_lock(&vm->crycb_lock);
	memset(&crycb->apcb0, 0, sizeof(crycb->apcb0));
	memset(&crycb->apcb1, 0, sizeof(crycb->apcb1));
	spin_unlock(&vm->crycb_lock);
}
EXPORT_SYMBOL_GPL(kvm_arch_crypto_clear_masks);

/**
 * kvm_s390_gisc_register() - register a guest ISC for alerts
 * @kvm: the guest
 * @gisc: the guest ISC
 *
 * Return: the host ISC, -ENODEV without a GISA, -ERANGE for a bad @gisc.
 */
int kvm_s390_gisc_register(struct kvm *kvm, u32 gisc)
{
	struct kvm_shim_vm *vm = to_vm(kvm);

	if (!kvm->arch.gisa_int.origin)
		return -ENODEV;
	if (gisc > MAX_ISC)
		return -ERANGE;
	spin_lock(&vm->gisc_lock);
	vm->gisc_refs[gisc]++;
	spin_unlock(&vm->gisc_lock);
	return KVM_SHIM_NISC;
}
EXPORT_SYMBOL_GPL(kvm_s390_gisc_register);

/**
 * kvm_s390_gisc_unregister() - drop a registration of a guest ISC
 * @kvm: the guest
 * @gisc: the guest ISC
 *
 * Return: 0, -ENODEV without a GISA, -ERANGE for a bad @gisc, -EINVAL
 * when it was not registered.
 */
int kvm_s390_gisc_unregister(struct kvm *kvm, u32 gisc)
{
	struct kvm_shim_vm *vm = to_vm(kvm);
	int ret = 0;

	if (!kvm->arch.gisa_int.origin)
		return -ENODEV;
	if (gisc > MAX_ISC)
		return -ERANGE;
	spin_lock(&vm->gisc_lock);
	if (vm->gisc_refs[gisc])
		vm->gisc_refs[gisc]--;
	else
		ret = -EINVAL;
	spin_unlock(&vm->gisc_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(kvm_s390_gisc_unregister);

/**
 * gfn_to_hva() - the host address of a guest frame
 * @kvm: the guest
 * @gfn: the guest frame number
 *
 * The shim's guests have KVM_SHIM_GUEST_FRAMES frames of memory.
 *
 * Return: an address, or KVM_HVA_ERR_BAD past the guest's memory.
 */
unsigned long gfn_to_hva(struct kvm *kvm, gfn_t gfn)
{
	if (gfn >= KVM_SHIM_GUEST_FRAMES)
		return KVM_HVA_ERR_BAD;
	return PAGE_OFFSET + (gfn << PAGE_SHIFT);
}
EXPORT_SYMBOL_GPL(gfn_to_hva);

#if APSIM_KVER >= 612
/**
 * kvm_s390_pv_cpu_is_protected() - is the vCPU a secure-execution vCPU
 * @vcpu: the vCPU
 *
 * Return: false: the shim runs no protected guests.
 */
bool kvm_s390_pv_cpu_is_protected(struct kvm_vcpu *vcpu)
{
	return false;
}
EXPORT_SYMBOL_GPL(kvm_s390_pv_cpu_is_protected);
#endif

/**
 * kvm_shim_find() - look a live guest up by its number
 * @id: the number
 *
 * Return: the guest or NULL. The caller serializes against destroy.
 */
struct kvm_shim_guest *kvm_shim_find(int id)
{
	struct kvm_shim_guest *g, *found = NULL;

	mutex_lock(&kvm_shim_guests_lock);
	list_for_each_entry(g, &kvm_shim_guests, node)
		if (g->id == id)
			found = g;
	mutex_unlock(&kvm_shim_guests_lock);
	return found;
}

/**
 * kvm_shim_first() - any live guest
 *
 * Return: the oldest live guest, or NULL when there is none.
 */
struct kvm_shim_guest *kvm_shim_first(void)
{
	struct kvm_shim_guest *g;

	mutex_lock(&kvm_shim_guests_lock);
	g = list_first_entry_or_null(&kvm_shim_guests, struct kvm_shim_guest,
				     node);
	mutex_unlock(&kvm_shim_guests_lock);
	return g;
}

/**
 * kvm_shim_create() - create a guest and its kvm-vfio device
 * @id: its number
 * @format: the CRYCB format: 0, 1, or 3 (format 2, with APXA)
 *
 * Return: the guest, ERR_PTR(-EEXIST) if the number is taken, -EINVAL
 * for another format, or -ENOMEM.
 */
struct kvm_shim_guest *kvm_shim_create(int id, unsigned int format)
{
	struct kvm_shim_guest *g, *old;
	struct kvm_shim_vm *vm;
	struct kvm *kvm;

	if (format != CRYCB_FORMAT0 && format != CRYCB_FORMAT1 &&
	    format != CRYCB_FORMAT2)
		return ERR_PTR(-EINVAL);
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!g || !vm)
		goto nomem;
	kvm = &vm->kvm;
	vm->g = g;
	/* As the SIE block's page: below 2 GiB, for the 31-bit CRYCBD. */
	kvm->arch.crypto.crycb = (void *)get_zeroed_page(GFP_KERNEL | GFP_DMA);
	kvm->arch.gisa_int.origin = (void *)get_zeroed_page(GFP_KERNEL | GFP_DMA);
	if (!kvm->arch.crypto.crycb || !kvm->arch.gisa_int.origin) {
		free_page((unsigned long)kvm->arch.crypto.crycb);
		free_page((unsigned long)kvm->arch.gisa_int.origin);
		goto nomem;
	}
	kvm->arch.crypto.crycbd = (u32)virt_to_phys(kvm->arch.crypto.crycb) |
				  format;
	mutex_init(&kvm->lock);
	init_rwsem(&kvm->arch.crypto.pqap_hook_rwsem);
	/* The VM file's reference and the kvm-vfio device's. */
	refcount_set(&kvm->users_count, 2);
	spin_lock_init(&vm->crycb_lock);
	spin_lock_init(&vm->gisc_lock);
	g->kvm = kvm;
	g->id = id;
	mutex_init(&g->kv_lock);
	INIT_LIST_HEAD(&g->files);
	mutex_init(&g->vcpu_lock);

	mutex_lock(&kvm_shim_guests_lock);
	list_for_each_entry(old, &kvm_shim_guests, node) {
		if (old->id == id) {
			mutex_unlock(&kvm_shim_guests_lock);
			refcount_set(&kvm->users_count, 1);
			kvm_shim_free(kvm);
			return ERR_PTR(-EEXIST);
		}
	}
	list_add_tail(&g->node, &kvm_shim_guests);
	mutex_unlock(&kvm_shim_guests_lock);
	return g;
nomem:
	kfree(g);
	kfree(vm);
	return ERR_PTR(-ENOMEM);
}

/*
 * kvm_vfio_release() as kvm_device_release() calls it: under kvm->lock,
 * every linked file is unlinked and put; then the device's reference.
 */
static void kvm_shim_device_release(struct kvm_shim_guest *g)
{
	struct kvm *kvm = g->kvm;
	struct kvm_shim_file *f, *tmp;

	mutex_lock(&kvm->lock);
	list_for_each_entry_safe(f, tmp, &g->files, node) {
		vfio_file_set_kvm(f->file, NULL);
		fput(f->file);
		list_del(&f->node);
		kfree(f);
	}
	mutex_unlock(&kvm->lock);
	kvm_put_kvm(kvm);
}

/**
 * kvm_shim_destroy() - destroy a guest as QEMU's exit does
 * @g: the guest, which the caller no longer uses
 *
 * Stops the vCPUs, closes the kvm-vfio device, then the VM file. The
 * struct kvm lives on while the driver holds references.
 */
void kvm_shim_destroy(struct kvm_shim_guest *g)
{
	mutex_lock(&kvm_shim_guests_lock);
	list_del(&g->node);
	mutex_unlock(&kvm_shim_guests_lock);
	kvm_shim_stop_vcpus(g);
	kvm_shim_device_release(g);
	kvm_put_kvm(g->kvm);
}

/**
 * kvm_shim_file_add() - KVM_DEV_VFIO_FILE_ADD: link a VFIO group file
 * @g: the guest
 * @fd: the group's file descriptor in the calling process
 *
 * Return: 0, -EBADF, -EINVAL if @fd is no VFIO group, -EEXIST if it is
 * linked already, or -ENOMEM.
 */
int kvm_shim_file_add(struct kvm_shim_guest *g, int fd)
{
	struct kvm_shim_file *f;
	struct file *filp;
	int ret = 0;

	filp = fget(fd);
	if (!filp)
		return -EBADF;
	if (!vfio_file_is_group(filp)) {
		ret = -EINVAL;
		goto out_fput;
	}
	mutex_lock(&g->kv_lock);
	list_for_each_entry(f, &g->files, node) {
		if (f->file == filp) {
			ret = -EEXIST;
			goto out_unlock;
		}
	}
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	f->file = filp;
	list_add_tail(&f->node, &g->files);
	vfio_file_set_kvm(filp, g->kvm);
	mutex_unlock(&g->kv_lock);
	return 0;
out_unlock:
	mutex_unlock(&g->kv_lock);
out_fput:
	fput(filp);
	return ret;
}

/**
 * kvm_shim_file_del() - KVM_DEV_VFIO_FILE_DEL: unlink a VFIO group file
 * @g: the guest
 * @fd: the group's file descriptor in the calling process
 *
 * Return: 0, -EBADF, or -ENOENT if it is not linked.
 */
int kvm_shim_file_del(struct kvm_shim_guest *g, int fd)
{
	struct file *filp = fget(fd);
	struct kvm_shim_file *f;
	int ret = -ENOENT;

	if (!filp)
		return -EBADF;
	mutex_lock(&g->kv_lock);
	list_for_each_entry(f, &g->files, node) {
		if (f->file != filp)
			continue;
		list_del(&f->node);
		vfio_file_set_kvm(f->file, NULL);
		fput(f->file);
		kfree(f);
		ret = 0;
		break;
	}
	mutex_unlock(&g->kv_lock);
	fput(filp);
	return ret;
}

/**
 * kvm_shim_read_crycb() - copy the guest's CRYCB bytes
 * @g: the guest
 * @out: AP_CRYCB_SIZE bytes
 */
void kvm_shim_read_crycb(struct kvm_shim_guest *g, u8 *out)
{
	struct kvm_shim_vm *vm = to_vm(g->kvm);

	BUILD_BUG_ON(sizeof(struct kvm_s390_crypto_cb) != AP_CRYCB_SIZE);
	spin_lock(&vm->crycb_lock);
	memcpy(out, g->kvm->arch.crypto.crycb, AP_CRYCB_SIZE);
	spin_unlock(&vm->crycb_lock);
}

/*
 * handle_pqap() of arch/s390/kvm/priv.c for PQAP(AQIC): the hook is
 * called with pqap_hook_rwsem held for reading. Returns the hook's
 * return value, or -EOPNOTSUPP without a hook (KVM then lets user space
 * handle the instruction).
 */
static int vcpu_pqap(struct kvm_shim_vcpu *v, int apqn, bool enable)
{
	struct kvm_vcpu *vcpu = &v->vcpu;
	struct kvm *kvm = vcpu->kvm;
	crypto_hook pqap_hook;
	int ret = -EOPNOTSUPP;

	vcpu->run->s.regs.gprs[0] = 3UL << 24 | apqn;	/* fc 3: AQIC */
	/* GR1: the IR bit and guest ISC 3; GR2: the NIB. */
	vcpu->run->s.regs.gprs[1] = enable ? BIT(63 - 16) | 3 : 0;
	vcpu->run->s.regs.gprs[2] = KVM_SHIM_NIB;
	down_read(&kvm->arch.crypto.pqap_hook_rwsem);
	if (kvm->arch.crypto.pqap_hook) {
		pqap_hook = *kvm->arch.crypto.pqap_hook;
		ret = pqap_hook(vcpu);
	}
	up_read(&kvm->arch.crypto.pqap_hook_rwsem);
	v->intercepts++;
	return ret;
}

/* One period of a vCPU: PQAP(AQIC) on an APQN of the guest's APCB. */
static void vcpu_intercept(struct sim_vcpu *thread, u64 r)
{
	struct kvm_shim_vcpu *v = container_of(thread, struct kvm_shim_vcpu,
					       thread);
	u8 *crycb = kmalloc(AP_CRYCB_SIZE, GFP_KERNEL);
	int apqn = r & 0xffff;

	if (crycb) {
		kvm_shim_read_crycb(v->g, crycb);
		apqn = sim_vcpu_pick_apqn(crycb, v->g->kvm->arch.crypto.crycbd &
					  CRYCB_FORMAT_MASK, r);
		kfree(crycb);
	}
	vcpu_pqap(v, apqn, r & BIT_ULL(63));
}

static void vcpu_free(struct kvm_shim_vcpu *v)
{
	free_page((unsigned long)v->vcpu.arch.sie_block);
	free_page((unsigned long)v->vcpu.run);
}

static void __kvm_shim_stop_vcpus(struct kvm_shim_guest *g)
{
	int i;

	lockdep_assert_held(&g->vcpu_lock);
	for (i = 0; i < g->nr_vcpus; i++) {
		sim_vcpu_stop(&g->vcpus[i].thread);
		vcpu_free(&g->vcpus[i]);
	}
	kfree(g->vcpus);
	g->vcpus = NULL;
	WRITE_ONCE(g->nr_vcpus, 0);
}

/**
 * kvm_shim_stop_vcpus() - stop the guest's vCPU threads
 * @g: the guest
 */
void kvm_shim_stop_vcpus(struct kvm_shim_guest *g)
{
	mutex_lock(&g->vcpu_lock);
	__kvm_shim_stop_vcpus(g);
	mutex_unlock(&g->vcpu_lock);
}

/* A vCPU's kvm_run and SIE block, without a thread. */
static int vcpu_alloc(struct kvm_shim_guest *g, struct kvm_shim_vcpu *v,
		      int i)
{
	v->g = g;
	v->vcpu.kvm = g->kvm;
	v->vcpu.vcpu_id = i;
	v->vcpu.run = (void *)get_zeroed_page(GFP_KERNEL);
	v->vcpu.arch.sie_block = (void *)get_zeroed_page(GFP_KERNEL | GFP_DMA);
	if (!v->vcpu.run || !v->vcpu.arch.sie_block) {
		vcpu_free(v);
		return -ENOMEM;
	}
	/* Interruption support for AP: the AQIC hook's precondition. */
	v->vcpu.arch.sie_block->eca = ECA_APIE | ECA_AIV;
	return 0;
}

static int vcpu_init(struct kvm_shim_guest *g, struct kvm_shim_vcpu *v,
		     int i, unsigned int rate_hz)
{
	char name[32];
	int ret;

	ret = vcpu_alloc(g, v, i);
	if (ret)
		return ret;
	snprintf(name, sizeof(name), "kvm_shim%d/vcpu%d", g->id, i);
	ret = sim_vcpu_start(&v->thread, vcpu_intercept, rate_hz,
			     0x9e3779b97f4a7c15ULL * (g->id * 64 + i + 1), name);
	if (ret)
		vcpu_free(v);
	return ret;
}

/**
 * kvm_shim_pqap() - one PQAP(AQIC) intercept, on the caller's thread
 * @g: the guest
 * @apqn: the APQN in general register 0
 * @enable: set the IR bit (enable interruptions) or not
 * @gr1: set to general register 1 after the intercept: the AP queue
 *	status word the hook wrote back
 *
 * A vCPU of its own (number 64, beyond those of kvm_shim_start_vcpus())
 * intercepts once, so that a test sees the hook's answer to one
 * instruction.
 *
 * Return: the hook's return value, -EOPNOTSUPP without a hook, or
 * -ENOMEM.
 */
int kvm_shim_pqap(struct kvm_shim_guest *g, int apqn, bool enable, u64 *gr1)
{
	struct kvm_shim_vcpu *v = kzalloc(sizeof(*v), GFP_KERNEL);
	int ret;

	if (!v)
		return -ENOMEM;
	ret = vcpu_alloc(g, v, 64);
	if (!ret) {
		ret = vcpu_pqap(v, apqn, enable);
		*gr1 = v->vcpu.run->s.regs.gprs[1];
		vcpu_free(v);
	}
	kfree(v);
	return ret;
}

/**
 * kvm_shim_start_vcpus() - start vCPU threads intercepting PQAP(AQIC)
 * @g: the guest
 * @nr: number of vCPUs, 1 to 64
 * @rate_hz: intercepts per second per vCPU, 1 to 100000
 *
 * Running vCPUs are stopped first.
 *
 * Return: 0, -EINVAL for bad arguments, -ENOMEM, or the kthread error.
 */
int kvm_shim_start_vcpus(struct kvm_shim_guest *g, int nr,
			 unsigned int rate_hz)
{
	struct kvm_shim_vcpu *vcpus;
	int i, ret = 0;

	if (nr < 1 || nr > 64 || rate_hz < 1 || rate_hz > 100000)
		return -EINVAL;
	vcpus = kcalloc(nr, sizeof(*vcpus), GFP_KERNEL);
	if (!vcpus)
		return -ENOMEM;
	mutex_lock(&g->vcpu_lock);
	__kvm_shim_stop_vcpus(g);
	for (i = 0; i < nr; i++) {
		ret = vcpu_init(g, &vcpus[i], i, rate_hz);
		if (ret) {
			while (--i >= 0) {
				sim_vcpu_stop(&vcpus[i].thread);
				vcpu_free(&vcpus[i]);
			}
			kfree(vcpus);
			goto out;
		}
	}
	g->vcpus = vcpus;
	WRITE_ONCE(g->nr_vcpus, nr);
out:
	mutex_unlock(&g->vcpu_lock);
	return ret;
}

/**
 * kvm_shim_intercepts() - PQAP intercepts the guest's vCPUs handled
 * @g: the guest
 *
 * Return: the sum over the running vCPUs.
 */
unsigned long kvm_shim_intercepts(struct kvm_shim_guest *g)
{
	unsigned long n = 0;
	int i;

	mutex_lock(&g->vcpu_lock);
	for (i = 0; i < g->nr_vcpus; i++)
		n += READ_ONCE(g->vcpus[i].intercepts);
	mutex_unlock(&g->vcpu_lock);
	return n;
}

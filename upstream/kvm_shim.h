/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KVM shim: guests built on the real struct kvm and struct kvm_vcpu
 * of the tree's headers, for a kernel whose kvm.ko is never loaded. It
 * exports the KVM functions vfio_ap calls, links VFIO group files with
 * the locks of the tree's virt/kvm/vfio.c and kvm_device_release(), and
 * runs vCPU threads that call the PQAP hook as arch/s390/kvm/priv.c does.
 */
#ifndef _VFIO_AP_UPSTREAM_KVM_SHIM_H_
#define _VFIO_AP_UPSTREAM_KVM_SHIM_H_

#include <linux/kvm_host.h>
#include <linux/list.h>
#include <linux/mutex.h>

struct sim_guest_files;
struct kvm_shim_vcpu;

/**
 * struct kvm_shim_guest - a guest and its kvm-vfio device
 * @kvm: the real struct kvm
 * @id: the guest number chosen at creation
 * @node: entry in the list of live guests
 * @kv_lock: the kvm-vfio device's kv->lock
 * @files: VFIO group files linked with KVM_DEV_VFIO_FILE_ADD, under
 *	@kv_lock
 * @vcpu_lock: serializes starting and stopping the vCPU threads
 * @vcpus: the vCPU threads, under @vcpu_lock
 * @nr_vcpus: their number, under @vcpu_lock
 * @debugfs: the guest's debugfs directory, the control layer's
 */
struct kvm_shim_guest {
	struct kvm *kvm;
	int id;
	struct list_head node;
	struct mutex kv_lock;		/* kv->lock: @files */
	struct list_head files;
	struct mutex vcpu_lock;		/* @vcpus, @nr_vcpus */
	struct kvm_shim_vcpu *vcpus;
	int nr_vcpus;
	struct sim_guest_files *debugfs;
};

struct kvm_shim_guest *kvm_shim_create(int id, unsigned int format);
struct kvm_shim_guest *kvm_shim_find(int id);
struct kvm_shim_guest *kvm_shim_first(void);
void kvm_shim_destroy(struct kvm_shim_guest *g);
int kvm_shim_file_add(struct kvm_shim_guest *g, int fd);
int kvm_shim_file_del(struct kvm_shim_guest *g, int fd);
int kvm_shim_start_vcpus(struct kvm_shim_guest *g, int nr,
			 unsigned int rate_hz);
void kvm_shim_stop_vcpus(struct kvm_shim_guest *g);
unsigned long kvm_shim_intercepts(struct kvm_shim_guest *g);
void kvm_shim_read_crycb(struct kvm_shim_guest *g, u8 *out);
int kvm_shim_pqap(struct kvm_shim_guest *g, int apqn, bool enable, u64 *gr1);

#endif /* _VFIO_AP_UPSTREAM_KVM_SHIM_H_ */

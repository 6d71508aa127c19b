/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Simulated KVM guests: kvm->lock, the PQAP hook and its rwsem, a
 * refcount, a CRYCB in the architected byte layout and vCPU kthreads
 * that intercept PQAP(AQIC).
 */
#ifndef _VFIO_AP_REF_SIM_KVM_H_
#define _VFIO_AP_REF_SIM_KVM_H_

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include "ap_matrix.h"
#include "sim_vcpu.h"

struct kvm_sim;
struct kvm_sim_vcpu;
struct sim_guest_files;

/* Like crypto_hook in asm/kvm_host.h. */
typedef int (*crypto_hook)(struct kvm_sim_vcpu *vcpu);

/**
 * struct kvm_sim_vcpu - a simulated vCPU
 * @kvm: the guest
 * @thread: its thread, intercepting PQAP(AQIC)
 * @id: vCPU number
 * @gprs: general registers 0 (APQN) and 1 (AQIC control / status)
 * @intercepts: number of PQAP intercepts handled
 */
struct kvm_sim_vcpu {
	struct kvm_sim *kvm;
	struct sim_vcpu thread;
	int id;
	u64 gprs[2];
	unsigned long intercepts;
};

/**
 * struct kvm_sim - a simulated KVM guest
 * @lock: kvm->lock
 * @arch: the s390 crypto state: pqap_hook_rwsem, pqap_hook, the CRYCB
 *	format, the CRYCB bytes and the spinlock that keeps readers of the
 *	bytes consistent
 * @users_count: references; the guest is freed when the last goes
 * @id: guest number, chosen at creation
 * @node: entry in the list of live guests
 * @kv_lock: the kvm-vfio device's lock (kv->lock)
 * @vfio_groups: VFIO groups linked with KVM_DEV_VFIO_FILE_ADD
 * @vcpu_lock: serializes starting and stopping the vCPU threads
 * @vcpus: the vCPU threads, under @vcpu_lock
 * @nr_vcpus: number of vCPU threads, under @vcpu_lock
 * @debugfs: its debugfs directory, the control layer's
 */
struct kvm_sim {
	struct mutex lock;		/* kvm->lock */
	struct {
		struct {
			struct rw_semaphore pqap_hook_rwsem;
			crypto_hook *pqap_hook;
			enum ap_crycb_format crycbd;
			spinlock_t crycb_lock;	/* CRYCB bytes */
			u8 crycb[AP_CRYCB_SIZE];
		} crypto;
	} arch;
	refcount_t users_count;
	int id;
	struct list_head node;
	struct mutex kv_lock;		/* kv->lock */
	struct list_head vfio_groups;
	struct mutex vcpu_lock;		/* @vcpus, @nr_vcpus */
	struct kvm_sim_vcpu *vcpus;
	int nr_vcpus;
	struct sim_guest_files *debugfs;
};

/**
 * struct kvm_sim_listener - told of guests as they come and go
 * @added: a guest was created; called under the guest list's lock, before
 *	the guest can be found
 * @removed: a guest is being destroyed; called under the list lock,
 *	before the guest is unlisted, and may wait for the listener's own
 *	users of it
 *
 * The control layer (sim_debugfs.c) listens, so that the model does not
 * call its own control interface.
 */
struct kvm_sim_listener {
	void (*added)(struct kvm_sim *kvm);
	void (*removed)(struct kvm_sim *kvm);
};

/**
 * struct kvm_sim_device_ops - a device type of the simulated KVM, as
 *	struct kvm_device_ops
 * @release: kvm_device_release(): the guest is being destroyed; called
 *	without locks, after its vCPUs stopped
 */
struct kvm_sim_device_ops {
	void (*release)(struct kvm_sim *kvm);
};

void kvm_sim_set_listener(const struct kvm_sim_listener *listener);
void kvm_sim_set_vfio_device(const struct kvm_sim_device_ops *ops);
void kvm_sim_get(struct kvm_sim *kvm);
bool kvm_sim_get_safe(struct kvm_sim *kvm);
void kvm_sim_put(struct kvm_sim *kvm);
void kvm_sim_set_masks(struct kvm_sim *kvm, const unsigned long *apm,
		       const unsigned long *aqm, const unsigned long *adm);
void kvm_sim_clear_masks(struct kvm_sim *kvm);
void kvm_sim_read_crycb(struct kvm_sim *kvm, u8 *out);

/* Control interface, for debugfs and the KUnit glue tests. */
struct kvm_sim *kvm_sim_create(int id, enum ap_crycb_format fmt);
struct kvm_sim *kvm_sim_find(int id);
int kvm_sim_destroy(int id);
int kvm_sim_start_vcpus(struct kvm_sim *kvm, int nr, unsigned int rate_hz);
void kvm_sim_stop_vcpus(struct kvm_sim *kvm);
unsigned long kvm_sim_intercepts(struct kvm_sim *kvm);
int kvm_sim_pqap(struct kvm_sim_vcpu *vcpu, int apqn, bool enable);

#endif /* _VFIO_AP_REF_SIM_KVM_H_ */

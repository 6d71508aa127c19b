/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A simulated vCPU thread: a kthread that intercepts PQAP(AQIC) at a
 * fixed rate, shared by the model's simulated KVM and upstream mode's
 * KVM shim. What an intercept does is each simulation's.
 */
#ifndef _VFIO_AP_REF_SIM_VCPU_H_
#define _VFIO_AP_REF_SIM_VCPU_H_

#include <linux/prandom.h>
#include <linux/types.h>

struct task_struct;

/**
 * struct sim_vcpu - a vCPU thread
 * @task: the kthread
 * @rate_hz: intercepts per second
 * @rnd: the random state of its choices (the kernel's prandom)
 * @intercept: called once a period with a fresh random number
 */
struct sim_vcpu {
	struct task_struct *task;
	unsigned int rate_hz;
	struct rnd_state rnd;
	void (*intercept)(struct sim_vcpu *v, u64 r);
};

int sim_vcpu_pick_apqn(const u8 *crycb, unsigned int format, u64 r);
int sim_vcpu_start(struct sim_vcpu *v,
		   void (*intercept)(struct sim_vcpu *v, u64 r),
		   unsigned int rate_hz, u64 seed, const char *name);
void sim_vcpu_stop(struct sim_vcpu *v);

#endif /* _VFIO_AP_REF_SIM_VCPU_H_ */

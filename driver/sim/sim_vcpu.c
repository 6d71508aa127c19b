// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated vCPU threads, for the model's simulated KVM and upstream
 * mode's KVM shim alike.
 */
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/sched.h>

#include "ap_matrix.h"
#include "sim_vcpu.h"

/**
 * sim_vcpu_pick_apqn() - the APQN a vCPU's intercept is for
 * @crycb: the guest's CRYCB, AP_CRYCB_SIZE bytes
 * @format: its format
 * @r: a random number
 *
 * An APQN of the guest's APCB, as a guest driver would use, chosen by
 * bits 16-47 of @r; when the APCB is empty, bits 0-15 of @r.
 *
 * Return: the APQN.
 */
int sim_vcpu_pick_apqn(const u8 *crycb, unsigned int format, u64 r)
{
	DECLARE_BITMAP(apm, AP_MATRIX_BITS);
	DECLARE_BITMAP(aqm, AP_MATRIX_BITS);
	DECLARE_BITMAP(adm, AP_MATRIX_BITS);
	int apqn;

	if (ap_matrix_decode_apcb(format, crycb, apm, aqm, adm))
		return r & 0xffff;
	apqn = ap_matrix_pick_apqn(apm, aqm, r >> 16);
	return apqn < 0 ? r & 0xffff : apqn;
}

/* Sleep one period, but wake at once when kthread_stop() is called. */
static void sim_vcpu_wait(struct sim_vcpu *v)
{
	ktime_t t = ns_to_ktime(NSEC_PER_SEC / v->rate_hz);

	set_current_state(TASK_INTERRUPTIBLE);
	if (!kthread_should_stop())
		schedule_hrtimeout_range(&t, 100 * NSEC_PER_USEC,
					 HRTIMER_MODE_REL);
	__set_current_state(TASK_RUNNING);
}

static int sim_vcpu_thread(void *data)
{
	struct sim_vcpu *v = data;
	u64 r;

	while (!kthread_should_stop()) {
		r = prandom_u32_state(&v->rnd);
		v->intercept(v, r << 32 | prandom_u32_state(&v->rnd));
		sim_vcpu_wait(v);
	}
	return 0;
}

/**
 * sim_vcpu_start() - start a vCPU thread
 * @v: the thread's state, which lives until sim_vcpu_stop()
 * @intercept: what it does once a period
 * @rate_hz: periods per second, at least 1
 * @seed: its random sequence's seed
 * @name: the kthread's name
 *
 * Return: 0 or the kthread error.
 */
int sim_vcpu_start(struct sim_vcpu *v,
		   void (*intercept)(struct sim_vcpu *v, u64 r),
		   unsigned int rate_hz, u64 seed, const char *name)
{
	v->intercept = intercept;
	v->rate_hz = rate_hz;
	prandom_seed_state(&v->rnd, seed);
	v->task = kthread_run(sim_vcpu_thread, v, "%s", name);
	return PTR_ERR_OR_ZERO(v->task);
}

/**
 * sim_vcpu_stop() - stop a vCPU thread and wait for it
 * @v: the thread started with sim_vcpu_start()
 */
void sim_vcpu_stop(struct sim_vcpu *v)
{
	kthread_stop(v->task);
}

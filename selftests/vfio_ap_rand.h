/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seeded generator of the user-space tests: the stress test's
 * schedules and the differential test's operations. xorshift64*: the
 * same sequence for a seed on every machine, so a seed reproduces a run.
 *
 * The kernel's side (the KUnit suites, the simulated vCPUs) uses the
 * kernel's own, prandom_u32_state(); user space cannot link it, so the
 * kselftest programs share this one.
 */
#ifndef _VFIO_AP_RAND_SELFTEST_H_
#define _VFIO_AP_RAND_SELFTEST_H_

#include <linux/types.h>

/* The next number of the sequence whose state is @s (not 0). */
static inline __u64 rnd(__u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* A number below @n (not 0). */
static inline unsigned int below(__u64 *s, unsigned int n)
{
	return rnd(s) % n;
}

#endif /* _VFIO_AP_RAND_SELFTEST_H_ */

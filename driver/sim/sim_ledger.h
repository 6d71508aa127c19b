/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The allocation ledger of the driver under test: given with -include to
 * its objects (the model's vfio_ap_*.c, the real vfio_ap_drv.c and
 * vfio_ap_ops.c), it records every kmalloc(), kzalloc() and kcalloc()
 * they make and every kfree() they do. When the driver's module is
 * unloaded (sim_ledger_watch()), what is still recorded is reported as a
 * leak at unload, with the size and the allocating function (its name in
 * the source, whatever the compiler inlined it into): an object
 * that only unloading frees and that unloading did not free. kmemleak
 * can miss such an object: a stale pointer to it (lockdep's record of a
 * lock it embeds in a long-lived task's held_locks[], say) keeps it
 * referenced. The ledger's records are not scanned by kmemleak, so they
 * hide nothing from it.
 *
 * The allocation and free calls are the kernel's; only their names in
 * the driver's sources are redirected, after <linux/slab.h> defined
 * them, so that the same header fits 6.1's inline functions and 6.12's
 * alloc_hooks() macros. A kfree() of memory the ledger did not record
 * (kstrndup()'s, say) frees it and records nothing.
 */
#ifndef _VFIO_AP_REF_SIM_LEDGER_H_
#define _VFIO_AP_REF_SIM_LEDGER_H_

#include <linux/slab.h>

void *sim_ledger_add(void *p, size_t size, gfp_t gfp, const char *func,
		     unsigned long ip);
void sim_ledger_del(const void *p);
#ifdef CONFIG_MODULES
int sim_ledger_watch(const char *driver);
void sim_ledger_unwatch(void);
#else
/* Built in (KUnit), the driver is never unloaded: nothing to watch. */
static inline int sim_ledger_watch(const char *driver)
{
	return 0;
}

static inline void sim_ledger_unwatch(void)
{
}
#endif

static __always_inline void *sim_ledger_kmalloc(size_t size, gfp_t gfp,
						const char *func,
						unsigned long ip)
{
	return sim_ledger_add(kmalloc(size, gfp), size, gfp, func, ip);
}

static __always_inline void *sim_ledger_kzalloc(size_t size, gfp_t gfp,
						const char *func,
						unsigned long ip)
{
	return sim_ledger_add(kzalloc(size, gfp), size, gfp, func, ip);
}

static __always_inline void *sim_ledger_kcalloc(size_t n, size_t size,
						gfp_t gfp, const char *func,
						unsigned long ip)
{
	return sim_ledger_add(kcalloc(n, size, gfp), n * size, gfp, func, ip);
}

static __always_inline void sim_ledger_kfree(const void *p)
{
	sim_ledger_del(p);
	kfree(p);
}

#ifndef SIM_LEDGER_NO_REDIRECT
#undef kmalloc
#undef kzalloc
#undef kcalloc
#undef kfree
#define kmalloc(size, gfp)	sim_ledger_kmalloc(size, gfp, __func__, _THIS_IP_)
#define kzalloc(size, gfp)	sim_ledger_kzalloc(size, gfp, __func__, _THIS_IP_)
#define kcalloc(n, size, gfp)	\
	sim_ledger_kcalloc(n, size, gfp, __func__, _THIS_IP_)
#define kfree(p)		sim_ledger_kfree(p)
#endif

#endif /* _VFIO_AP_REF_SIM_LEDGER_H_ */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Given with -include to the unmodified real AP bus and vfio_ap sources.
 *
 * The real <asm/ap.h> is included once with every AP instruction wrapper
 * renamed to __hw_*, and <asm/facility.h> with test_facility() renamed
 * to __hw_test_facility(). The original names are then defined again:
 * each wrapper loads the general registers exactly as its inline
 * assembly does and hands them to the simulated AP machine (apsim.h),
 * and test_facility() asks the machine. The compiled objects contain no
 * PQAP, NQAP or DQAP instruction, and nothing in the real sources or in
 * the tree's headers is edited.
 *
 * The wrappers' C signatures changed between Linux 6.1 and 6.12 (the
 * TAPQ info struct, the F bit of RAPQ/ZAPQ, union ap_qirq_ctrl, the DQAP
 * length argument); the registers did not.
 */
#ifndef _VFIO_AP_UPSTREAM_AP_INSN_H_
#define _VFIO_AP_UPSTREAM_AP_INSN_H_

#include "apsim.h"

#define test_facility			__hw_test_facility
#include <asm/facility.h>
#undef test_facility

/* Defined before <asm/ap.h>, whose includes already test facilities. */
static inline int test_facility(unsigned long nr)
{
	return apsim_test_facility(nr);
}

#define ap_instructions_available	__hw_ap_instructions_available
#define ap_tapq				__hw_ap_tapq
#define ap_test_queue			__hw_ap_test_queue
#define ap_rapq				__hw_ap_rapq
#define ap_zapq				__hw_ap_zapq
#define ap_qci				__hw_ap_qci
#define ap_aqic				__hw_ap_aqic
#define ap_qact				__hw_ap_qact
#define ap_bapq				__hw_ap_bapq
#define ap_aapq				__hw_ap_aapq
#define ap_nqap				__hw_ap_nqap
#define ap_dqap				__hw_ap_dqap
#include <asm/ap.h>
#undef ap_instructions_available
#undef ap_tapq
#undef ap_test_queue
#undef ap_rapq
#undef ap_zapq
#undef ap_qci
#undef ap_aqic
#undef ap_qact
#undef ap_bapq
#undef ap_aapq
#undef ap_nqap
#undef ap_dqap

/*
 * APSIM_KVER is VERSION * 100 + PATCHLEVEL of the tree (upstream/Kbuild).
 * The shims know two series; the build script refuses others first.
 */
#if APSIM_KVER == 612
#define APSIM_NEW_AP_API 1
#elif APSIM_KVER == 601
#define APSIM_NEW_AP_API 0
#else
#error "the vfio_ap shims know Linux 6.1 and 6.12 only"
#endif

#if APSIM_NEW_AP_API
#define apsim_hwinfo	struct ap_tapq_hwinfo
#define apsim_qirq	union ap_qirq_ctrl
#define APSIM_HWINFO_SET(info, v)	((info)->value = (v))
#define APSIM_QIRQ_VALUE(c)		((c).value)
#else
#define apsim_hwinfo	unsigned long
#define apsim_qirq	struct ap_qirq_ctrl
#define APSIM_HWINFO_SET(info, v)	(*(info) = (v))
#define APSIM_QIRQ_VALUE(c)		(*(unsigned long *)&(c))
#endif

/* The status word is the low half of GR1, as union ap_queue_status_reg. */
static inline struct ap_queue_status apsim_status(unsigned long gr1)
{
	union {
		unsigned long value;
		struct {
			u32 pad;
			struct ap_queue_status status;
		};
	} reg = { .value = gr1 };

	return reg.status;
}

static inline struct ap_queue_status apsim_insn(unsigned long gr0,
						unsigned long gr1,
						unsigned long *gr2)
{
	unsigned long r2 = gr2 ? *gr2 : 0;

	apsim_pqap(gr0, &gr1, &r2);
	if (gr2)
		*gr2 = r2;
	return apsim_status(gr1);
}

static inline bool ap_instructions_available(void)
{
	return apsim_instructions_available();
}

static inline struct ap_queue_status ap_tapq(ap_qid_t qid,
					     apsim_hwinfo *info)
{
	unsigned long gr2 = 0;
	struct ap_queue_status st;

	st = apsim_insn(qid, 0, &gr2);
	if (info)
		APSIM_HWINFO_SET(info, gr2);
	return st;
}

static inline struct ap_queue_status ap_test_queue(ap_qid_t qid, int tbit,
						   apsim_hwinfo *info)
{
	if (tbit)
		qid |= APSIM_GR0_T;
	return ap_tapq(qid, info);
}

#if APSIM_NEW_AP_API
static inline struct ap_queue_status ap_rapq(ap_qid_t qid, int fbit)
{
	return apsim_insn(qid | (APSIM_RAPQ << APSIM_GR0_FC_SHIFT) |
			  (fbit ? APSIM_GR0_F : 0), 0, NULL);
}

static inline struct ap_queue_status ap_zapq(ap_qid_t qid, int fbit)
{
	return apsim_insn(qid | (APSIM_ZAPQ << APSIM_GR0_FC_SHIFT) |
			  (fbit ? APSIM_GR0_F : 0), 0, NULL);
}

static inline struct ap_queue_status ap_bapq(ap_qid_t qid)
{
	return apsim_insn(qid | (APSIM_BAPQ << APSIM_GR0_FC_SHIFT), 0, NULL);
}

static inline struct ap_queue_status ap_aapq(ap_qid_t qid,
					     unsigned int sec_idx)
{
	unsigned long gr2 = sec_idx;

	return apsim_insn(qid | (APSIM_AAPQ << APSIM_GR0_FC_SHIFT), 0, &gr2);
}
#else
static inline struct ap_queue_status ap_rapq(ap_qid_t qid)
{
	return apsim_insn(qid | (APSIM_RAPQ << APSIM_GR0_FC_SHIFT), 0, NULL);
}

static inline struct ap_queue_status ap_zapq(ap_qid_t qid)
{
	return apsim_insn(qid | (APSIM_ZAPQ << APSIM_GR0_FC_SHIFT), 0, NULL);
}
#endif

static inline int ap_qci(struct ap_config_info *config)
{
	unsigned long gr1 = 0, gr2 = (unsigned long)config;

	BUILD_BUG_ON(sizeof(*config) != APSIM_QCI_SIZE);
	return apsim_pqap(APSIM_QCI << APSIM_GR0_FC_SHIFT, &gr1, &gr2) ?
		-EOPNOTSUPP : 0;
}

static inline struct ap_queue_status ap_aqic(ap_qid_t qid,
					     apsim_qirq qirqctrl,
					     phys_addr_t pa_ind)
{
	unsigned long gr2 = pa_ind;

	return apsim_insn(qid | (APSIM_AQIC << APSIM_GR0_FC_SHIFT),
			  APSIM_QIRQ_VALUE(qirqctrl), &gr2);
}

static inline struct ap_queue_status ap_qact(ap_qid_t qid, int ifbit,
					     union ap_qact_ap_info *apinfo)
{
	unsigned long gr2 = 0;
	struct ap_queue_status st;

	st = apsim_insn(qid | (APSIM_QACT << APSIM_GR0_FC_SHIFT) |
			((ifbit & 0x01) ? APSIM_GR0_F : 0), apinfo->val, &gr2);
	apinfo->val = gr2;
	return st;
}

static inline struct ap_queue_status ap_nqap(ap_qid_t qid,
					     unsigned long long psmid,
					     void *msg, size_t length)
{
	return apsim_status(apsim_nqap(qid));
}

/* The simulated queues never hold a reply. */
#if APSIM_NEW_AP_API
static inline struct ap_queue_status ap_dqap(ap_qid_t qid,
					     unsigned long *psmid,
					     void *msg, size_t msglen,
					     size_t *length,
					     size_t *reslength,
					     unsigned long *resgr0)
{
	if (length)
		*length = 0;
#else
static inline struct ap_queue_status ap_dqap(ap_qid_t qid,
					     unsigned long long *psmid,
					     void *msg, size_t length,
					     size_t *reslength,
					     unsigned long *resgr0)
{
#endif
	if (reslength)
		*reslength = 0;
	if (resgr0)
		*resgr0 = 0;
	*psmid = 0;
	return apsim_status(apsim_dqap(qid));
}

/*
 * printk.h, included above, gave pr_fmt its default. A source that
 * defines its own before its first include (the build passes
 * APSIM_SOURCE_PR_FMT for those) must find it undefined.
 */
#ifdef APSIM_SOURCE_PR_FMT
#undef pr_fmt
#endif

#endif /* _VFIO_AP_UPSTREAM_AP_INSN_H_ */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated AP machine: what the AP instructions PQAP, NQAP and DQAP
 * and the facility bits would answer on IBM Z, at the level of the
 * general registers, so that one machine serves every kernel version's
 * <asm/ap.h>. Its control interface, for the debugfs file ap/config, is
 * apsim_ctl.h: this header is given to the real sources (ap_insn.h),
 * which have a struct ap_matrix of their own.
 *
 * Register layouts follow the Principles of Operation, bit 0 the most
 * significant bit of a 64-bit register.
 */
#ifndef _VFIO_AP_UPSTREAM_APSIM_H_
#define _VFIO_AP_UPSTREAM_APSIM_H_

#include <linux/bits.h>
#include <linux/types.h>

/* GR0 of PQAP: the function code in bits 32-39, flags, the APQN. */
#define APSIM_GR0_FC_SHIFT	24
#define APSIM_GR0_FC_MASK	0xffUL
#define APSIM_GR0_T		BIT(23)		/* TAPQ: return facilities */
#define APSIM_GR0_F		BIT(22)		/* RAPQ/ZAPQ/QACT flag */
#define APSIM_GR0_APQN		0xffffUL

/**
 * enum apsim_pqap_fc - the PQAP function codes the machine knows
 * @APSIM_TAPQ: test queue
 * @APSIM_RAPQ: reset queue
 * @APSIM_ZAPQ: zeroize queue
 * @APSIM_AQIC: enable or disable a queue's interruptions
 * @APSIM_QCI: query the AP configuration
 * @APSIM_QACT: query the compatibility type
 * @APSIM_BAPQ: bind queue (secure execution); not installed
 * @APSIM_AAPQ: associate queue (secure execution); not installed
 */
enum apsim_pqap_fc {
	APSIM_TAPQ = 0,
	APSIM_RAPQ = 1,
	APSIM_ZAPQ = 2,
	APSIM_AQIC = 3,
	APSIM_QCI = 4,
	APSIM_QACT = 5,
	APSIM_BAPQ = 7,
	APSIM_AAPQ = 8,
};

/* The AP queue status word: bits 32-63 of GR1. */
#define APSIM_ST_QUEUE_EMPTY	BIT(31)
#define APSIM_ST_IRQ_ENABLED	BIT(24)
#define APSIM_ST_RC_SHIFT	16

/* Response codes, as AP_RESPONSE_* in <asm/ap.h>. */
#define APSIM_RC_NORMAL		0x00
#define APSIM_RC_Q_NOT_AVAIL	0x01
#define APSIM_RC_DECONFIGURED	0x03
#define APSIM_RC_CHECKSTOPPED	0x04
#define APSIM_RC_NO_PENDING	0x10
#define APSIM_RC_NOT_INSTALLED	0x16

/* AQIC: GR1 bit 16 is the interruption request (IR) bit. */
#define APSIM_AQIC_IR		BIT(47)

/* TAPQ with T: GR2 bits 0-31 are the facilities, 32-63 the AP info. */
#define APSIM_TAPQ_CCA		BIT(60)		/* mode bit D */
#define APSIM_TAPQ_APXA		BIT(57)
#define APSIM_TAPQ_AT_SHIFT	24		/* AP type */
#define APSIM_TAPQ_ND_SHIFT	16		/* number of domains */
#define APSIM_TAPQ_QD		0x8		/* queue depth */

/* QCI: the configuration block, 128 bytes, in architected byte order. */
#define APSIM_QCI_SIZE		128
#define APSIM_QCI_FLAGS_APXA	0x40		/* byte 0: the N bit */
#define APSIM_QCI_NA		4
#define APSIM_QCI_ND		5
#define APSIM_QCI_APM		16
#define APSIM_QCI_AQM		48
#define APSIM_QCI_ADM		80
#define APSIM_MASK_BYTES	32
#define APSIM_IDS		256

/* Facilities the machine answers for; others are the host's. */
#define APSIM_FAC_QCI		12
#define APSIM_FAC_APFT		15
#define APSIM_FAC_AP_IRQ	65

int apsim_pqap(unsigned long gr0, unsigned long *gr1, unsigned long *gr2);
unsigned long apsim_nqap(unsigned long gr0);
unsigned long apsim_dqap(unsigned long gr0);
bool apsim_instructions_available(void);
int apsim_test_facility(unsigned long nr);

#endif /* _VFIO_AP_UPSTREAM_APSIM_H_ */

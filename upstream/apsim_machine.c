// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated AP machine: the host AP configuration that PQAP(QCI)
 * reports, per adapter a card type, and per queue (APQN) its interruption
 * state and a reset failure to answer once. The real AP bus and vfio_ap
 * reach it through the instruction wrappers of ap_insn.h.
 *
 * A queue exists when its adapter and its domain are both in the
 * configuration. The instructions are answered under a spinlock: the AP
 * bus issues them from its poll timer with a queue's spinlock held.
 */
#include <linux/bitops.h>
#include <linux/export.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <asm/facility.h>
#include <asm/sclp.h>

#include "apsim.h"
#include "apsim_ctl.h"
#include "ap_matrix.h"

static DEFINE_SPINLOCK(apsim_lock);

static struct {
	struct ap_matrix cfg;			/* what QCI reports */
	int type[AP_MATRIX_BITS];		/* AP type per adapter */
	u8 reset_rc[APSIM_IDS * APSIM_IDS];	/* next reset's response */
	DECLARE_BITMAP(irq, APSIM_IDS * APSIM_IDS);
} apsim;

static bool queue_exists(unsigned int apqn)
{
	unsigned int apid = AP_MATRIX_APID(apqn), apqi = AP_MATRIX_APQI(apqn);

	lockdep_assert_held(&apsim_lock);
	return test_bit(apid, apsim.cfg.apm) && test_bit(apqi, apsim.cfg.aqm);
}

/* Whether a queue that answers @rc cannot be reached at all. */
static bool rc_unreachable(unsigned int rc)
{
	return rc == APSIM_RC_Q_NOT_AVAIL || rc == APSIM_RC_DECONFIGURED ||
	       rc == APSIM_RC_CHECKSTOPPED;
}

/*
 * A status word. A queue that cannot be reached reports no queue state:
 * vfio_ap_mdev_reset_queue() WARNs (6.1 vfio_ap_ops.c:1630-1636) when a
 * ZAPQ that answers Q_NOT_AVAIL, DECONFIGURED or CHECKSTOPPED has the
 * interruption flag set, so the driver's authors expect the machine never
 * to answer so.
 */
static unsigned long status(unsigned int rc, bool irq)
{
	unsigned long st = (unsigned long)rc << APSIM_ST_RC_SHIFT;

	if (rc == APSIM_RC_NORMAL)
		st |= APSIM_ST_QUEUE_EMPTY;
	if (irq && !rc_unreachable(rc))
		st |= APSIM_ST_IRQ_ENABLED;
	return st;
}

static unsigned long tapq_info(unsigned int apqn)
{
	unsigned long info = APSIM_TAPQ_CCA | APSIM_TAPQ_QD;

	int type = apsim.type[AP_MATRIX_APID(apqn)];

	lockdep_assert_held(&apsim_lock);
	if (apsim.cfg.apm_max > AP_MATRIX_APM_MAX_NOAPXA)
		info |= APSIM_TAPQ_APXA;
	/* An unknown type reads as 0: "no type information". */
	if (type > 0)
		info |= (unsigned long)type << APSIM_TAPQ_AT_SHIFT;
	info |= apsim.cfg.aqm_max << APSIM_TAPQ_ND_SHIFT;
	return info;
}

static void qci(u8 *block)
{
	lockdep_assert_held(&apsim_lock);
	memset(block, 0, APSIM_QCI_SIZE);
	if (apsim.cfg.apm_max > AP_MATRIX_APM_MAX_NOAPXA)
		block[0] = APSIM_QCI_FLAGS_APXA;
	block[APSIM_QCI_NA] = apsim.cfg.apm_max;
	block[APSIM_QCI_ND] = apsim.cfg.aqm_max;
	ap_matrix_mask_to_bytes(apsim.cfg.apm, block + APSIM_QCI_APM,
				APSIM_MASK_BYTES);
	ap_matrix_mask_to_bytes(apsim.cfg.aqm, block + APSIM_QCI_AQM,
				APSIM_MASK_BYTES);
	ap_matrix_mask_to_bytes(apsim.cfg.adm, block + APSIM_QCI_ADM,
				APSIM_MASK_BYTES);
}

/* One PQAP function on an existing queue; the status word. */
static unsigned long queue_fc(unsigned int fc, unsigned int apqn,
			      unsigned long gr1, unsigned long *gr2,
			      bool tbit)
{
	unsigned int rc;

	lockdep_assert_held(&apsim_lock);
	switch (fc) {
	case APSIM_TAPQ:
		if (tbit)
			*gr2 = tapq_info(apqn);
		return status(APSIM_RC_NORMAL, test_bit(apqn, apsim.irq));
	case APSIM_RAPQ:
	case APSIM_ZAPQ:
		rc = apsim.reset_rc[apqn];
		apsim.reset_rc[apqn] = APSIM_RC_NORMAL;
		/*
		 * A queue that could not be reached has lost its
		 * interruption state: it comes back reset.
		 */
		if (rc == APSIM_RC_NORMAL || rc_unreachable(rc))
			clear_bit(apqn, apsim.irq);
		if (rc != APSIM_RC_NORMAL)
			return status(rc, test_bit(apqn, apsim.irq));
		return status(APSIM_RC_NORMAL, false);
	case APSIM_AQIC:
		assign_bit(apqn, apsim.irq, gr1 & APSIM_AQIC_IR);
		return status(APSIM_RC_NORMAL, gr1 & APSIM_AQIC_IR);
	case APSIM_QACT:
		*gr2 = 0;
		return status(APSIM_RC_NORMAL, test_bit(apqn, apsim.irq));
	default:
		return status(APSIM_RC_NOT_INSTALLED, false);
	}
}

/**
 * apsim_pqap() - execute PQAP on the simulated machine
 * @gr0: general register 0: function code, flags and APQN
 * @gr1: general register 1, in and out: for a queue function the status
 *	word is returned in its bits 32-63
 * @gr2: general register 2, in and out: TAPQ's facilities, QCI's block
 *	address, AQIC's notification address
 *
 * Return: the condition code: 0, or 3 for QCI when it is not installed.
 */
int apsim_pqap(unsigned long gr0, unsigned long *gr1, unsigned long *gr2)
{
	unsigned int fc = (gr0 >> APSIM_GR0_FC_SHIFT) & APSIM_GR0_FC_MASK;
	unsigned int apqn = gr0 & APSIM_GR0_APQN;
	unsigned long flags;

	spin_lock_irqsave(&apsim_lock, flags);
	if (fc == APSIM_QCI)
		qci((u8 *)*gr2);
	else if (!queue_exists(apqn))
		*gr1 = status(APSIM_RC_Q_NOT_AVAIL, false);
	else
		*gr1 = queue_fc(fc, apqn, *gr1, gr2, gr0 & APSIM_GR0_T);
	spin_unlock_irqrestore(&apsim_lock, flags);
	return 0;
}
EXPORT_SYMBOL_GPL(apsim_pqap);

/* A message instruction's status word: @rc if the queue exists. */
static unsigned long message_status(unsigned long gr0, unsigned int rc)
{
	unsigned long flags, st;

	spin_lock_irqsave(&apsim_lock, flags);
	st = status(queue_exists(gr0 & APSIM_GR0_APQN) ? rc :
		    APSIM_RC_Q_NOT_AVAIL, false);
	spin_unlock_irqrestore(&apsim_lock, flags);
	return st;
}

/**
 * apsim_nqap() - enqueue a message: accepted, and never answered
 * @gr0: general register 0 with the APQN
 *
 * Return: general register 1, the status word in its bits 32-63.
 */
unsigned long apsim_nqap(unsigned long gr0)
{
	return message_status(gr0, APSIM_RC_NORMAL) & ~APSIM_ST_QUEUE_EMPTY;
}
EXPORT_SYMBOL_GPL(apsim_nqap);

/**
 * apsim_dqap() - dequeue a reply: there never is one
 * @gr0: general register 0 with the APQN
 *
 * Return: general register 1, the status word in its bits 32-63.
 */
unsigned long apsim_dqap(unsigned long gr0)
{
	return message_status(gr0, APSIM_RC_NO_PENDING) | APSIM_ST_QUEUE_EMPTY;
}
EXPORT_SYMBOL_GPL(apsim_dqap);

/**
 * apsim_instructions_available() - whether PQAP is installed
 *
 * Return: true: the simulated machine always has the AP instructions.
 */
bool apsim_instructions_available(void)
{
	return true;
}
EXPORT_SYMBOL_GPL(apsim_instructions_available);

/**
 * apsim_test_facility() - a facility bit as the simulated machine has it
 * @nr: the facility number
 *
 * QCI (12) and the TAPQ T bit (15) are installed; AP interruptions (65)
 * are not, so the AP bus polls. Every other facility is the host's.
 *
 * Return: 1 if installed, else 0.
 */
int apsim_test_facility(unsigned long nr)
{
	switch (nr) {
	case APSIM_FAC_QCI:
	case APSIM_FAC_APFT:
		return 1;
	case APSIM_FAC_AP_IRQ:
		return 0;
	default:
		return test_facility(nr);
	}
}
EXPORT_SYMBOL_GPL(apsim_test_facility);

/**
 * apsim_config_set() - add an id to the host configuration or remove it
 * @kind: which ids
 * @id: the id
 * @on: add or remove
 *
 * The AP bus sees the change at its next scan.
 *
 * Return: 0, -EINVAL for another @kind, -ERANGE for an id above the limit.
 */
int apsim_config_set(enum ap_matrix_kind kind, unsigned long id, bool on)
{
	unsigned long *mask, max, flags;
	int ret = 0;

	mask = ap_matrix_mask(&apsim.cfg, kind, &max);
	if (!mask)
		return -EINVAL;
	spin_lock_irqsave(&apsim_lock, flags);
	if (id > max)
		ret = -ERANGE;
	else
		assign_bit(id, mask, on);
	spin_unlock_irqrestore(&apsim_lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(apsim_config_set);

/**
 * apsim_set_apxa() - install or remove APXA, and with it the id limits
 * @apxa: with APXA the limits are 255/255/255, without 63/15/15
 *
 * Only allowed while the configuration is empty, as the limits of every
 * matrix the driver has derive from it.
 *
 * Return: 0 or -EBUSY.
 */
int apsim_set_apxa(bool apxa)
{
	unsigned long flags;
	int ret = -EBUSY;

	spin_lock_irqsave(&apsim_lock, flags);
	if (bitmap_empty(apsim.cfg.apm, AP_MATRIX_BITS) &&
	    bitmap_empty(apsim.cfg.aqm, AP_MATRIX_BITS) &&
	    bitmap_empty(apsim.cfg.adm, AP_MATRIX_BITS)) {
		ap_matrix_init_limits(&apsim.cfg, apxa, 255, 255);
		ret = 0;
	}
	spin_unlock_irqrestore(&apsim_lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(apsim_set_apxa);

/**
 * apsim_set_card_type() - set the AP type an adapter's queues report
 * @apid: the adapter
 * @type: the AP type (10 is CEX4), or negative for "unknown"
 *
 * Return: 0 or -ERANGE.
 */
int apsim_set_card_type(unsigned long apid, int type)
{
	unsigned long flags;

	if (apid >= AP_MATRIX_BITS || type > 255)
		return -ERANGE;
	spin_lock_irqsave(&apsim_lock, flags);
	apsim.type[apid] = type;
	spin_unlock_irqrestore(&apsim_lock, flags);
	return 0;
}
EXPORT_SYMBOL_GPL(apsim_set_card_type);

/**
 * apsim_fail_next_reset() - make the next RAPQ or ZAPQ of a queue fail
 * @apqn: the queue
 * @rc: the response code it returns once: Q_NOT_AVAIL, RESET_IN_PROGRESS,
 *	DECONFIGURED or CHECKSTOPPED (0 cancels)
 *
 * Return: 0, -EINVAL for another code, -ENODEV if there is no such queue.
 */
int apsim_fail_next_reset(int apqn, int rc)
{
	unsigned long flags;
	int ret = 0;

	if (rc < 0 || rc > APSIM_RC_CHECKSTOPPED)
		return -EINVAL;
	spin_lock_irqsave(&apsim_lock, flags);
	if (apqn < 0 || apqn > 0xffff || !queue_exists(apqn))
		ret = -ENODEV;
	else
		apsim.reset_rc[apqn] = rc;
	spin_unlock_irqrestore(&apsim_lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(apsim_fail_next_reset);

/**
 * apsim_get_config() - the host configuration, as QCI reports it
 * @cfg: filled in
 */
void apsim_get_config(struct ap_matrix *cfg)
{
	unsigned long flags;

	spin_lock_irqsave(&apsim_lock, flags);
	*cfg = apsim.cfg;
	spin_unlock_irqrestore(&apsim_lock, flags);
}
EXPORT_SYMBOL_GPL(apsim_get_config);

/**
 * sclp_ap_configure() - SCLP: configure an adapter
 * @apid: the adapter
 *
 * The AP bus's card "config" attribute calls it. The simulated machine
 * has no SCLP AP commands.
 *
 * Return: -EOPNOTSUPP.
 */
int sclp_ap_configure(u32 apid)
{
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL_GPL(sclp_ap_configure);

/**
 * sclp_ap_deconfigure() - SCLP: deconfigure an adapter
 * @apid: the adapter
 *
 * Return: -EOPNOTSUPP, as sclp_ap_configure().
 */
int sclp_ap_deconfigure(u32 apid)
{
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL_GPL(sclp_ap_deconfigure);

static int __init apsim_init(void)
{
	unsigned int i;

	ap_matrix_init_limits(&apsim.cfg, true, 255, 255);
	for (i = 0; i < AP_MATRIX_BITS; i++)
		apsim.type[i] = AP_MATRIX_CEX4;
	return 0;
}

static void __exit apsim_exit(void)
{
}

module_init(apsim_init);
module_exit(apsim_exit);

MODULE_DESCRIPTION("Simulated AP machine for the real vfio_ap and AP bus");
MODULE_LICENSE("GPL");

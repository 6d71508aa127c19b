// SPDX-License-Identifier: GPL-2.0
/*
 * The allocation ledger of the driver under test (sim_ledger.h): one
 * record per live allocation, each with its size and the function that
 * made it, formatted when it was made (the driver's symbols are gone
 * when the ledger is checked).
 */
#include <linux/export.h>
#include <linux/kallsyms.h>
#include <linux/kmemleak.h>
#include <linux/list.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <linux/string.h>

/* The ledger's own allocations are not recorded: no redirection here. */
#define SIM_LEDGER_NO_REDIRECT
#include "sim_ledger.h"

/**
 * struct sim_ledger_entry - one live allocation of the driver
 * @node: entry in the ledger
 * @p: the object
 * @size: its size
 * @func: the allocating function, as the source names it
 * @site: where the allocation was made, as %pS printed it
 */
struct sim_ledger_entry {
	struct list_head node;
	const void *p;
	size_t size;
	char func[64];
	char site[KSYM_SYMBOL_LEN];
};

static LIST_HEAD(sim_ledger);
static DEFINE_SPINLOCK(sim_ledger_lock);

/**
 * sim_ledger_add() - record an allocation
 * @p: the object, or NULL when the allocation failed
 * @size: its size
 * @gfp: the allocation's flags, for the record's own
 * @func: the function that made it (its __func__)
 * @ip: where it was made
 *
 * A record that cannot be allocated is left out: the object is then only
 * kmemleak's to watch.
 *
 * Return: @p.
 */
void *sim_ledger_add(void *p, size_t size, gfp_t gfp, const char *func,
		     unsigned long ip)
{
	struct sim_ledger_entry *e;

	if (!p)
		return p;
	e = kmalloc(sizeof(*e), gfp & ~__GFP_ZERO);
	if (!e)
		return p;
	/* A record is no reference: kmemleak must still see a leak. */
	kmemleak_no_scan(e);
	e->p = p;
	e->size = size;
	strscpy(e->func, func, sizeof(e->func));
	snprintf(e->site, sizeof(e->site), "%pS", (void *)ip);
	spin_lock(&sim_ledger_lock);
	list_add(&e->node, &sim_ledger);
	spin_unlock(&sim_ledger_lock);
	return p;
}
EXPORT_SYMBOL_GPL(sim_ledger_add);

/**
 * sim_ledger_del() - forget an allocation that is being freed
 * @p: the object; NULL or one never recorded is ignored
 */
void sim_ledger_del(const void *p)
{
	struct sim_ledger_entry *e, *found = NULL;

	if (!p)
		return;
	spin_lock(&sim_ledger_lock);
	list_for_each_entry(e, &sim_ledger, node) {
		if (e->p == p) {
			list_del(&e->node);
			found = e;
			break;
		}
	}
	spin_unlock(&sim_ledger_lock);
	kfree(found);
}
EXPORT_SYMBOL_GPL(sim_ledger_del);

/**
 * sim_ledger_check() - report what the driver left allocated
 * @who: the module being unloaded, for the report
 *
 * Called when the simulation's module is unloaded, after the driver's:
 * every object still recorded is reported, in the form
 *   "vfio_ap_ref ledger: leak at unload: object 0x... (size N) from FUNC
 *   (at SYMBOL+0x...), ..."
 * and then forgotten.
 */
void sim_ledger_check(const char *who)
{
	struct sim_ledger_entry *e, *tmp;
	LIST_HEAD(left);

	spin_lock(&sim_ledger_lock);
	list_splice_init(&sim_ledger, &left);
	spin_unlock(&sim_ledger_lock);
	list_for_each_entry_safe(e, tmp, &left, node) {
		pr_err("vfio_ap_ref ledger: leak at unload: object 0x%p (size %zu) from %s (at %s), still allocated when %s was unloaded\n",
		       e->p, e->size, e->func, e->site, who);
		list_del(&e->node);
		kfree(e);
	}
}
EXPORT_SYMBOL_GPL(sim_ledger_check);

// SPDX-License-Identifier: GPL-2.0
/*
 * The allocation ledger of the driver under test (sim_ledger.h): one
 * record per live allocation, each with its size and the function that
 * made it, formatted when it was made (the driver's symbols are gone
 * when the ledger is checked). The ledger is checked each time the
 * driver's module is unloaded, right after its exit function ran: at the
 * end of a run and whenever a test reloads the driver.
 */
#include <linux/export.h>
#include <linux/hashtable.h>
#include <linux/kallsyms.h>
#include <linux/kmemleak.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/printk.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>

/* The ledger's own allocations are not recorded: no redirection here. */
#define SIM_LEDGER_NO_REDIRECT
#include "sim_ledger.h"
#include "sim_state.h"

/**
 * struct sim_ledger_entry - one live allocation of the driver
 * @node: entry in the ledger's bucket of @p
 * @p: the object
 * @size: its size
 * @func: the allocating function, as the source names it
 * @site: where the allocation was made, as %pS printed it
 */
struct sim_ledger_entry {
	struct hlist_node node;
	const void *p;
	size_t size;
	char func[64];
	char site[KSYM_SYMBOL_LEN];
};

/* Keyed by the object: a kfree() looks up one bucket, not every record. */
static DEFINE_HASHTABLE(sim_ledger, 10);
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
	hash_add(sim_ledger, &e->node, (unsigned long)p);
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
	hash_for_each_possible(sim_ledger, e, node, (unsigned long)p) {
		if (e->p == p) {
			hash_del(&e->node);
			found = e;
			break;
		}
	}
	spin_unlock(&sim_ledger_lock);
	kfree(found);
}
EXPORT_SYMBOL_GPL(sim_ledger_del);

/*
 * The debugfs file "ledger": one line "FUNC SIZE" per live allocation, in
 * no order, without the object's address, so that two readings compare
 * once sorted: a test that undid what it did must find the lines it found
 * before (selftests/vfio_ap_destroy_test.c).
 */
static int sim_ledger_show(struct seq_file *m, void *v)
{
	struct sim_ledger_entry *e;
	int bkt;

	spin_lock(&sim_ledger_lock);
	hash_for_each(sim_ledger, bkt, e, node)
		seq_printf(m, "%s %zu\n", e->func, e->size);
	spin_unlock(&sim_ledger_lock);
	return 0;
}

static int sim_ledger_open(struct inode *inode, struct file *file)
{
	return single_open(file, sim_ledger_show, NULL);
}

const struct file_operations sim_ledger_fops = {
	.owner = THIS_MODULE,
	.open = sim_ledger_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

#ifdef CONFIG_MODULES
/*
 * Report what the driver, unloaded, left allocated: every record, in the
 * form
 *   "vfio_ap_ref ledger: leak at unload: object 0x... (size N) from FUNC
 *   (at SYMBOL+0x...), still allocated when MODULE was unloaded"
 * and then forgotten, so that a reloaded driver starts with an empty
 * ledger.
 */
static void sim_ledger_check(const char *who)
{
	struct sim_ledger_entry *e;
	struct hlist_node *tmp;
	HLIST_HEAD(left);
	int bkt;

	spin_lock(&sim_ledger_lock);
	hash_for_each_safe(sim_ledger, bkt, tmp, e, node) {
		hash_del(&e->node);
		hlist_add_head(&e->node, &left);
	}
	spin_unlock(&sim_ledger_lock);
	hlist_for_each_entry_safe(e, tmp, &left, node) {
		pr_err("vfio_ap_ref ledger: leak at unload: object 0x%p (size %zu) from %s (at %s), still allocated when %s was unloaded\n",
		       e->p, e->size, e->func, e->site, who);
		hlist_del(&e->node);
		kfree(e);
	}
}

static const char *sim_ledger_driver;

/*
 * The module loader calls MODULE_STATE_GOING after the module's exit
 * function (or after its init function failed), before it frees the
 * module: whatever the driver still has recorded then, nothing will
 * free.
 */
static int sim_ledger_module_event(struct notifier_block *nb,
				   unsigned long state, void *data)
{
	struct module *mod = data;

	if (state == MODULE_STATE_GOING && sim_ledger_driver &&
	    !strcmp(mod->name, sim_ledger_driver))
		sim_ledger_check(mod->name);
	return NOTIFY_DONE;
}

static struct notifier_block sim_ledger_nb = {
	.notifier_call = sim_ledger_module_event,
};

/**
 * sim_ledger_watch() - check the ledger whenever the driver is unloaded
 * @driver: the name of the driver's module (it needs the caller's module,
 *	so it is loaded after and unloaded before it)
 *
 * Return: 0, or the error of register_module_notifier().
 */
int sim_ledger_watch(const char *driver)
{
	sim_ledger_driver = driver;
	return register_module_notifier(&sim_ledger_nb);
}

/**
 * sim_ledger_unwatch() - stop checking; the simulation is being unloaded
 */
void sim_ledger_unwatch(void)
{
	unregister_module_notifier(&sim_ledger_nb);
	sim_ledger_driver = NULL;
}
#endif /* CONFIG_MODULES */

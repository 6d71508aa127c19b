// SPDX-License-Identifier: GPL-2.0
/*
 * A read-only dump of the vfio_ap driver's own bookkeeping, for the
 * stress test's invariant checks: every mdev with its assigned matrix and
 * its queue table, and every queue bound to the driver with the mdev it
 * points at. One source for both drivers: built into the model's module,
 * and, with VFIO_AP_STATE_REAL, into the real vfio_ap module, where it
 * reads the real vfio_ap_private.h (the real sources stay unmodified).
 * The simulation's debugfs file "state" calls it (sim_cmd.c).
 *
 * Format, one object per line, then "end":
 *   mdev NAME apm LIST aqm LIST refs N
 *                                   the assigned adapters and domains,
 *                                   and the references to the mdev's
 *                                   device
 *   guest NAME kvm PTR hook yes|no users N
 *                                   the mdev's guest (a hashed pointer),
 *                                   whether the guest's PQAP hook is this
 *                                   mdev's, and the guest's references
 *   table NAME AA.DDDD              a queue in the mdev's queue table
 *   queue AA.DDDD NAME|-            a bound queue and the mdev it names
 * LIST is the ids in decimal, comma-separated, or "-" for none.
 */
#include <linux/device.h>
#include <linux/export.h>
#include <linux/hashtable.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/seq_file.h>

#ifdef VFIO_AP_STATE_REAL
#include <linux/mdev.h>
#include "vfio_ap_private.h"
/* The real masks number bits MSB first (test_bit_inv()). */
#define STATE_BITS		AP_DEVICES
#define state_for_each_id(id, mask)					\
	for_each_set_bit_inv(id, (unsigned long *)(mask), STATE_BITS)
#define state_mdev_dev(m)	mdev_dev((m)->mdev)
#define state_mdev_name(m)	dev_name(state_mdev_dev(m))
#define state_drv		(&matrix_dev->vfio_ap_drv->driver)
#define kvm_state_guest		kvm
#else
#include "vfio_ap_private.h"
#define STATE_BITS		AP_MATRIX_BITS
#define state_for_each_id(id, mask)	for_each_set_bit(id, mask, STATE_BITS)
#define state_mdev_dev(m)	(&(m)->dev)
#define state_mdev_name(m)	((m)->name)
#define state_drv		(&matrix_dev->vfio_ap_drv->driver)
#define kvm_state_guest		kvm_sim
#endif
#include "sim_state.h"

static void state_ids(struct seq_file *m, const char *what,
		      const unsigned long *mask)
{
	unsigned long id;
	bool first = true;

	seq_printf(m, " %s ", what);
	state_for_each_id(id, mask) {
		seq_printf(m, "%s%lu", first ? "" : ",", id);
		first = false;
	}
	if (first)
		seq_puts(m, "-");
}

static int state_queue(struct device *dev, void *data)
{
	struct vfio_ap_queue *q = dev_get_drvdata(dev);
	struct seq_file *m = data;

	lockdep_assert_held(&matrix_dev->mdevs_lock);
	if (!q)
		return 0;	/* probe has not finished, or remove has */
	seq_printf(m, "queue %02x.%04x %s\n", (q->apqn >> 8) & 0xff,
		   q->apqn & 0xff,
		   q->matrix_mdev ? state_mdev_name(q->matrix_mdev) : "-");
	return 0;
}

/*
 * The mdev's guest, if it has one. The hook is read without its rwsem,
 * which ranks above mdevs_lock: the dump runs at quiet points, and the
 * guest cannot go while the mdev holds its reference.
 */
static void state_guest(struct seq_file *m, struct ap_matrix_mdev *matrix_mdev)
{
	struct kvm_state_guest *kvm = matrix_mdev->kvm;

	lockdep_assert_held(&matrix_dev->mdevs_lock);
	if (!kvm)
		return;
	seq_printf(m, "guest %s kvm %p hook %s users %u\n",
		   state_mdev_name(matrix_mdev), kvm,
		   READ_ONCE(kvm->arch.crypto.pqap_hook) ==
		   &matrix_mdev->pqap_hook ? "yes" : "no",
		   refcount_read(&kvm->users_count));
}

/**
 * vfio_ap_state_show() - dump the driver's bookkeeping
 * @m: where to
 *
 * Takes guests_lock and mdevs_lock (levels 2 and 5 of the hierarchy), as
 * a walk of the mdev list and of the queues' links must.
 *
 * Return: 0.
 */
int vfio_ap_state_show(struct seq_file *m)
{
	struct ap_matrix_mdev *matrix_mdev;
	struct vfio_ap_queue *q;
	int bkt;

	mutex_lock(&matrix_dev->guests_lock);
	mutex_lock(&matrix_dev->mdevs_lock);
	list_for_each_entry(matrix_mdev, &matrix_dev->mdev_list, node) {
		seq_printf(m, "mdev %s", state_mdev_name(matrix_mdev));
		state_ids(m, "apm", matrix_mdev->matrix.apm);
		state_ids(m, "aqm", matrix_mdev->matrix.aqm);
		seq_printf(m, " refs %u\n",
			   kref_read(&state_mdev_dev(matrix_mdev)->kobj.kref));
		state_guest(m, matrix_mdev);
		hash_for_each(matrix_mdev->qtable.queues, bkt, q, mdev_qnode)
			seq_printf(m, "table %s %02x.%04x\n",
				   state_mdev_name(matrix_mdev),
				   (q->apqn >> 8) & 0xff, q->apqn & 0xff);
	}
	/* state_queue() fails nothing: an error is the walk's own. */
	if (driver_for_each_device(state_drv, NULL, m, state_queue))
		seq_puts(m, "queue walk failed\n");
	mutex_unlock(&matrix_dev->mdevs_lock);
	mutex_unlock(&matrix_dev->guests_lock);
	seq_puts(m, "end\n");
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_ap_state_show);

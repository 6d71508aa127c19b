// SPDX-License-Identifier: GPL-2.0
/*
 * The upstream-mode shim module: the debugfs control interface over the
 * simulated AP machine and the KVM shim, in the same command language
 * as the model's simulation (sim_cmd.h), and the host's default AP
 * driver.
 *
 * vfio_ap_shim/ (not vfio_ap_ref/, so that the model's simulation can be
 * loaded next to it)
 *   ap/config          as the model's: "+a N", "-d N", "scan", "apxa 0|1",
 *                      "type APID T", "reset_fail APQN RC"; "scan" runs
 *                      the real AP bus's scan
 *   guests/create      write "ID [FORMAT]"
 *   guests/destroy     write "ID"
 *   guests/ID/crycb    read the CRYCB bytes
 *   guests/ID/apcb     read the decoded masks as lists
 *   guests/ID/vcpus    write "NR RATE_HZ" to start, "0" to stop; read
 *                      "NR INTERCEPTS"
 *   guests/ID/vfio_add write a VFIO group file descriptor of the writing
 *                      process (KVM_DEV_VFIO_FILE_ADD)
 *   guests/ID/pqap     write "APQN IR" for one PQAP(AQIC) intercept;
 *                      read "RET GR1" of the last one
 *   guests/ID/vfio_del write one (KVM_DEV_VFIO_FILE_DEL)
 *   state              read the driver's bookkeeping (vfio_ap_state.c)
 *   ledger             read the driver's live allocations (sim_ledger.c)
 *
 * Guests are attached through the real VFIO group and device files, so
 * there is no vfio/ directory here.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "ap_bus.h"
#include "ap_matrix.h"
#include "apsim.h"
#include "apsim_ctl.h"
#include "kvm_shim.h"
#include "shim.h"
#include "sim_ledger.h"
#include "sim_state.h"
#include "sim_cmd.h"

static struct dentry *shim_root, *shim_guests;
/* Guest creation and destruction, with their directories. */
static DEFINE_MUTEX(shim_guests_lock);

/*
 * A scan that began after the configuration changed: a call that finds
 * a scan running waits for it and returns its result, so the second call
 * runs or waits for one that began after the first returned.
 */
static void shim_scan(void)
{
	ap_bus_force_rescan();
	ap_bus_force_rescan();
}

static const struct sim_ap_config_ops apsim_config_ops = {
	.config_set = apsim_config_set,
	.set_apxa = apsim_set_apxa,
	.set_card_type = apsim_set_card_type,
	.fail_next_reset = apsim_fail_next_reset,
	.scan = shim_scan,
	.get_config = apsim_get_config,
};

static int ap_config_fn(void *data, int argc, char **argv)
{
	return sim_ap_config_cmd(&apsim_config_ops, argc, argv);
}

static int ap_config_show(struct seq_file *m, void *v)
{
	return sim_ap_config_show(&apsim_config_ops, m);
}

SIM_RW_FOPS(ap_config);

static unsigned int guest_read_crycb(void *guest, u8 *crycb)
{
	struct kvm_shim_guest *g = guest;

	kvm_shim_read_crycb(g, crycb);
	return g->kvm->arch.crypto.crycbd & CRYCB_FORMAT_MASK;
}

static int guest_start_vcpus(void *guest, int nr, unsigned int rate_hz)
{
	return kvm_shim_start_vcpus(guest, nr, rate_hz);
}

static void guest_stop_vcpus(void *guest)
{
	kvm_shim_stop_vcpus(guest);
}

static int guest_nr_vcpus(void *guest)
{
	return READ_ONCE(((struct kvm_shim_guest *)guest)->nr_vcpus);
}

static unsigned long guest_intercepts(void *guest)
{
	return kvm_shim_intercepts(guest);
}

/* KVM_DEV_VFIO_FILE_ADD/_DEL by the group's file descriptor. */
static int guest_vfio(void *guest, bool add, const char *arg)
{
	unsigned long fd;
	int ret = sim_cmd_num(arg, INT_MAX, &fd);

	if (ret)
		return ret;
	return add ? kvm_shim_file_add(guest, fd) : kvm_shim_file_del(guest, fd);
}

/* One PQAP(AQIC) intercept, for guests/ID/pqap. */
static int guest_pqap(void *guest, int apqn, bool enable, u64 *gr1)
{
	return kvm_shim_pqap(guest, apqn, enable, gr1);
}

static const struct sim_guest_ops kvm_shim_guest_ops = {
	.read_crycb = guest_read_crycb,
	.start_vcpus = guest_start_vcpus,
	.stop_vcpus = guest_stop_vcpus,
	.nr_vcpus = guest_nr_vcpus,
	.intercepts = guest_intercepts,
	.vfio = guest_vfio,
	.pqap = guest_pqap,
};

static int guest_create_fn(void *data, int argc, char **argv)
{
	struct kvm_shim_guest *g;
	unsigned long id, fmt;
	int ret = sim_guest_create_args(argc, argv, &id, &fmt);

	if (ret)
		return ret;
	mutex_lock(&shim_guests_lock);
	g = kvm_shim_create(id, fmt);
	if (!IS_ERR(g))
		g->debugfs = sim_guest_files_add(shim_guests, g->id, g,
						 &kvm_shim_guest_ops);
	mutex_unlock(&shim_guests_lock);
	return PTR_ERR_OR_ZERO(g);
}

SIM_WRITE_FOPS(guest_create);

/* Remove the directory first: that waits for its files' writers. */
static void guest_destroy(struct kvm_shim_guest *g)
{
	lockdep_assert_held(&shim_guests_lock);
	sim_guest_files_remove(g->debugfs);
	kvm_shim_destroy(g);
}

static int guest_destroy_fn(void *data, int argc, char **argv)
{
	struct kvm_shim_guest *g;
	unsigned long id;
	int ret = sim_guest_id_arg(argc, argv, &id);

	if (ret)
		return ret;
	mutex_lock(&shim_guests_lock);
	g = kvm_shim_find(id);
	if (g)
		guest_destroy(g);
	mutex_unlock(&shim_guests_lock);
	return g ? 0 : -ENOENT;
}

SIM_WRITE_FOPS(guest_destroy);

static int __init vfio_ap_shim_init(void)
{
	struct dentry *ap;
	int ret;

	ret = sim_ledger_watch("vfio_ap");
	if (ret)
		return ret;
	ret = ap_host_drv_register();
	if (ret) {
		sim_ledger_unwatch();
		return ret;
	}
	shim_root = debugfs_create_dir("vfio_ap_shim", NULL);
	ap = debugfs_create_dir("ap", shim_root);
	debugfs_create_file("config", 0644, ap, NULL, &ap_config_fops);
	shim_guests = debugfs_create_dir("guests", shim_root);
	debugfs_create_file("create", 0200, shim_guests, NULL,
			    &guest_create_fops);
	debugfs_create_file("destroy", 0200, shim_guests, NULL,
			    &guest_destroy_fops);
	debugfs_create_file("state", 0444, shim_root, NULL, &sim_state_fops);
	debugfs_create_file("ledger", 0444, shim_root, NULL, &sim_ledger_fops);
	return 0;
}

static void __exit vfio_ap_shim_exit(void)
{
	struct kvm_shim_guest *g;

	/*
	 * The guests a run left, each with its directory's handle, as
	 * guests/destroy does; then the rest of the tree. No file is open:
	 * an open one holds the module.
	 */
	mutex_lock(&shim_guests_lock);
	while ((g = kvm_shim_first()))
		guest_destroy(g);
	mutex_unlock(&shim_guests_lock);
	debugfs_remove(shim_root);
	ap_host_drv_unregister();
	sim_ledger_unwatch();
}

module_init(vfio_ap_shim_init);
module_exit(vfio_ap_shim_exit);

MODULE_DESCRIPTION("KVM shim, host AP driver and debugfs control for the real vfio_ap");
MODULE_LICENSE("GPL");

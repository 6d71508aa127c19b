// SPDX-License-Identifier: GPL-2.0
/*
 * The upstream-mode shim module: the debugfs control interface over the
 * simulated AP machine and the KVM shim, in the same command language
 * as the model's simulation (sim_cmd.h), and the host's default AP
 * driver.
 *
 * vfio_ap_ref/
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
 *   guests/ID/vfio_del write one (KVM_DEV_VFIO_FILE_DEL)
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
#include "kvm_shim.h"
#include "shim.h"
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

static int guest_crycb_do(struct seq_file *m,
			  int (*show)(struct seq_file *m, unsigned int format,
				      const u8 *crycb))
{
	struct kvm_shim_guest *g = m->private;
	u8 *crycb = kmalloc(AP_CRYCB_SIZE, GFP_KERNEL);
	int ret;

	if (!crycb)
		return -ENOMEM;
	kvm_shim_read_crycb(g, crycb);
	ret = show(m, g->kvm->arch.crypto.crycbd & CRYCB_FORMAT_MASK, crycb);
	kfree(crycb);
	return ret;
}

static int guest_crycb_show(struct seq_file *m, void *v)
{
	return guest_crycb_do(m, sim_show_crycb);
}
DEFINE_SHOW_ATTRIBUTE(guest_crycb);

static int guest_apcb_show(struct seq_file *m, void *v)
{
	return guest_crycb_do(m, sim_show_apcb);
}
DEFINE_SHOW_ATTRIBUTE(guest_apcb);

static int guest_vcpus_fn(void *data, int argc, char **argv)
{
	unsigned long nr, rate;
	int ret = sim_vcpus_args(argc, argv, &nr, &rate);

	if (ret)
		return ret;
	if (!nr) {
		kvm_shim_stop_vcpus(data);
		return 0;
	}
	return kvm_shim_start_vcpus(data, nr, rate);
}

static int guest_vcpus_show(struct seq_file *m, void *v)
{
	struct kvm_shim_guest *g = m->private;

	seq_printf(m, "%d %lu\n", READ_ONCE(g->nr_vcpus),
		   kvm_shim_intercepts(g));
	return 0;
}

SIM_RW_FOPS(guest_vcpus);

static int fd_arg(int argc, char **argv, int *fd)
{
	unsigned long v;
	int ret;

	if (argc != 1)
		return -EINVAL;
	ret = sim_cmd_num(argv[0], INT_MAX, &v);
	*fd = v;
	return ret;
}

static int guest_vfio_add_fn(void *data, int argc, char **argv)
{
	int fd, ret = fd_arg(argc, argv, &fd);

	return ret ? ret : kvm_shim_file_add(data, fd);
}

SIM_WRITE_FOPS(guest_vfio_add);

static int guest_vfio_del_fn(void *data, int argc, char **argv)
{
	int fd, ret = fd_arg(argc, argv, &fd);

	return ret ? ret : kvm_shim_file_del(data, fd);
}

SIM_WRITE_FOPS(guest_vfio_del);

static void guest_add_files(struct kvm_shim_guest *g)
{
	char name[8];

	snprintf(name, sizeof(name), "%d", g->id);
	g->dir = debugfs_create_dir(name, shim_guests);
	debugfs_create_file("crycb", 0444, g->dir, g, &guest_crycb_fops);
	debugfs_create_file("apcb", 0444, g->dir, g, &guest_apcb_fops);
	debugfs_create_file("vcpus", 0644, g->dir, g, &guest_vcpus_fops);
	debugfs_create_file("vfio_add", 0200, g->dir, g,
			    &guest_vfio_add_fops);
	debugfs_create_file("vfio_del", 0200, g->dir, g,
			    &guest_vfio_del_fops);
}

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
		guest_add_files(g);
	mutex_unlock(&shim_guests_lock);
	return PTR_ERR_OR_ZERO(g);
}

SIM_WRITE_FOPS(guest_create);

/* Remove the directory first: that waits for its files' writers. */
static void guest_destroy(struct kvm_shim_guest *g)
{
	lockdep_assert_held(&shim_guests_lock);
	debugfs_remove(g->dir);
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

	ret = ap_host_drv_register();
	if (ret)
		return ret;
	shim_root = debugfs_create_dir("vfio_ap_ref", NULL);
	ap = debugfs_create_dir("ap", shim_root);
	debugfs_create_file("config", 0644, ap, NULL, &ap_config_fops);
	shim_guests = debugfs_create_dir("guests", shim_root);
	debugfs_create_file("create", 0200, shim_guests, NULL,
			    &guest_create_fops);
	debugfs_create_file("destroy", 0200, shim_guests, NULL,
			    &guest_destroy_fops);
	return 0;
}

static void __exit vfio_ap_shim_exit(void)
{
	struct kvm_shim_guest *g;

	debugfs_remove(shim_root);
	mutex_lock(&shim_guests_lock);
	while ((g = kvm_shim_first()))
		kvm_shim_destroy(g);
	mutex_unlock(&shim_guests_lock);
	ap_host_drv_unregister();
}

module_init(vfio_ap_shim_init);
module_exit(vfio_ap_shim_exit);

MODULE_DESCRIPTION("KVM shim, host AP driver and debugfs control for the real vfio_ap");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs control interface of the simulation. It listens to the
 * simulated KVM and VFIO for the guests' directories and the devices'
 * files; the models do not call it.
 *
 * vfio_ap_ref/
 *   ap/config          write "+a N", "-a N", "+d N", "-d N", "+c N",
 *                      "-c N", "scan", "apxa 0|1", "type APID T",
 *                      "reset_fail APQN RC"; read the host config
 *   guests/create      write "ID [FORMAT]" (FORMAT 0, 1 or 3; default 3)
 *   guests/destroy     write "ID"
 *   guests/ID/crycb    read the CRYCB bytes (APCB0 and APCB1) in hex
 *   guests/ID/apcb     read the decoded masks as lists
 *   guests/ID/vcpus    write "NR RATE_HZ" to start, "0" to stop; read
 *                      "NR INTERCEPTS"
 *   guests/ID/vfio_add write an mdev UUID (KVM_DEV_VFIO_FILE_ADD)
 *   guests/ID/pqap     write "APQN IR" for one PQAP(AQIC) intercept;
 *                      read "RET GR1" of the last one
 *   guests/ID/vfio_del write an mdev UUID (KVM_DEV_VFIO_FILE_DEL)
 *   vfio/UUID          open() opens the VFIO device, close() closes it
 *   state              read the driver's bookkeeping (vfio_ap_state.c)
 *   ledger             read the driver's live allocations (sim_ledger.c)
 *
 * Every write is parsed whole before anything changes; bad input gives
 * -EINVAL (-ERANGE for numbers out of range) and changes nothing.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sim_ap_bus.h"
#include "sim_cmd.h"
#include "sim_internal.h"
#include "sim_kvm.h"
#include "sim_state.h"
#include "sim_vfio.h"

static struct dentry *sim_root, *sim_guests, *sim_vfio;

static const struct sim_ap_config_ops ap_sim_config_ops = {
	.config_set = ap_sim_config_set,
	.set_apxa = ap_sim_set_apxa,
	.set_card_type = ap_sim_set_card_type,
	.fail_next_reset = ap_sim_fail_next_reset,
	.scan = ap_sim_scan,
	.get_config = ap_sim_get_config,
};

static int ap_config_fn(void *data, int argc, char **argv)
{
	return sim_ap_config_cmd(&ap_sim_config_ops, argc, argv);
}

static int ap_config_show(struct seq_file *m, void *v)
{
	return sim_ap_config_show(&ap_sim_config_ops, m);
}

SIM_RW_FOPS(ap_config);

static int guest_create_fn(void *data, int argc, char **argv)
{
	unsigned long id, fmt;
	int ret = sim_guest_create_args(argc, argv, &id, &fmt);

	return ret ? ret : PTR_ERR_OR_ZERO(kvm_sim_create(id, fmt));
}

SIM_WRITE_FOPS(guest_create);

static int guest_destroy_fn(void *data, int argc, char **argv)
{
	unsigned long id;
	int ret = sim_guest_id_arg(argc, argv, &id);

	return ret ? ret : kvm_sim_destroy(id);
}

SIM_WRITE_FOPS(guest_destroy);

static unsigned int guest_read_crycb(void *guest, u8 *crycb)
{
	struct kvm_sim *kvm = guest;

	kvm_sim_read_crycb(kvm, crycb);
	return kvm->arch.crypto.crycbd;
}

static int guest_start_vcpus(void *guest, int nr, unsigned int rate_hz)
{
	return kvm_sim_start_vcpus(guest, nr, rate_hz);
}

static void guest_stop_vcpus(void *guest)
{
	kvm_sim_stop_vcpus(guest);
}

static int guest_nr_vcpus(void *guest)
{
	return READ_ONCE(((struct kvm_sim *)guest)->nr_vcpus);
}

static unsigned long guest_intercepts(void *guest)
{
	return kvm_sim_intercepts(guest);
}

/* KVM_DEV_VFIO_FILE_ADD/_DEL by the mdev's UUID. */
static int guest_vfio(void *guest, bool add, const char *uuid)
{
	return add ? kvm_sim_vfio_add(guest, uuid) : kvm_sim_vfio_del(guest, uuid);
}

/* One PQAP(AQIC) intercept on a vCPU of its own, for guests/ID/pqap. */
static int guest_pqap(void *guest, int apqn, bool enable, u64 *gr1)
{
	struct kvm_sim_vcpu vcpu = { .kvm = guest, .id = 64 };
	int ret = kvm_sim_pqap(&vcpu, apqn, enable);

	*gr1 = vcpu.gprs[1];
	return ret;
}

static const struct sim_guest_ops kvm_sim_guest_ops = {
	.read_crycb = guest_read_crycb,
	.start_vcpus = guest_start_vcpus,
	.stop_vcpus = guest_stop_vcpus,
	.nr_vcpus = guest_nr_vcpus,
	.intercepts = guest_intercepts,
	.vfio = guest_vfio,
	.pqap = guest_pqap,
};

/* A new guest gets guests/ID. */
static void sim_debugfs_add_guest(struct kvm_sim *kvm)
{
	if (sim_guests)
		kvm->debugfs = sim_guest_files_add(sim_guests, kvm->id, kvm,
						   &kvm_sim_guest_ops);
}

/* Remove guests/ID, waiting for its users. */
static void sim_debugfs_remove_guest(struct kvm_sim *kvm)
{
	sim_guest_files_remove(kvm->debugfs);
	kvm->debugfs = NULL;
}

static const struct kvm_sim_listener sim_debugfs_guests = {
	.added = sim_debugfs_add_guest,
	.removed = sim_debugfs_remove_guest,
};

static int vfio_file_open(struct inode *inode, struct file *file)
{
	struct vfio_sim_device *vdev = inode->i_private;
	int ret = vfio_sim_open(vdev);

	if (!ret)
		file->private_data = vdev;
	return ret;
}

static int vfio_file_release(struct inode *inode, struct file *file)
{
	vfio_sim_close(file->private_data);
	return 0;
}

static const struct file_operations vfio_file_fops = {
	.owner = THIS_MODULE,
	.open = vfio_file_open,
	.release = vfio_file_release,
};

/* A registered device gets vfio/NAME. */
static void sim_debugfs_add_vfio(struct vfio_sim_device *vdev)
{
	if (sim_vfio)
		vdev->file = debugfs_create_file(vdev->name, 0600, sim_vfio,
						 vdev, &vfio_file_fops);
}

/*
 * Remove vfio/NAME; waits for open() calls in progress, while open files
 * keep working until closed.
 */
static void sim_debugfs_remove_vfio(struct vfio_sim_device *vdev)
{
	debugfs_remove(vdev->file);
	vdev->file = NULL;
}

static const struct vfio_sim_listener sim_debugfs_devices = {
	.added = sim_debugfs_add_vfio,
	.removed = sim_debugfs_remove_vfio,
};

/**
 * vfio_ap_sim_ctl() - write to a control file from a kernel buffer
 * @name: "ap/config", "guests/create", "guests/destroy", or for the guest
 *	@data: "vcpus", "vfio_add", "vfio_del"
 * @data: the guest for the per-guest files, else NULL
 * @in: the bytes written, not necessarily NUL-terminated
 * @count: their number
 *
 * The same checks and commands as a write() to the debugfs file, for the
 * KUnit tests, which run without a mounted debugfs.
 *
 * Return: @count, or the negative errno the write() would return.
 */
ssize_t vfio_ap_sim_ctl(const char *name, void *data, const char *in,
			size_t count)
{
	static const struct {
		const char *name;
		sim_cmd_fn fn;
	} files[] = {
		{ "ap/config", ap_config_fn },
		{ "guests/create", guest_create_fn },
		{ "guests/destroy", guest_destroy_fn },
	};
	struct sim_guest_files guest = { .guest = data,
					 .ops = &kvm_sim_guest_ops };
	sim_cmd_fn fn = sim_guest_cmd(name);
	ssize_t ret;
	char *buf;
	int i;

	for (i = 0; i < ARRAY_SIZE(files) && !fn; i++)
		if (!strcmp(files[i].name, name))
			fn = files[i].fn;
	if (!fn)
		return -ENOENT;
	if (!count || count > SIM_CMD_MAX)
		return -EINVAL;
	buf = kmemdup_nul(in, count, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = sim_cmd_run(buf, count, fn, sim_guest_cmd(name) ? &guest : data);
	kfree(buf);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_ctl);

/**
 * sim_debugfs_init() - create vfio_ap_ref/ and listen to KVM and VFIO
 *
 * Without debugfs, nothing is created and the C interface still works,
 * e.g. for KUnit.
 */
void sim_debugfs_init(void)
{
	struct dentry *ap;

	sim_root = debugfs_create_dir("vfio_ap_ref", NULL);
	if (IS_ERR(sim_root)) {
		sim_root = NULL;
		return;
	}
	ap = debugfs_create_dir("ap", sim_root);
	debugfs_create_file("config", 0644, ap, NULL, &ap_config_fops);
	sim_guests = debugfs_create_dir("guests", sim_root);
	debugfs_create_file("create", 0200, sim_guests, NULL,
			    &guest_create_fops);
	debugfs_create_file("destroy", 0200, sim_guests, NULL,
			    &guest_destroy_fops);
	sim_vfio = debugfs_create_dir("vfio", sim_root);
	debugfs_create_file("state", 0444, sim_root, NULL, &sim_state_fops);
	debugfs_create_file("ledger", 0444, sim_root, NULL, &sim_ledger_fops);
	kvm_sim_set_listener(&sim_debugfs_guests);
	vfio_sim_set_listener(&sim_debugfs_devices);
}

/**
 * sim_debugfs_exit() - stop listening and remove vfio_ap_ref/
 *
 * Called when no guest and no VFIO device is left.
 */
void sim_debugfs_exit(void)
{
	vfio_sim_set_listener(NULL);
	kvm_sim_set_listener(NULL);
	debugfs_remove(sim_root);
	sim_root = NULL;
	sim_guests = NULL;
	sim_vfio = NULL;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs control interface of the simulation, and the module's init.
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
 *   guests/ID/vfio_del write an mdev UUID (KVM_DEV_VFIO_FILE_DEL)
 *   vfio/UUID          open() opens the VFIO device, close() closes it
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
#include "sim_internal.h"
#include "sim_kvm.h"
#include "sim_vfio.h"

#define SIM_CMD_MAX	128

static struct dentry *sim_root, *sim_guests, *sim_vfio;

/*
 * Check a NUL-terminated command of @count bytes and drop one trailing
 * newline. Only printable ASCII is accepted: an embedded NUL, control
 * characters or non-ASCII bytes make the whole write -EINVAL.
 */
static int sim_check_cmd(char *buf, size_t count)
{
	size_t len = count, i;

	if (buf[len - 1] == '\n')
		buf[--len] = '\0';
	for (i = 0; i < len; i++)
		if (buf[i] < 0x20 || buf[i] > 0x7e)
			return -EINVAL;
	return len ? 0 : -EINVAL;
}

/* Split "a b c" into at most @max words separated by single spaces. */
static int sim_split(char *buf, char **argv, int max)
{
	int argc = 0;
	char *tok;

	while ((tok = strsep(&buf, " "))) {
		if (!*tok || argc == max)
			return -EINVAL;
		argv[argc++] = tok;
	}
	return argc;
}

static int sim_num(const char *s, unsigned long max, unsigned long *v)
{
	int ret = kstrtoul(s, 0, v);

	if (ret)
		return ret;
	return *v > max ? -ERANGE : 0;
}

static int ap_config_cmd(int argc, char **argv)
{
	unsigned long a, b;
	int ret;

	if (argc == 1 && !strcmp(argv[0], "scan")) {
		ap_sim_scan();
		return 0;
	}
	if (argc != 2 && argc != 3)
		return -EINVAL;
	if (argc == 2 && !strcmp(argv[0], "apxa")) {
		ret = sim_num(argv[1], 1, &a);
		return ret ? ret : ap_sim_set_apxa(a);
	}
	if (argc == 2 && strlen(argv[0]) == 2 &&
	    (argv[0][0] == '+' || argv[0][0] == '-') &&
	    strchr("adc", argv[0][1])) {
		ret = sim_num(argv[1], AP_MATRIX_BITS - 1, &a);
		return ret ? ret : ap_sim_config_set(argv[0][1], a,
						     argv[0][0] == '+');
	}
	if (argc == 3 && !strcmp(argv[0], "type")) {
		ret = sim_num(argv[1], AP_MATRIX_BITS - 1, &a);
		if (!ret && !strcmp(argv[2], "unknown"))
			return ap_sim_set_card_type(a, -1);
		ret = ret ? : sim_num(argv[2], 255, &b);
		return ret ? ret : ap_sim_set_card_type(a, b);
	}
	if (argc == 3 && !strcmp(argv[0], "reset_fail")) {
		ret = sim_num(argv[1], 0xffff, &a);
		ret = ret ? : sim_num(argv[2], 0xff, &b);
		return ret ? ret : ap_sim_fail_next_reset(a, b);
	}
	return -EINVAL;
}

typedef int (*sim_cmd_fn)(void *data, int argc, char **argv);

/* Check, split and run one command; a write()'s return value. */
static ssize_t sim_run(char *buf, size_t count, sim_cmd_fn fn, void *data)
{
	char *argv[4];
	int argc, ret;

	ret = sim_check_cmd(buf, count);
	if (!ret) {
		argc = sim_split(buf, argv, ARRAY_SIZE(argv));
		ret = argc < 0 ? argc : fn(data, argc, argv);
	}
	return ret ? ret : count;
}

static ssize_t sim_write(struct file *file, const char __user *ubuf,
			 size_t count, sim_cmd_fn fn)
{
	ssize_t ret;
	char *buf;

	if (!count || count > SIM_CMD_MAX)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = sim_run(buf, count, fn, file->f_inode->i_private);
	kfree(buf);
	return ret;
}

/* The write() of a command file: parse with sim_write(), run _name##_fn. */
#define SIM_WRITE_FN(_name)						\
static ssize_t _name##_write(struct file *file, const char __user *ubuf, \
			     size_t count, loff_t *ppos)		\
{									\
	return sim_write(file, ubuf, count, _name##_fn);		\
}

/* A write-only command file. */
#define SIM_WRITE_FOPS(_name)						\
SIM_WRITE_FN(_name)							\
static const struct file_operations _name##_fops = {			\
	.owner = THIS_MODULE,						\
	.write = _name##_write,						\
}

/* A command file that also reads back through _name##_show. */
#define SIM_RW_FOPS(_name)						\
SIM_WRITE_FN(_name)							\
static int _name##_open(struct inode *inode, struct file *file)	\
{									\
	return single_open(file, _name##_show, inode->i_private);	\
}									\
static const struct file_operations _name##_fops = {			\
	.owner = THIS_MODULE,						\
	.open = _name##_open,						\
	.read = seq_read,						\
	.llseek = seq_lseek,						\
	.release = single_release,					\
	.write = _name##_write,						\
}

static int ap_config_fn(void *data, int argc, char **argv)
{
	return ap_config_cmd(argc, argv);
}

static int ap_config_show(struct seq_file *m, void *v)
{
	struct ap_matrix *cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);

	if (!cfg)
		return -ENOMEM;
	ap_sim_get_config(cfg);
	seq_printf(m, "apm %*pbl\naqm %*pbl\nadm %*pbl\n",
		   AP_MATRIX_BITS, cfg->apm, AP_MATRIX_BITS, cfg->aqm,
		   AP_MATRIX_BITS, cfg->adm);
	seq_printf(m, "max %lu %lu %lu\n", cfg->apm_max, cfg->aqm_max,
		   cfg->adm_max);
	kfree(cfg);
	return 0;
}

SIM_RW_FOPS(ap_config);

static int guest_create_fn(void *data, int argc, char **argv)
{
	unsigned long id, fmt = AP_CRYCB_FORMAT2;
	struct kvm_sim *kvm;
	int ret;

	if (argc < 1 || argc > 2)
		return -EINVAL;
	ret = sim_num(argv[0], 9999, &id);
	if (!ret && argc == 2)
		ret = sim_num(argv[1], 3, &fmt);
	if (ret)
		return ret;
	if (fmt == 2)
		return -EINVAL;
	kvm = kvm_sim_create(id, fmt);
	return PTR_ERR_OR_ZERO(kvm);
}

SIM_WRITE_FOPS(guest_create);

static int guest_destroy_fn(void *data, int argc, char **argv)
{
	unsigned long id;
	int ret;

	if (argc != 1)
		return -EINVAL;
	ret = sim_num(argv[0], 9999, &id);
	return ret ? ret : kvm_sim_destroy(id);
}

SIM_WRITE_FOPS(guest_destroy);

static int guest_crycb_show(struct seq_file *m, void *v)
{
	struct kvm_sim *kvm = m->private;
	u8 *crycb = kmalloc(AP_CRYCB_SIZE, GFP_KERNEL);

	if (!crycb)
		return -ENOMEM;
	kvm_sim_read_crycb(kvm, crycb);
	seq_printf(m, "format %d\n", kvm->arch.crypto.crycbd);
	seq_printf(m, "apcb0 %*phN\n", AP_CRYCB_APCB0_SIZE,
		   crycb + AP_CRYCB_APCB0);
	seq_printf(m, "apcb1 %*phN\n", 64, crycb + AP_CRYCB_APCB1);
	seq_printf(m, "apcb1+ %*phN\n", 64, crycb + AP_CRYCB_APCB1 + 64);
	kfree(crycb);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(guest_crycb);

static int guest_apcb_show(struct seq_file *m, void *v)
{
	struct kvm_sim *kvm = m->private;
	unsigned long *masks = kcalloc(3, BITS_TO_LONGS(AP_MATRIX_BITS) *
				       sizeof(long), GFP_KERNEL);
	unsigned long *apm = masks, *aqm, *adm;
	bool f2 = kvm->arch.crypto.crycbd == AP_CRYCB_FORMAT2;
	u8 *crycb = kmalloc(AP_CRYCB_SIZE, GFP_KERNEL);
	u8 *apcb;

	if (!masks || !crycb) {
		kfree(masks);
		kfree(crycb);
		return -ENOMEM;
	}
	aqm = apm + BITS_TO_LONGS(AP_MATRIX_BITS);
	adm = aqm + BITS_TO_LONGS(AP_MATRIX_BITS);
	kvm_sim_read_crycb(kvm, crycb);
	apcb = crycb + (f2 ? AP_CRYCB_APCB1 : AP_CRYCB_APCB0);
	ap_matrix_mask_from_bytes(apm, apcb, f2 ? 32 : 8);
	ap_matrix_mask_from_bytes(aqm, apcb + (f2 ? 0x20 : 0x08), f2 ? 32 : 2);
	ap_matrix_mask_from_bytes(adm, apcb + (f2 ? 0x40 : 0x10), f2 ? 32 : 2);
	seq_printf(m, "apm %*pbl\naqm %*pbl\nadm %*pbl\n",
		   AP_MATRIX_BITS, apm, AP_MATRIX_BITS, aqm,
		   AP_MATRIX_BITS, adm);
	kfree(masks);
	kfree(crycb);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(guest_apcb);

static int guest_vcpus_fn(void *data, int argc, char **argv)
{
	unsigned long nr, rate;
	int ret;

	if (argc == 1) {
		ret = sim_num(argv[0], 0, &nr);
		if (!ret)
			kvm_sim_stop_vcpus(data);
		return ret;
	}
	if (argc != 2)
		return -EINVAL;
	ret = sim_num(argv[0], 64, &nr);
	ret = ret ? : sim_num(argv[1], 100000, &rate);
	return ret ? ret : kvm_sim_start_vcpus(data, nr, rate);
}

static int guest_vcpus_show(struct seq_file *m, void *v)
{
	struct kvm_sim *kvm = m->private;

	seq_printf(m, "%d %lu\n", READ_ONCE(kvm->nr_vcpus),
		   kvm_sim_intercepts(kvm));
	return 0;
}

SIM_RW_FOPS(guest_vcpus);

static int guest_vfio_add_fn(void *data, int argc, char **argv)
{
	return argc == 1 ? kvm_sim_vfio_add(data, argv[0]) : -EINVAL;
}

SIM_WRITE_FOPS(guest_vfio_add);

static int guest_vfio_del_fn(void *data, int argc, char **argv)
{
	return argc == 1 ? kvm_sim_vfio_del(data, argv[0]) : -EINVAL;
}

SIM_WRITE_FOPS(guest_vfio_del);

/**
 * sim_debugfs_add_guest() - create guests/ID for a new guest
 * @kvm: the guest
 */
void sim_debugfs_add_guest(struct kvm_sim *kvm)
{
	char name[8];

	if (!sim_guests)
		return;
	snprintf(name, sizeof(name), "%d", kvm->id);
	kvm->dir = debugfs_create_dir(name, sim_guests);
	debugfs_create_file("crycb", 0444, kvm->dir, kvm, &guest_crycb_fops);
	debugfs_create_file("apcb", 0444, kvm->dir, kvm, &guest_apcb_fops);
	debugfs_create_file("vcpus", 0644, kvm->dir, kvm, &guest_vcpus_fops);
	debugfs_create_file("vfio_add", 0200, kvm->dir, kvm,
			    &guest_vfio_add_fops);
	debugfs_create_file("vfio_del", 0200, kvm->dir, kvm,
			    &guest_vfio_del_fops);
}

/**
 * sim_debugfs_remove_guest() - remove guests/ID, waiting for its users
 * @kvm: the guest
 */
void sim_debugfs_remove_guest(struct kvm_sim *kvm)
{
	debugfs_remove(kvm->dir);
	kvm->dir = NULL;
}

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

/**
 * sim_debugfs_add_vfio() - create vfio/NAME for a registered device
 * @vdev: the device
 */
void sim_debugfs_add_vfio(struct vfio_sim_device *vdev)
{
	if (sim_vfio)
		vdev->file = debugfs_create_file(vdev->name, 0600, sim_vfio,
						 vdev, &vfio_file_fops);
}

/**
 * sim_debugfs_remove_vfio() - remove vfio/NAME; waits for open() calls
 * in progress, while open files keep working until closed
 * @vdev: the device
 */
void sim_debugfs_remove_vfio(struct vfio_sim_device *vdev)
{
	debugfs_remove(vdev->file);
	vdev->file = NULL;
}

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
		{ "vcpus", guest_vcpus_fn },
		{ "vfio_add", guest_vfio_add_fn },
		{ "vfio_del", guest_vfio_del_fn },
	};
	ssize_t ret;
	char *buf;
	int i;

	for (i = 0; i < ARRAY_SIZE(files); i++)
		if (!strcmp(files[i].name, name))
			break;
	if (i == ARRAY_SIZE(files))
		return -ENOENT;
	if (!count || count > SIM_CMD_MAX)
		return -EINVAL;
	buf = kmemdup_nul(in, count, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = sim_run(buf, count, files[i].fn, data);
	kfree(buf);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_ctl);

static int __init vfio_ap_sim_init(void)
{
	struct dentry *ap;
	int ret;

	ret = ap_sim_bus_init();
	if (ret)
		return ret;
	sim_root = debugfs_create_dir("vfio_ap_ref", NULL);
	if (IS_ERR(sim_root)) {
		/* No debugfs: the C interface still works, e.g. for KUnit. */
		sim_root = NULL;
		return 0;
	}
	ap = debugfs_create_dir("ap", sim_root);
	debugfs_create_file("config", 0644, ap, NULL, &ap_config_fops);
	sim_guests = debugfs_create_dir("guests", sim_root);
	debugfs_create_file("create", 0200, sim_guests, NULL,
			    &guest_create_fops);
	debugfs_create_file("destroy", 0200, sim_guests, NULL,
			    &guest_destroy_fops);
	sim_vfio = debugfs_create_dir("vfio", sim_root);
	return 0;
}

static void __exit vfio_ap_sim_exit(void)
{
	kvm_sim_exit();
	debugfs_remove(sim_root);
	ap_sim_bus_exit();
}

module_init(vfio_ap_sim_init);
module_exit(vfio_ap_sim_exit);

MODULE_DESCRIPTION("Simulated AP bus, KVM guests and VFIO for vfio_ap_ref");
MODULE_LICENSE("GPL");

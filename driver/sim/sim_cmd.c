// SPDX-License-Identifier: GPL-2.0
/*
 * The command language of the simulations' debugfs control files: the
 * checks every write gets, and the ap/config commands. Built into the
 * model's simulation module and into the upstream-mode shim module.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "ap_matrix.h"
#include "sim_cmd.h"
#include "sim_state.h"

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

/**
 * sim_cmd_num() - parse one number of a command
 * @s: the word, as kstrtoul(@s, 0) takes it
 * @max: the largest value allowed
 * @v: the value
 *
 * Return: 0, -EINVAL for garbage, -ERANGE above @max or on overflow.
 */
int sim_cmd_num(const char *s, unsigned long max, unsigned long *v)
{
	int ret = kstrtoul(s, 0, v);

	if (ret)
		return ret;
	return *v > max ? -ERANGE : 0;
}

/**
 * sim_cmd_run() - check, split and run one command
 * @buf: the command, NUL-terminated, @count bytes before the NUL; the
 *	words are split in place
 * @count: its length
 * @fn: what runs it
 * @data: passed to @fn
 *
 * Return: @count, or the negative errno a write() returns.
 */
ssize_t sim_cmd_run(char *buf, size_t count, sim_cmd_fn fn, void *data)
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

/**
 * sim_cmd_write() - the write() of a command file
 * @file: the control file; its inode's i_private is passed to @fn
 * @ubuf: the user's bytes
 * @count: their number, at most SIM_CMD_MAX
 * @fn: what runs the command
 *
 * Return: @count, or a negative errno.
 */
ssize_t sim_cmd_write(struct file *file, const char __user *ubuf,
		      size_t count, sim_cmd_fn fn)
{
	ssize_t ret;
	char *buf;

	if (!count || count > SIM_CMD_MAX)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = sim_cmd_run(buf, count, fn, file->f_inode->i_private);
	kfree(buf);
	return ret;
}

/**
 * sim_cmd_kind() - the kind of id a command letter names
 * @c: "a" (adapter), "d" (usage domain) or "c" (control domain), as in
 *	the ap/config commands "+a N", "+d N" and "+c N"
 * @kind: set to the kind
 *
 * Return: 0, or -EINVAL for another letter.
 */
int sim_cmd_kind(char c, enum ap_matrix_kind *kind)
{
	switch (c) {
	case 'a':
		*kind = AP_MATRIX_ADAPTER;
		return 0;
	case 'd':
		*kind = AP_MATRIX_DOMAIN;
		return 0;
	case 'c':
		*kind = AP_MATRIX_CDOM;
		return 0;
	}
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(sim_cmd_kind);

/**
 * sim_ap_config_cmd() - run one ap/config command
 * @ops: the AP machine it acts on
 * @argc: number of words
 * @argv: the words
 *
 * Return: 0 or a negative errno.
 */
int sim_ap_config_cmd(const struct sim_ap_config_ops *ops, int argc,
		      char **argv)
{
	enum ap_matrix_kind kind;
	unsigned long a, b;
	int ret;

	if (argc == 1 && !strcmp(argv[0], "scan")) {
		ops->scan();
		return 0;
	}
	if (argc != 2 && argc != 3)
		return -EINVAL;
	if (argc == 2 && !strcmp(argv[0], "apxa")) {
		ret = sim_cmd_num(argv[1], 1, &a);
		return ret ? ret : ops->set_apxa(a);
	}
	if (argc == 2 && strlen(argv[0]) == 2 &&
	    (argv[0][0] == '+' || argv[0][0] == '-') &&
	    !sim_cmd_kind(argv[0][1], &kind)) {
		ret = sim_cmd_num(argv[1], AP_MATRIX_BITS - 1, &a);
		return ret ? ret : ops->config_set(kind, a, argv[0][0] == '+');
	}
	if (argc == 3 && !strcmp(argv[0], "type")) {
		ret = sim_cmd_num(argv[1], AP_MATRIX_BITS - 1, &a);
		if (!ret && !strcmp(argv[2], "unknown"))
			return ops->set_card_type(a, -1);
		ret = ret ? : sim_cmd_num(argv[2], 255, &b);
		return ret ? ret : ops->set_card_type(a, b);
	}
	if (argc == 3 && !strcmp(argv[0], "reset_fail")) {
		ret = sim_cmd_num(argv[1], 0xffff, &a);
		ret = ret ? : sim_cmd_num(argv[2], 0xff, &b);
		return ret ? ret : ops->fail_next_reset(a, b);
	}
	return -EINVAL;
}

/**
 * sim_ap_config_show() - read ap/config: the host configuration
 * @ops: the AP machine
 * @m: the seq_file
 *
 * Lines "apm <list>", "aqm <list>", "adm <list>" and "max A D C".
 *
 * Return: 0 or -ENOMEM.
 */
int sim_ap_config_show(const struct sim_ap_config_ops *ops,
		       struct seq_file *m)
{
	struct ap_matrix *cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);

	if (!cfg)
		return -ENOMEM;
	ops->get_config(cfg);
	seq_printf(m, "apm %*pbl\naqm %*pbl\nadm %*pbl\n",
		   AP_MATRIX_BITS, cfg->apm, AP_MATRIX_BITS, cfg->aqm,
		   AP_MATRIX_BITS, cfg->adm);
	seq_printf(m, "max %lu %lu %lu\n", cfg->apm_max, cfg->aqm_max,
		   cfg->adm_max);
	kfree(cfg);
	return 0;
}

/* Guest numbers run from 0 to SIM_GUEST_MAX. */
#define SIM_GUEST_MAX	9999

/**
 * sim_guest_create_args() - parse "ID [FORMAT]" of guests/create
 * @argc: number of words
 * @argv: the words
 * @id: the guest number
 * @fmt: the CRYCB format: 0, 1 or 3 (format 2); 3 when not given
 *
 * Return: 0, -EINVAL or -ERANGE.
 */
int sim_guest_create_args(int argc, char **argv, unsigned long *id,
			  unsigned long *fmt)
{
	int ret;

	*fmt = AP_CRYCB_FORMAT2;
	if (argc < 1 || argc > 2)
		return -EINVAL;
	ret = sim_cmd_num(argv[0], SIM_GUEST_MAX, id);
	if (!ret && argc == 2)
		ret = sim_cmd_num(argv[1], AP_CRYCB_FORMAT2, fmt);
	if (ret)
		return ret;
	return *fmt == 2 ? -EINVAL : 0;
}

/**
 * sim_guest_id_arg() - parse "ID" of guests/destroy
 * @argc: number of words
 * @argv: the words
 * @id: the guest number
 *
 * Return: 0, -EINVAL or -ERANGE.
 */
int sim_guest_id_arg(int argc, char **argv, unsigned long *id)
{
	if (argc != 1)
		return -EINVAL;
	return sim_cmd_num(argv[0], SIM_GUEST_MAX, id);
}

/* "NR RATE_HZ" or "0" of guests/ID/vcpus. */
static int sim_vcpus_args(int argc, char **argv, unsigned long *nr,
			  unsigned long *rate)
{
	int ret;

	*rate = 0;
	if (argc == 1)
		return sim_cmd_num(argv[0], 0, nr);
	if (argc != 2)
		return -EINVAL;
	ret = sim_cmd_num(argv[0], 64, nr);
	return ret ? : sim_cmd_num(argv[1], 100000, rate);
}

/* The guest's CRYCB bytes, read consistently, for @show. */
static int guest_crycb_do(struct seq_file *m,
			  void (*show)(struct seq_file *m, unsigned int format,
				       const u8 *crycb))
{
	struct sim_guest_files *f = m->private;
	u8 *crycb = kmalloc(AP_CRYCB_SIZE, GFP_KERNEL);

	if (!crycb)
		return -ENOMEM;
	show(m, f->ops->read_crycb(f->guest, crycb), crycb);
	kfree(crycb);
	return 0;
}

/* guests/ID/crycb: the CRYCB bytes in hex. */
static void show_crycb(struct seq_file *m, unsigned int format,
		       const u8 *crycb)
{
	seq_printf(m, "format %u\n", format);
	seq_printf(m, "apcb0 %*phN\n", AP_CRYCB_APCB0_SIZE,
		   crycb + AP_CRYCB_APCB0);
	seq_printf(m, "apcb1 %*phN\n", 64, crycb + AP_CRYCB_APCB1);
	seq_printf(m, "apcb1+ %*phN\n", 64, crycb + AP_CRYCB_APCB1 + 64);
}

/* guests/ID/apcb: the granted masks as lists. */
static void show_apcb(struct seq_file *m, unsigned int format,
		      const u8 *crycb)
{
	DECLARE_BITMAP(apm, AP_MATRIX_BITS);
	DECLARE_BITMAP(aqm, AP_MATRIX_BITS);
	DECLARE_BITMAP(adm, AP_MATRIX_BITS);

	ap_matrix_decode_apcb(format, crycb, apm, aqm, adm);
	seq_printf(m, "apm %*pbl\naqm %*pbl\nadm %*pbl\n",
		   AP_MATRIX_BITS, apm, AP_MATRIX_BITS, aqm,
		   AP_MATRIX_BITS, adm);
}

static int guest_crycb_show(struct seq_file *m, void *v)
{
	return guest_crycb_do(m, show_crycb);
}
DEFINE_SHOW_ATTRIBUTE(guest_crycb);

static int guest_apcb_show(struct seq_file *m, void *v)
{
	return guest_crycb_do(m, show_apcb);
}
DEFINE_SHOW_ATTRIBUTE(guest_apcb);

static int guest_vcpus_fn(void *data, int argc, char **argv)
{
	struct sim_guest_files *f = data;
	unsigned long nr, rate;
	int ret = sim_vcpus_args(argc, argv, &nr, &rate);

	if (ret)
		return ret;
	if (!nr) {
		f->ops->stop_vcpus(f->guest);
		return 0;
	}
	return f->ops->start_vcpus(f->guest, nr, rate);
}

static int guest_vcpus_show(struct seq_file *m, void *v)
{
	struct sim_guest_files *f = m->private;

	seq_printf(m, "%d %lu\n", f->ops->nr_vcpus(f->guest),
		   f->ops->intercepts(f->guest));
	return 0;
}

SIM_RW_FOPS(guest_vcpus);

static int guest_vfio_add_fn(void *data, int argc, char **argv)
{
	struct sim_guest_files *f = data;

	return argc == 1 ? f->ops->vfio(f->guest, true, argv[0]) : -EINVAL;
}

SIM_WRITE_FOPS(guest_vfio_add);

static int guest_vfio_del_fn(void *data, int argc, char **argv)
{
	struct sim_guest_files *f = data;

	return argc == 1 ? f->ops->vfio(f->guest, false, argv[0]) : -EINVAL;
}

SIM_WRITE_FOPS(guest_vfio_del);

/* pqap: write "APQN IR" (IR 0 or 1) to intercept once; read "RET GR1". */
static int guest_pqap_fn(void *data, int argc, char **argv)
{
	struct sim_guest_files *f = data;
	unsigned long apqn, ir;
	int ret;

	if (argc != 2)
		return -EINVAL;
	ret = sim_cmd_num(argv[0], 0xffff, &apqn);
	ret = ret ? : sim_cmd_num(argv[1], 1, &ir);
	if (ret)
		return ret;
	mutex_lock(&f->pqap_lock);
	f->pqap_ret = f->ops->pqap(f->guest, apqn, ir, &f->pqap_gr1);
	mutex_unlock(&f->pqap_lock);
	return 0;
}

static int guest_pqap_show(struct seq_file *m, void *v)
{
	struct sim_guest_files *f = m->private;

	mutex_lock(&f->pqap_lock);
	seq_printf(m, "%d %016llx\n", f->pqap_ret, f->pqap_gr1);
	mutex_unlock(&f->pqap_lock);
	return 0;
}

SIM_RW_FOPS(guest_pqap);

/**
 * sim_guest_cmd() - the command of a guest's control file
 * @file: "vcpus", "vfio_add", "vfio_del" or "pqap"
 *
 * For callers without debugfs, such as the KUnit tests.
 *
 * Return: what runs a command written to @file, with a struct
 * sim_guest_files as its data, or NULL for another name.
 */
sim_cmd_fn sim_guest_cmd(const char *file)
{
	if (!strcmp(file, "vcpus"))
		return guest_vcpus_fn;
	if (!strcmp(file, "vfio_add"))
		return guest_vfio_add_fn;
	if (!strcmp(file, "vfio_del"))
		return guest_vfio_del_fn;
	if (!strcmp(file, "pqap"))
		return guest_pqap_fn;
	return NULL;
}

/**
 * sim_guest_files_add() - create a guest's directory guests/ID
 * @parent: guests/
 * @id: the guest's number
 * @guest: the simulation's guest
 * @ops: what the files act on
 *
 * Files: crycb and apcb (read), vcpus and pqap (read and write),
 * vfio_add and vfio_del (write).
 *
 * Return: the directory's handle, or NULL without memory.
 */
struct sim_guest_files *sim_guest_files_add(struct dentry *parent, int id,
					    void *guest,
					    const struct sim_guest_ops *ops)
{
	struct sim_guest_files *f = kzalloc(sizeof(*f), GFP_KERNEL);
	char name[8];

	if (!f)
		return NULL;
	f->guest = guest;
	f->ops = ops;
	mutex_init(&f->pqap_lock);
	f->pqap_ret = -ENODATA;
	snprintf(name, sizeof(name), "%d", id);
	f->dir = debugfs_create_dir(name, parent);
	debugfs_create_file("crycb", 0444, f->dir, f, &guest_crycb_fops);
	debugfs_create_file("apcb", 0444, f->dir, f, &guest_apcb_fops);
	debugfs_create_file("vcpus", 0644, f->dir, f, &guest_vcpus_fops);
	debugfs_create_file("vfio_add", 0200, f->dir, f,
			    &guest_vfio_add_fops);
	debugfs_create_file("vfio_del", 0200, f->dir, f,
			    &guest_vfio_del_fops);
	debugfs_create_file("pqap", 0644, f->dir, f, &guest_pqap_fops);
	return f;
}

/**
 * sim_guest_files_remove() - remove guests/ID, waiting for its users
 * @files: the handle, or NULL
 */
void sim_guest_files_remove(struct sim_guest_files *files)
{
	if (!files)
		return;
	debugfs_remove(files->dir);
	mutex_destroy(&files->pqap_lock);
	kfree(files);
}

/*
 * The debugfs file "state": the driver's dump (vfio_ap_state_show()), or
 * "no driver" when none is loaded; the driver is pinned while it dumps.
 */
static int sim_state_show(struct seq_file *m, void *v)
{
	int (*show)(struct seq_file *m) = symbol_get(vfio_ap_state_show);

	if (!show) {
		seq_puts(m, "no driver\nend\n");
		return 0;
	}
	show(m);
	symbol_put(vfio_ap_state_show);
	return 0;
}

static int sim_state_open(struct inode *inode, struct file *file)
{
	return single_open(file, sim_state_show, NULL);
}

/* The file operations of the debugfs file "state". */
const struct file_operations sim_state_fops = {
	.owner = THIS_MODULE,
	.open = sim_state_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

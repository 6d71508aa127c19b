/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command language of the simulations' debugfs control files, shared
 * by the model's simulation and the upstream-mode shims so that a test
 * does not care which driver runs under it.
 *
 * A write is one command of words separated by single spaces. It is
 * parsed whole before anything changes; bad input gives -EINVAL
 * (-ERANGE for a number out of range) and changes nothing.
 */
#ifndef _VFIO_AP_REF_SIM_CMD_H_
#define _VFIO_AP_REF_SIM_CMD_H_

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/types.h>
#include "ap_matrix.h"

/* The longest command a control file takes. */
#define SIM_CMD_MAX	128

/**
 * typedef sim_cmd_fn - run one parsed command
 * @data: the control file's private data (inode->i_private)
 * @argc: number of words
 * @argv: the words
 *
 * Return: 0 or a negative errno.
 */
typedef int (*sim_cmd_fn)(void *data, int argc, char **argv);

int sim_cmd_num(const char *s, unsigned long max, unsigned long *v);
ssize_t sim_cmd_run(char *buf, size_t count, sim_cmd_fn fn, void *data);
ssize_t sim_cmd_write(struct file *file, const char __user *ubuf,
		      size_t count, sim_cmd_fn fn);

/* The write() of a command file: parse with sim_cmd_write(), run _name##_fn. */
#define SIM_WRITE_FN(_name)						\
static ssize_t _name##_write(struct file *file, const char __user *ubuf, \
			     size_t count, loff_t *ppos)		\
{									\
	return sim_cmd_write(file, ubuf, count, _name##_fn);		\
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

/**
 * struct sim_ap_config_ops - what the ap/config commands act on
 * @config_set: "+a N", "-d N", ...: add or remove an adapter ("a"),
 *	usage domain ("d") or control domain ("c") of the host config
 * @set_apxa: "apxa 0|1"
 * @set_card_type: "type APID T|unknown" (unknown is -1)
 * @fail_next_reset: "reset_fail APQN RC"
 * @scan: "scan": the AP bus picks up the configuration
 * @get_config: the configuration, for reading the file
 */
struct sim_ap_config_ops {
	int (*config_set)(enum ap_matrix_kind kind, unsigned long id, bool on);
	int (*set_apxa)(bool apxa);
	int (*set_card_type)(unsigned long apid, int type);
	int (*fail_next_reset)(int apqn, int rc);
	void (*scan)(void);
	void (*get_config)(struct ap_matrix *cfg);
};

int sim_cmd_kind(char c, enum ap_matrix_kind *kind);
int sim_ap_config_cmd(const struct sim_ap_config_ops *ops, int argc,
		      char **argv);
int sim_ap_config_show(const struct sim_ap_config_ops *ops,
		       struct seq_file *m);

int sim_guest_create_args(int argc, char **argv, unsigned long *id,
			  unsigned long *fmt);
int sim_guest_id_arg(int argc, char **argv, unsigned long *id);

/**
 * struct sim_guest_ops - what a simulation's guest files act on
 * @read_crycb: copy the guest's CRYCB, AP_CRYCB_SIZE bytes; return its
 *	format (crycb, apcb)
 * @start_vcpus: start @nr vCPU threads at @rate_hz intercepts a second
 *	(vcpus "NR RATE_HZ")
 * @stop_vcpus: stop them (vcpus "0")
 * @nr_vcpus: how many run (reading vcpus)
 * @intercepts: how many intercepts they handled (reading vcpus)
 * @vfio: KVM_DEV_VFIO_FILE_ADD (@add) or _DEL of what @arg names: an mdev
 *	UUID for the model, a group's file descriptor for the KVM shim
 * @pqap: one PQAP(AQIC) intercept for @apqn on the caller's thread, with
 *	the IR bit set if @enable; return the hook's return value (or
 *	-EOPNOTSUPP without a hook) and set @gr1 to general register 1
 *	afterwards, the status word the hook wrote back
 */
struct sim_guest_ops {
	unsigned int (*read_crycb)(void *guest, u8 *crycb);
	int (*start_vcpus)(void *guest, int nr, unsigned int rate_hz);
	void (*stop_vcpus)(void *guest);
	int (*nr_vcpus)(void *guest);
	unsigned long (*intercepts)(void *guest);
	int (*vfio)(void *guest, bool add, const char *arg);
	int (*pqap)(void *guest, int apqn, bool enable, u64 *gr1);
};

/**
 * struct sim_guest_files - a guest's debugfs directory guests/ID
 * @dir: the directory
 * @guest: the simulation's guest
 * @ops: what the files act on
 * @pqap_lock: serialises the pqap file's intercepts and @pqap_ret/_gr1
 * @pqap_ret: the hook's return value of the last pqap intercept
 * @pqap_gr1: general register 1 after it
 */
struct sim_guest_files {
	struct dentry *dir;
	void *guest;
	const struct sim_guest_ops *ops;
	struct mutex pqap_lock;	/* the pqap file */
	int pqap_ret;
	u64 pqap_gr1;
};

struct sim_guest_files *sim_guest_files_add(struct dentry *parent, int id,
					    void *guest,
					    const struct sim_guest_ops *ops);
void sim_guest_files_remove(struct sim_guest_files *files);
sim_cmd_fn sim_guest_cmd(const char *file);

#endif /* _VFIO_AP_REF_SIM_CMD_H_ */

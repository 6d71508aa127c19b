// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ap_torture: the stress's sysfs actors at kernel speed.
 *
 * The user-space stress (vfio_ap_stress_test.c) pays for a path walk, an
 * open, a write and a close per operation, from one of a few dozen
 * threads scheduled on two emulated CPUs. Here kernel threads keep their
 * files open and write or read them in a loop, through the same VFS and
 * kernfs paths a write(2) takes (kernel_write(), kernel_read()): the
 * driver's store and show functions run with kernfs's active reference
 * held, as they do for user space, at the rate the driver itself allows.
 *
 * The test describes the operations, in the debugfs directory
 * vfio_ap_torture/:
 *
 *  ops     one row per write: "ACTOR GROUP w PATH VALUE" (write VALUE to
 *          PATH) or "ACTOR GROUP r PATH" (read it); "clear" empties the
 *          table. A thread of an actor runs the actor's rows whose GROUP
 *          modulo the actor's threads is its number, or every row whose
 *          GROUP is -1: the test decides which thread owns what.
 *  run     "SECONDS THREADS SEED": THREADS kernel threads per actor pick
 *          rows at random (a generator seeded from SEED, actor and
 *          thread) for SECONDS, then stop; the write returns when they
 *          have. Counts add up over runs.
 *  result  per actor "actor NAME ops N ok N max_us N", then per row
 *          "row I ok N err N seq S errnos E...": S orders the rows' last
 *          successful operations (0: none), so a test can tell which of
 *          two rows of one owner succeeded last; E are the errnos the
 *          row failed with (TORTURE_ERRNOS - 1 for any larger one).
 *
 * Only files with read_iter and write_iter can be driven this way (sysfs,
 * not debugfs): the simulation's control files stay with user space.
 * A file whose object went away (-ENODEV, -ENOENT, -EIO) is opened again
 * at the row's next turn.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vfio_ap_torture_abi.h"

#define TORTURE_MAX_THREADS	16
#define TORTURE_MAX_SECONDS	3600
#define TORTURE_PATH_LEN	192
#define TORTURE_VALUE_LEN	48
#define TORTURE_READ_LEN	256
#define TORTURE_ERRNOS		256

/**
 * struct torture_row - one operation of the table
 * @actor: index in torture_actors
 * @group: the owning thread is @group modulo the actor's threads; -1: all
 * @write: write @value to @path, or read @path
 * @path: the file
 * @value: what a write writes
 * @ok: successful operations
 * @err: failed operations
 * @errnos: the errnos it failed with
 * @last_ok_seq: torture_seq at the last success; 0 if none
 */
struct torture_row {
	int actor;
	int group;
	bool write;
	char path[TORTURE_PATH_LEN];
	char value[TORTURE_VALUE_LEN];
	atomic_long_t ok;
	atomic_long_t err;
	DECLARE_BITMAP(errnos, TORTURE_ERRNOS);
	atomic64_t last_ok_seq;
};

/**
 * struct torture_actor - what the rows of one actor added up to
 * @name: as the rows name it
 * @ops: operations run
 * @ok: of those, successful
 * @max_us: the longest operation, in microseconds
 */
struct torture_actor {
	char name[TORTURE_NAME_LEN];
	atomic_long_t ops;
	atomic_long_t ok;
	atomic_long_t max_us;
};

/**
 * struct torture_thread - one kernel thread of a run
 * @task: the thread
 * @actor: whose rows it runs
 * @rng: its generator's state
 * @nr: how many rows it owns
 * @rows: their indexes in torture_rows
 * @files: each owned row's open file, or NULL
 */
struct torture_thread {
	struct task_struct *task;
	int actor;
	u64 rng;
	int nr;
	int *rows;
	struct file **files;
};

/* The table, the actors and a run: one user at a time. */
static DEFINE_MUTEX(torture_lock);
static struct torture_row *torture_rows[TORTURE_MAX_ROWS];
static int torture_nr_rows;
static struct torture_actor torture_actors[TORTURE_MAX_ACTORS];
static int torture_nr_actors;
static atomic64_t torture_seq;
static struct dentry *torture_dir;

/* splitmix64: small, and good enough to pick rows. */
static u64 torture_next(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Run row @r once, on the thread's open file @f of it (opened if NULL);
 * 0 or a negative errno.
 */
static int torture_op(const struct torture_row *r, struct file **f)
{
	char buf[TORTURE_READ_LEN];
	loff_t pos = 0;
	ssize_t n;

	if (!*f) {
		*f = filp_open(r->path, r->write ? O_WRONLY : O_RDONLY, 0);
		if (IS_ERR(*f)) {
			n = PTR_ERR(*f);
			*f = NULL;
			return n;
		}
	}
	if (r->write)
		n = kernel_write(*f, r->value, strlen(r->value), &pos);
	else
		n = kernel_read(*f, buf, sizeof(buf), &pos);
	/* The file's object is gone: open it again next time. */
	if (n == -ENODEV || n == -ENOENT || n == -EIO) {
		filp_close(*f, NULL);
		*f = NULL;
	}
	return n < 0 ? n : 0;
}

static void torture_note_max(atomic_long_t *max, long us)
{
	long old = atomic_long_read(max);

	while (us > old && !atomic_long_try_cmpxchg(max, &old, us))
		;
}

static int torture_thread_fn(void *arg)
{
	struct torture_thread *t = arg;
	struct torture_actor *a = &torture_actors[t->actor];

	while (!kthread_should_stop()) {
		struct torture_row *r;
		ktime_t start;
		int i, ret;

		if (!t->nr) {
			schedule_timeout_interruptible(HZ / 10);
			continue;
		}
		i = torture_next(&t->rng) % t->nr;
		r = torture_rows[t->rows[i]];
		start = ktime_get();
		ret = torture_op(r, &t->files[i]);
		/*
		 * kthread_stop() sets TIF_NOTIFY_SIGNAL: an operation that
		 * waits interruptibly (a mutex_lock_interruptible() of a
		 * sysfs store) then fails with a restart code that a write
		 * from user space never returns, as the syscall would be
		 * restarted. That failure is the stop's, not the row's.
		 */
		if (kthread_should_stop() &&
		    (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR ||
		     ret == -ERESTARTNOHAND || ret == -EINTR))
			break;
		torture_note_max(&a->max_us,
				 ktime_us_delta(ktime_get(), start));
		atomic_long_inc(&a->ops);
		if (ret) {
			atomic_long_inc(&r->err);
			set_bit(min(-ret, TORTURE_ERRNOS - 1), r->errnos);
		} else {
			atomic_long_inc(&a->ok);
			atomic_long_inc(&r->ok);
			atomic64_set(&r->last_ok_seq,
				     atomic64_inc_return(&torture_seq));
		}
		/* The VM kernel does not preempt. */
		cond_resched();
	}
	for (int i = 0; i < t->nr; i++)
		if (t->files[i])
			filp_close(t->files[i], NULL);
	return 0;
}

static void torture_free_threads(struct torture_thread *th, int n)
{
	for (int i = 0; i < n; i++) {
		kfree(th[i].rows);
		kfree(th[i].files);
	}
	kfree(th);
}

/* Set up thread @t of @nthreads of actor @a: the rows it owns. */
static int torture_thread_init(struct torture_thread *th, int a, int t,
			       int nthreads, u64 seed)
{
	th->actor = a;
	th->rng = seed ^ ((u64)(a * 64 + t + 1) << 32);
	th->rows = kcalloc(torture_nr_rows, sizeof(*th->rows), GFP_KERNEL);
	th->files = kcalloc(torture_nr_rows, sizeof(*th->files), GFP_KERNEL);
	if (!th->rows || !th->files)
		return -ENOMEM;
	for (int i = 0; i < torture_nr_rows; i++) {
		struct torture_row *r = torture_rows[i];

		if (r->actor == a && (r->group < 0 || r->group % nthreads == t))
			th->rows[th->nr++] = i;
	}
	return 0;
}

/* A run: @nthreads per actor for @seconds. Called with torture_lock. */
static int torture_run(unsigned int seconds, int nthreads, u64 seed)
{
	struct torture_thread *th;
	int n = torture_nr_actors * nthreads, started = 0, ret = 0;

	lockdep_assert_held(&torture_lock);
	if (!n)
		return -ENODATA;
	th = kcalloc(n, sizeof(*th), GFP_KERNEL);
	if (!th)
		return -ENOMEM;
	for (int i = 0; i < n && !ret; i++)
		ret = torture_thread_init(&th[i], i / nthreads, i % nthreads,
					  nthreads, seed);
	for (int i = 0; i < n && !ret; i++) {
		th[i].task = kthread_run(torture_thread_fn, &th[i], "ap_torture/%d",
					 i);
		if (IS_ERR(th[i].task))
			ret = PTR_ERR(th[i].task);
		else
			started++;
	}
	/* A signal (the test's alarm) ends the run early, not wrongly. */
	if (!ret)
		msleep_interruptible(seconds * MSEC_PER_SEC);
	for (int i = 0; i < started; i++)
		kthread_stop(th[i].task);
	torture_free_threads(th, n);
	return ret;
}

static int torture_actor_index(const char *name)
{
	int a;

	for (a = 0; a < torture_nr_actors; a++)
		if (!strcmp(torture_actors[a].name, name))
			return a;
	if (a == TORTURE_MAX_ACTORS)
		return -ENOSPC;
	strscpy(torture_actors[a].name, name, sizeof(torture_actors[a].name));
	torture_nr_actors++;
	return a;
}

static void torture_clear(void)
{
	lockdep_assert_held(&torture_lock);
	for (int i = 0; i < torture_nr_rows; i++)
		kfree(torture_rows[i]);
	torture_nr_rows = 0;
	memset(torture_actors, 0, sizeof(torture_actors));
	torture_nr_actors = 0;
}

/* One row, "ACTOR GROUP r|w PATH [VALUE]", into the table. */
static int torture_add(char *line)
{
	char *actor, *group, *op, *path;
	struct torture_row *r;
	int a, g;

	lockdep_assert_held(&torture_lock);
	actor = strsep(&line, " ");
	group = strsep(&line, " ");
	op = strsep(&line, " ");
	path = strsep(&line, " ");
	if (!path || !*actor || !*path || kstrtoint(group, 0, &g) || g < -1 ||
	    strlen(actor) >= TORTURE_NAME_LEN ||
	    strlen(path) >= TORTURE_PATH_LEN)
		return -EINVAL;
	/* A write has a value, a read has none. */
	if (!strcmp(op, "w")) {
		if (!line || !*line || strlen(line) >= TORTURE_VALUE_LEN)
			return -EINVAL;
	} else if (strcmp(op, "r") || line) {
		return -EINVAL;
	}
	if (torture_nr_rows == TORTURE_MAX_ROWS)
		return -ENOSPC;
	a = torture_actor_index(actor);
	if (a < 0)
		return a;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->actor = a;
	r->group = g;
	r->write = !strcmp(op, "w");
	strscpy(r->path, path, sizeof(r->path));
	if (line)
		strscpy(r->value, line, sizeof(r->value));
	torture_rows[torture_nr_rows++] = r;
	return 0;
}

/* A write to "ops" or "run": one line, without its newline. */
static char *torture_line(const char __user *ubuf, size_t len)
{
	char *buf;

	if (len > TORTURE_PATH_LEN + TORTURE_VALUE_LEN + 64)
		return ERR_PTR(-EINVAL);
	buf = memdup_user_nul(ubuf, len);
	if (!IS_ERR(buf))
		strim(buf);
	return buf;
}

static ssize_t torture_ops_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	char *buf = torture_line(ubuf, len);
	int ret;

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = mutex_lock_interruptible(&torture_lock);
	if (!ret) {
		if (!strcmp(buf, "clear"))
			torture_clear();
		else
			ret = torture_add(buf);
		mutex_unlock(&torture_lock);
	}
	kfree(buf);
	return ret ? ret : len;
}

static ssize_t torture_run_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	char *buf = torture_line(ubuf, len);
	unsigned int seconds, nthreads;
	u64 seed;
	int ret;

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = sscanf(buf, "%u %u %llu", &seconds, &nthreads, &seed) == 3 ? 0 : -EINVAL;
	kfree(buf);
	if (ret || !seconds || seconds > TORTURE_MAX_SECONDS || !nthreads ||
	    nthreads > TORTURE_MAX_THREADS)
		return -EINVAL;
	ret = mutex_lock_interruptible(&torture_lock);
	if (ret)
		return ret;
	ret = torture_run(seconds, nthreads, seed);
	mutex_unlock(&torture_lock);
	return ret ? ret : len;
}

static int torture_result_show(struct seq_file *s, void *unused)
{
	int ret = mutex_lock_interruptible(&torture_lock);

	if (ret)
		return ret;
	for (int a = 0; a < torture_nr_actors; a++) {
		struct torture_actor *ac = &torture_actors[a];

		seq_printf(s, "actor %s ops %ld ok %ld max_us %ld\n",
			   ac->name, atomic_long_read(&ac->ops),
			   atomic_long_read(&ac->ok),
			   atomic_long_read(&ac->max_us));
	}
	for (int i = 0; i < torture_nr_rows; i++) {
		struct torture_row *r = torture_rows[i];
		unsigned int e;

		seq_printf(s, "row %d ok %ld err %ld seq %lld errnos", i,
			   atomic_long_read(&r->ok), atomic_long_read(&r->err),
			   atomic64_read(&r->last_ok_seq));
		for_each_set_bit(e, r->errnos, TORTURE_ERRNOS)
			seq_printf(s, " %u", e);
		seq_putc(s, '\n');
	}
	mutex_unlock(&torture_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(torture_result);

static const struct file_operations torture_ops_fops = {
	.owner = THIS_MODULE,
	.write = torture_ops_write,
};

static const struct file_operations torture_run_fops = {
	.owner = THIS_MODULE,
	.write = torture_run_write,
};

static int __init torture_init(void)
{
	torture_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("ops", 0200, torture_dir, NULL, &torture_ops_fops);
	debugfs_create_file("run", 0200, torture_dir, NULL, &torture_run_fops);
	debugfs_create_file("result", 0400, torture_dir, NULL,
			    &torture_result_fops);
	return 0;
}

static void __exit torture_exit(void)
{
	debugfs_remove_recursive(torture_dir);
	mutex_lock(&torture_lock);
	torture_clear();
	mutex_unlock(&torture_lock);
}

module_init(torture_init);
module_exit(torture_exit);
MODULE_DESCRIPTION("vfio_ap stress actors at kernel speed, on sysfs files");
MODULE_LICENSE("GPL");

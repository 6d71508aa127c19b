// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ap_diff: the model as an oracle. Runs the same seeded sequence of
 * operations (vfio_ap_diff_ops.h) against the model (vfio_ap_ref) and the
 * real vfio_ap, both loaded in one VM, in lockstep, and compares each
 * operation's errno and answer and each driver's observable state after
 * it.
 *
 * The sequence is cut into segments; each starts from the same known
 * state on both (world_reset()). A difference that an entry of the
 * divergence list accepts ends its segment. Any other difference ends
 * the run: the segment up to it is shrunk (delta debugging) to a short
 * sequence that still shows the same difference, which is printed as a
 * reproducer that "vfio_ap_diff --replay FILE" runs again.
 *
 * Then every entry of the list must show on its own sequence, so that
 * the list cannot go stale.
 *
 * Usage: vfio_ap_diff [--seed N] [--ops N] [--segment N]
 *                     [--divergences FILE] [--replay FILE] [--survey]
 *                     [--trace]
 * --survey goes on after an unlisted difference, reports each kind of
 * difference (operation and field) once, unshrunk, and ends its segment:
 * for triage. --trace prints every operation's results and both states.
 * Output lines start with "diff: "; the last is "diff: ok ..." or
 * "diff: FAIL ...". Exit 0 when no unlisted difference showed and every
 * entry showed, 1 otherwise, 2 for bad usage or a missing driver.
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <getopt.h>
#include <linux/types.h>
#include <time.h>

#include "vfio_ap_diff_ops.h"
#include "vfio_ap_rand.h"

#define MAX_SEG		1000
#define MAX_ENTRIES	32
#define MAX_SHRINK_RUNS	400

enum { MODEL, REAL, NR_DRV };

static struct drv drv[NR_DRV];
static bool trace;
/* The errno of the last step() on each driver. */
static int last_ret[NR_DRV];
/* The seconds the last step() took to apply and to capture, per driver. */
static double last_apply[NR_DRV], last_capture[NR_DRV];
/* The seconds spent in world_reset(). */
static double reset_secs;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * How often each kind of operation ran in the random run, and how often
 * it succeeded on both drivers: a kind that never succeeds compares only
 * its failure, which would hide a harness that cannot reach the driver.
 */
#define MAX_KINDS	16
static struct {
	char name[16];
	unsigned long ran, ok;
	double apply[NR_DRV], capture[NR_DRV];
} kinds_seen[MAX_KINDS];

static void count_op(const char *op)
{
	int len = strcspn(op, " "), i;

	for (i = 0; i < MAX_KINDS && kinds_seen[i].name[0]; i++)
		if (!strncmp(kinds_seen[i].name, op, len) &&
		    !kinds_seen[i].name[len])
			break;
	if (i == MAX_KINDS)
		return;
	snprintf(kinds_seen[i].name, sizeof(kinds_seen[i].name), "%.*s",
		 len, op);
	kinds_seen[i].ran++;
	if (!last_ret[MODEL] && !last_ret[REAL])
		kinds_seen[i].ok++;
	for (int d = 0; d < NR_DRV; d++) {
		kinds_seen[i].apply[d] += last_apply[d];
		kinds_seen[i].capture[d] += last_capture[d];
	}
}

/*
 * Print the counts: the number of kinds that ran at least 100 times and
 * never succeeded (a bind succeeds only on a queue left without driver,
 * about one in twenty).
 */
static int report_kinds(void)
{
	int i, bad = 0;

	printf("diff: kind        ran  ok on both  %s\n",
	       "ms each: apply model, real; capture model, real");
	for (i = 0; i < MAX_KINDS && kinds_seen[i].name[0]; i++) {
		double n = kinds_seen[i].ran / 1e3;

		printf("diff: %-10s %5lu %11lu  %6.1f %6.1f %6.1f %6.1f\n",
		       kinds_seen[i].name, kinds_seen[i].ran, kinds_seen[i].ok,
		       kinds_seen[i].apply[MODEL] / n,
		       kinds_seen[i].apply[REAL] / n,
		       kinds_seen[i].capture[MODEL] / n,
		       kinds_seen[i].capture[REAL] / n);
		if (kinds_seen[i].ran >= 100 && !kinds_seen[i].ok) {
			printf("diff: FAIL no \"%s\" succeeded: %s\n",
			       kinds_seen[i].name,
			       "the test does not reach the drivers");
			bad++;
		}
	}
	return bad;
}

static const char * const drv_name[NR_DRV] = { "model", "real" };

/**
 * struct divergence - an accepted difference between model and real
 * @name: its name
 * @op: glob over the operation that shows it
 * @field: glob over the field that differs ("result", "answer" or a
 *	state field such as "mdev0.matrix")
 * @after: a glob over an operation that must come before it in the same
 *	sequence, or "" for none
 * @series: the kernel series it holds for ("6.12"), or "" for all
 * @test: the test that shows it: "" for this one, "kunit" for the KUnit
 *	differential of vfio_ap_ops.c (upstream/vfio_ap_ops_test.c)
 * @ops: the sequence that shows it, operations separated by ';'
 * @shown: times it was accepted in this run
 */
struct divergence {
	char name[64];
	char series[16];
	char test[16];
	char op[128];
	char field[64];
	char after[128];
	char ops[1024];
	unsigned long shown;
};

static struct divergence div_list[MAX_ENTRIES];
static int nr_div;

/* The first difference of one operation. */
struct mismatch {
	char field[64];
	char val[NR_DRV][512];
};

/* A random element of the array @v of @n. */
static const char *pick(__u64 *s, const char * const *v, unsigned int n)
{
	return v[below(s, n)];
}

/* Valid ids mostly, then the edges of the parsers and the ranges. */
static const char * const ids_ok[] = { "0", "1", "2", "255" };
static const char * const ids_edge[] = {
	"256", "0x1", "01", "%201", "1%0a", "-1", "-", "abc",
	"18446744073709551616", "0x100", "1%0a%0a",
};

static const char * const kinds[] = { "adapter", "domain", "control_domain" };

static const char *gen_id(__u64 *r)
{
	if (below(r, 8))
		return pick(r, ids_ok, ARRAY_SIZE(ids_ok));
	return pick(r, ids_edge, ARRAY_SIZE(ids_edge));
}

static void gen_apqn(__u64 *r, char *out, size_t size)
{
	int a = below(r, 8) ? diff_host_ids[below(r, DIFF_NR_HOST_IDS)] : 0;
	int q = below(r, 8) ? diff_host_ids[below(r, DIFF_NR_HOST_IDS)] : 0;

	snprintf(out, size, "%02x.%04x", a, q);
}

/* One generated operation, as text. */
static void gen_op(__u64 *r, char *out, size_t size)
{
	static const char * const removes[] = {
		"1", "1", "1", "1", "0", "2", "-", "x", "1%0a",
	};
	static const char * const bad_uuids[] = {
		"-", "d1ff0000-0000-0000-0000-00000000000",
		"d1ff0000-0000-0000-0000-000000000000x", "not-a-uuid",
		"d1ff0000-0000-0000-0000-000000000000%0a",
	};
	static const char * const bad_masks[] = {
		"+256", "0x", "0x8", "+1x", "-", "0x4000000000000000",
	};
	static const char * const bad_apqns[] = { "zz", "-", "01.0001x" };
	static const char * const host_cmds[] = { "+a", "-a", "+d", "-d",
						  "+c", "-c" };
	unsigned int slot = below(r, DIFF_SLOTS), w = below(r, 100);
	char apqn[16];

	if (w < 36) {
		snprintf(out, size, "%s %u %s %s",
			 below(r, 3) ? "assign" : "unassign", slot,
			 pick(r, kinds, ARRAY_SIZE(kinds)), gen_id(r));
	} else if (w < 41) {
		if (below(r, 10))
			snprintf(out, size, "create %u", slot);
		else
			snprintf(out, size, "create %u %s", slot,
				 pick(r, bad_uuids, ARRAY_SIZE(bad_uuids)));
	} else if (w < 45) {
		snprintf(out, size, "remove %u %s", slot, pick(r, removes, ARRAY_SIZE(removes)));
	} else if (w < 51) {
		if (below(r, 8))
			snprintf(out, size, "mask %s %c%s",
				 below(r, 2) ? "apmask" : "aqmask",
				 below(r, 2) ? '+' : '-', pick(r, ids_ok, ARRAY_SIZE(ids_ok)));
		else
			snprintf(out, size, "mask %s %s",
				 below(r, 2) ? "apmask" : "aqmask",
				 pick(r, bad_masks, ARRAY_SIZE(bad_masks)));
	} else if (w < 59) {
		gen_apqn(r, apqn, sizeof(apqn));
		snprintf(out, size, "%s %s", below(r, 2) ? "bind" : "unbind",
			 below(r, 10) ? apqn : pick(r, bad_apqns, ARRAY_SIZE(bad_apqns)));
	} else if (w < 64) {
		if (below(r, 10))
			snprintf(out, size, "host %s %d%s",
				 pick(r, host_cmds, ARRAY_SIZE(host_cmds)),
				 diff_host_ids[below(r, DIFF_NR_HOST_IDS)],
				 below(r, 2) ? " scan" : "");
		else
			snprintf(out, size, "host scan");
	} else if (w < 71) {
		gen_apqn(r, apqn, sizeof(apqn));
		snprintf(out, size, "reset_fail %s %u", apqn, below(r, 5));
	} else if (w < 75) {
		snprintf(out, size, "guest %s", below(r, 3) ? "create" : "destroy");
	} else if (w < 87) {
		snprintf(out, size, "%s %u", below(r, 3) ? "attach" : "detach",
			 slot);
	} else {
		gen_apqn(r, apqn, sizeof(apqn));
		snprintf(out, size, "pqap %s %u", apqn, below(r, 2));
	}
}

/*
 * The same known state on one driver: nothing attached, no mdev, no
 * guest but a fresh one, the base host configuration (adapters,
 * domains and control domains 1 and 2), empty masks, no pending reset
 * failure and every queue bound to vfio_ap.
 */
static void world_reset_one(struct drv *d)
{
	char cfg[4096], *line, *save;
	int s, a, q;

	under_test = d->t;
	for (s = 0; s < DIFF_SLOTS; s++)
		drv_detach(d, s);
	drv_apply(d, "guest destroy", cfg, sizeof(cfg));
	for (s = 0; s < DIFF_SLOTS; s++)
		drv_apply(d, tpath("remove %d 1", s), cfg, sizeof(cfg));
	drv_write(d, tpath("%s/apmask", BUS_DIR), "0x");
	drv_write(d, tpath("%s/aqmask", BUS_DIR), "0x");
	/* "apm <list>", "aqm <list>", "adm <list>": drop what is extra. */
	if (file_read(tpath("%s/ap/config", CTL_DIR), cfg, sizeof(cfg)) > 0) {
		for (line = strtok_r(cfg, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char kind = !strncmp(line, "apm ", 4) ? 'a' :
				    !strncmp(line, "aqm ", 4) ? 'd' :
				    !strncmp(line, "adm ", 4) ? 'c' : 0;
			bool ids[256];
			int id;

			if (!kind)
				continue;
			parse_list(line + 4, ids);
			for (id = 0; id < 256; id++)
				if (ids[id] && id != 1 && id != 2)
					drv_host(d, tpath("-%c %d", kind, id));
		}
	}
	for (a = 1; a <= 2; a++) {
		drv_host(d, tpath("+a %d", a));
		drv_host(d, tpath("+d %d", a));
		drv_host(d, tpath("+c %d", a));
	}
	drv_host(d, "scan");
	for (a = 0; a < DIFF_NR_HOST_IDS; a++)
		for (q = 0; q < DIFF_NR_HOST_IDS; q++) {
			int apqn = diff_host_ids[a] << 8 | diff_host_ids[q];

			drv_host(d, tpath("reset_fail %d 0", apqn));
			drv_write(d, tpath("%s/bind", DRV_DIR),
				  tpath("%02x.%04x", diff_host_ids[a],
					diff_host_ids[q]));
		}
	drv_apply(d, "guest create", cfg, sizeof(cfg));
	d->probe = true;
}

/*
 * Whether @op may run now. Removing an mdev whose VFIO device is open
 * waits in the real VFIO core until the device is closed, which this
 * single thread never does: such a remove is skipped on both drivers.
 */
static bool op_allowed(const char *op)
{
	int slot, i;

	if (strncmp(op, "remove ", 7) || !slot_arg(tpath("%.1s", op + 7), &slot))
		return true;
	for (i = 0; i < NR_DRV; i++)
		if (drv[i].dev[slot] >= 0)
			return false;
	return true;
}

/* Whether the dump @s has a line for @field (of @len bytes). */
static bool has_field(const char *s, const char *field, size_t len)
{
	for (; *s; s = *strchrnul(s, '\n') ? strchrnul(s, '\n') + 1 : "")
		if (!strncmp(s, field, len) && s[len] == ' ')
			return true;
	return false;
}

/*
 * Compare two state dumps line by line: false and @mm at the first
 * difference. A field that only one dump has is named by itself.
 */
static bool state_equal(const char *a, const char *b, struct mismatch *mm)
{
	while (*a || *b) {
		const char *ea = strchrnul(a, '\n'), *eb = strchrnul(b, '\n');
		/* A field name ends at its space, or at the end of the line. */
		size_t fa = strcspn(a, "\n "), fb = strcspn(b, "\n ");

		if (ea - a != eb - b || memcmp(a, b, ea - a)) {
			const char *f = b;
			size_t fl = fb;

			/* The same field, or one that only the model has. */
			if ((fa == fb && !memcmp(a, b, fa)) ||
			    (*a && !has_field(b, a, fa))) {
				f = a;
				fl = fa;
			}
			snprintf(mm->field, sizeof(mm->field), "%.*s", (int)fl, f);
			snprintf(mm->val[MODEL], sizeof(mm->val[0]), "%.*s",
				 (int)(ea - a), a);
			snprintf(mm->val[REAL], sizeof(mm->val[0]), "%.*s",
				 (int)(eb - b), b);
			return false;
		}
		a = *ea ? ea + 1 : ea;
		b = *eb ? eb + 1 : eb;
	}
	return true;
}

/* The first differing "key=value" word of two answers: field answer.KEY. */
static void answer_mismatch(const char *a, const char *b, struct mismatch *mm)
{
	size_t la, lb;

	for (;;) {
		la = strcspn(a, " ");
		lb = strcspn(b, " ");
		if (la != lb || memcmp(a, b, la) || !a[la] || !b[lb])
			break;
		a += la + 1;
		b += lb + 1;
	}
	snprintf(mm->field, sizeof(mm->field), "answer.%.*s",
		 (int)strcspn(a, "="), a);
	snprintf(mm->val[MODEL], sizeof(mm->val[0]), "%.*s", (int)la, a);
	snprintf(mm->val[REAL], sizeof(mm->val[0]), "%.*s", (int)lb, b);
}

/* Whether operations ran since the states were last compared. */
static bool unchecked;

/* Capture both drivers' states and compare them: false and @mm if they differ. */
static bool compare_states(struct mismatch *mm)
{
	static char state[NR_DRV][DIFF_STATE_MAX];
	double t;
	int i;

	unchecked = false;
	for (i = 0; i < NR_DRV; i++) {
		t = now();
		drv_capture(&drv[i], state[i], sizeof(state[i]));
		last_capture[i] = now() - t;
		if (trace)
			printf("diff: trace %s state:\n%s", drv_name[i],
			       state[i]);
	}
	return state_equal(state[MODEL], state[REAL], mm);
}

/*
 * Apply @op to both drivers and compare: true if they agree, else false
 * with @mm. -DIFF_EBADOP from either is a bug of the test: exit.
 *
 * An operation that both drivers refuse with the same errno is not
 * followed by a capture: the states are compared after the next
 * operation that one of them takes, and at the end of the segment, so a
 * refusal that leaves a different trace on one driver still shows, at
 * the next comparison. Capturing is half the time of a step.
 */
static bool step(const char *op, struct mismatch *mm)
{
	char res[NR_DRV][128];
	bool allowed = op_allowed(op);
	int ret[NR_DRV], i;
	double t;

	for (i = 0; i < NR_DRV; i++) {
		if (!allowed) {
			ret[i] = 0;
			last_apply[i] = 0;
			snprintf(res[i], sizeof(res[i]), "skipped");
		} else {
			t = now();
			ret[i] = drv_apply(&drv[i], op, res[i], sizeof(res[i]));
			last_apply[i] = now() - t;
		}
		if (ret[i] == -DIFF_EBADOP) {
			printf("diff: FAIL not an operation: \"%s\"\n", op);
			exit(1);
		}
		last_ret[i] = ret[i];
		last_capture[i] = 0;
	}
	if (trace)
		printf("diff: trace %s: %d %d %s\n", op, ret[MODEL], ret[REAL],
		       res[MODEL]);
	if (ret[MODEL] != ret[REAL]) {
		snprintf(mm->field, sizeof(mm->field), "result");
		for (i = 0; i < NR_DRV; i++)
			snprintf(mm->val[i], sizeof(mm->val[i]), "%s",
				 ret[i] ? strerror(-ret[i]) : "0");
		return false;
	}
	if (strcmp(res[MODEL], res[REAL])) {
		answer_mismatch(res[MODEL], res[REAL], mm);
		return false;
	}
	if (ret[MODEL]) {
		unchecked = true;
		return true;
	}
	return compare_states(mm);
}

/* At the end of a sequence: compare what the last steps left unchecked. */
static bool settle(struct mismatch *mm)
{
	return !unchecked || compare_states(mm);
}

static void world_reset(void)
{
	struct mismatch mm;
	double t = now();
	int i;

	for (i = 0; i < NR_DRV; i++)
		world_reset_one(&drv[i]);
	reset_secs += now() - t;
	if (!compare_states(&mm)) {
		printf("diff: FAIL the drivers differ after a reset: %s: ",
		       mm.field);
		printf("model \"%s\" real \"%s\"\n", mm.val[MODEL],
		       mm.val[REAL]);
		exit(1);
	}
}

/* The entry that accepts the difference @mm at @ops[@at], or NULL. */
static struct divergence *accepted(char (*ops)[128], int at,
				   const struct mismatch *mm)
{
	int i, j;

	for (i = 0; i < nr_div; i++) {
		struct divergence *d = &div_list[i];

		if (fnmatch(d->op, ops[at], 0) || fnmatch(d->field, mm->field, 0))
			continue;
		for (j = 0; d->after[0] && j < at; j++)
			if (!fnmatch(d->after, ops[j], 0))
				break;
		if (!d->after[0] || j < at)
			return d;
	}
	return NULL;
}

/*
 * Run @ops (n of them) from a reset: the index of the first difference
 * (with @mm and the operation's text in @at), or -1 if there is none.
 */
static int run_ops(char (*ops)[128], int n, struct mismatch *mm)
{
	int i;

	world_reset();
	for (i = 0; i < n; i++)
		if (!step(ops[i], mm))
			return i;
	return n && !settle(mm) ? n - 1 : -1;
}

static unsigned long shrink_runs, ops_compared;

/* Whether @ops still shows a difference at its last operation's kind. */
static bool still_fails(char (*ops)[128], int n, const char *kind,
			const char *field)
{
	struct mismatch mm;
	int at;

	shrink_runs++;
	at = run_ops(ops, n, &mm);
	return at >= 0 && !strncmp(ops[at], kind, strlen(kind)) &&
	       !strcmp(mm.field, field) && !accepted(ops, at, &mm);
}

/*
 * Delta debugging (ddmin) of @ops[0..*n), which shows a difference in
 * @field at an operation of kind @kind: remove chunks while it still
 * does, halving the chunk size down to single operations.
 */
static void shrink(char (*ops)[128], int *n, const char *kind,
		   const char *field)
{
	static char trial[MAX_SEG][128];
	int chunk = *n / 2, start, i, m;

	while (chunk >= 1 && shrink_runs < MAX_SHRINK_RUNS) {
		bool removed = false;

		for (start = 0; start < *n && shrink_runs < MAX_SHRINK_RUNS;) {
			for (i = 0, m = 0; i < *n; i++)
				if (i < start || i >= start + chunk)
					memcpy(trial[m++], ops[i], 128);
			if (m && still_fails(trial, m, kind, field)) {
				memcpy(ops, trial, sizeof(trial[0]) * m);
				*n = m;
				removed = true;
			} else {
				start += chunk;
			}
		}
		if (!removed)
			chunk /= 2;
		if (chunk > *n / 2)
			chunk = *n / 2;
	}
}

static void report(const char *what, char (*ops)[128], int n,
		   const struct mismatch *mm)
{
	int i;

	printf("diff: FAIL %s: \"%s\" differs in %s: model \"%s\", real \"%s\"\n",
	       what, ops[n - 1], mm->field, mm->val[MODEL], mm->val[REAL]);
	printf("diff: reproducer (%d operations; vfio_ap_diff --replay FILE):\n",
	       n);
	for (i = 0; i < n; i++)
		printf("diff:   %s\n", ops[i]);
}

/* Whether @d holds for the running kernel's series. */
static bool for_this_kernel(const struct divergence *d)
{
	size_t len = strlen(d->series);
	struct utsname u;

	return !len || (!uname(&u) && !strncmp(u.release, d->series, len) &&
			u.release[len] == '.');
}

/* Parse the divergence list: blocks of "key: value" lines. */
static int load_divergences(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1200];
	struct divergence *d = NULL;
	bool cont = false;

	if (!f) {
		printf("diff: FAIL cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		line[strcspn(line, "\n")] = '\0';
		/* A continued "ops" line: append it after a space. */
		if (d && cont && (line[0] == ' ' || line[0] == '\t')) {
			size_t len = strlen(d->ops);

			snprintf(d->ops + len, sizeof(d->ops) - len, " %s",
				 line + strspn(line, " \t"));
			continue;
		}
		cont = false;
		if (!v || line[0] == '#' || line[0] == ' ' || line[0] == '\t')
			continue;
		*v++ = '\0';
		while (*v == ' ')
			v++;
		if (!strcmp(line, "name")) {
			if (nr_div == MAX_ENTRIES)
				break;
			d = &div_list[nr_div++];
			snprintf(d->name, sizeof(d->name), "%s", v);
		} else if (d && !strcmp(line, "op")) {
			snprintf(d->op, sizeof(d->op), "%s", v);
		} else if (d && !strcmp(line, "field")) {
			snprintf(d->field, sizeof(d->field), "%s", v);
		} else if (d && !strcmp(line, "series")) {
			snprintf(d->series, sizeof(d->series), "%s", v);
		} else if (d && !strcmp(line, "test")) {
			snprintf(d->test, sizeof(d->test), "%s", v);
		} else if (d && !strcmp(line, "after")) {
			snprintf(d->after, sizeof(d->after), "%s", v);
		} else if (d && !strcmp(line, "ops")) {
			snprintf(d->ops, sizeof(d->ops), "%s", v);
			cont = true;
		}
	}
	fclose(f);
	/* Drop the entries of other kernel series and of other tests. */
	for (int i = 0; i < nr_div; i++) {
		if (!div_list[i].test[0] && for_this_kernel(&div_list[i]))
			continue;
		memmove(&div_list[i], &div_list[i + 1],
			sizeof(div_list[0]) * (nr_div - i - 1));
		nr_div--;
		i--;
	}
	for (int i = 0; i < nr_div; i++)
		if (!div_list[i].op[0] || !div_list[i].field[0] ||
		    !div_list[i].ops[0]) {
			printf("diff: FAIL divergence %s lacks op, field or ops\n",
			       div_list[i].name);
			return -1;
		}
	return 0;
}

/* Split "a; b; c" into @ops: the count. */
static int split_ops(const char *s, char (*ops)[128], int max)
{
	char buf[1024], *tok, *save;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ";", &save); tok && n < max;
	     tok = strtok_r(NULL, ";", &save)) {
		while (*tok == ' ')
			tok++;
		tok[strcspn(tok, "\n")] = '\0';
		while (*tok && tok[strlen(tok) - 1] == ' ')
			tok[strlen(tok) - 1] = '\0';
		if (*tok)
			snprintf(ops[n++], 128, "%s", tok);
	}
	return n;
}

/* Each entry must show on its own sequence, and be the one to accept it. */
static int check_entries(void)
{
	static char ops[MAX_SEG][128];
	struct mismatch mm;
	int i, n, at, bad = 0;

	for (i = 0; i < nr_div; i++) {
		struct divergence *d = &div_list[i];

		n = split_ops(d->ops, ops, MAX_SEG);
		at = run_ops(ops, n, &mm);
		ops_compared += at < 0 ? n : at + 1;
		if (at < 0 || accepted(ops, at, &mm) != d) {
			printf("diff: FAIL divergence %s no longer shows: its ops run %s\n",
			       d->name, at < 0 ? "alike on both drivers" :
			       "into another difference");
			if (at >= 0)
				report(d->name, ops, at + 1, &mm);
			bad++;
			continue;
		}
		printf("diff: divergence %s shows (%lu times in the random run)\n",
		       d->name, d->shown);
	}
	return bad;
}

static int replay(const char *path)
{
	static char ops[MAX_SEG][128];
	char line[256];
	struct mismatch mm;
	FILE *f = fopen(path, "r");
	int n = 0, at;

	if (!f) {
		printf("diff: FAIL cannot open %s: %s\n", path, strerror(errno));
		return 2;
	}
	while (n < MAX_SEG && fgets(line, sizeof(line), f))
		n += split_ops(line, ops + n, MAX_SEG - n);
	fclose(f);
	at = run_ops(ops, n, &mm);
	if (at < 0) {
		printf("diff: ok %d operations alike on both drivers\n", n);
		return 0;
	}
	report("the sequence", ops, at + 1, &mm);
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "ops", required_argument, NULL, 'n' },
		{ "segment", required_argument, NULL, 'g' },
		{ "divergences", required_argument, NULL, 'd' },
		{ "replay", required_argument, NULL, 'r' },
		{ "survey", no_argument, NULL, 'v' },
		{ "trace", no_argument, NULL, 't' },
		{ }
	};
	static char seg[MAX_SEG][128];
	unsigned long nops = 10000, seglen = 200, done = 0, segments = 0;
	const char *divs = NULL, *replay_file = NULL;
	char seen[64][96];
	int nseen = 0, unlisted = 0;
	bool survey = false;
	__u64 seed = 1, r;
	struct mismatch mm;
	double t0;
	int c, i, at;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			nops = strtoul(optarg, NULL, 0);
			break;
		case 'g':
			seglen = strtoul(optarg, NULL, 0);
			break;
		case 'd':
			divs = optarg;
			break;
		case 'r':
			replay_file = optarg;
			break;
		case 'v':
			survey = true;
			break;
		case 't':
			trace = true;
			break;
		default:
			return 2;
		}
	}
	if (!seglen || seglen > MAX_SEG) {
		printf("diff: FAIL --segment must be 1 to %d\n", MAX_SEG);
		return 2;
	}
	for (i = 0; i < NR_DRV; i++) {
		if (access(driver_targets[i].root, F_OK) ||
		    access(driver_targets[i].dbg, F_OK)) {
			printf("diff: FAIL the %s driver is not loaded (%s, %s)\n",
			       drv_name[i], driver_targets[i].root,
			       driver_targets[i].dbg);
			return 2;
		}
		drv_init(&drv[i], &driver_targets[i]);
	}
	if (divs && load_divergences(divs))
		return 2;
	if (replay_file)
		return replay(replay_file);

	printf("diff: seed %llu, %lu operations in segments of %lu, %d listed divergences\n",
	       (unsigned long long)seed, nops, seglen, nr_div);
	t0 = now();
	r = seed ? seed : 1;
	while (done < nops) {
		int n = 0;

		if (segments && !(segments % 10)) {
			printf("diff: %lu operations compared in %.0f s\n", done,
			       now() - t0);
		}
		world_reset();
		segments++;
		for (at = -1; n < (int)seglen && done < nops && at < 0; n++) {
			gen_op(&r, seg[n], sizeof(seg[n]));
			done++;
			if (!step(seg[n], &mm))
				at = n;
			count_op(seg[n]);
		}
		if (at < 0 && n && !settle(&mm))
			at = n - 1;
		if (at < 0)
			continue;
		{
			struct divergence *d = accepted(seg, at, &mm);
			char kind[32];

			if (d) {
				d->shown++;
				continue;
			}
			snprintf(kind, sizeof(kind), "%.*s",
				 (int)strcspn(seg[at], " "), seg[at]);
			if (survey) {
				/* Each kind of difference once, unshrunk. */
				unlisted++;
				snprintf(seen[nseen], sizeof(seen[0]), "%s %s",
					 kind, mm.field);
				for (i = 0; i < nseen; i++)
					if (!strcmp(seen[i], seen[nseen]))
						break;
				if (i < nseen || nseen == ARRAY_SIZE(seen) - 1)
					continue;
				nseen++;
				report("survey", seg, at + 1, &mm);
				continue;
			}
			printf("diff: difference at operation %lu ", done);
			printf("(segment %lu, operation %d): ", segments, at + 1);
			printf("\"%s\" in %s: model \"%s\", real \"%s\"; shrinking\n",
			       seg[at], mm.field, mm.val[MODEL], mm.val[REAL]);
			n = at + 1;
			shrink(seg, &n, kind, mm.field);
			at = run_ops(seg, n, &mm);
			if (at < 0) {
				printf("diff: FAIL the difference did not show again ");
				printf("after shrinking\n");
				return 1;
			}
			report("unlisted difference", seg, at + 1, &mm);
			printf("diff: FAIL seed %llu: %lu operations compared, ",
			       (unsigned long long)seed, done);
			printf("shrunk in %lu runs; %.1f s\n", shrink_runs,
			       now() - t0);
			return 1;
		}
	}
	ops_compared = done;
	printf("diff: %lu operations in %lu segments compared in %.1f s\n",
	       done, segments, now() - t0);
	printf("diff: %.1f s of it in %lu resets\n", reset_secs, segments);
	if (report_kinds()) {
		printf("diff: FAIL seed %llu: operations that never succeed\n",
		       (unsigned long long)seed);
		return 1;
	}
	if (survey && unlisted) {
		printf("diff: FAIL survey: %d unlisted differences of %d kinds\n",
		       unlisted, nseen);
		return 1;
	}
	if (check_entries()) {
		printf("diff: FAIL seed %llu: stale divergence entries\n",
		       (unsigned long long)seed);
		return 1;
	}
	printf("diff: ok seed %llu: %lu operations on each driver, %d divergences listed\n",
	       (unsigned long long)seed, ops_compared, nr_div);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the pure AP matrix core (driver/ap_matrix.c).
 *
 * Each function has a table of named cases for the documented behaviour
 * and its edges, and a randomised test that checks it against a
 * brute-force reference model written with plain bool arrays, over
 * "rounds" generated inputs (a module parameter, 1000 by default) from a
 * fixed seed that every failure message prints.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ap_matrix.h"

#define AP_MATRIX_TEST_SEED	0x5eedf00dcafe1234ULL
#define NBITS			AP_MATRIX_BITS

/*
 * The generated inputs of each randomised test. The s390x VM runs the
 * suite under KASAN and lockdep, where one round of the format test
 * takes about 100 ms: it loads this module with fewer
 * (kunit/suites.txt). UML runs all of them.
 */
static unsigned int rounds = 1000;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "generated inputs of each randomised test (1000)");

/*
 * Whether round @i of a randomised test is still to run. Each round
 * yields the CPU first: the VM kernel does not preempt, and a test
 * that held a CPU for 60 s (its 100 rounds of the format test under
 * KASAN, on a loaded host) was reported as an RCU stall.
 */
static bool more_rounds(unsigned int i)
{
	cond_resched();
	return i < rounds;
}

/*
 * The kernel's seeded generator (prandom_u32_state(), as the simulation's
 * vCPUs use it): deterministic across kernels and architectures.
 */
static u64 rng_next(struct rnd_state *s)
{
	u64 hi = prandom_u32_state(s);

	return hi << 32 | prandom_u32_state(s);
}

static unsigned long rng_below(struct rnd_state *s, unsigned long n)
{
	return n ? rng_next(s) % n : 0;
}

/* A mask of a random density: empty, sparse, half, dense or full. */
static void rng_mask(struct rnd_state *s, unsigned long *mask, bool *ref)
{
	unsigned int density = rng_below(s, 5);
	unsigned int i;

	bitmap_zero(mask, NBITS);
	for (i = 0; i < NBITS; i++) {
		bool on;

		switch (density) {
		case 0:
			on = false;
			break;
		case 1:
			on = rng_below(s, 64) == 0;
			break;
		case 2:
			on = rng_below(s, 2);
			break;
		case 3:
			on = rng_below(s, 16) != 0;
			break;
		default:
			on = true;
			break;
		}
		if (on)
			__set_bit(i, mask);
		if (ref)
			ref[i] = on;
	}
}

static void rng_matrix(struct rnd_state *s, struct ap_matrix *m)
{
	memset(m, 0, sizeof(*m));
	ap_matrix_init_limits(m, true, 255, 255);
	rng_mask(s, m->apm, NULL);
	rng_mask(s, m->aqm, NULL);
	rng_mask(s, m->adm, NULL);
}

/* ---- ap_matrix_parse_id ------------------------------------------------ */

struct parse_id_case {
	const char *name;
	const char *in;
	unsigned long max;
	int ret;
	unsigned long id;
};

static const struct parse_id_case parse_id_cases[] = {
	{ "zero", "0", 255, 0, 0 },
	{ "zero_newline", "0\n", 255, 0, 0 },
	{ "max_apxa", "255", 255, 0, 255 },
	{ "max_plus_one_apxa", "256", 255, -ENODEV, 0 },
	{ "max_noapxa_adapter", "63", 63, 0, 63 },
	{ "max_plus_one_noapxa_adapter", "64", 63, -ENODEV, 0 },
	{ "max_noapxa_domain", "15", 15, 0, 15 },
	{ "max_plus_one_noapxa_domain", "16", 15, -ENODEV, 0 },
	{ "hex", "0x1f", 255, 0, 0x1f },
	{ "hex_upper_prefix", "0X1F", 255, 0, 0x1f },
	{ "octal", "017", 255, 0, 15 },
	{ "leading_plus", "+5", 255, 0, 5 },
	{ "minus", "-1", 255, -EINVAL, 0 },
	{ "empty", "", 255, -EINVAL, 0 },
	{ "newline_only", "\n", 255, -EINVAL, 0 },
	{ "space_only", " ", 255, -EINVAL, 0 },
	{ "leading_space", " 5", 255, -EINVAL, 0 },
	{ "trailing_space", "5 ", 255, -EINVAL, 0 },
	{ "two_newlines", "5\n\n", 255, -EINVAL, 0 },
	{ "trailing_garbage", "5x", 255, -EINVAL, 0 },
	{ "bad_octal", "08", 255, -EINVAL, 0 },
	{ "hex_no_digits", "0x", 255, -EINVAL, 0 },
	{ "non_ascii", "\xc3\xa9", 255, -EINVAL, 0 },
	{ "u64_max", "18446744073709551615", 255, -ENODEV, 0 },
	{ "overflow_64", "18446744073709551616", 255, -ERANGE, 0 },
	{ "overflow_hex", "0x10000000000000000", 255, -ERANGE, 0 },
};

static void parse_id_desc(const struct parse_id_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(parse_id, parse_id_cases, parse_id_desc);

static void ap_matrix_test_parse_id_table(struct kunit *test)
{
	const struct parse_id_case *c = test->param_value;
	unsigned long id = 0xdead;
	int ret;

	ret = ap_matrix_parse_id(c->in, c->max, &id);
	KUNIT_EXPECT_EQ_MSG(test, ret, c->ret, "input \"%s\"", c->name);
	if (!c->ret)
		KUNIT_EXPECT_EQ(test, id, c->id);
	else
		KUNIT_EXPECT_EQ_MSG(test, id, 0xdeadUL, "id written on error");
}

static void ap_matrix_test_parse_id_long_input(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, 4097, GFP_KERNEL);
	unsigned long id = 0xdead;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* 4 KiB of leading zeros is still octal 1. */
	memset(buf, '0', 4095);
	buf[4095] = '1';
	KUNIT_EXPECT_EQ(test, ap_matrix_parse_id(buf, 255, &id), 0);
	KUNIT_EXPECT_EQ(test, id, 1UL);
	/* 4 KiB of letters is garbage. */
	memset(buf, 'a', 4096);
	KUNIT_EXPECT_EQ(test, ap_matrix_parse_id(buf, 255, &id), -EINVAL);
	/* 4 KiB of nines overflows. */
	memset(buf, '9', 4096);
	KUNIT_EXPECT_EQ(test, ap_matrix_parse_id(buf, 255, &id), -ERANGE);
}

static void ap_matrix_test_parse_id_random(struct kunit *test)
{
	u64 seed = AP_MATRIX_TEST_SEED;
	struct rnd_state s;
	char buf[48];
	int i;

	prandom_seed_state(&s, seed);
	for (i = 0; more_rounds(i); i++) {
		unsigned long v = rng_below(&s, 600), max = rng_below(&s, 300);
		unsigned long id = ~0UL;
		int form = rng_below(&s, 4), expect, ret;
		bool garbage = rng_below(&s, 5) == 0;
		const char *nl = rng_below(&s, 2) ? "\n" : "";

		if (form == 0)
			snprintf(buf, sizeof(buf), "%lu%s", v, nl);
		else if (form == 1)
			snprintf(buf, sizeof(buf), "0x%lx%s", v, nl);
		else if (form == 2)
			snprintf(buf, sizeof(buf), "0%lo%s", v, nl);
		else
			snprintf(buf, sizeof(buf), "+%lu%s", v, nl);
		if (garbage)
			strlcat(buf, "z", sizeof(buf));

		expect = garbage ? -EINVAL : v > max ? -ENODEV : 0;
		ret = ap_matrix_parse_id(buf, max, &id);
		KUNIT_ASSERT_EQ_MSG(test, ret, expect,
				    "seed %llx round %d input \"%s\" max %lu",
				    seed, i, buf, max);
		if (!expect)
			KUNIT_ASSERT_EQ_MSG(test, id, v, "seed %llx round %d",
					    seed, i);
	}
}

/* ---- ap_matrix_init_limits --------------------------------------------- */

static void ap_matrix_test_init_limits_apxa(struct kunit *test)
{
	struct ap_matrix m = {};

	ap_matrix_init_limits(&m, true, 255, 255);
	KUNIT_EXPECT_EQ(test, m.apm_max, 255UL);
	KUNIT_EXPECT_EQ(test, m.aqm_max, 255UL);
	KUNIT_EXPECT_EQ(test, m.adm_max, 255UL);
}

static void ap_matrix_test_init_limits_noapxa(struct kunit *test)
{
	struct ap_matrix m = {};

	/* Na/Nd are ignored without APXA. */
	ap_matrix_init_limits(&m, false, 255, 255);
	KUNIT_EXPECT_EQ(test, m.apm_max, 63UL);
	KUNIT_EXPECT_EQ(test, m.aqm_max, 15UL);
	KUNIT_EXPECT_EQ(test, m.adm_max, 15UL);
}

/* ---- sharing and reservation ------------------------------------------- */

static bool ref_apqns_intersect(const bool *apm1, const bool *aqm1,
				const bool *apm2, const bool *aqm2)
{
	int a, q;

	for (a = 0; a < NBITS; a++) {
		if (!apm1[a] || !apm2[a])
			continue;
		for (q = 0; q < NBITS; q++)
			if (aqm1[q] && aqm2[q])
				return true;
	}
	return false;
}

struct overlap_case {
	const char *name;
	int apm1[3], aqm1[3], apm2[3], aqm2[3];	/* -1 terminated */
	bool hit;
};

static const struct overlap_case overlap_cases[] = {
	{ "disjoint_adapters", {1, -1}, {2, -1}, {3, -1}, {2, -1}, false },
	{ "disjoint_domains", {1, -1}, {2, -1}, {1, -1}, {3, -1}, false },
	{ "same_apqn", {1, -1}, {2, -1}, {1, -1}, {2, -1}, true },
	{ "cross_product_hit", {1, 5, -1}, {2, -1}, {5, -1}, {2, 7, -1}, true },
	{ "empty_first", {-1}, {-1}, {1, -1}, {1, -1}, false },
	{ "adapters_only", {1, -1}, {-1}, {1, -1}, {-1}, false },
	{ "id_zero", {0, -1}, {0, -1}, {0, -1}, {0, -1}, true },
	{ "id_max", {255, -1}, {255, -1}, {255, -1}, {255, -1}, true },
};

static void overlap_desc(const struct overlap_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(overlap, overlap_cases, overlap_desc);

static void set_ids(unsigned long *mask, const int *ids)
{
	for (; *ids >= 0; ids++)
		__set_bit(*ids, mask);
}

static void ap_matrix_test_check_sharing_table(struct kunit *test)
{
	const struct overlap_case *c = test->param_value;
	struct ap_matrix a = {}, b = {};
	DECLARE_BITMAP(apm, NBITS);
	DECLARE_BITMAP(aqm, NBITS);
	DECLARE_BITMAP(want, NBITS);

	set_ids(a.apm, c->apm1);
	set_ids(a.aqm, c->aqm1);
	set_ids(b.apm, c->apm2);
	set_ids(b.aqm, c->aqm2);
	KUNIT_EXPECT_EQ(test, ap_matrix_check_sharing(&a, &b, apm, aqm),
			c->hit ? -EADDRINUSE : 0);
	KUNIT_EXPECT_EQ(test, ap_matrix_check_reserved(&a, b.apm, b.aqm,
						       NULL, NULL),
			c->hit ? -EADDRNOTAVAIL : 0);
	if (c->hit) {
		bitmap_and(want, a.apm, b.apm, NBITS);
		KUNIT_EXPECT_TRUE(test, bitmap_equal(apm, want, NBITS));
		bitmap_and(want, a.aqm, b.aqm, NBITS);
		KUNIT_EXPECT_TRUE(test, bitmap_equal(aqm, want, NBITS));
	}
}

static void ap_matrix_test_check_sharing_random(struct kunit *test)
{
	u64 seed = AP_MATRIX_TEST_SEED ^ 1;
	struct rnd_state s;
	bool *r = kunit_kcalloc(test, 4 * NBITS, sizeof(bool), GFP_KERNEL);
	struct ap_matrix a = {}, b = {};
	DECLARE_BITMAP(apm, NBITS);
	DECLARE_BITMAP(aqm, NBITS);
	int i, a_id, q_id;

	prandom_seed_state(&s, seed);
	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; more_rounds(i); i++) {
		bool hit;

		rng_mask(&s, a.apm, r);
		rng_mask(&s, a.aqm, r + NBITS);
		rng_mask(&s, b.apm, r + 2 * NBITS);
		rng_mask(&s, b.aqm, r + 3 * NBITS);
		hit = ref_apqns_intersect(r, r + NBITS, r + 2 * NBITS,
					  r + 3 * NBITS);
		KUNIT_ASSERT_EQ_MSG(test, ap_matrix_check_sharing(&a, &b, apm, aqm),
				    hit ? -EADDRINUSE : 0,
				    "seed %llx round %d", seed, i);
		KUNIT_ASSERT_EQ_MSG(test,
				    ap_matrix_check_reserved(&a, b.apm, b.aqm,
							     NULL, NULL),
				    hit ? -EADDRNOTAVAIL : 0,
				    "seed %llx round %d", seed, i);
		if (!hit)
			continue;
		/* The report names exactly the shared APQNs. */
		for (a_id = 0; a_id < NBITS; a_id++)
			for (q_id = 0; q_id < NBITS; q_id++) {
				bool in_both = r[a_id] && r[NBITS + q_id] &&
					       r[2 * NBITS + a_id] &&
					       r[3 * NBITS + q_id];
				bool reported = test_bit(a_id, apm) &&
						test_bit(q_id, aqm);

				if (in_both != reported)
					KUNIT_FAIL(test,
						   "seed %llx round %d: %02x.%04x in both %d reported %d",
						   seed, i, a_id, q_id,
						   in_both, reported);
			}
	}
}

/* ---- ap_matrix_filter and ap_matrix_filter_cdoms ------------------------ */

struct usable_ctx {
	const bool *usable;	/* NBITS x NBITS, [apid * NBITS + apqi] */
	unsigned int calls;
};

static bool usable_cb(void *ctx, unsigned long apid, unsigned long apqi)
{
	struct usable_ctx *u = ctx;

	u->calls++;
	return u->usable[apid * NBITS + apqi];
}

static void ref_filter(const bool *m_apm, const bool *m_aqm,
		       const bool *h_apm, const bool *h_aqm,
		       const bool *usable, bool *out_apm, bool *out_aqm)
{
	int a, q;

	for (q = 0; q < NBITS; q++)
		out_aqm[q] = m_aqm[q] && h_aqm[q];
	for (a = 0; a < NBITS; a++) {
		out_apm[a] = m_apm[a] && h_apm[a];
		for (q = 0; out_apm[a] && q < NBITS; q++)
			if (out_aqm[q] && !usable[a * NBITS + q])
				out_apm[a] = false;
	}
}

/* A filter test's world: a usable table, a matrix, a host config, a shadow. */
struct filter_env {
	bool *usable;		/* NBITS x NBITS, all false */
	struct usable_ctx u;
	struct ap_matrix m, host, shadow;
};

static struct filter_env *filter_env(struct kunit *test, bool apxa,
				     bool full_host)
{
	struct filter_env *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, e);
	e->usable = kunit_kcalloc(test, NBITS * NBITS, 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e->usable);
	e->u.usable = e->usable;
	ap_matrix_init_limits(&e->host, apxa, 255, 255);
	if (full_host) {
		bitmap_fill(e->host.apm, NBITS);
		bitmap_fill(e->host.aqm, NBITS);
	}
	return e;
}

static bool run_filter(struct filter_env *e)
{
	return ap_matrix_filter(&e->m, &e->host, &e->shadow, usable_cb, &e->u);
}

static void ap_matrix_test_filter_drops_unbound_apid(struct kunit *test)
{
	struct filter_env *e = filter_env(test, true, true);

	__set_bit(1, e->m.apm);
	__set_bit(2, e->m.apm);
	__set_bit(4, e->m.aqm);
	__set_bit(5, e->m.aqm);
	e->usable[1 * NBITS + 4] = true;
	e->usable[1 * NBITS + 5] = true;
	e->usable[2 * NBITS + 4] = true;	/* 02.0005 is not bound */

	KUNIT_EXPECT_TRUE(test, run_filter(e));
	KUNIT_EXPECT_TRUE(test, test_bit(1, e->shadow.apm));
	KUNIT_EXPECT_FALSE(test, test_bit(2, e->shadow.apm));
	/* Domains stay: only the host config drops domains. */
	KUNIT_EXPECT_TRUE(test, test_bit(4, e->shadow.aqm));
	KUNIT_EXPECT_TRUE(test, test_bit(5, e->shadow.aqm));
	KUNIT_EXPECT_EQ(test, e->shadow.apm_max, 255UL);
	/* Filtering again changes nothing. */
	KUNIT_EXPECT_FALSE(test, run_filter(e));
}

static void ap_matrix_test_filter_whole_matrix(struct kunit *test)
{
	struct filter_env *e = filter_env(test, true, true);

	/*
	 * The CVE case: adapter 3 was filtered for an unbound queue; assigning
	 * a new domain must not bring it back just because the new APQNs are
	 * fine. The filter always looks at the whole matrix.
	 */
	__set_bit(3, e->m.apm);
	__set_bit(6, e->m.aqm);
	run_filter(e);
	KUNIT_EXPECT_FALSE(test, test_bit(3, e->shadow.apm));
	__set_bit(7, e->m.aqm);
	e->usable[3 * NBITS + 7] = true;
	run_filter(e);
	KUNIT_EXPECT_FALSE(test, test_bit(3, e->shadow.apm));
}

static void ap_matrix_test_filter_host_drops_domain(struct kunit *test)
{
	struct filter_env *e = filter_env(test, false, false);

	memset(e->usable, 1, NBITS * NBITS);
	__set_bit(0, e->host.apm);
	__set_bit(1, e->host.aqm);
	__set_bit(0, e->m.apm);
	__set_bit(1, e->m.aqm);
	__set_bit(2, e->m.aqm);
	run_filter(e);
	KUNIT_EXPECT_TRUE(test, test_bit(0, e->shadow.apm));
	KUNIT_EXPECT_TRUE(test, test_bit(1, e->shadow.aqm));
	KUNIT_EXPECT_FALSE(test, test_bit(2, e->shadow.aqm));
	KUNIT_EXPECT_EQ(test, e->shadow.apm_max, 63UL);
	KUNIT_EXPECT_EQ(test, e->shadow.aqm_max, 15UL);
}

static void ap_matrix_test_filter_empty_and_full(struct kunit *test)
{
	struct filter_env *e = filter_env(test, true, false);

	/* Empty matrix: nothing asked, nothing changes. */
	KUNIT_EXPECT_FALSE(test, run_filter(e));
	KUNIT_EXPECT_EQ(test, e->u.calls, 0U);
	/* Full matrix, full host, all usable: everything passes. */
	memset(e->usable, 1, NBITS * NBITS);
	bitmap_fill(e->m.apm, NBITS);
	bitmap_fill(e->m.aqm, NBITS);
	bitmap_fill(e->host.apm, NBITS);
	bitmap_fill(e->host.aqm, NBITS);
	KUNIT_EXPECT_TRUE(test, run_filter(e));
	KUNIT_EXPECT_TRUE(test, bitmap_full(e->shadow.apm, NBITS));
	KUNIT_EXPECT_TRUE(test, bitmap_full(e->shadow.aqm, NBITS));
}

static void ap_matrix_test_filter_random(struct kunit *test)
{
	u64 seed = AP_MATRIX_TEST_SEED ^ 2;
	struct rnd_state s;
	bool *usable = kunit_kcalloc(test, NBITS * NBITS, 1, GFP_KERNEL);
	bool *r = kunit_kcalloc(test, 6 * NBITS, sizeof(bool), GFP_KERNEL);
	struct usable_ctx u = { .usable = usable };
	struct ap_matrix m, host, shadow;
	int i, id;

	prandom_seed_state(&s, seed);
	KUNIT_ASSERT_NOT_NULL(test, usable);
	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; more_rounds(i); i++) {
		unsigned int p = rng_below(&s, 4);
		bool changed, want_changed = false;

		memset(&m, 0, sizeof(m));
		memset(&host, 0, sizeof(host));
		ap_matrix_init_limits(&host, true, 255, 255);
		rng_mask(&s, m.apm, r);
		rng_mask(&s, m.aqm, r + NBITS);
		rng_mask(&s, host.apm, r + 2 * NBITS);
		rng_mask(&s, host.aqm, r + 3 * NBITS);
		for (id = 0; id < NBITS * NBITS; id++)
			usable[id] = p == 0 || rng_below(&s, 1 + 8 * p) != 0;
		rng_matrix(&s, &shadow);

		ref_filter(r, r + NBITS, r + 2 * NBITS, r + 3 * NBITS, usable,
			   r + 4 * NBITS, r + 5 * NBITS);
		for (id = 0; id < NBITS; id++)
			want_changed |= r[4 * NBITS + id] != test_bit(id, shadow.apm) ||
					r[5 * NBITS + id] != test_bit(id, shadow.aqm);

		changed = ap_matrix_filter(&m, &host, &shadow, usable_cb, &u);
		KUNIT_ASSERT_EQ_MSG(test, changed, want_changed,
				    "seed %llx round %d", seed, i);
		for (id = 0; id < NBITS; id++) {
			KUNIT_ASSERT_EQ_MSG(test, test_bit(id, shadow.apm),
					    r[4 * NBITS + id],
					    "seed %llx round %d apid %d",
					    seed, i, id);
			KUNIT_ASSERT_EQ_MSG(test, test_bit(id, shadow.aqm),
					    r[5 * NBITS + id],
					    "seed %llx round %d apqi %d",
					    seed, i, id);
		}
	}
}

static void ap_matrix_test_filter_cdoms_random(struct kunit *test)
{
	u64 seed = AP_MATRIX_TEST_SEED ^ 3;
	struct rnd_state s;
	bool *r = kunit_kcalloc(test, 2 * NBITS, sizeof(bool), GFP_KERNEL);
	struct ap_matrix m = {}, host = {}, shadow;
	int i, id;

	prandom_seed_state(&s, seed);
	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; more_rounds(i); i++) {
		DECLARE_BITMAP(apm_before, NBITS);
		bool want_changed = false;

		rng_mask(&s, m.adm, r);
		rng_mask(&s, host.adm, r + NBITS);
		rng_matrix(&s, &shadow);
		bitmap_copy(apm_before, shadow.apm, NBITS);
		for (id = 0; id < NBITS; id++)
			want_changed |= (r[id] && r[NBITS + id]) !=
					test_bit(id, shadow.adm);
		KUNIT_ASSERT_EQ_MSG(test,
				    ap_matrix_filter_cdoms(&m, &host, &shadow),
				    want_changed, "seed %llx round %d", seed, i);
		for (id = 0; id < NBITS; id++)
			KUNIT_ASSERT_EQ_MSG(test, test_bit(id, shadow.adm),
					    r[id] && r[NBITS + id],
					    "seed %llx round %d id %d", seed, i, id);
		KUNIT_ASSERT_TRUE_MSG(test,
				      bitmap_equal(apm_before, shadow.apm, NBITS),
				      "cdom filter touched apm, seed %llx", seed);
	}
}

/* ---- ap_matrix_config_diff --------------------------------------------- */

static void ap_matrix_test_config_diff_none(struct kunit *test)
{
	struct ap_matrix a = {}, added, removed;

	__set_bit(3, a.apm);
	KUNIT_EXPECT_FALSE(test, ap_matrix_config_diff(&a, &a, &added,
						       &removed));
	KUNIT_EXPECT_TRUE(test, bitmap_empty(added.apm, NBITS));
	KUNIT_EXPECT_TRUE(test, bitmap_empty(removed.apm, NBITS));
}

static void ap_matrix_test_config_diff_random(struct kunit *test)
{
	u64 seed = AP_MATRIX_TEST_SEED ^ 4;
	struct rnd_state s;
	bool *r = kunit_kcalloc(test, 6 * NBITS, sizeof(bool), GFP_KERNEL);
	struct ap_matrix o = {}, n = {}, added, removed;
	int i, id, k;

	prandom_seed_state(&s, seed);
	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; more_rounds(i); i++) {
		unsigned long *om[3] = { o.apm, o.aqm, o.adm };
		unsigned long *nm[3] = { n.apm, n.aqm, n.adm };
		unsigned long *am[3] = { added.apm, added.aqm, added.adm };
		unsigned long *rm[3] = { removed.apm, removed.aqm, removed.adm };
		bool any = false;

		for (k = 0; k < 3; k++) {
			rng_mask(&s, om[k], r + k * NBITS);
			/* Often equal, to exercise "no change". */
			if (rng_below(&s, 3) == 0) {
				bitmap_copy(nm[k], om[k], NBITS);
				memcpy(r + (3 + k) * NBITS, r + k * NBITS, NBITS);
			} else {
				rng_mask(&s, nm[k], r + (3 + k) * NBITS);
			}
		}
		for (k = 0; k < 3; k++)
			for (id = 0; id < NBITS; id++)
				any |= r[k * NBITS + id] != r[(3 + k) * NBITS + id];
		KUNIT_ASSERT_EQ_MSG(test,
				    ap_matrix_config_diff(&o, &n, &added, &removed),
				    any, "seed %llx round %d", seed, i);
		for (k = 0; k < 3; k++)
			for (id = 0; id < NBITS; id++) {
				bool was = r[k * NBITS + id];
				bool is = r[(3 + k) * NBITS + id];

				KUNIT_ASSERT_EQ_MSG(test, test_bit(id, am[k]),
						    !was && is,
						    "seed %llx round %d mask %d id %d",
						    seed, i, k, id);
				KUNIT_ASSERT_EQ_MSG(test, test_bit(id, rm[k]),
						    was && !is,
						    "seed %llx round %d mask %d id %d",
						    seed, i, k, id);
			}
	}
}

/* ---- ap_matrix_filter_card_types --------------------------------------- */

struct type_ctx {
	const int *type;	/* NBITS x NBITS */
};

static int type_cb(void *ctx, unsigned long apid, unsigned long apqi)
{
	const struct type_ctx *t = ctx;

	return t->type[apid * NBITS + apqi];
}

struct card_type_case {
	const char *name;
	int type;
	bool kept;
};

static const struct card_type_case card_type_cases[] = {
	{ "cex2", 6, false },
	{ "cex3", 8, false },
	{ "type_9", 9, false },
	{ "cex4", 10, true },
	{ "cex5", 11, true },
	{ "cex8", 14, true },
	{ "unknown", -EIO, false },
	{ "not_available", -ENODEV, false },
};

static void card_type_desc(const struct card_type_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(card_type, card_type_cases, card_type_desc);

static void ap_matrix_test_filter_card_types_table(struct kunit *test)
{
	const struct card_type_case *c = test->param_value;
	int *type = kunit_kcalloc(test, NBITS * NBITS, sizeof(int), GFP_KERNEL);
	struct type_ctx t = { .type = type };
	DECLARE_BITMAP(apm, NBITS);
	DECLARE_BITMAP(aqm, NBITS);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, type);
	for (i = 0; i < NBITS * NBITS; i++)
		type[i] = 11;
	bitmap_zero(apm, NBITS);
	bitmap_zero(aqm, NBITS);
	__set_bit(7, apm);
	__set_bit(8, apm);
	__set_bit(1, aqm);
	__set_bit(2, aqm);
	type[7 * NBITS + 2] = c->type;
	ap_matrix_filter_card_types(apm, aqm, type_cb, &t);
	KUNIT_EXPECT_EQ(test, test_bit(7, apm), c->kept);
	KUNIT_EXPECT_TRUE(test, test_bit(8, apm));
}

static void ap_matrix_test_filter_card_types_random(struct kunit *test)
{
	u64 seed = AP_MATRIX_TEST_SEED ^ 5;
	struct rnd_state s;
	int *type = kunit_kcalloc(test, NBITS * NBITS, sizeof(int), GFP_KERNEL);
	bool *r = kunit_kcalloc(test, 2 * NBITS, sizeof(bool), GFP_KERNEL);
	struct type_ctx t = { .type = type };
	DECLARE_BITMAP(apm, NBITS);
	DECLARE_BITMAP(aqm, NBITS);
	int i, a, q;

	prandom_seed_state(&s, seed);
	KUNIT_ASSERT_NOT_NULL(test, type);
	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; more_rounds(i); i++) {
		rng_mask(&s, apm, r);
		rng_mask(&s, aqm, r + NBITS);
		for (a = 0; a < NBITS; a++) {
			int base = 8 + rng_below(&s, 6);

			for (q = 0; q < NBITS; q++)
				type[a * NBITS + q] = rng_below(&s, 200) ?
						      base : -EIO;
		}
		ap_matrix_filter_card_types(apm, aqm, type_cb, &t);
		for (a = 0; a < NBITS; a++) {
			bool keep = r[a];

			for (q = 0; keep && q < NBITS; q++)
				if (r[NBITS + q] && type[a * NBITS + q] < 10)
					keep = false;
			KUNIT_ASSERT_EQ_MSG(test, test_bit(a, apm), keep,
					    "seed %llx round %d apid %d",
					    seed, i, a);
		}
	}
}

/* ---- formatting ---------------------------------------------------------- */

struct format_case {
	const char *name;
	bool apxa;
	int apm[4], aqm[4];	/* -1 terminated */
	const char *out;
};

static const struct format_case format_cases[] = {
	{ "apqns", true, {5, 0xab, -1}, {4, 0xff, -1},
	  "05.0004\n05.00ff\nab.0004\nab.00ff\n" },
	{ "adapters_only", true, {0, 255, -1}, {-1}, "00.\nff.\n" },
	/* Domain 16 is above aqm_max 15 without APXA: not shown. */
	{ "domains_only_noapxa", false, {-1}, {15, 16, -1}, ".000f\n" },
	{ "adapter_above_max_noapxa", false, {63, 64, -1}, {0, -1},
	  "3f.0000\n" },
};

static void format_desc(const struct format_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(format, format_cases, format_desc);

static void ap_matrix_test_format_table(struct kunit *test)
{
	const struct format_case *c = test->param_value;
	struct ap_matrix m = {};
	char buf[64];
	size_t n;

	ap_matrix_init_limits(&m, c->apxa, 255, 255);
	set_ids(m.apm, c->apm);
	set_ids(m.aqm, c->aqm);
	n = ap_matrix_format(&m, buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, n, strlen(c->out));
	KUNIT_EXPECT_EQ(test, memcmp(buf, c->out, min(n, strlen(c->out))), 0);
}

static void ap_matrix_test_format_empty(struct kunit *test)
{
	struct ap_matrix m = {};
	char buf[8];

	ap_matrix_init_limits(&m, true, 255, 255);
	KUNIT_EXPECT_EQ(test, ap_matrix_format(&m, buf, sizeof(buf)), (size_t)0);
	KUNIT_EXPECT_EQ(test, ap_matrix_format_cdoms(&m, buf, sizeof(buf)),
			(size_t)0);
}

static void ap_matrix_test_format_full_is_bounded(struct kunit *test)
{
	struct ap_matrix m = {};
	char *buf = kunit_kzalloc(test, 4096 + 16, GFP_KERNEL);
	size_t n;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	ap_matrix_init_limits(&m, true, 255, 255);
	bitmap_fill(m.apm, NBITS);
	bitmap_fill(m.aqm, NBITS);
	memset(buf + 4096, 0x5a, 16);
	n = ap_matrix_format(&m, buf, 4096);
	/* 512 whole lines of 8 bytes fill the page exactly. */
	KUNIT_EXPECT_EQ(test, n, (size_t)4096);
	KUNIT_EXPECT_EQ(test, memcmp(buf + 4088, "01.00ff\n", 8), 0);
	KUNIT_EXPECT_EQ(test, buf[4096], (char)0x5a);
	/* A buffer that ends mid-line gets whole lines only. */
	n = ap_matrix_format(&m, buf, 13);
	KUNIT_EXPECT_EQ(test, n, (size_t)8);
	n = ap_matrix_format_cdoms(&m, buf, 4);
	KUNIT_EXPECT_EQ(test, n, (size_t)0);
}

static void ap_matrix_test_format_cdoms_limits(struct kunit *test)
{
	struct ap_matrix m = {};
	char buf[32];
	size_t n;

	ap_matrix_init_limits(&m, false, 0, 0);
	__set_bit(0, m.adm);
	__set_bit(15, m.adm);
	__set_bit(16, m.adm);
	n = ap_matrix_format_cdoms(&m, buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, n, (size_t)10);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "0000\n000f\n", n), 0);
}

static void ap_matrix_test_format_random(struct kunit *test)
{
	u64 seed = AP_MATRIX_TEST_SEED ^ 6;
	struct rnd_state s;
	const size_t size = 8 * NBITS * NBITS;
	char *buf = kvmalloc(size, GFP_KERNEL);
	/* sprintf() ends the last line of a full matrix with a NUL past it. */
	char *want = kvmalloc(size + 1, GFP_KERNEL);
	struct ap_matrix m;
	int i;

	prandom_seed_state(&s, seed);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, want);
	for (i = 0; more_rounds(i); i++) {
		unsigned long a, q, amax, qmax;
		size_t n, w = 0, lim = rng_below(&s, 3) ? size : rng_below(&s, 300);
		bool apm_any = false, aqm_any = false;

		rng_matrix(&s, &m);
		if (rng_below(&s, 2))
			ap_matrix_init_limits(&m, false, 0, 0);
		amax = m.apm_max;
		qmax = m.aqm_max;
		for (a = 0; a <= amax; a++)
			apm_any |= test_bit(a, m.apm);
		for (q = 0; q <= qmax; q++)
			aqm_any |= test_bit(q, m.aqm);
		/* Reference: the real driver's sprintf loops, then a cut. */
		if (apm_any && aqm_any) {
			for (a = 0; a <= amax; a++)
				for (q = 0; q <= qmax; q++)
					if (test_bit(a, m.apm) && test_bit(q, m.aqm))
						w += sprintf(want + w, "%02lx.%04lx\n",
							     a, q);
		} else if (apm_any) {
			for (a = 0; a <= amax; a++)
				if (test_bit(a, m.apm))
					w += sprintf(want + w, "%02lx.\n", a);
		} else if (aqm_any) {
			for (q = 0; q <= qmax; q++)
				if (test_bit(q, m.aqm))
					w += sprintf(want + w, ".%04lx\n", q);
		}
		n = ap_matrix_format(&m, buf, lim);
		if (w > lim) {
			size_t line = apm_any && aqm_any ? 8 : apm_any ? 4 : 6;

			w = lim / line * line;
		}
		KUNIT_ASSERT_EQ_MSG(test, n, w, "seed %llx round %d", seed, i);
		KUNIT_ASSERT_EQ_MSG(test, memcmp(buf, want, n), 0,
				    "seed %llx round %d", seed, i);

		w = 0;
		for (a = 0; a <= m.adm_max; a++)
			if (test_bit(a, m.adm))
				w += sprintf(want + w, "%04lx\n", a);
		n = ap_matrix_format_cdoms(&m, buf, size);
		KUNIT_ASSERT_EQ_MSG(test, n, w, "seed %llx round %d", seed, i);
		KUNIT_ASSERT_EQ_MSG(test, memcmp(buf, want, n), 0,
				    "seed %llx round %d", seed, i);
	}
	kvfree(buf);
	kvfree(want);
}

/* ---- ap_matrix_parse_mask ------------------------------------------------ */

struct mask_case {
	const char *name;
	const char *in;
	int ret;
	int set[8];	/* ids expected set, -1 terminated; old mask is {1, 200} */
};

static const struct mask_case mask_cases[] = {
	{ "hex_msb_first", "0x80", 0, {0, -1} },
	{ "hex_no_prefix", "40", 0, {1, -1} },
	{ "hex_x_prefix", "x01", 0, {7, -1} },
	{ "hex_newline", "0xc0\n", 0, {0, 1, -1} },
	{ "hex_empty_clears", "", 0, {-1} },
	{ "hex_newline_clears", "\n", 0, {-1} },
	{ "hex_full_width",
	  "0x0000000000000000000000000000000000000000000000000000000000000001",
	  0, {255, -1} },
	{ "hex_too_long",
	  "0x00000000000000000000000000000000000000000000000000000000000000010",
	  -EINVAL, {-1} },
	{ "hex_garbage", "0x8g", -EINVAL, {-1} },
	{ "hex_space", " 0x80", -EINVAL, {-1} },
	{ "plus_one", "+5", 0, {1, 5, 200, -1} },
	{ "minus_one", "-1", 0, {200, -1} },
	{ "range", "+2-3", 0, {1, 2, 3, 200, -1} },
	{ "list", "+0,-200,+255\n", 0, {0, 1, 255, -1} },
	{ "range_max", "-0-255", 0, {-1} },
	{ "hex_number", "+0x10", 0, {1, 16, 200, -1} },
	{ "octal_number", "+010", 0, {1, 8, 200, -1} },
	{ "out_of_range", "+256", -EINVAL, {-1} },
	{ "overflow", "+99999999999999999999999", -EINVAL, {-1} },
	{ "reversed_range", "+5-4", -EINVAL, {-1} },
	{ "no_number", "+", -EINVAL, {-1} },
	{ "missing_sign", "+1,2", -EINVAL, {-1} },
	{ "non_ascii", "+\xc3\xa9", -EINVAL, {-1} },
};

static void mask_desc(const struct mask_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mask, mask_cases, mask_desc);

static void ap_matrix_test_parse_mask_table(struct kunit *test)
{
	const struct mask_case *c = test->param_value;
	DECLARE_BITMAP(old, NBITS);
	DECLARE_BITMAP(newmap, NBITS);
	DECLARE_BITMAP(want, NBITS);
	const int *id;

	bitmap_zero(old, NBITS);
	__set_bit(1, old);
	__set_bit(200, old);
	bitmap_zero(want, NBITS);
	for (id = c->set; *id >= 0; id++)
		__set_bit(*id, want);
	KUNIT_ASSERT_EQ(test, ap_matrix_parse_mask(c->in, old, newmap, NBITS),
			c->ret);
	if (!c->ret)
		KUNIT_EXPECT_TRUE_MSG(test, bitmap_equal(newmap, want, NBITS),
				      "got %*pbl", NBITS, newmap);
	/* The old mask is never touched. */
	KUNIT_EXPECT_EQ(test, bitmap_weight(old, NBITS), 2U);
}

static void ap_matrix_test_parse_mask_bad_size(struct kunit *test)
{
	DECLARE_BITMAP(m, NBITS);

	KUNIT_EXPECT_EQ(test, ap_matrix_parse_mask("0x80", m, m, 12), -EINVAL);
	KUNIT_EXPECT_EQ(test, ap_matrix_parse_mask("0x80", m, m, 264), -EINVAL);
}

static void ap_matrix_test_parse_mask_random(struct kunit *test)
{
	u64 seed = AP_MATRIX_TEST_SEED ^ 7;
	struct rnd_state s;
	bool *r = kunit_kcalloc(test, NBITS, sizeof(bool), GFP_KERNEL);
	char *str = kunit_kzalloc(test, 2048, GFP_KERNEL);
	DECLARE_BITMAP(old, NBITS);
	DECLARE_BITMAP(newmap, NBITS);
	int i, id;

	prandom_seed_state(&s, seed);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, str);
	for (i = 0; more_rounds(i); i++) {
		size_t len = 0;

		rng_mask(&s, old, r);
		if (rng_below(&s, 2)) {
			/* Hex form: a random number of digits replaces all. */
			unsigned int digits = rng_below(&s, 65);
			unsigned int d, b;

			len = sprintf(str, "%s", rng_below(&s, 2) ? "0x" : "");
			memset(r, 0, NBITS * sizeof(bool));
			for (d = 0; d < digits; d++) {
				unsigned int v = rng_below(&s, 16);

				len += sprintf(str + len, "%x", v);
				for (b = 0; b < 4; b++)
					r[d * 4 + b] = v & (8 >> b);
			}
		} else {
			/* Edit form: a list of bit and range edits. */
			unsigned int ops = 1 + rng_below(&s, 8), o;

			for (o = 0; o < ops; o++) {
				bool plus = rng_below(&s, 2);
				unsigned int a = rng_below(&s, NBITS);
				unsigned int z = a + rng_below(&s, NBITS - a);
				bool range = rng_below(&s, 2);

				len += sprintf(str + len, "%s%c%u", o ? "," : "",
					       plus ? '+' : '-', a);
				if (range)
					len += sprintf(str + len, "-0x%x", z);
				for (id = a; id <= (range ? z : a); id++)
					r[id] = plus;
			}
		}
		if (rng_below(&s, 2))
			len += sprintf(str + len, "\n");

		KUNIT_ASSERT_EQ_MSG(test,
				    ap_matrix_parse_mask(str, old, newmap, NBITS),
				    0, "seed %llx round %d \"%s\"", seed, i, str);
		for (id = 0; id < NBITS; id++)
			KUNIT_ASSERT_EQ_MSG(test, test_bit(id, newmap), r[id],
					    "seed %llx round %d id %d \"%s\"",
					    seed, i, id, str);
	}
}

/* ---- CRYCB encoding ------------------------------------------------------ */

static void ap_matrix_test_encode_apcb_format2_layout(struct kunit *test)
{
	u8 crycb[AP_CRYCB_SIZE];
	DECLARE_BITMAP(apm, NBITS);
	DECLARE_BITMAP(aqm, NBITS);
	DECLARE_BITMAP(adm, NBITS);

	bitmap_zero(apm, NBITS);
	bitmap_zero(aqm, NBITS);
	bitmap_zero(adm, NBITS);
	__set_bit(0, apm);
	__set_bit(9, aqm);
	__set_bit(255, adm);
	memset(crycb, 0, sizeof(crycb));
	KUNIT_ASSERT_EQ(test, ap_matrix_encode_apcb(AP_CRYCB_FORMAT2, apm, aqm,
						    adm, crycb), 0);
	/* Architected, big-endian, MSB first: id 0 is 0x80 of byte 0. */
	KUNIT_EXPECT_EQ(test, crycb[0x80], 0x80);
	KUNIT_EXPECT_EQ(test, crycb[0x80 + 0x20 + 1], 0x40);
	KUNIT_EXPECT_EQ(test, crycb[0x80 + 0x40 + 31], 0x01);
	KUNIT_EXPECT_EQ(test, crycb[0x00], 0x00);
}

static void ap_matrix_test_encode_apcb_format1_layout(struct kunit *test)
{
	u8 crycb[AP_CRYCB_SIZE];
	DECLARE_BITMAP(apm, NBITS);
	DECLARE_BITMAP(aqm, NBITS);
	DECLARE_BITMAP(adm, NBITS);

	bitmap_zero(apm, NBITS);
	bitmap_zero(aqm, NBITS);
	bitmap_zero(adm, NBITS);
	__set_bit(63, apm);
	__set_bit(64, apm);	/* not representable in format 1 */
	__set_bit(15, aqm);
	__set_bit(16, aqm);
	__set_bit(0, adm);
	memset(crycb, 0xa5, sizeof(crycb));
	KUNIT_ASSERT_EQ(test, ap_matrix_encode_apcb(AP_CRYCB_FORMAT1, apm, aqm,
						    adm, crycb), 0);
	KUNIT_EXPECT_EQ(test, crycb[0x07], 0x01);
	KUNIT_EXPECT_EQ(test, crycb[0x09], 0x01);
	KUNIT_EXPECT_EQ(test, crycb[0x10], 0x80);
	/* Bytes set_masks does not write stay as they were. */
	KUNIT_EXPECT_EQ(test, crycb[0x0a], 0xa5);
	KUNIT_EXPECT_EQ(test, crycb[0x12], 0xa5);
	KUNIT_EXPECT_EQ(test, crycb[0x80], 0xa5);
}

static void ap_matrix_test_encode_apcb_bad_format(struct kunit *test)
{
	u8 crycb[AP_CRYCB_SIZE] = {};
	DECLARE_BITMAP(m, NBITS);

	bitmap_fill(m, NBITS);
	KUNIT_EXPECT_EQ(test, ap_matrix_encode_apcb(2, m, m, m, crycb), -EINVAL);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(crycb, 0, sizeof(crycb)));
}

static void ap_matrix_test_encode_apcb_random(struct kunit *test)
{
	static const enum ap_crycb_format fmts[] = {
		AP_CRYCB_FORMAT0, AP_CRYCB_FORMAT1, AP_CRYCB_FORMAT2,
	};
	u64 seed = AP_MATRIX_TEST_SEED ^ 8;
	struct rnd_state s;
	bool *r = kunit_kcalloc(test, 3 * NBITS, sizeof(bool), GFP_KERNEL);
	u8 crycb[AP_CRYCB_SIZE], fill;
	DECLARE_BITMAP(apm, NBITS);
	DECLARE_BITMAP(aqm, NBITS);
	DECLARE_BITMAP(adm, NBITS);
	DECLARE_BITMAP(back, NBITS);
	int i, off;

	prandom_seed_state(&s, seed);
	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; more_rounds(i); i++) {
		enum ap_crycb_format fmt = fmts[rng_below(&s, 3)];
		bool f2 = fmt == AP_CRYCB_FORMAT2;
		/* Field offsets and sizes of apm, aqm, adm in bytes. */
		int base = f2 ? 0x80 : 0x00;
		int offs[3] = { 0, f2 ? 0x20 : 0x08, f2 ? 0x40 : 0x10 };
		int lens[3] = { f2 ? 32 : 8, f2 ? 32 : 2, f2 ? 32 : 2 };
		int k, id;

		rng_mask(&s, apm, r);
		rng_mask(&s, aqm, r + NBITS);
		rng_mask(&s, adm, r + 2 * NBITS);
		fill = rng_next(&s);
		memset(crycb, fill, sizeof(crycb));
		KUNIT_ASSERT_EQ(test, ap_matrix_encode_apcb(fmt, apm, aqm, adm,
							    crycb), 0);
		for (off = 0; off < AP_CRYCB_SIZE; off++) {
			bool written = false;

			for (k = 0; k < 3; k++) {
				int start = base + offs[k];

				if (off < start || off >= start + lens[k])
					continue;
				written = true;
				for (id = (off - start) * 8;
				     id < (off - start) * 8 + 8; id++) {
					bool bit = crycb[off] & (0x80 >> (id % 8));

					KUNIT_ASSERT_EQ_MSG(test, bit,
							    r[k * NBITS + id],
							    "seed %llx round %d fmt %d mask %d id %d",
							    seed, i, fmt, k, id);
				}
			}
			if (!written)
				KUNIT_ASSERT_EQ_MSG(test, crycb[off], fill,
						    "seed %llx round %d byte %x",
						    seed, i, off);
		}
		/* Decoding gives back what fits in the field. */
		ap_matrix_mask_from_bytes(back, crycb + base + offs[1], lens[1]);
		for (id = 0; id < NBITS; id++)
			KUNIT_ASSERT_EQ_MSG(test, test_bit(id, back),
					    id < lens[1] * 8 && r[NBITS + id],
					    "seed %llx round %d id %d", seed, i, id);
	}
}

static void ap_matrix_test_decode_apcb_random(struct kunit *test)
{
	static const enum ap_crycb_format fmts[] = {
		AP_CRYCB_FORMAT0, AP_CRYCB_FORMAT1, AP_CRYCB_FORMAT2,
	};
	u64 seed = AP_MATRIX_TEST_SEED ^ 9;
	struct rnd_state s;
	bool *r = kunit_kcalloc(test, 3 * NBITS, sizeof(bool), GFP_KERNEL);
	unsigned long *in[3], *out[3];
	u8 crycb[AP_CRYCB_SIZE];
	int i, k, id;

	prandom_seed_state(&s, seed);
	KUNIT_ASSERT_NOT_NULL(test, r);
	for (k = 0; k < 3; k++) {
		in[k] = kunit_kcalloc(test, BITS_TO_LONGS(NBITS), sizeof(long),
				      GFP_KERNEL);
		out[k] = kunit_kcalloc(test, BITS_TO_LONGS(NBITS), sizeof(long),
				       GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, in[k]);
		KUNIT_ASSERT_NOT_NULL(test, out[k]);
	}
	for (i = 0; more_rounds(i); i++) {
		enum ap_crycb_format fmt = fmts[rng_below(&s, 3)];
		bool f2 = fmt == AP_CRYCB_FORMAT2;
		/* Ids the format holds: 256 each, or 64 adapters, 16 domains. */
		int ids[3] = { f2 ? 256 : 64, f2 ? 256 : 16, f2 ? 256 : 16 };

		for (k = 0; k < 3; k++)
			rng_mask(&s, in[k], r + k * NBITS);
		memset(crycb, rng_next(&s), sizeof(crycb));
		KUNIT_ASSERT_EQ(test, ap_matrix_encode_apcb(fmt, in[0], in[1],
							    in[2], crycb), 0);
		KUNIT_ASSERT_EQ(test, ap_matrix_decode_apcb(fmt, crycb, out[0],
							    out[1], out[2]), 0);
		for (k = 0; k < 3; k++)
			for (id = 0; id < NBITS; id++)
				KUNIT_ASSERT_EQ_MSG(test, test_bit(id, out[k]),
						    id < ids[k] && r[k * NBITS + id],
						    "seed %llx round %d fmt %d mask %d id %d",
						    seed, i, fmt, k, id);
	}
	KUNIT_EXPECT_EQ(test, ap_matrix_decode_apcb(2, crycb, out[0], out[1],
						    out[2]), -EINVAL);
}

static void ap_matrix_test_pick_apqn_table(struct kunit *test)
{
	DECLARE_BITMAP(apm, NBITS);
	DECLARE_BITMAP(aqm, NBITS);

	bitmap_zero(apm, NBITS);
	bitmap_zero(aqm, NBITS);
	KUNIT_EXPECT_EQ(test, ap_matrix_pick_apqn(apm, aqm, 0), -ENOENT);
	__set_bit(3, apm);
	KUNIT_EXPECT_EQ(test, ap_matrix_pick_apqn(apm, aqm, 0), -ENOENT);
	__set_bit(7, apm);
	__set_bit(1, aqm);
	__set_bit(255, aqm);
	/* Bits 0-15 pick the adapter, 16-31 the domain, modulo their count. */
	KUNIT_EXPECT_EQ(test, ap_matrix_pick_apqn(apm, aqm, 0), 0x0301);
	KUNIT_EXPECT_EQ(test, ap_matrix_pick_apqn(apm, aqm, 1), 0x0701);
	KUNIT_EXPECT_EQ(test, ap_matrix_pick_apqn(apm, aqm, 2), 0x0301);
	KUNIT_EXPECT_EQ(test, ap_matrix_pick_apqn(apm, aqm, 0x10000), 0x03ff);
	KUNIT_EXPECT_EQ(test, ap_matrix_pick_apqn(apm, aqm, 0x10001), 0x07ff);
}

static void ap_matrix_test_pick_apqn_random(struct kunit *test)
{
	u64 seed = AP_MATRIX_TEST_SEED ^ 10;
	struct rnd_state s;
	bool *r = kunit_kcalloc(test, 2 * NBITS, sizeof(bool), GFP_KERNEL);
	DECLARE_BITMAP(apm, NBITS);
	DECLARE_BITMAP(aqm, NBITS);
	int i, apqn;

	prandom_seed_state(&s, seed);
	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; more_rounds(i); i++) {
		rng_mask(&s, apm, r);
		rng_mask(&s, aqm, r + NBITS);
		apqn = ap_matrix_pick_apqn(apm, aqm, rng_next(&s));
		if (bitmap_empty(apm, NBITS) || bitmap_empty(aqm, NBITS)) {
			KUNIT_ASSERT_EQ_MSG(test, apqn, -ENOENT,
					    "seed %llx round %d", seed, i);
			continue;
		}
		KUNIT_ASSERT_GE_MSG(test, apqn, 0, "seed %llx round %d", seed, i);
		KUNIT_ASSERT_TRUE_MSG(test, r[AP_MATRIX_APID(apqn)] &&
				      r[NBITS + AP_MATRIX_APQI(apqn)],
				      "seed %llx round %d apqn %04x", seed, i,
				      apqn);
	}
}

static struct kunit_case ap_matrix_test_cases[] = {
	KUNIT_CASE_PARAM(ap_matrix_test_parse_id_table, parse_id_gen_params),
	KUNIT_CASE(ap_matrix_test_parse_id_long_input),
	KUNIT_CASE(ap_matrix_test_parse_id_random),
	KUNIT_CASE(ap_matrix_test_init_limits_apxa),
	KUNIT_CASE(ap_matrix_test_init_limits_noapxa),
	KUNIT_CASE_PARAM(ap_matrix_test_check_sharing_table, overlap_gen_params),
	KUNIT_CASE(ap_matrix_test_check_sharing_random),
	KUNIT_CASE(ap_matrix_test_filter_drops_unbound_apid),
	KUNIT_CASE(ap_matrix_test_filter_whole_matrix),
	KUNIT_CASE(ap_matrix_test_filter_host_drops_domain),
	KUNIT_CASE(ap_matrix_test_filter_empty_and_full),
	KUNIT_CASE(ap_matrix_test_filter_random),
	KUNIT_CASE(ap_matrix_test_filter_cdoms_random),
	KUNIT_CASE(ap_matrix_test_config_diff_none),
	KUNIT_CASE(ap_matrix_test_config_diff_random),
	KUNIT_CASE_PARAM(ap_matrix_test_filter_card_types_table,
			 card_type_gen_params),
	KUNIT_CASE(ap_matrix_test_filter_card_types_random),
	KUNIT_CASE_PARAM(ap_matrix_test_format_table, format_gen_params),
	KUNIT_CASE(ap_matrix_test_format_empty),
	KUNIT_CASE(ap_matrix_test_format_full_is_bounded),
	KUNIT_CASE(ap_matrix_test_format_cdoms_limits),
	KUNIT_CASE(ap_matrix_test_format_random),
	KUNIT_CASE_PARAM(ap_matrix_test_parse_mask_table, mask_gen_params),
	KUNIT_CASE(ap_matrix_test_parse_mask_bad_size),
	KUNIT_CASE(ap_matrix_test_parse_mask_random),
	KUNIT_CASE(ap_matrix_test_encode_apcb_format2_layout),
	KUNIT_CASE(ap_matrix_test_encode_apcb_format1_layout),
	KUNIT_CASE(ap_matrix_test_encode_apcb_bad_format),
	KUNIT_CASE(ap_matrix_test_encode_apcb_random),
	KUNIT_CASE(ap_matrix_test_decode_apcb_random),
	KUNIT_CASE(ap_matrix_test_pick_apqn_table),
	KUNIT_CASE(ap_matrix_test_pick_apqn_random),
	{}
};

static struct kunit_suite ap_matrix_test_suite = {
	.name = "ap_matrix",
	.test_cases = ap_matrix_test_cases,
};

kunit_test_suite(ap_matrix_test_suite);

MODULE_DESCRIPTION("KUnit tests for the vfio_ap_ref pure AP matrix core");
MODULE_LICENSE("GPL");

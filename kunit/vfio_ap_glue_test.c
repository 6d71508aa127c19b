// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the vfio_ap reference driver glue, running against the
 * simulated AP bus, KVM and VFIO built into the test kernel. With
 * CONFIG_PROVE_LOCKING every test also fails if lockdep reported anything
 * (a report turns debug_locks off).
 */
#include <kunit/test.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "sim_cmd.h"
#include "sim_internal.h"
#include "vfio_ap_private.h"

#include "vfio_ap_test_data.h"

struct glue_ctx {
	struct ap_matrix_mdev *a, *b;
	struct kvm_sim *kvm;
	bool a_open, b_open;
};

static struct ap_matrix_mdev *glue_create(struct kunit *test, const char *uuid)
{
	struct ap_matrix_mdev *m;

	KUNIT_ASSERT_EQ(test, vfio_ap_mdev_create(uuid), 0);
	m = vfio_ap_mdev_find(uuid);
	KUNIT_ASSERT_NOT_NULL(test, m);
	put_device(&m->dev);	/* the list keeps it until removal */
	return m;
}

/* Host config: adapters 1, 2, 3 and domains 4, 5 and control domain 6. */
static int glue_init(struct kunit *test)
{
	struct glue_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;
	ap_sim_config_set(AP_MATRIX_ADAPTER, 1, true);
	ap_sim_config_set(AP_MATRIX_ADAPTER, 2, true);
	ap_sim_config_set(AP_MATRIX_ADAPTER, 3, true);
	ap_sim_config_set(AP_MATRIX_DOMAIN, 4, true);
	ap_sim_config_set(AP_MATRIX_DOMAIN, 5, true);
	ap_sim_config_set(AP_MATRIX_CDOM, 6, true);
	ap_sim_scan();
	ctx->a = glue_create(test, UUID_A);
	ctx->b = glue_create(test, UUID_B);
	ctx->kvm = kvm_sim_create(GUEST, AP_CRYCB_FORMAT2);
	if (IS_ERR(ctx->kvm))
		return PTR_ERR(ctx->kvm);
	return 0;
}

static void glue_exit(struct kunit *test)
{
	struct glue_ctx *ctx = test->priv;
	unsigned long id;

	if (ctx->a_open)
		vfio_sim_close(&ctx->a->vdev);
	if (ctx->b_open)
		vfio_sim_close(&ctx->b->vdev);
	kvm_sim_destroy(GUEST);
	kvm_sim_destroy(9999);	/* made by the bad-input test's "max" */
	if (ctx->a)
		vfio_ap_mdev_remove(ctx->a);
	if (ctx->b)
		vfio_ap_mdev_remove(ctx->b);
	ap_sim_mask_store(AP_MATRIX_ADAPTER, "0x");
	ap_sim_mask_store(AP_MATRIX_DOMAIN, "0x");
	for (id = 0; id < AP_MATRIX_BITS; id++) {
		ap_sim_config_set(AP_MATRIX_ADAPTER, id, false);
		ap_sim_config_set(AP_MATRIX_DOMAIN, id, false);
		ap_sim_config_set(AP_MATRIX_CDOM, id, false);
		ap_sim_set_card_type(id, AP_MATRIX_CEX4);
	}
	ap_sim_scan();
	/* Any lockdep report during the test turns debug_locks off. */
	KUNIT_EXPECT_TRUE_MSG(test, debug_locks, "lockdep reported a problem");
}

/* The guest's APCB (format 2), decoded from its CRYCB bytes. */
struct guest_masks {
	DECLARE_BITMAP(apm, AP_MATRIX_BITS);
	DECLARE_BITMAP(aqm, AP_MATRIX_BITS);
	DECLARE_BITMAP(adm, AP_MATRIX_BITS);
};

static void guest_apcb(struct kvm_sim *kvm, struct guest_masks *g)
{
	u8 crycb[AP_CRYCB_SIZE];

	kvm_sim_read_crycb(kvm, crycb);
	ap_matrix_mask_from_bytes(g->apm, crycb + AP_CRYCB_APCB1, 32);
	ap_matrix_mask_from_bytes(g->aqm, crycb + AP_CRYCB_APCB1 + 0x20, 32);
	ap_matrix_mask_from_bytes(g->adm, crycb + AP_CRYCB_APCB1 + 0x40, 32);
}

/*
 * Assign ids from a spec such as "a1 a2 d4 c6" (the letters of the
 * ap/config commands); every one must succeed.
 */
static void assign_ids(struct kunit *test, struct ap_matrix_mdev *m,
		       const char *spec)
{
	enum ap_matrix_kind kind;
	char id[8];
	int n;

	while (sscanf(spec, " %7s%n", id, &n) == 1) {
		KUNIT_ASSERT_EQ_MSG(test, sim_cmd_kind(id[0], &kind), 0, "id %s", id);
		KUNIT_ASSERT_EQ_MSG(test, vfio_ap_mdev_assign(m, kind, id + 1), 0,
				    "id %s", id);
		spec += n;
	}
}

static void attach(struct kunit *test, struct glue_ctx *ctx)
{
	KUNIT_ASSERT_EQ(test, kvm_sim_vfio_add(ctx->kvm, ctx->a->name), 0);
	KUNIT_ASSERT_EQ(test, vfio_sim_open(&ctx->a->vdev), 0);
	ctx->a_open = true;
}

static void vfio_ap_ref_glue_test_assign_bind_attach_apcb(struct kunit *test)
{
	struct glue_ctx *ctx = test->priv;
	struct guest_masks g;
	char buf[64];

	KUNIT_ASSERT_EQ(test, vfio_ap_mdev_assign(ctx->a, AP_MATRIX_ADAPTER, "1"), 0);
	KUNIT_ASSERT_EQ(test, vfio_ap_mdev_assign(ctx->a, AP_MATRIX_ADAPTER, "0x2\n"), 0);
	assign_ids(test, ctx->a, "d4 c6");
	/* Adapter 9 is not in the host config: assigned, not passed. */
	KUNIT_ASSERT_EQ(test, vfio_ap_mdev_assign(ctx->a, AP_MATRIX_ADAPTER, "9"), 0);
	attach(test, ctx);

	guest_apcb(ctx->kvm, &g);
	KUNIT_EXPECT_EQ(test, bitmap_weight(g.apm, AP_MATRIX_BITS), 2U);
	KUNIT_EXPECT_TRUE(test, test_bit(1, g.apm) && test_bit(2, g.apm));
	KUNIT_EXPECT_EQ(test, bitmap_weight(g.aqm, AP_MATRIX_BITS), 1U);
	KUNIT_EXPECT_TRUE(test, test_bit(4, g.aqm));
	KUNIT_EXPECT_TRUE(test, test_bit(6, g.adm));

	mutex_lock(&matrix_dev->mdevs_lock);
	KUNIT_EXPECT_EQ(test, ap_matrix_format(&ctx->a->shadow_apcb, buf,
					       sizeof(buf)), (size_t)16);
	mutex_unlock(&matrix_dev->mdevs_lock);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "01.0004\n02.0004\n", 16), 0);
}

static void vfio_ap_ref_glue_test_assign_after_attach_hot_plugs(struct kunit *test)
{
	struct glue_ctx *ctx = test->priv;
	struct guest_masks g;

	KUNIT_ASSERT_EQ(test, vfio_ap_mdev_assign(ctx->a, AP_MATRIX_DOMAIN, "5"), 0);
	attach(test, ctx);
	guest_apcb(ctx->kvm, &g);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(g.apm, AP_MATRIX_BITS));
	KUNIT_ASSERT_EQ(test, vfio_ap_mdev_assign(ctx->a, AP_MATRIX_ADAPTER, "3"), 0);
	guest_apcb(ctx->kvm, &g);
	KUNIT_EXPECT_TRUE(test, test_bit(3, g.apm));
	KUNIT_EXPECT_TRUE(test, test_bit(5, g.aqm));
}

static void vfio_ap_ref_glue_test_assign_reserved_rolls_back(struct kunit *test)
{
	struct glue_ctx *ctx = test->priv;

	/* 02.0004 reserved for the host: bit 2 of apmask, bit 4 of aqmask. */
	KUNIT_ASSERT_EQ(test, ap_sim_mask_store(AP_MATRIX_ADAPTER, "0x20"), 0);
	KUNIT_ASSERT_EQ(test, ap_sim_mask_store(AP_MATRIX_DOMAIN, "0x08"), 0);
	KUNIT_ASSERT_EQ(test, vfio_ap_mdev_assign(ctx->a, AP_MATRIX_DOMAIN, "4"), 0);
	KUNIT_EXPECT_EQ(test, vfio_ap_mdev_assign(ctx->a, AP_MATRIX_ADAPTER, "2"),
			-EADDRNOTAVAIL);
	mutex_lock(&matrix_dev->mdevs_lock);
	KUNIT_EXPECT_FALSE(test, test_bit(2, ctx->a->matrix.apm));
	KUNIT_EXPECT_TRUE(test, hash_empty(ctx->a->qtable.queues));
	mutex_unlock(&matrix_dev->mdevs_lock);
}

static void vfio_ap_ref_glue_test_assign_shared_rolls_back(struct kunit *test)
{
	struct glue_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, vfio_ap_mdev_assign(ctx->a, AP_MATRIX_ADAPTER, "1"), 0);
	KUNIT_ASSERT_EQ(test, vfio_ap_mdev_assign(ctx->a, AP_MATRIX_DOMAIN, "4"), 0);
	KUNIT_ASSERT_EQ(test, vfio_ap_mdev_assign(ctx->b, AP_MATRIX_DOMAIN, "4"), 0);
	KUNIT_EXPECT_EQ(test, vfio_ap_mdev_assign(ctx->b, AP_MATRIX_ADAPTER, "1"),
			-EADDRINUSE);
	/* Control domains are never checked for sharing. */
	KUNIT_EXPECT_EQ(test, vfio_ap_mdev_assign(ctx->a, AP_MATRIX_CDOM, "6"), 0);
	KUNIT_EXPECT_EQ(test, vfio_ap_mdev_assign(ctx->b, AP_MATRIX_CDOM, "6"), 0);
	mutex_lock(&matrix_dev->mdevs_lock);
	KUNIT_EXPECT_FALSE(test, test_bit(1, ctx->b->matrix.apm));
	KUNIT_EXPECT_TRUE(test, hash_empty(ctx->b->qtable.queues));
	mutex_unlock(&matrix_dev->mdevs_lock);
}

static void vfio_ap_ref_glue_test_unassign_hot_unplugs(struct kunit *test)
{
	struct glue_ctx *ctx = test->priv;
	struct guest_masks g;

	assign_ids(test, ctx->a, "a1 a2 d4 c6");
	attach(test, ctx);
	KUNIT_ASSERT_EQ(test, vfio_ap_mdev_unassign(ctx->a, AP_MATRIX_ADAPTER, "1"), 0);
	KUNIT_ASSERT_EQ(test, vfio_ap_mdev_unassign(ctx->a, AP_MATRIX_CDOM, "6"), 0);
	/* Not assigned: succeeds and changes nothing. */
	KUNIT_ASSERT_EQ(test, vfio_ap_mdev_unassign(ctx->a, AP_MATRIX_ADAPTER, "7"), 0);
	guest_apcb(ctx->kvm, &g);
	KUNIT_EXPECT_FALSE(test, test_bit(1, g.apm));
	KUNIT_EXPECT_TRUE(test, test_bit(2, g.apm));
	KUNIT_EXPECT_FALSE(test, test_bit(6, g.adm));
	KUNIT_ASSERT_EQ(test, vfio_ap_mdev_unassign(ctx->a, AP_MATRIX_DOMAIN, "4"), 0);
	guest_apcb(ctx->kvm, &g);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(g.aqm, AP_MATRIX_BITS));
}

static void vfio_ap_ref_glue_test_reset_failure_filters_apid(struct kunit *test)
{
	struct glue_ctx *ctx = test->priv;
	struct guest_masks g;

	assign_ids(test, ctx->a, "a1 d4");
	attach(test, ctx);
	/* Detach resets 01.0004, which fails; the next attach leaves it out. */
	KUNIT_ASSERT_EQ(test, ap_sim_fail_next_reset(AP_MATRIX_APQN(1, 4),
						     AP_RESPONSE_DECONFIGURED), 0);
	vfio_sim_close(&ctx->a->vdev);
	ctx->a_open = false;
	KUNIT_ASSERT_EQ(test, vfio_ap_mdev_assign(ctx->a, AP_MATRIX_ADAPTER, "2"), 0);
	KUNIT_ASSERT_EQ(test, vfio_sim_open(&ctx->a->vdev), 0);
	ctx->a_open = true;
	guest_apcb(ctx->kvm, &g);
	KUNIT_EXPECT_FALSE(test, test_bit(1, g.apm));
	KUNIT_EXPECT_TRUE(test, test_bit(2, g.apm));
}

static void vfio_ap_ref_glue_test_in_use_makes_mask_ebusy(struct kunit *test)
{
	struct glue_ctx *ctx = test->priv;
	DECLARE_BITMAP(mask, AP_MATRIX_BITS);

	assign_ids(test, ctx->a, "a1 d4");
	KUNIT_ASSERT_EQ(test, ap_sim_mask_store(AP_MATRIX_DOMAIN, "+4"), 0);
	KUNIT_EXPECT_EQ(test, ap_sim_mask_store(AP_MATRIX_ADAPTER, "+1"), -EBUSY);
	ap_sim_mask_get(AP_MATRIX_ADAPTER, mask);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(mask, AP_MATRIX_BITS));
	/* Reserving an unused adapter works, and rebinds its queues. */
	KUNIT_EXPECT_EQ(test, ap_sim_mask_store(AP_MATRIX_ADAPTER, "+3"), 0);
	ap_sim_mask_get(AP_MATRIX_ADAPTER, mask);
	KUNIT_EXPECT_TRUE(test, test_bit(3, mask));
}

static void vfio_ap_ref_glue_test_host_config_remove_and_add(struct kunit *test)
{
	struct glue_ctx *ctx = test->priv;
	struct guest_masks g;

	assign_ids(test, ctx->a, "a1 a7 d4");
	attach(test, ctx);
	ap_sim_config_set(AP_MATRIX_ADAPTER, 1, false);
	ap_sim_scan();
	guest_apcb(ctx->kvm, &g);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(g.apm, AP_MATRIX_BITS));
	/* Adapter 7 appears as a CEX3: dropped. Then as a CEX4: plugged. */
	ap_sim_set_card_type(7, 8);
	ap_sim_config_set(AP_MATRIX_ADAPTER, 7, true);
	ap_sim_scan();
	guest_apcb(ctx->kvm, &g);
	KUNIT_EXPECT_FALSE(test, test_bit(7, g.apm));
	ap_sim_config_set(AP_MATRIX_ADAPTER, 7, false);
	ap_sim_scan();
	ap_sim_set_card_type(7, AP_MATRIX_CEX4);
	ap_sim_config_set(AP_MATRIX_ADAPTER, 7, true);
	ap_sim_scan();
	guest_apcb(ctx->kvm, &g);
	KUNIT_EXPECT_TRUE(test, test_bit(7, g.apm));
}

static void vfio_ap_ref_glue_test_open_errors(struct kunit *test)
{
	struct glue_ctx *ctx = test->priv;

	/* No guest linked to the group: -EINVAL, nothing held. */
	KUNIT_EXPECT_EQ(test, vfio_sim_open(&ctx->a->vdev), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->a->vdev.open_count, 0U);
	attach(test, ctx);
	/* A second mdev on the same guest: -EPERM, nothing left dangling. */
	KUNIT_ASSERT_EQ(test, kvm_sim_vfio_add(ctx->kvm, ctx->b->name), 0);
	KUNIT_EXPECT_EQ(test, vfio_sim_open(&ctx->b->vdev), -EPERM);
	KUNIT_EXPECT_NULL(test, ctx->b->kvm);
	/* The VM fd, the VFIO core and vfio_ap each hold one reference. */
	KUNIT_EXPECT_EQ(test, refcount_read(&ctx->kvm->users_count), 3U);
	KUNIT_EXPECT_PTR_EQ(test, ctx->kvm->arch.crypto.pqap_hook,
			    &ctx->a->pqap_hook);
}

static void vfio_ap_ref_glue_test_pqap_intercepts(struct kunit *test)
{
	struct glue_ctx *ctx = test->priv;
	struct kvm_sim_vcpu vcpu = { .kvm = ctx->kvm };

	assign_ids(test, ctx->a, "a1 d4");
	KUNIT_EXPECT_EQ(test, kvm_sim_pqap(&vcpu, 0x0104, true), -EOPNOTSUPP);
	attach(test, ctx);
	KUNIT_EXPECT_EQ(test, kvm_sim_pqap(&vcpu, 0x0104, true), 0);
	/* The status word in bits 32-63, its response code in 40-47. */
	KUNIT_EXPECT_EQ(test, vcpu.gprs[1], (u64)AP_RESPONSE_NORMAL << 16);
	KUNIT_EXPECT_EQ(test, kvm_sim_pqap(&vcpu, 0x0204, true), 0);
	KUNIT_EXPECT_EQ(test, vcpu.gprs[1], (u64)AP_RESPONSE_Q_NOT_AVAIL << 16);
	/* vCPU threads run against the attached guest. */
	KUNIT_ASSERT_EQ(test, kvm_sim_start_vcpus(ctx->kvm, 2, 1000), 0);
	msleep(50);
	KUNIT_EXPECT_GT(test, kvm_sim_intercepts(ctx->kvm), 0UL);
	kvm_sim_stop_vcpus(ctx->kvm);
}

static void vfio_ap_ref_glue_test_destroy_guest_while_open(struct kunit *test)
{
	struct glue_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, vfio_ap_mdev_assign(ctx->a, AP_MATRIX_ADAPTER, "1"), 0);
	attach(test, ctx);
	KUNIT_ASSERT_EQ(test, kvm_sim_start_vcpus(ctx->kvm, 1, 10000), 0);
	/* The open device keeps the guest alive until it is closed. */
	KUNIT_EXPECT_EQ(test, kvm_sim_destroy(GUEST), 0);
	KUNIT_EXPECT_PTR_EQ(test, ctx->a->kvm, ctx->kvm);
	vfio_sim_close(&ctx->a->vdev);
	ctx->a_open = false;
	KUNIT_EXPECT_NULL(test, ctx->a->kvm);
}

static void vfio_ap_ref_glue_test_create_errors(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vfio_ap_mdev_create(UUID_A), -EEXIST);
	/* A 37th byte is ignored, whatever it is: the UUID is still taken. */
	KUNIT_EXPECT_EQ(test, vfio_ap_mdev_create(UUID_A "x"), -EEXIST);
	KUNIT_EXPECT_EQ(test, vfio_ap_mdev_create(UUID_A "\n\n"), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_ap_mdev_create(""), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfio_ap_mdev_create("11111111-2222-3333-4444-55555555555x"),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&matrix_dev->available),
			VFIO_AP_MAX_MDEVS - 2);
}

/*
 * Every sysfs and debugfs write against the nine bad inputs of the
 * bad-input table (selftests/vfio_ap_test_data.h, shared with the
 * selftests, which write the files): the store functions behind each
 * file give the table's answer, and a refused write leaves the state as
 * it was. Inputs the table marks BAD_NA are not run.
 */
static int write_mdev_attr(struct glue_ctx *ctx, const char *name,
			   const char *buf, size_t len)
{
	const struct attribute_group *groups[] = {
		vfio_ap_mdev_groups[0], &vfio_ap_mdev_remove_group,
	};
	struct device_attribute *da;
	struct attribute *const *a;
	ssize_t ret;
	int i;

	/* The real store functions, through the groups the mdev gets. */
	for (i = 0; i < ARRAY_SIZE(groups); i++) {
		for (a = groups[i]->attrs; *a; a++) {
			if (strcmp((*a)->name, name))
				continue;
			da = container_of(*a, struct device_attribute, attr);
			ret = da->store(&ctx->a->dev, da, buf, len);
			return ret < 0 ? ret : 0;
		}
	}
	return -ENOENT;
}

/*
 * Write @buf to the table's @file through the function behind it: an
 * mdev attribute's store, the mdev type's create, the AP bus's mask
 * stores, or the simulation's control files (dbg/guests/42/NAME being
 * the test guest's NAME).
 */
static int write_file(struct glue_ctx *ctx, const char *file,
		      const char *buf, size_t len)
{
	const char *guest = "dbg/guests/42/";
	ssize_t ret;

	if (!strchr(file, '/'))
		return write_mdev_attr(ctx, file, buf, len);
	if (!strcmp(file, "type/create"))
		return vfio_ap_mdev_create(buf);
	if (!strcmp(file, "bus/apmask"))
		return ap_sim_mask_store(AP_MATRIX_ADAPTER, buf);
	if (!strcmp(file, "bus/aqmask"))
		return ap_sim_mask_store(AP_MATRIX_DOMAIN, buf);
	if (!strncmp(file, guest, strlen(guest)))
		ret = vfio_ap_sim_ctl(file + strlen(guest), ctx->kvm, buf, len);
	else if (!strncmp(file, "dbg/", 4))
		ret = vfio_ap_sim_ctl(file + 4, NULL, buf, len);
	else
		return -ENOENT;
	return ret < 0 ? ret : 0;
}

struct bad_write {
	const struct bad_input_file *f;
	enum bad_input input;
};

static struct bad_write bad_writes[ARRAY_SIZE(bad_input_files) * NR_BAD_INPUTS];

static const void *bad_write_gen_params(const void *prev, char *desc)
{
	const struct bad_write *p = prev;
	size_t i = p ? p - bad_writes + 1 : 0;
	char *c;

	while (i < ARRAY_SIZE(bad_writes) &&
	       bad_input_files[i / NR_BAD_INPUTS].err[i % NR_BAD_INPUTS] == BAD_NA)
		i++;
	if (i >= ARRAY_SIZE(bad_writes))
		return NULL;
	bad_writes[i].f = &bad_input_files[i / NR_BAD_INPUTS];
	bad_writes[i].input = i % NR_BAD_INPUTS;
	/* "dbg/guests/42/vcpus" and "sign": "dbg_guests_42_vcpus_sign". */
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s_%s", bad_writes[i].f->file,
		 bad_input_names[bad_writes[i].input]);
	for (c = desc; *c; c++)
		if (*c == '/')
			*c = '_';
	return &bad_writes[i];
}

/* Everything a write could change, compared bytewise. */
struct glue_state {
	struct ap_matrix a_matrix, a_shadow, hw;
	DECLARE_BITMAP(apmask, AP_MATRIX_BITS);
	DECLARE_BITMAP(aqmask, AP_MATRIX_BITS);
	unsigned int a_queues;
	int available, nr_vcpus;
	bool guest_alive, a_linked, b_linked;
};

static void glue_snapshot(struct glue_ctx *ctx, struct glue_state *st)
{
	struct vfio_ap_queue *q;
	struct kvm_sim *kvm;
	int bkt;

	memset(st, 0, sizeof(*st));
	mutex_lock(&matrix_dev->mdevs_lock);
	st->a_matrix = ctx->a->matrix;
	st->a_shadow = ctx->a->shadow_apcb;
	hash_for_each(ctx->a->qtable.queues, bkt, q, mdev_qnode)
		st->a_queues++;
	mutex_unlock(&matrix_dev->mdevs_lock);
	ap_sim_get_config(&st->hw);
	ap_sim_mask_get(AP_MATRIX_ADAPTER, st->apmask);
	ap_sim_mask_get(AP_MATRIX_DOMAIN, st->aqmask);
	st->available = atomic_read(&matrix_dev->available);
	st->nr_vcpus = READ_ONCE(ctx->kvm->nr_vcpus);
	kvm = kvm_sim_find(GUEST);
	st->guest_alive = kvm;
	if (kvm)
		kvm_sim_put(kvm);
	st->a_linked = READ_ONCE(ctx->a->vdev.group->kvm);
	st->b_linked = READ_ONCE(ctx->b->vdev.group->kvm);
}

static void vfio_ap_ref_glue_test_write_bad_input(struct kunit *test)
{
	const struct bad_write *bw = test->param_value;
	const struct bad_input_file *f = bw->f;
	struct glue_ctx *ctx = test->priv;
	struct glue_state *before, *after;
	int want = f->err[bw->input];
	char *buf;
	int ret;

	before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	buf = kunit_kzalloc(test, 4097, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, after);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	/* A baseline with something in every piece of state. */
	assign_ids(test, ctx->a, "a1 d4 c6");
	KUNIT_ASSERT_EQ(test, ap_sim_mask_store(AP_MATRIX_ADAPTER, "+3"), 0);

	if (f->in[bw->input] == BAD_PAGE)
		memset(buf, 'a', 4096);
	else
		strscpy(buf, f->in[bw->input], 4097);

	glue_snapshot(ctx, before);
	ret = write_file(ctx, f->file, buf, strlen(buf));
	KUNIT_EXPECT_EQ_MSG(test, ret, want, "%s <- \"%.40s\"", f->file, buf);
	if (!ret && !strcmp(f->file, "type/create")) {
		struct ap_matrix_mdev *m;

		buf[UUID_STRING_LEN] = '\0';
		m = vfio_ap_mdev_find(buf);

		KUNIT_ASSERT_NOT_NULL(test, m);
		KUNIT_EXPECT_EQ(test, vfio_ap_mdev_remove(m), 0);
		put_device(&m->dev);
	}
	if (want) {
		glue_snapshot(ctx, after);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(before, after, sizeof(*before)), 0,
				    "%s changed state on a rejected write", f->file);
	}
}

static struct kunit_case vfio_ap_ref_glue_test_cases[] = {
	KUNIT_CASE(vfio_ap_ref_glue_test_assign_bind_attach_apcb),
	KUNIT_CASE(vfio_ap_ref_glue_test_assign_after_attach_hot_plugs),
	KUNIT_CASE(vfio_ap_ref_glue_test_assign_reserved_rolls_back),
	KUNIT_CASE(vfio_ap_ref_glue_test_assign_shared_rolls_back),
	KUNIT_CASE(vfio_ap_ref_glue_test_unassign_hot_unplugs),
	KUNIT_CASE(vfio_ap_ref_glue_test_reset_failure_filters_apid),
	KUNIT_CASE(vfio_ap_ref_glue_test_in_use_makes_mask_ebusy),
	KUNIT_CASE(vfio_ap_ref_glue_test_host_config_remove_and_add),
	KUNIT_CASE(vfio_ap_ref_glue_test_open_errors),
	KUNIT_CASE(vfio_ap_ref_glue_test_pqap_intercepts),
	KUNIT_CASE(vfio_ap_ref_glue_test_destroy_guest_while_open),
	KUNIT_CASE(vfio_ap_ref_glue_test_create_errors),
	KUNIT_CASE_PARAM(vfio_ap_ref_glue_test_write_bad_input,
			 bad_write_gen_params),
	{}
};

static struct kunit_suite vfio_ap_ref_glue_test_suite = {
	.name = "vfio_ap_ref_glue",
	.init = glue_init,
	.exit = glue_exit,
	.test_cases = vfio_ap_ref_glue_test_cases,
};

kunit_test_suite(vfio_ap_ref_glue_test_suite);

MODULE_DESCRIPTION("KUnit tests for the vfio_ap_ref driver glue");
MODULE_LICENSE("GPL");

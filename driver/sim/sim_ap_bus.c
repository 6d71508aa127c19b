// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated AP bus, modelled on drivers/s390/crypto/ap_bus.c (6.1).
 *
 * Locks: ap_scan_mutex serializes scans and is taken before any driver
 * lock (it is held across on_config_changed, device add/remove and
 * on_scan_complete). ap_sim_perms_mutex guards apmask/aqmask and is taken by
 * probe under the device lock and by the mask stores around in_use().
 * ap_hw_lock is a leaf spinlock for the "hardware" configuration.
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "sim_ap_bus.h"
#include "sim_internal.h"

/*
 * The driver core's bus_type became const in 6.3 and match()'s
 * device_driver in 6.11. driver/Makefile spells both for the tree it
 * builds against (AP_SIM_BUS_TYPE is "const struct bus_type" from 6.3),
 * so one source serves 6.1 and 6.12.
 */
#ifndef AP_SIM_MATCH_CONST
#define AP_SIM_MATCH_CONST
#endif

/*
 * Guards ap_perms: the real AP bus's ap_perms_mutex, renamed so that it
 * cannot clash with the real one on s390.
 */
DEFINE_MUTEX(ap_sim_perms_mutex);
EXPORT_SYMBOL_GPL(ap_sim_perms_mutex);

static struct {
	DECLARE_BITMAP(apm, AP_MATRIX_BITS);
	DECLARE_BITMAP(aqm, AP_MATRIX_BITS);
} ap_perms;

static DEFINE_MUTEX(ap_scan_mutex);
static DEFINE_SPINLOCK(ap_hw_lock);
/* What PQAP(QCI) returns now, and the card type of each adapter. */
static struct ap_matrix ap_hw_config;
static int ap_hw_card_type[AP_MATRIX_BITS];
/*
 * The response code of each APQN's next reset (0: success), kept by the
 * machine as the upstream-mode AP machine does, not by the queue device:
 * it may be set for a queue of the configuration that the bus has not
 * scanned yet, and it outlives the device.
 */
static u8 ap_hw_reset_rc[AP_MATRIX_BITS * AP_MATRIX_BITS];
/* The configuration as of the last scan; under ap_scan_mutex. */
static struct ap_matrix ap_bus_config;

static struct device *ap_root_device;

static int ap_sim_bus_probe(struct device *dev);
static void ap_sim_bus_remove(struct device *dev);

static int ap_sim_bus_match(struct device *dev,
			    AP_SIM_MATCH_CONST struct device_driver *drv)
{
	return 1;
}

static ssize_t mask_show(enum ap_matrix_kind which, char *buf)
{
	DECLARE_BITMAP(mask, AP_MATRIX_BITS);
	u8 bytes[AP_MATRIX_BITS / 8];

	ap_sim_mask_get(which, mask);
	ap_matrix_mask_to_bytes(mask, bytes, sizeof(bytes));
	return sysfs_emit(buf, "0x%*phN\n", (int)sizeof(bytes), bytes);
}

static ssize_t apmask_show(AP_SIM_BUS_TYPE *bus, char *buf)
{
	return mask_show(AP_MATRIX_ADAPTER, buf);
}

static ssize_t apmask_store(AP_SIM_BUS_TYPE *bus, const char *buf,
			    size_t count)
{
	int ret = ap_sim_mask_store(AP_MATRIX_ADAPTER, buf);

	return ret ? ret : count;
}
static BUS_ATTR_RW(apmask);

static ssize_t aqmask_show(AP_SIM_BUS_TYPE *bus, char *buf)
{
	return mask_show(AP_MATRIX_DOMAIN, buf);
}

static ssize_t aqmask_store(AP_SIM_BUS_TYPE *bus, const char *buf,
			    size_t count)
{
	int ret = ap_sim_mask_store(AP_MATRIX_DOMAIN, buf);

	return ret ? ret : count;
}
static BUS_ATTR_RW(aqmask);

static struct attribute *ap_sim_bus_attrs[] = {
	&bus_attr_apmask.attr,
	&bus_attr_aqmask.attr,
	NULL,
};
ATTRIBUTE_GROUPS(ap_sim_bus);

static AP_SIM_BUS_TYPE ap_sim_bus_type = {
	.name = "ap_sim",
	.match = ap_sim_bus_match,
	.probe = ap_sim_bus_probe,
	.remove = ap_sim_bus_remove,
	.bus_groups = ap_sim_bus_groups,
};

static bool apqn_reserved(int apqn)
{
	lockdep_assert_held(&ap_sim_perms_mutex);
	return test_bit(AP_MATRIX_APID(apqn), ap_perms.apm) &&
	       test_bit(AP_MATRIX_APQI(apqn), ap_perms.aqm);
}

/* Like ap_device_probe(): reserved queues go to the default driver only. */
static int ap_sim_bus_probe(struct device *dev)
{
	struct ap_sim_driver *drv = to_ap_sim_drv(dev->driver);
	struct ap_sim_queue *q = to_ap_sim_queue(dev);
	bool reserved;

	mutex_lock(&ap_sim_perms_mutex);
	reserved = apqn_reserved(q->apqn);
	mutex_unlock(&ap_sim_perms_mutex);
	if (reserved != drv->default_drv)
		return -ENODEV;
	return drv->probe ? drv->probe(q) : 0;
}

static void ap_sim_bus_remove(struct device *dev)
{
	struct ap_sim_driver *drv = to_ap_sim_drv(dev->driver);

	if (drv->remove)
		drv->remove(to_ap_sim_queue(dev));
}

/**
 * ap_sim_driver_register() - register a driver on the simulated AP bus
 * @drv: the driver
 * @owner: its module
 *
 * Return: 0 or a negative errno from driver_register().
 */
int ap_sim_driver_register(struct ap_sim_driver *drv, struct module *owner)
{
	drv->driver.bus = &ap_sim_bus_type;
	drv->driver.owner = owner;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(ap_sim_driver_register);

/**
 * ap_sim_driver_unregister() - unregister a driver from the AP bus
 * @drv: the driver
 */
void ap_sim_driver_unregister(struct ap_sim_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(ap_sim_driver_unregister);

/**
 * ap_sim_check_reserved() - ap_apqn_in_matrix_owned_by_def_drv()
 * @m: the matrix to check
 *
 * Context: ap_sim_perms_mutex held.
 * Return: 0, or -EADDRNOTAVAIL if an APQN of @m is reserved for the host.
 */
int ap_sim_check_reserved(const struct ap_matrix *m)
{
	lockdep_assert_held(&ap_sim_perms_mutex);
	return ap_matrix_check_reserved(m, ap_perms.apm, ap_perms.aqm,
					NULL, NULL);
}
EXPORT_SYMBOL_GPL(ap_sim_check_reserved);

/**
 * ap_sim_get_config() - what PQAP(QCI) reports now
 * @cfg: filled with the host configuration masks and limits
 */
void ap_sim_get_config(struct ap_matrix *cfg)
{
	spin_lock(&ap_hw_lock);
	*cfg = ap_hw_config;
	spin_unlock(&ap_hw_lock);
}
EXPORT_SYMBOL_GPL(ap_sim_get_config);

static int match_apqn(struct device *dev, const void *data)
{
	return to_ap_sim_queue(dev)->apqn == *(const int *)data;
}

/**
 * ap_sim_get_queue() - find a queue device, like ap_get_qdev()
 * @apqn: the APQN
 *
 * Return: the queue with a device reference held, or NULL.
 */
struct ap_sim_queue *ap_sim_get_queue(int apqn)
{
	struct device *dev;

	dev = bus_find_device(&ap_sim_bus_type, NULL, &apqn, match_apqn);
	return dev ? to_ap_sim_queue(dev) : NULL;
}
EXPORT_SYMBOL_GPL(ap_sim_get_queue);

/**
 * ap_sim_zapq() - reset a queue, PQAP(ZAPQ)
 * @q: the queue
 *
 * Return: the response code: AP_RESPONSE_NORMAL, or the one injected with
 * ap_sim_fail_next_reset(), which is used once.
 */
int ap_sim_zapq(struct ap_sim_queue *q)
{
	int rc;

	spin_lock(&ap_hw_lock);
	rc = ap_hw_reset_rc[q->apqn];
	ap_hw_reset_rc[q->apqn] = AP_RESPONSE_NORMAL;
	spin_unlock(&ap_hw_lock);
	return rc;
}
EXPORT_SYMBOL_GPL(ap_sim_zapq);

/**
 * ap_sim_card_type() - the adapter type one queue reports, PQAP(TAPQ)
 * @apid: adapter id
 * @apqi: domain id
 *
 * Return: the type set with ap_sim_set_card_type() (CEX4, 10, by
 * default), or -ENODEV if the APQN is not in the host configuration or the
 * type was set to a negative value (unknown).
 */
int ap_sim_card_type(unsigned long apid, unsigned long apqi)
{
	int type = -ENODEV;

	if (apid >= AP_MATRIX_BITS || apqi >= AP_MATRIX_BITS)
		return -ENODEV;
	spin_lock(&ap_hw_lock);
	if (test_bit(apid, ap_hw_config.apm) && test_bit(apqi, ap_hw_config.aqm))
		type = ap_hw_card_type[apid];
	spin_unlock(&ap_hw_lock);
	return type < 0 ? -ENODEV : type;
}
EXPORT_SYMBOL_GPL(ap_sim_card_type);

/**
 * ap_sim_config_set() - add or remove an id in the "hardware" config
 * @kind: which ids
 * @id: the id
 * @on: add or remove
 *
 * The bus notices only at the next ap_sim_scan().
 *
 * Return: 0, -EINVAL for a bad @kind, -ERANGE for an id above the limit.
 */
int ap_sim_config_set(enum ap_matrix_kind kind, unsigned long id, bool on)
{
	unsigned long *mask, max;

	spin_lock(&ap_hw_lock);
	mask = ap_matrix_mask(&ap_hw_config, kind, &max);
	if (!mask) {
		spin_unlock(&ap_hw_lock);
		return -EINVAL;
	}
	if (id > max) {
		spin_unlock(&ap_hw_lock);
		return -ERANGE;
	}
	if (on)
		__set_bit(id, mask);
	else
		__clear_bit(id, mask);
	spin_unlock(&ap_hw_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(ap_sim_config_set);

/**
 * ap_sim_set_apxa() - switch the APXA facility and with it the limits
 * @apxa: installed or not
 *
 * Only allowed while the configuration is empty, as the limits of every
 * matrix the driver has derive from it.
 *
 * Return: 0 or -EBUSY.
 */
int ap_sim_set_apxa(bool apxa)
{
	int ret = -EBUSY;

	spin_lock(&ap_hw_lock);
	if (bitmap_empty(ap_hw_config.apm, AP_MATRIX_BITS) &&
	    bitmap_empty(ap_hw_config.aqm, AP_MATRIX_BITS) &&
	    bitmap_empty(ap_hw_config.adm, AP_MATRIX_BITS)) {
		ap_matrix_init_limits(&ap_hw_config, apxa, 255, 255);
		ret = 0;
	}
	spin_unlock(&ap_hw_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(ap_sim_set_apxa);

/**
 * ap_sim_set_card_type() - set the type an adapter reports
 * @apid: adapter id
 * @type: AP device type (10 is CEX4), or negative for "unknown"
 *
 * Return: 0 or -ERANGE.
 */
int ap_sim_set_card_type(unsigned long apid, int type)
{
	if (apid >= AP_MATRIX_BITS || type > 255)
		return -ERANGE;
	spin_lock(&ap_hw_lock);
	ap_hw_card_type[apid] = type;
	spin_unlock(&ap_hw_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(ap_sim_set_card_type);

/**
 * ap_sim_fail_next_reset() - make the next reset of a queue fail
 * @apqn: the queue
 * @rc: AP_RESPONSE_Q_NOT_AVAIL, _DECONFIGURED, _CHECKSTOPPED or
 *	_RESET_IN_PROGRESS (0 cancels)
 *
 * Return: 0, -EINVAL for another code, -ENODEV if the host configuration
 * has no such queue.
 */
int ap_sim_fail_next_reset(int apqn, int rc)
{
	int ret = 0;

	switch (rc) {
	case AP_RESPONSE_NORMAL:
	case AP_RESPONSE_Q_NOT_AVAIL:
	case AP_RESPONSE_RESET_IN_PROGRESS:
	case AP_RESPONSE_DECONFIGURED:
	case AP_RESPONSE_CHECKSTOPPED:
		break;
	default:
		return -EINVAL;
	}
	if (apqn < 0 || apqn >= ARRAY_SIZE(ap_hw_reset_rc))
		return -ENODEV;
	spin_lock(&ap_hw_lock);
	if (test_bit(AP_MATRIX_APID(apqn), ap_hw_config.apm) &&
	    test_bit(AP_MATRIX_APQI(apqn), ap_hw_config.aqm))
		ap_hw_reset_rc[apqn] = rc;
	else
		ret = -ENODEV;
	spin_unlock(&ap_hw_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(ap_sim_fail_next_reset);

static void ap_sim_queue_release(struct device *dev)
{
	kfree(to_ap_sim_queue(dev));
}

static void ap_sim_add_queue(int apqn)
{
	struct ap_sim_queue *q = kzalloc(sizeof(*q), GFP_KERNEL);

	if (!q)
		return;
	q->apqn = apqn;
	device_initialize(&q->dev);
	q->dev.bus = &ap_sim_bus_type;
	q->dev.parent = ap_root_device;
	q->dev.release = ap_sim_queue_release;
	dev_set_name(&q->dev, "%02x.%04x", AP_MATRIX_APID(apqn),
		     AP_MATRIX_APQI(apqn));
	if (device_add(&q->dev))
		put_device(&q->dev);
}

static int remove_gone_queue(struct device *dev, void *data)
{
	const struct ap_matrix *cfg = data;
	int apqn = to_ap_sim_queue(dev)->apqn;

	if (!test_bit(AP_MATRIX_APID(apqn), cfg->apm) ||
	    !test_bit(AP_MATRIX_APQI(apqn), cfg->aqm))
		device_unregister(dev);
	return 0;
}

struct cfg_notify {
	const struct ap_matrix *new_cfg, *old_cfg;
	bool complete;
};

static int notify_driver(struct device_driver *driver, void *data)
{
	struct ap_sim_driver *drv = to_ap_sim_drv(driver);
	struct cfg_notify *n = data;

	if (!n->complete && drv->on_config_changed)
		drv->on_config_changed(n->new_cfg, n->old_cfg);
	if (n->complete && drv->on_scan_complete)
		drv->on_scan_complete(n->new_cfg, n->old_cfg);
	return 0;
}

/**
 * ap_sim_scan() - let the bus notice the current "hardware" configuration
 *
 * As ap_scan_bus(): when the configuration changed, the drivers hear
 * on_config_changed(); queue devices of removed ids are unregistered and
 * those of added ids registered (and probed), except for adapters older
 * than CEX4 or of unknown type; then on_scan_complete().
 */
void ap_sim_scan(void)
{
	struct ap_matrix *old_cfg, *new_cfg;
	struct cfg_notify n;
	unsigned long apid, apqi;
	struct ap_sim_queue *q;
	bool changed;

	old_cfg = kmalloc(sizeof(*old_cfg), GFP_KERNEL);
	new_cfg = kmalloc(sizeof(*new_cfg), GFP_KERNEL);
	if (!old_cfg || !new_cfg)
		goto out;

	mutex_lock(&ap_scan_mutex);
	*old_cfg = ap_bus_config;
	ap_sim_get_config(new_cfg);
	changed = memcmp(old_cfg, new_cfg, sizeof(*new_cfg));
	n.new_cfg = new_cfg;
	n.old_cfg = old_cfg;
	n.complete = false;
	if (changed)
		bus_for_each_drv(&ap_sim_bus_type, NULL, &n, notify_driver);

	bus_for_each_dev(&ap_sim_bus_type, NULL, new_cfg, remove_gone_queue);
	for_each_set_bit(apid, new_cfg->apm, AP_MATRIX_BITS) {
		for_each_set_bit(apqi, new_cfg->aqm, AP_MATRIX_BITS) {
			/* Like ap_get_compatible_type(): no device, no bind. */
			if (ap_sim_card_type(apid, apqi) < AP_MATRIX_CEX4)
				continue;
			q = ap_sim_get_queue(AP_MATRIX_APQN(apid, apqi));
			if (q)
				put_device(&q->dev);
			else
				ap_sim_add_queue(AP_MATRIX_APQN(apid, apqi));
		}
	}
	ap_bus_config = *new_cfg;

	n.complete = true;
	if (changed)
		bus_for_each_drv(&ap_sim_bus_type, NULL, &n, notify_driver);
	mutex_unlock(&ap_scan_mutex);
out:
	kfree(old_cfg);
	kfree(new_cfg);
}
EXPORT_SYMBOL_GPL(ap_sim_scan);

/**
 * ap_sim_mask_get() - read apmask or aqmask
 * @which: AP_MATRIX_ADAPTER for apmask, AP_MATRIX_DOMAIN for aqmask
 * @mask: AP_MATRIX_BITS bits to fill
 */
void ap_sim_mask_get(enum ap_matrix_kind which, unsigned long *mask)
{
	mutex_lock(&ap_sim_perms_mutex);
	bitmap_copy(mask, which == AP_MATRIX_ADAPTER ? ap_perms.apm : ap_perms.aqm,
		    AP_MATRIX_BITS);
	mutex_unlock(&ap_sim_perms_mutex);
}
EXPORT_SYMBOL_GPL(ap_sim_mask_get);

struct verify_ctx {
	unsigned long *apm, *aqm;
};

static int verify_reservation(struct device_driver *driver, void *data)
{
	struct ap_sim_driver *drv = to_ap_sim_drv(driver);
	struct verify_ctx *v = data;
	int ret = 0;

	if (!try_module_get(driver->owner))
		return 0;
	if (drv->in_use && drv->in_use(v->apm, v->aqm))
		ret = -EBUSY;
	module_put(driver->owner);
	return ret;
}

static int revise_binding(struct device *dev, void *data)
{
	struct ap_sim_queue *q = to_ap_sim_queue(dev);
	struct device_driver *driver;
	bool reserved;
	int ret = 0;

	mutex_lock(&ap_sim_perms_mutex);
	reserved = apqn_reserved(q->apqn);
	mutex_unlock(&ap_sim_perms_mutex);

	device_lock(dev);
	driver = dev->driver;
	device_unlock(dev);
	if (!driver || reserved != to_ap_sim_drv(driver)->default_drv)
		ret = device_reprobe(dev);
	if (ret)
		dev_warn(dev, "reprobe failed: %d\n", ret);
	return 0;
}

/**
 * ap_sim_mask_store() - write apmask or aqmask, as apmask_store() does
 * @which: AP_MATRIX_ADAPTER for apmask, AP_MATRIX_DOMAIN for aqmask
 * @buf: the written string (see ap_matrix_parse_mask())
 *
 * Newly reserved bits are checked with every driver's in_use() under
 * ap_sim_perms_mutex; a driver that uses them turns the write into -EBUSY.
 * After a change, ap_sim_perms_mutex is dropped and the queues re-probed.
 *
 * Return: 0, -EINVAL, -EBUSY, -ENOMEM or -ERESTARTSYS.
 */
int ap_sim_mask_store(enum ap_matrix_kind which, const char *buf)
{
	unsigned long *newmap, *added, *cur;
	struct verify_ctx v;
	bool changes = false;
	int ret;

	newmap = bitmap_zalloc(AP_MATRIX_BITS, GFP_KERNEL);
	added = bitmap_zalloc(AP_MATRIX_BITS, GFP_KERNEL);
	if (!newmap || !added) {
		ret = -ENOMEM;
		goto out;
	}
	if (mutex_lock_interruptible(&ap_sim_perms_mutex)) {
		ret = -ERESTARTSYS;
		goto out;
	}
	cur = which == AP_MATRIX_ADAPTER ? ap_perms.apm : ap_perms.aqm;
	ret = ap_matrix_parse_mask(buf, cur, newmap, AP_MATRIX_BITS);
	if (ret)
		goto unlock;
	changes = !bitmap_equal(cur, newmap, AP_MATRIX_BITS);
	if (changes && bitmap_andnot(added, newmap, cur, AP_MATRIX_BITS)) {
		v.apm = which == AP_MATRIX_ADAPTER ? added : ap_perms.apm;
		v.aqm = which == AP_MATRIX_ADAPTER ? ap_perms.aqm : added;
		ret = bus_for_each_drv(&ap_sim_bus_type, NULL, &v,
				       verify_reservation);
		if (ret)
			goto unlock;
	}
	bitmap_copy(cur, newmap, AP_MATRIX_BITS);
unlock:
	mutex_unlock(&ap_sim_perms_mutex);
	if (!ret && changes)
		bus_for_each_dev(&ap_sim_bus_type, NULL, NULL, revise_binding);
out:
	bitmap_free(newmap);
	bitmap_free(added);
	return ret;
}
EXPORT_SYMBOL_GPL(ap_sim_mask_store);

/* The host's default queue driver, like cex4queue: binds reserved queues. */
static struct ap_sim_driver ap_sim_host_driver = {
	.driver.name = "ap_sim_host",
	.default_drv = true,
};

/**
 * ap_sim_bus_init() - register the bus, its root device and host driver
 *
 * Return: 0 or a negative errno.
 */
int ap_sim_bus_init(void)
{
	int i, ret;

	ap_matrix_init_limits(&ap_hw_config, true, 255, 255);
	ap_bus_config = ap_hw_config;
	for (i = 0; i < AP_MATRIX_BITS; i++)
		ap_hw_card_type[i] = AP_MATRIX_CEX4;

	ap_root_device = root_device_register("ap_sim");
	if (IS_ERR(ap_root_device))
		return PTR_ERR(ap_root_device);
	ret = bus_register(&ap_sim_bus_type);
	if (ret)
		goto err_root;
	ret = ap_sim_driver_register(&ap_sim_host_driver, THIS_MODULE);
	if (ret)
		goto err_bus;
	return 0;

err_bus:
	bus_unregister(&ap_sim_bus_type);
err_root:
	root_device_unregister(ap_root_device);
	return ret;
}

static int unregister_queue(struct device *dev, void *data)
{
	device_unregister(dev);
	return 0;
}

/**
 * ap_sim_bus_exit() - remove every queue, the host driver and the bus
 */
void ap_sim_bus_exit(void)
{
	mutex_lock(&ap_scan_mutex);
	bus_for_each_dev(&ap_sim_bus_type, NULL, NULL, unregister_queue);
	mutex_unlock(&ap_scan_mutex);
	ap_sim_driver_unregister(&ap_sim_host_driver);
	bus_unregister(&ap_sim_bus_type);
	root_device_unregister(ap_root_device);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The host's default AP queue driver on the real AP bus, in the role of
 * zcrypt's CEX4+ queue drivers: it binds the queues that apmask and
 * aqmask reserve for the host, so that they are not free for vfio_ap.
 */
#include <linux/mod_devicetable.h>
#include <linux/module.h>

#include "ap_bus.h"
#include "shim.h"

static struct ap_device_id ap_host_queue_ids[] = {
	{ .dev_type = AP_DEVICE_TYPE_CEX4,
	  .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ .dev_type = AP_DEVICE_TYPE_CEX5,
	  .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ .dev_type = AP_DEVICE_TYPE_CEX6,
	  .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ .dev_type = AP_DEVICE_TYPE_CEX7,
	  .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ .dev_type = AP_DEVICE_TYPE_CEX8,
	  .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ /* end of list */ },
};

static int ap_host_probe(struct ap_device *ap_dev)
{
	return 0;
}

static void ap_host_remove(struct ap_device *ap_dev)
{
}

static struct ap_driver ap_host_driver = {
	.probe = ap_host_probe,
	.remove = ap_host_remove,
	.ids = ap_host_queue_ids,
	.flags = AP_DRIVER_FLAG_DEFAULT,
};

/**
 * ap_host_drv_register() - register the host's default queue driver
 *
 * Return: 0 or the error of ap_driver_register().
 */
int ap_host_drv_register(void)
{
	return ap_driver_register(&ap_host_driver, THIS_MODULE,
				  AP_HOST_DRV_NAME);
}

/**
 * ap_host_drv_unregister() - unregister it
 */
void ap_host_drv_unregister(void)
{
	ap_driver_unregister(&ap_host_driver);
}

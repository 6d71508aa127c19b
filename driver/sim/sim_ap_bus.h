/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Simulated AP bus: queue devices on a real bus_type, a host AP
 * configuration (what PQAP(QCI) would report), apmask/aqmask with the
 * in_use callback, and the config-changed/scan-complete notifications.
 */
#ifndef _VFIO_AP_REF_SIM_AP_BUS_H_
#define _VFIO_AP_REF_SIM_AP_BUS_H_

#include <linux/device.h>
#include <linux/mutex.h>
#include "ap_matrix.h"

/* Response codes of PQAP(ZAPQ)/(TAPQ), as in asm/ap.h. */
#define AP_RESPONSE_NORMAL		0x00
#define AP_RESPONSE_Q_NOT_AVAIL		0x01
#define AP_RESPONSE_RESET_IN_PROGRESS	0x02
#define AP_RESPONSE_DECONFIGURED	0x03
#define AP_RESPONSE_CHECKSTOPPED	0x04
#define AP_RESPONSE_BUSY		0x05

/**
 * struct ap_sim_queue - a simulated AP queue device
 * @dev: the device on the ap_sim bus, named "%02x.%04x"
 * @apqn: adapter << 8 | domain
 */
struct ap_sim_queue {
	struct device dev;
	int apqn;
};

#define to_ap_sim_queue(d) container_of(d, struct ap_sim_queue, dev)

/**
 * struct ap_sim_driver - a driver on the simulated AP bus
 * @driver: the driver core part
 * @default_drv: binds the queues reserved for the host (apmask x aqmask),
 *	like a driver with AP_DRIVER_FLAG_DEFAULT; otherwise only the others
 * @probe: bind a queue
 * @remove: unbind a queue
 * @in_use: return -EADDRINUSE if an APQN of @apm x @aqm is in use;
 *	called with ap_sim_perms_mutex held
 * @on_config_changed: the host configuration changed; called before the
 *	queue devices are added and removed
 * @on_scan_complete: the bus finished adding and removing queue devices
 */
struct ap_sim_driver {
	struct device_driver driver;
	bool default_drv;
	int (*probe)(struct ap_sim_queue *q);
	void (*remove)(struct ap_sim_queue *q);
	int (*in_use)(unsigned long *apm, unsigned long *aqm);
	void (*on_config_changed)(const struct ap_matrix *new_cfg,
				  const struct ap_matrix *old_cfg);
	void (*on_scan_complete)(const struct ap_matrix *new_cfg,
				 const struct ap_matrix *old_cfg);
};

#define to_ap_sim_drv(d) container_of(d, struct ap_sim_driver, driver)

extern struct mutex ap_sim_perms_mutex;

int ap_sim_driver_register(struct ap_sim_driver *drv, struct module *owner);
void ap_sim_driver_unregister(struct ap_sim_driver *drv);
int ap_sim_check_reserved(const struct ap_matrix *m);
void ap_sim_get_config(struct ap_matrix *cfg);
struct ap_sim_queue *ap_sim_get_queue(int apqn);
int ap_sim_zapq(struct ap_sim_queue *q);
int ap_sim_card_type(unsigned long apid, unsigned long apqi);

/* Control interface, for debugfs and the KUnit glue tests. */
int ap_sim_config_set(enum ap_matrix_kind kind, unsigned long id, bool on);
int ap_sim_set_apxa(bool apxa);
int ap_sim_set_card_type(unsigned long apid, int type);
int ap_sim_fail_next_reset(int apqn, int rc);
void ap_sim_scan(void);
int ap_sim_mask_store(enum ap_matrix_kind which, const char *buf);
void ap_sim_mask_get(enum ap_matrix_kind which, unsigned long *mask);

#endif /* _VFIO_AP_REF_SIM_AP_BUS_H_ */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to the upstream-mode shim module (vfio_ap_shim): the host's
 * default AP driver and the name the selftests find it by.
 */
#ifndef _VFIO_AP_UPSTREAM_SHIM_H_
#define _VFIO_AP_UPSTREAM_SHIM_H_

/* /sys/bus/ap/drivers/<name> */
#define AP_HOST_DRV_NAME	"apsim_host"

int ap_host_drv_register(void);
void ap_host_drv_unregister(void);

#endif /* _VFIO_AP_UPSTREAM_SHIM_H_ */

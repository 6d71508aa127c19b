// SPDX-License-Identifier: GPL-2.0
/*
 * The simulation module's init and exit: the AP bus, the kvm-vfio device
 * type of the simulated KVM, and the debugfs control layer, which then
 * listens to KVM and VFIO. Unloading reports what the driver, unloaded
 * first, left allocated (sim_ledger.c), and destroys the guests left.
 */
#include <linux/module.h>

#include "sim_internal.h"
#include "sim_kvm.h"
#include "sim_ledger.h"
#include "sim_vfio.h"

static int __init vfio_ap_sim_init(void)
{
	int ret;

	ret = ap_sim_bus_init();
	if (ret)
		return ret;
	kvm_sim_set_vfio_device(&kvm_sim_vfio_ops);
	sim_debugfs_init();
	return 0;
}

static void __exit vfio_ap_sim_exit(void)
{
	/* vfio_ap_ref, which needs this module, is gone: what did it leave? */
	sim_ledger_check("vfio_ap_ref");
	kvm_sim_exit();
	sim_debugfs_exit();
	kvm_sim_set_vfio_device(NULL);
	ap_sim_bus_exit();
}

module_init(vfio_ap_sim_init);
module_exit(vfio_ap_sim_exit);

MODULE_DESCRIPTION("Simulated AP bus, KVM guests and VFIO for vfio_ap_ref");
MODULE_LICENSE("GPL");

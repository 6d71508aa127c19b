// SPDX-License-Identifier: GPL-2.0
/*
 * The simulation module's init and exit: the AP bus, the kvm-vfio device
 * type of the simulated KVM, and the debugfs control layer, which then
 * listens to KVM and VFIO. The allocation ledger (sim_ledger.c) reports
 * what the driver left allocated each time it is unloaded; unloading
 * this module destroys the guests left.
 */
#include <linux/module.h>

#include "sim_internal.h"
#include "sim_kvm.h"
#include "sim_ledger.h"
#include "sim_vfio.h"

static int __init vfio_ap_sim_init(void)
{
	int ret;

	ret = sim_ledger_watch("vfio_ap_ref");
	if (ret)
		return ret;
	ret = ap_sim_bus_init();
	if (ret) {
		sim_ledger_unwatch();
		return ret;
	}
	kvm_sim_set_vfio_device(&kvm_sim_vfio_ops);
	sim_debugfs_init();
	return 0;
}

static void __exit vfio_ap_sim_exit(void)
{
	kvm_sim_exit();
	sim_debugfs_exit();
	kvm_sim_set_vfio_device(NULL);
	ap_sim_bus_exit();
	sim_ledger_unwatch();
}

module_init(vfio_ap_sim_init);
module_exit(vfio_ap_sim_exit);

MODULE_DESCRIPTION("Simulated AP bus, KVM guests and VFIO for vfio_ap_ref");
MODULE_LICENSE("GPL");

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The driver's bookkeeping dump (vfio_ap_state.c), exported by the driver
 * under test, and the simulation's debugfs file "state" that calls it
 * through symbol_get() (sim_cmd.c): the simulation loads first and needs
 * no driver. And the debugfs file "ledger": the driver's live
 * allocations, as the allocation ledger holds them (sim_ledger.c).
 */
#ifndef _VFIO_AP_REF_SIM_STATE_H_
#define _VFIO_AP_REF_SIM_STATE_H_

#include <linux/fs.h>

struct seq_file;

int vfio_ap_state_show(struct seq_file *m);
extern const struct file_operations sim_state_fops;
extern const struct file_operations sim_ledger_fops;

#endif /* _VFIO_AP_REF_SIM_STATE_H_ */

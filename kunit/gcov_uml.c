// SPDX-License-Identifier: GPL-2.0
/*
 * UML coverage builds (CONFIG_GCOV): write the gcov counters at halt.
 *
 * GCC 7 and later run libgcov's exit handler as a destructor placed in
 * .fini_array.00100, which the UML link does not merge into .fini_array,
 * so a UML kernel exits without writing any .gcda file. The objects are
 * registered all the same (.init_array is merged), and libgcov's public
 * __gcov_dump() writes them. kunit.py halts the kernel after the tests
 * (kunit_shutdown=halt), which runs the reboot notifiers.
 */
#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/notifier.h>
#include <linux/reboot.h>

#include "gcov_uml.h"

static int gcov_uml_dump(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	unsigned long flags;

	/* No timer signal in the middle of the host file writes. */
	local_irq_save(flags);
	__gcov_dump();
	local_irq_restore(flags);
	return NOTIFY_DONE;
}

static struct notifier_block gcov_uml_nb = {
	.notifier_call = gcov_uml_dump,
};

static int __init gcov_uml_init(void)
{
	return register_reboot_notifier(&gcov_uml_nb);
}
late_initcall(gcov_uml_init);

// SPDX-License-Identifier: GPL-2.0
/*
 * Linux 6.1's AP bus was built into zcrypt.ko, whose zcrypt_api.c holds
 * the module license; as a module of its own it needs one.
 */
#include <linux/module.h>

MODULE_DESCRIPTION("Adjunct Processor Bus driver (Linux 6.1, as a module)");
MODULE_LICENSE("GPL");

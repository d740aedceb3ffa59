// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test module for the kheaders harness: exports a symbol that
 * kh_consumer, built in the same external build, uses.  modpost must
 * resolve it from this build's own Module.symvers.
 */

#include <linux/init.h>
#include <linux/module.h>

#include "kh_provider.h"

static int seed = 20;
module_param(seed, int, 0444);
MODULE_PARM_DESC(seed, "what kh_provider_value() derives its answer from");

int kh_provider_value(int x)
{
	return 2 * seed + x;
}
EXPORT_SYMBOL_GPL(kh_provider_value);

static int __init kh_provider_init(void)
{
	pr_info("kh_provider: seed %d\n", seed);
	return 0;
}

static void __exit kh_provider_exit(void)
{
}

module_init(kh_provider_init);
module_exit(kh_provider_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kheaders harness test module: exports a symbol");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test module for the kheaders harness: calls kh_provider_value() from
 * kh_provider and shows the answer as its read-only parameter "value".
 */

#include <linux/init.h>
#include <linux/module.h>

#include "kh_provider.h"

static int value;
module_param(value, int, 0444);
MODULE_PARM_DESC(value, "kh_provider_value(2), read at load time");

static int __init kh_consumer_init(void)
{
	value = kh_provider_value(2);
	pr_info("kh_consumer: kh_provider_value(2) = %d\n", value);
	return 0;
}

static void __exit kh_consumer_exit(void)
{
}

module_init(kh_consumer_init);
module_exit(kh_consumer_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kheaders harness test module: uses kh_provider's export");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test module for the kheaders harness: built in the guest against the
 * tree unpacked from /proc/kheaders.tar.xz.  It prints the release its
 * headers carried next to the one it runs on; they must match.
 */

#include <generated/utsrelease.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/utsname.h>

static int __init kh_hello_init(void)
{
	pr_info("kh_hello: built for %s, running on %s\n", UTS_RELEASE,
		init_utsname()->release);
	return 0;
}

static void __exit kh_hello_exit(void)
{
	pr_info("kh_hello: unloaded\n");
}

module_init(kh_hello_init);
module_exit(kh_hello_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kheaders harness test module");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test module for kernels built with kCFI: the kernel reaches it only
 * through indirect calls (its init, a timer callback, a /proc file's
 * show), each of which kCFI checks against the callee's type.  With
 * wrong=1 it also calls one of its own functions through a pointer of
 * another type, which kCFI must report.  Its counters live in a struct
 * only it defines, which its BTF must describe.  Two source files, so
 * that under ThinLTO its parts stay LLVM bitcode until the module is
 * linked.
 */

#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/timer.h>

#include "kh_cfi.h"

struct kh_cfi_state {
	unsigned long timer_calls;
	unsigned long shows;
	long wrong_result;
};

static struct kh_cfi_state kh_cfi_state;
static struct timer_list kh_cfi_timer;
static struct proc_dir_entry *kh_cfi_file;

static bool wrong;
module_param(wrong, bool, 0444);
MODULE_PARM_DESC(wrong, "call a function through a pointer of the wrong type");

static void kh_cfi_tick(struct timer_list *t)
{
	kh_cfi_state.timer_calls++;
}

static int kh_cfi_show(struct seq_file *m, void *v)
{
	kh_cfi_state.shows++;
	seq_printf(m, "timer_calls %lu\nshows %lu\n", kh_cfi_state.timer_calls,
		   kh_cfi_state.shows);
	return 0;
}

static int __init kh_cfi_init(void)
{
	kh_cfi_file = proc_create_single("kh_cfi", 0444, NULL, kh_cfi_show);
	if (!kh_cfi_file)
		return -ENOMEM;
	timer_setup(&kh_cfi_timer, kh_cfi_tick, 0);
	mod_timer(&kh_cfi_timer, jiffies + 1);
	if (wrong)
		kh_cfi_state.wrong_result = kh_cfi_call_wrong();
	pr_info("kh_cfi: loaded%s\n", wrong ? ", wrong-type call made" : "");
	return 0;
}

static void __exit kh_cfi_exit(void)
{
	del_timer_sync(&kh_cfi_timer);
	proc_remove(kh_cfi_file);
	pr_info("kh_cfi: unloaded\n");
}

module_init(kh_cfi_init);
module_exit(kh_cfi_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kheaders harness test module: indirect calls under kCFI");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * kheaders: this kernel's headers and external-module build kit, as one
 * .tar.xz archive made at build time by kernel/gen_kheaders.sh, embedded
 * here and served read-only at /proc/kheaders.tar.xz and
 * /sys/kernel/kheaders.tar.xz.  With CONFIG_IKHEADERS_FS it can also be
 * mounted: see kheaders_fs.c.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/sysfs.h>

#include "kheaders.h"

#define KHEADERS_NAME "kheaders.tar.xz"

/*
 * The archive goes into .rodata as it is.  Kbuild passes its path and
 * rebuilds this object whenever the archive changes.
 */
asm(".pushsection .rodata, \"a\"\n"
	".global kheaders_archive\n"
	"kheaders_archive:\n"
	".incbin \"" KHEADERS_ARCHIVE "\"\n"
	".global kheaders_archive_end\n"
	"kheaders_archive_end:\n"
	".popsection\n");

static size_t kheaders_size(void)
{
	return kheaders_archive_end - kheaders_archive;
}

#ifdef CONFIG_IKHEADERS_FS
/* The filesystem's index of the archive; its parser wants 4-byte words. */
asm(".pushsection .rodata, \"a\"\n"
	".balign 4\n"
	".global kheaders_index\n"
	"kheaders_index:\n"
	".incbin \"" KHEADERS_INDEX "\"\n"
	".global kheaders_index_end\n"
	"kheaders_index_end:\n"
	".popsection\n");

static size_t kheaders_index_size(void)
{
	return kheaders_index_end - kheaders_index;
}

/* One translation unit, one object: kheaders.o is the module. */
#include "kheaders_fmt.c"
#include "kheaders_fs.c"
#else
static int __init kheaders_fs_init(void)
{
	return 0;
}

static void __exit kheaders_fs_exit(void)
{
}
#endif

/* Refuse writers at open, as sysfs does, even for root. */
static int kheaders_proc_open(struct inode *inode, struct file *file)
{
	return (file->f_mode & FMODE_WRITE) ? -EACCES : 0;
}

static ssize_t kheaders_proc_read(struct file *file, char __user *buf,
				  size_t count, loff_t *ppos)
{
	return simple_read_from_buffer(buf, count, ppos, kheaders_archive,
				       kheaders_size());
}

static const struct proc_ops kheaders_proc_ops = {
	.proc_open	= kheaders_proc_open,
	.proc_read	= kheaders_proc_read,
	.proc_lseek	= default_llseek,
};

static ssize_t kheaders_sysfs_read(struct file *file, struct kobject *kobj,
				   struct bin_attribute *attr, char *buf,
				   loff_t off, size_t count)
{
	return memory_read_from_buffer(buf, count, &off, kheaders_archive,
				       kheaders_size());
}

/* .size is only known at run time: set at init, read-only after. */
static struct bin_attribute kheaders_sysfs_attr __ro_after_init = {
	.attr	= { .name = KHEADERS_NAME, .mode = 0444 },
	.read	= kheaders_sysfs_read,
};

static struct proc_dir_entry *kheaders_proc;

static int __init kheaders_init(void)
{
	int err;

	if (IS_ENABLED(CONFIG_PROC_FS)) {
		kheaders_proc = proc_create(KHEADERS_NAME, 0444, NULL,
					    &kheaders_proc_ops);
		if (!kheaders_proc)
			return -ENOMEM;
		proc_set_size(kheaders_proc, kheaders_size());
	}

	if (IS_ENABLED(CONFIG_SYSFS)) {
		kheaders_sysfs_attr.size = kheaders_size();
		err = sysfs_create_bin_file(kernel_kobj, &kheaders_sysfs_attr);
		if (err)
			goto out_proc;
	}

	err = kheaders_fs_init();
	if (err)
		goto out_sysfs;
	return 0;

out_sysfs:
	if (IS_ENABLED(CONFIG_SYSFS))
		sysfs_remove_bin_file(kernel_kobj, &kheaders_sysfs_attr);
out_proc:
	proc_remove(kheaders_proc);
	return err;
}

static void __exit kheaders_exit(void)
{
	kheaders_fs_exit();
	/* Both removals wait for readers already inside a read callback. */
	if (IS_ENABLED(CONFIG_SYSFS))
		sysfs_remove_bin_file(kernel_kobj, &kheaders_sysfs_attr);
	proc_remove(kheaders_proc);
}

module_init(kheaders_init);
module_exit(kheaders_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Kernel headers and module build kit as /proc/kheaders.tar.xz");

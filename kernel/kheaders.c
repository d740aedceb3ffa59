// SPDX-License-Identifier: GPL-2.0-only
/*
 * kheaders: this kernel's headers and external-module build kit, as one
 * .tar.xz archive made at build time by kernel/gen_kheaders.sh, linked
 * in from kheaders_data.S and served read-only at /proc/kheaders.tar.xz and
 * /sys/kernel/kheaders.tar.xz.  With CONFIG_IKHEADERS_FS it can also be
 * mounted: this module registers the filesystem of kheaders_fs.ko
 * (kheaders_super.c) over its archive.
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
 * modpost reads this object before kheaders_data.o exists and would take
 * the archive's symbols for unresolved ones: these weak definitions stand
 * in, and the linker takes kheaders_data.o's.  (Weak definitions, not weak
 * references: a reference that may be undefined is reached through the
 * GOT, which arm64's module loader does not relocate.)
 */
const u8 kheaders_archive[1] __weak;
const u8 kheaders_archive_end[1] __weak;
#ifdef CONFIG_IKHEADERS_FS
const u8 kheaders_index[1] __weak;
const u8 kheaders_index_end[1] __weak;
#endif

static size_t kheaders_size(void)
{
	return kheaders_archive_end - kheaders_archive;
}

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

static struct kheaders_data kheaders_fs_data __ro_after_init;

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

	if (IS_ENABLED(CONFIG_IKHEADERS_FS)) {
		kheaders_fs_data.archive = kheaders_archive;
		kheaders_fs_data.archive_size = kheaders_size();
		kheaders_fs_data.index = kheaders_index;
		kheaders_fs_data.index_size = kheaders_index_end - kheaders_index;
		err = kheaders_fs_register(THIS_MODULE, &kheaders_fs_data);
		if (err)
			goto out_sysfs;
	}
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
	kheaders_fs_unregister();
	/* Both removals wait for readers already inside a read callback. */
	if (IS_ENABLED(CONFIG_SYSFS))
		sysfs_remove_bin_file(kernel_kobj, &kheaders_sysfs_attr);
	proc_remove(kheaders_proc);
}

module_init(kheaders_init);
module_exit(kheaders_exit);

MODULE_LICENSE("GPL");
#ifdef CONFIG_IKHEADERS_FS
/* "mount -t kheaders" loads us, and with us kheaders_fs.ko. */
MODULE_ALIAS_FS("kheaders");
MODULE_IMPORT_NS(KHEADERS);
#endif
MODULE_DESCRIPTION("Kernel headers and module build kit as /proc/kheaders.tar.xz");

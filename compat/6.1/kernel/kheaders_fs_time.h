/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inode timestamps for the kheaders filesystem, Linux 6.1 (to 6.5), where
 * they are plain inode fields.
 */
#ifndef _KERNEL_KHEADERS_FS_TIME_H
#define _KERNEL_KHEADERS_FS_TIME_H

#include <linux/fs.h>

static inline void kh_set_times(struct inode *inode, struct timespec64 ts)
{
	inode->i_atime = ts;
	inode->i_mtime = ts;
	inode->i_ctime = ts;
}

#endif /* _KERNEL_KHEADERS_FS_TIME_H */

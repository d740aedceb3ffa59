/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inode timestamps for the kheaders filesystem, Linux 6.7 and later.
 * Older kernels, where the timestamps are plain inode fields, carry a
 * variant of this header with the same function.
 */
#ifndef _KERNEL_KHEADERS_FS_TIME_H
#define _KERNEL_KHEADERS_FS_TIME_H

#include <linux/fs.h>

static inline void kh_set_times(struct inode *inode, struct timespec64 ts)
{
	inode_set_atime_to_ts(inode, ts);
	inode_set_mtime_to_ts(inode, ts);
	inode_set_ctime_to_ts(inode, ts);
}

#endif /* _KERNEL_KHEADERS_FS_TIME_H */

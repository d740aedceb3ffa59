/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kheaders archive, and with CONFIG_IKHEADERS_FS its index, placed in
 * .rodata by the .incbin statements in kheaders.c.
 */
#ifndef _KERNEL_KHEADERS_H
#define _KERNEL_KHEADERS_H

#include <linux/types.h>

extern const u8 kheaders_archive[];
extern const u8 kheaders_archive_end[];
extern const u8 kheaders_index[];
extern const u8 kheaders_index_end[];

#endif /* _KERNEL_KHEADERS_H */

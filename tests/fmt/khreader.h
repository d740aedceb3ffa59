/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace reader of a kheaders filesystem archive, over the kernel's
 * parsers (kernel/kheaders_fmt.c): what kheaders_super.c does, with liblzma
 * in place of the kernel's xz decoder.
 */
#ifndef KHREADER_H
#define KHREADER_H

#include <linux/types.h>
#include "../../kernel/kheaders_fmt.h"

struct khr {
	const u8 *ar;
	size_t ar_len;
	struct kh_index ix;
	struct kh_chunk *chunks;
	u8 *buf;		/* one decoded chunk */
	u32 cached;		/* which, or ~0 */
	unsigned long decodes;
};

/* 0 or a negative errno, as the kernel's mount would return. */
int khr_open(struct khr *r, const u8 *ar, size_t ar_len,
	     const void *index, size_t index_len);
void khr_close(struct khr *r);
/* Read @len bytes of entry @i's contents at @pos; 0 or -EIO. */
int khr_read(struct khr *r, u32 i, u32 pos, u8 *dst, size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/crc32.h>: zlib's crc32() is crc32_le's dual. */
#ifndef KH_TEST_LINUX_CRC32_H
#define KH_TEST_LINUX_CRC32_H

#include <zlib.h>
#include <linux/types.h>

static inline u32 crc32_le(u32 seed, const void *p, size_t len)
{
	/* crc32_le(~0, p, n) ^ ~0 == zlib's crc32(0, p, n) */
	return ~(u32)crc32(~seed, p, len);
}

#endif

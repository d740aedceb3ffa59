/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <asm/byteorder.h>, for building kernel/kheaders_fmt.c. */
#ifndef KH_TEST_ASM_BYTEORDER_H
#define KH_TEST_ASM_BYTEORDER_H

#include <linux/types.h>

/* The tests run on little-endian hosts only (x86_64). */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "tests/fmt assumes a little-endian host"
#endif
#define le16_to_cpu(x) ((u16)(x))
#define le32_to_cpu(x) ((u32)(x))

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/types.h>, for building kernel/kheaders_fmt.c. */
#ifndef KH_TEST_LINUX_TYPES_H
#define KH_TEST_LINUX_TYPES_H

#include_next <linux/types.h>	/* the uapi types: __u32, __le32, ... */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#endif

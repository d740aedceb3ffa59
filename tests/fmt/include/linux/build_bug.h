/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/build_bug.h>: the kernel's static_assert. */
#ifndef KH_TEST_LINUX_BUILD_BUG_H
#define KH_TEST_LINUX_BUILD_BUG_H

#ifndef static_assert
#define static_assert(expr, ...) __static_assert(expr, ##__VA_ARGS__, #expr)
#define __static_assert(expr, msg, ...) _Static_assert(expr, msg)
#endif

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for <linux/errno.h>: the uapi numbers, as the kernel's. */
#include <asm/errno.h>

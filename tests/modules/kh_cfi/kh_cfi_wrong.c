// SPDX-License-Identifier: GPL-2.0-only
/*
 * kh_cfi's negative control: a call through a pointer whose type is not
 * the callee's, which kCFI must catch.
 */

#include <linux/compiler.h>

#include "kh_cfi.h"

static noinline int kh_cfi_add(int a, int b)
{
	return a + b;
}

long kh_cfi_call_wrong(void)
{
	long (*fn)(long) = (long (*)(long))(void *)kh_cfi_add;

	/* Hide where the pointer came from, so the call stays indirect. */
	OPTIMIZER_HIDE_VAR(fn);
	return fn(41);
}

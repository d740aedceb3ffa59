/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kheaders archive, and with CONFIG_IKHEADERS_FS the index of its
 * tree, as they are, in .rodata.  kernel/Makefile.kheaders assembles this
 * once modpost has run and passes both paths.
 */

#include <linux/linkage.h>

	.section .rodata, "a"

SYM_DATA_START(kheaders_archive)
	.incbin	KHEADERS_ARCHIVE
SYM_DATA_END_LABEL(kheaders_archive, SYM_L_GLOBAL, kheaders_archive_end)

#ifdef CONFIG_IKHEADERS_FS
/* The index parser reads 4-byte words. */
	.balign	4
SYM_DATA_START(kheaders_index)
	.incbin	KHEADERS_INDEX
SYM_DATA_END_LABEL(kheaders_index, SYM_L_GLOBAL, kheaders_index_end)
#endif

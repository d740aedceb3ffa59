/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kheaders: the archive and, with CONFIG_IKHEADERS_FS, its index, and the
 * filesystem that serves them (kheaders_fs.ko, kheaders_super.c).
 */
#ifndef _KERNEL_KHEADERS_H
#define _KERNEL_KHEADERS_H

#include <linux/compiler.h>
#include <linux/types.h>

struct module;

/*
 * In kheaders_data.o, which Kbuild assembles after modpost, since the
 * archive holds Module.symvers, and links in last.  kheaders.c has weak
 * stand-ins for modpost, which reads kheaders.o before that object
 * exists.
 */
extern const u8 kheaders_archive[];
extern const u8 kheaders_archive_end[];
extern const u8 kheaders_index[];
extern const u8 kheaders_index_end[];

/* What kheaders.ko hands the filesystem. */
struct kheaders_data {
	const u8 *archive;
	size_t archive_size;
	const u8 *index;	/* 4-byte aligned */
	size_t index_size;
};

#if IS_ENABLED(CONFIG_IKHEADERS_FS)
int kheaders_fs_register(struct module *owner, const struct kheaders_data *data);
void kheaders_fs_unregister(void);
#else
static inline int kheaders_fs_register(struct module *owner,
				       const struct kheaders_data *data)
{
	return 0;
}

static inline void kheaders_fs_unregister(void)
{
}
#endif

#endif /* _KERNEL_KHEADERS_H */

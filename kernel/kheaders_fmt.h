/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kheaders archive layout for the kheaders filesystem.
 *
 * With CONFIG_IKHEADERS_FS the archive is a series of concatenated xz
 * streams (one LZMA2 block each, CRC32 checks), every stream holding at
 * most KH_CHUNK_MAX bytes of the tar file and, where a tar member fits,
 * starting on a member boundary; otherwise a multiple of KH_CHUNK_ALIGN
 * bytes into the member's data, so that no page needs two chunks.  xz
 * and tar read it as one .tar.xz.
 *
 * Beside it, kernel/kheaders_mkindex writes an index of the tar's tree:
 * a header, an array of entries and a blob of NUL-terminated names, all
 * little-endian.  Entry 0 is the root directory; the children of every
 * directory are consecutive entries sorted by name, so lookup is a
 * binary search and readdir a walk.
 *
 * This file and kheaders_fmt.c are plain C that also builds in userspace:
 * kheaders_mkindex writes the index with these structures, and the
 * parsers can be unit-tested and fuzzed.  Every value
 * read from the archive or the index is checked before it is used.
 */
#ifndef _KERNEL_KHEADERS_FMT_H
#define _KERNEL_KHEADERS_FMT_H

#include <linux/build_bug.h>
#include <linux/types.h>

#define KH_INDEX_MAGIC		0x5849484bU	/* "KHIX" */
#define KH_INDEX_VERSION	1U
#define KH_CHUNK_MAX		(256U * 1024)
/* A chunk that ends inside a file ends a multiple of this into its data. */
#define KH_CHUNK_ALIGN		(64U * 1024)
/* No xz stream (header, block, index, footer) is shorter than this. */
#define KH_XZ_MIN_STREAM	32U

#define KH_MODE_TYPE		0170000U
#define KH_MODE_DIR		0040000U
#define KH_MODE_REG		0100000U
#define KH_MODE_LNK		0120000U
/* setuid, setgid, sticky: an archive never needs them, so none is honoured. */
#define KH_MODE_SPECIAL		0007000U

/* The index as stored; all fields little-endian. */
struct kh_index_hdr {
	__le32 magic;
	__le32 version;
	__le32 crc;		/* CRC32 of everything after this header */
	__le32 nentries;
	__le32 names_size;
	__le32 tar_size;	/* bytes of the uncompressed tar */
	__le32 nchunks;		/* xz streams in the archive */
	__le32 mtime_lo;	/* one mtime for every entry */
	__le32 mtime_hi;
	__le32 reserved;
};

static_assert(sizeof(struct kh_index_hdr) == 40);

/*
 * Directories: first and count give the children.  Regular files: data
 * is the offset of the contents in the tar, size their length.
 * Symlinks: data is the offset of the NUL-terminated target in the name
 * blob, size its length.
 */
struct kh_index_ent {
	__le32 parent;
	__le32 name;		/* offset in the name blob */
	__le16 name_len;
	__le16 mode;		/* type and permission bits, as st_mode */
	__le32 size;
	__le32 data;
	__le32 first;
	__le32 count;
};

static_assert(sizeof(struct kh_index_ent) == 28);

/* A parsed, checked index; points into the caller's buffer. */
struct kh_index {
	const struct kh_index_ent *ent;
	const char *names;
	u32 nentries;
	u32 names_size;
	u32 tar_size;
	u32 nchunks;
	s64 mtime;
};

/* An entry's fields in host byte order. */
struct kh_entry {
	u32 parent;
	const char *name;
	u32 name_len;
	u32 mode;
	u32 size;
	u32 data;
	u32 first;
	u32 count;
};

/* One xz stream: where it lies in the archive and in the tar. */
struct kh_chunk {
	u32 c_off;
	u32 c_len;
	u32 u_off;
	u32 u_len;
};

int kh_index_parse(struct kh_index *ix, const void *buf, size_t len,
		   size_t archive_len);
void kh_index_entry(const struct kh_index *ix, u32 i, struct kh_entry *e);
int kh_index_lookup(const struct kh_index *ix, u32 dir, const char *name,
		    size_t len, u32 *found);

int kh_chunks_parse(const u8 *ar, size_t len, struct kh_chunk *chunks,
		    u32 nchunks, u32 tar_size);
u32 kh_chunk_find(const struct kh_chunk *chunks, u32 nchunks, u32 off);

/*
 * How kh_read_tar() gets at decoded chunks and where the bytes go: get()
 * returns chunk @c decoded, or NULL; copy() takes @n bytes for offset @at
 * of the read; put() releases the chunk get() returned.
 */
struct kh_read_ops {
	const u8 *(*get)(void *ctx, u32 c);
	void (*copy)(void *ctx, size_t at, const u8 *src, size_t n);
	void (*put)(void *ctx);
};

int kh_read_tar(const struct kh_chunk *chunks, u32 nchunks, u32 off,
		size_t len, const struct kh_read_ops *ops, void *ctx);

#endif /* _KERNEL_KHEADERS_FMT_H */

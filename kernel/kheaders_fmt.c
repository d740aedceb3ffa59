// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parsers for the kheaders filesystem: the index of the tar's tree and
 * the xz stream boundaries of the archive.  See kheaders_fmt.h.
 *
 * Both inputs are built into the kernel, but they are still treated as
 * untrusted: a corrupt archive must give an error, never a wild access.
 * Corruption is reported as -EUCLEAN.
 */

#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/byteorder.h>

#include "kheaders_fmt.h"

static u32 kh_le32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

/* The CRC32 of the xz format, which is also zlib's. */
static u32 kh_crc32(const void *p, size_t len)
{
	return crc32_le(~0U, p, len) ^ ~0U;
}

void kh_index_entry(const struct kh_index *ix, u32 i, struct kh_entry *e)
{
	const struct kh_index_ent *s = &ix->ent[i];

	e->parent = le32_to_cpu(s->parent);
	e->name = ix->names + le32_to_cpu(s->name);
	e->name_len = le16_to_cpu(s->name_len);
	e->mode = le16_to_cpu(s->mode) & ~KH_MODE_SPECIAL;
	e->size = le32_to_cpu(s->size);
	e->data = le32_to_cpu(s->data);
	e->first = le32_to_cpu(s->first);
	e->count = le32_to_cpu(s->count);
}

/* Is [off, off + len] (the NUL included) a string without inner NULs? */
static bool kh_string_ok(const struct kh_index *ix, u32 off, u32 len)
{
	if (off >= ix->names_size || len >= ix->names_size - off)
		return false;
	return ix->names[off + len] == '\0' &&
	       !memchr(ix->names + off, '\0', len);
}

static int kh_name_cmp(const char *a, u32 alen, const char *b, u32 blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	if (r)
		return r;
	return alen < blen ? -1 : alen > blen;
}

/* An entry's own fields: type, name, and where its data lies. */
static int kh_entry_check(const struct kh_index *ix, u32 i)
{
	struct kh_entry e;

	kh_index_entry(ix, i, &e);
	if (e.mode & ~(KH_MODE_TYPE | 07777))
		return -EUCLEAN;

	if (i == 0) {
		if ((e.mode & KH_MODE_TYPE) != KH_MODE_DIR || e.name_len ||
		    e.parent)
			return -EUCLEAN;
	} else {
		/* Parents come first, so the tree has no cycles. */
		if (e.parent >= i || !e.name_len ||
		    !kh_string_ok(ix, e.name - ix->names, e.name_len) ||
		    memchr(e.name, '/', e.name_len))
			return -EUCLEAN;
		if ((e.name_len == 1 && e.name[0] == '.') ||
		    (e.name_len == 2 && e.name[0] == '.' && e.name[1] == '.'))
			return -EUCLEAN;
	}

	switch (e.mode & KH_MODE_TYPE) {
	case KH_MODE_REG:
		if (e.data > ix->tar_size || e.size > ix->tar_size - e.data)
			return -EUCLEAN;
		return 0;
	case KH_MODE_LNK:
		return e.size && kh_string_ok(ix, e.data, e.size) ? 0 : -EUCLEAN;
	case KH_MODE_DIR:
		if (e.count && (e.first <= i || e.first > ix->nentries ||
				e.count > ix->nentries - e.first))
			return -EUCLEAN;
		return 0;
	default:
		return -EUCLEAN;
	}
}

/*
 * The tree, once every entry's own fields are known good: each entry is
 * listed by its parent, and so only once, and each directory's children
 * are its own, sorted by name without duplicates.
 */
static int kh_tree_check(const struct kh_index *ix, u32 i)
{
	struct kh_entry e, p, c, prev;
	u32 j;

	kh_index_entry(ix, i, &e);
	if (i) {
		kh_index_entry(ix, e.parent, &p);
		if ((p.mode & KH_MODE_TYPE) != KH_MODE_DIR ||
		    i < p.first || i - p.first >= p.count)
			return -EUCLEAN;
	}
	if ((e.mode & KH_MODE_TYPE) != KH_MODE_DIR)
		return 0;
	for (j = 0; j < e.count; j++) {
		kh_index_entry(ix, e.first + j, &c);
		if (c.parent != i)
			return -EUCLEAN;
		if (j && kh_name_cmp(prev.name, prev.name_len,
				     c.name, c.name_len) >= 0)
			return -EUCLEAN;
		prev = c;
	}
	return 0;
}

/*
 * Check the whole index once, so that later lookups can trust it.  The
 * buffer must be 4-byte aligned and outlive @ix.  @archive_len bounds
 * the chunk count, which callers allocate for.
 */
int kh_index_parse(struct kh_index *ix, const void *buf, size_t len,
		   size_t archive_len)
{
	const struct kh_index_hdr *h = buf;
	size_t body;
	u32 i;
	int err;

	if (((unsigned long)buf & 3) || len < sizeof(*h))
		return -EUCLEAN;
	if (le32_to_cpu(h->magic) != KH_INDEX_MAGIC ||
	    le32_to_cpu(h->version) != KH_INDEX_VERSION)
		return -EUCLEAN;

	ix->nentries = le32_to_cpu(h->nentries);
	ix->names_size = le32_to_cpu(h->names_size);
	ix->tar_size = le32_to_cpu(h->tar_size);
	ix->nchunks = le32_to_cpu(h->nchunks);
	ix->mtime = (s64)((u64)le32_to_cpu(h->mtime_hi) << 32 |
			  le32_to_cpu(h->mtime_lo));

	body = len - sizeof(*h);
	if (!ix->nentries || !ix->nchunks ||
	    ix->nchunks > archive_len / KH_XZ_MIN_STREAM ||
	    ix->nentries > body / sizeof(struct kh_index_ent) ||
	    body - (size_t)ix->nentries * sizeof(struct kh_index_ent) !=
	    ix->names_size)
		return -EUCLEAN;
	if (kh_crc32(h + 1, body) != le32_to_cpu(h->crc))
		return -EUCLEAN;

	ix->ent = (const struct kh_index_ent *)(h + 1);
	ix->names = (const char *)(ix->ent + ix->nentries);

	for (i = 0; i < ix->nentries; i++) {
		err = kh_entry_check(ix, i);
		if (err)
			return err;
	}
	for (i = 0; i < ix->nentries; i++) {
		err = kh_tree_check(ix, i);
		if (err)
			return err;
	}
	return 0;
}

/* Find @name among the children of directory @dir. */
int kh_index_lookup(const struct kh_index *ix, u32 dir, const char *name,
		    size_t len, u32 *found)
{
	struct kh_entry d, c;
	u32 lo, hi, mid;
	int r;

	kh_index_entry(ix, dir, &d);
	if ((d.mode & KH_MODE_TYPE) != KH_MODE_DIR || len > 0xffff)
		return -ENOENT;

	lo = d.first;
	hi = d.first + d.count;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		kh_index_entry(ix, mid, &c);
		r = kh_name_cmp(name, len, c.name, c.name_len);
		if (!r) {
			*found = mid;
			return 0;
		}
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -ENOENT;
}

/* An xz variable-length integer, at most 9 bytes and below 2^63. */
static int kh_vli(const u8 *p, size_t end, size_t *pos, u64 *val)
{
	unsigned int i;
	u8 b;

	*val = 0;
	for (i = 0; i < 9; i++) {
		if (*pos >= end)
			return -EUCLEAN;
		b = p[(*pos)++];
		*val |= (u64)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			return (i && !b) ? -EUCLEAN : 0;
	}
	return -EUCLEAN;
}

/*
 * An xz stream's header and footer, 12 bytes each (xz-file-format.txt):
 *   header: magic[6], flags[2], CRC32 of the flags;
 *   footer: CRC32 of the next 6 bytes, backward size, flags[2], "YZ".
 * The flags are a zero byte and the check type.
 */
#define KH_XZ_HDR		12
#define KH_XZ_HEAD_FLAGS	6
#define KH_XZ_HEAD_CRC		8
#define KH_XZ_FOOT_CRC		0
#define KH_XZ_FOOT_BACKWARD	4
#define KH_XZ_FOOT_FLAGS	8
#define KH_XZ_FOOT_MAGIC	10
#define KH_XZ_CRC32		0x01	/* the check type we accept */

static const u8 kh_xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

/*
 * Parse the last stream of ar[0, end): footer, index (one block only),
 * header.  On success *start is where the stream begins and *u_len how
 * much tar it holds.
 */
static int kh_xz_stream(const u8 *ar, size_t end, size_t *start, u64 *u_len)
{
	const u8 *f = ar + end - KH_XZ_HDR;
	const u8 *h;
	size_t ix, pos, ix_end, blocks;
	u64 back, n, unpadded;

	if (end < 2 * KH_XZ_HDR)
		return -EUCLEAN;
	if (memcmp(f + KH_XZ_FOOT_MAGIC, "YZ", 2) ||
	    f[KH_XZ_FOOT_FLAGS] || f[KH_XZ_FOOT_FLAGS + 1] != KH_XZ_CRC32 ||
	    kh_crc32(f + KH_XZ_FOOT_BACKWARD, 6) != kh_le32(f + KH_XZ_FOOT_CRC))
		return -EUCLEAN;

	/* The backward size counts the index in 4-byte units, minus one. */
	back = ((u64)kh_le32(f + KH_XZ_FOOT_BACKWARD) + 1) * 4;
	if (back > end - 2 * KH_XZ_HDR)
		return -EUCLEAN;
	ix_end = end - KH_XZ_HDR;
	ix = ix_end - back;

	/* Index: indicator, record count, one record, padding, CRC32. */
	pos = ix;
	if (ar[pos++] != 0x00)
		return -EUCLEAN;
	if (kh_vli(ar, ix_end, &pos, &n) || n != 1 ||
	    kh_vli(ar, ix_end, &pos, &unpadded) ||
	    kh_vli(ar, ix_end, &pos, u_len))
		return -EUCLEAN;
	while ((pos - ix) & 3) {
		if (pos >= ix_end || ar[pos++])
			return -EUCLEAN;
	}
	if (pos + 4 != ix_end || kh_crc32(ar + ix, pos - ix) != kh_le32(ar + pos))
		return -EUCLEAN;

	/* The block: a header of at least 8 bytes, data, its CRC32. */
	if (unpadded < 8 + 4 || unpadded > ix - KH_XZ_HDR)
		return -EUCLEAN;
	blocks = ((size_t)unpadded + 3) & ~(size_t)3;
	if (blocks > ix - KH_XZ_HDR)
		return -EUCLEAN;
	*start = ix - blocks - KH_XZ_HDR;

	h = ar + *start;
	if (memcmp(h, kh_xz_magic, sizeof(kh_xz_magic)) ||
	    memcmp(h + KH_XZ_HEAD_FLAGS, f + KH_XZ_FOOT_FLAGS, 2) ||
	    kh_crc32(h + KH_XZ_HEAD_FLAGS, 2) != kh_le32(h + KH_XZ_HEAD_CRC))
		return -EUCLEAN;
	return 0;
}

/*
 * Split the archive into its @nchunks streams, walking back from the end
 * as xz does, and check that together they hold exactly @tar_size bytes
 * in chunks of at most KH_CHUNK_MAX.
 */
int kh_chunks_parse(const u8 *ar, size_t len, struct kh_chunk *chunks,
		    u32 nchunks, u32 tar_size)
{
	size_t end = len, start;
	u64 u_len, u_off = 0;
	u32 i = nchunks;
	int err;

	if (!nchunks || len > 0xffffffffU)
		return -EUCLEAN;

	while (end) {
		/* Stream padding: zero bytes in fours, after a stream. */
		while (end >= 4 && !kh_le32(ar + end - 4))
			end -= 4;
		if (!i)
			return -EUCLEAN;
		err = kh_xz_stream(ar, end, &start, &u_len);
		if (err)
			return err;
		if (!u_len || u_len > KH_CHUNK_MAX)
			return -EUCLEAN;
		i--;
		chunks[i].c_off = start;
		chunks[i].c_len = end - start;
		chunks[i].u_len = u_len;
		end = start;
	}
	if (i)
		return -EUCLEAN;

	for (i = 0; i < nchunks; i++) {
		chunks[i].u_off = u_off;
		u_off += chunks[i].u_len;
		if (u_off > tar_size)
			return -EUCLEAN;
	}
	return u_off == tar_size ? 0 : -EUCLEAN;
}

/* The chunk holding tar offset @off, which must be below the tar size. */
u32 kh_chunk_find(const struct kh_chunk *chunks, u32 nchunks, u32 off)
{
	u32 lo = 0, hi = nchunks;

	while (hi - lo > 1) {
		u32 mid = lo + (hi - lo) / 2;

		if (chunks[mid].u_off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Read tar bytes [@off, @off + @len) through @ops, one piece per chunk.
 * 0, or -EIO when a chunk does not decode or the range is not in the tar.
 */
int kh_read_tar(const struct kh_chunk *chunks, u32 nchunks, u32 off,
		size_t len, const struct kh_read_ops *ops, void *ctx)
{
	const struct kh_chunk *ch;
	size_t done = 0, n;
	const u8 *buf;
	u32 at;

	while (done < len) {
		ch = &chunks[kh_chunk_find(chunks, nchunks, off)];
		at = off - ch->u_off;
		if (off < ch->u_off || at >= ch->u_len)
			return -EIO;
		n = ch->u_len - at;
		if (n > len - done)
			n = len - done;
		buf = ops->get(ctx, ch - chunks);
		if (!buf)
			return -EIO;
		ops->copy(ctx, done, buf + at, n);
		ops->put(ctx);
		done += n;
		off += n;
	}
	return 0;
}

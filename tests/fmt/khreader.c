// SPDX-License-Identifier: GPL-2.0-only
/* See khreader.h. */

#include <errno.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>

#include "khreader.h"

int khr_open(struct khr *r, const u8 *ar, size_t ar_len,
	     const void *index, size_t index_len)
{
	int err;

	memset(r, 0, sizeof(*r));
	r->ar = ar;
	r->ar_len = ar_len;
	r->cached = ~0U;
	err = kh_index_parse(&r->ix, index, index_len, ar_len);
	if (err)
		return err;
	r->chunks = calloc(r->ix.nchunks, sizeof(*r->chunks));
	r->buf = malloc(KH_CHUNK_MAX);
	if (!r->chunks || !r->buf) {
		khr_close(r);
		return -ENOMEM;
	}
	err = kh_chunks_parse(ar, ar_len, r->chunks, r->ix.nchunks,
			      r->ix.tar_size);
	if (err)
		khr_close(r);
	return err;
}

void khr_close(struct khr *r)
{
	free(r->chunks);
	free(r->buf);
	r->chunks = NULL;
	r->buf = NULL;
}

static int khr_chunk(struct khr *r, u32 c)
{
	const struct kh_chunk *ch = &r->chunks[c];
	uint64_t memlimit = 64 << 20;
	size_t in_pos = 0, out_pos = 0;
	lzma_ret ret;

	if (r->cached == c)
		return 0;
	r->cached = ~0U;
	r->decodes++;
	ret = lzma_stream_buffer_decode(&memlimit, 0, NULL, r->ar + ch->c_off,
					&in_pos, ch->c_len, r->buf, &out_pos,
					ch->u_len);
	if (ret != LZMA_OK || in_pos != ch->c_len || out_pos != ch->u_len)
		return -EIO;
	r->cached = c;
	return 0;
}

/* kh_read_tar(), the kernel's copy loop, into a buffer. */
struct khr_read {
	struct khr *r;
	u8 *dst;
};

static const u8 *khr_get(void *ctx, u32 c)
{
	struct khr_read *rd = ctx;

	return khr_chunk(rd->r, c) ? NULL : rd->r->buf;
}

static void khr_copy(void *ctx, size_t at, const u8 *src, size_t n)
{
	struct khr_read *rd = ctx;

	memcpy(rd->dst + at, src, n);
}

static void khr_put(void *ctx)
{
	(void)ctx;	/* the one buffer stays */
}

static const struct kh_read_ops khr_ops = {
	.get	= khr_get,
	.copy	= khr_copy,
	.put	= khr_put,
};

int khr_read(struct khr *r, u32 i, u32 pos, u8 *dst, size_t len)
{
	struct khr_read rd = { .r = r, .dst = dst };
	struct kh_entry e;

	kh_index_entry(&r->ix, i, &e);
	if ((e.mode & KH_MODE_TYPE) != KH_MODE_REG || pos > e.size ||
	    len > e.size - pos)
		return -EINVAL;
	return kh_read_tar(r->chunks, r->ix.nchunks, e.data + pos, len,
			   &khr_ops, &rd);
}

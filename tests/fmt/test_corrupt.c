// SPDX-License-Identifier: GPL-2.0-only
/*
 * Corrupted and truncated kheaders archives and indexes, fed to the
 * kernel's parsers (built with ASan and UBSan by tests/test-fmt.sh).
 *
 * usage: test_corrupt CASE ARCHIVE INDEX
 *   truncate-archive  every shorter archive is refused
 *   truncate-index    every shorter index is refused
 *   mutate-index      bytes changed and the CRC made right again: the
 *                     index is refused, or is walked without a fault
 *                     and its every name is found by lookup
 *   flip-archive      bits flipped in the archive: refused, or reading
 *                     fails with -EIO, or the bytes read are the right ones
 * Prints one line of counts; exits 1 if a property does not hold.
 */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "khreader.h"

static u8 *slurp(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	u8 *p;
	long n;

	if (!f || fseek(f, 0, SEEK_END))
		goto fail;
	n = ftell(f);
	if (n < 0 || fseek(f, 0, SEEK_SET))
		goto fail;
	p = malloc(n + 1);
	if (!p || fread(p, 1, n, f) != (size_t)n)
		exit(2);
	fclose(f);
	*len = n;
	return p;
fail:
	fprintf(stderr, "test_corrupt: cannot read %s\n", file);
	exit(2);
}

static const struct khr *sort_r;

static int by_data(const void *a, const void *b)
{
	struct kh_entry x, y;

	kh_index_entry(&sort_r->ix, *(const u32 *)a, &x);
	kh_index_entry(&sort_r->ix, *(const u32 *)b, &y);
	return x.data < y.data ? -1 : x.data > y.data;
}

/*
 * Entries in the order of their data in the tar, so that reading them all
 * decodes each chunk about once: the reader caches one chunk.
 */
static u32 *data_order(const struct khr *r)
{
	u32 *order = malloc(r->ix.nentries * sizeof(*order)), i;

	if (!order)
		exit(2);
	for (i = 0; i < r->ix.nentries; i++)
		order[i] = i;
	sort_r = r;
	qsort(order, r->ix.nentries, sizeof(*order), by_data);
	return order;
}

/* A hash of every regular file's contents, by entry; 0 on error. */
static int hash_all(struct khr *r, u32 *out, u32 max_files)
{
	u32 *order = data_order(r), i, k, *slot;
	struct kh_entry e;
	u8 *buf;
	int err = 0;

	/* The n-th regular file in index order hashes into out[n]. */
	slot = calloc(r->ix.nentries, sizeof(*slot));
	for (i = 0, k = 0; i < r->ix.nentries; i++) {
		kh_index_entry(&r->ix, i, &e);
		slot[i] = (e.mode & KH_MODE_TYPE) == KH_MODE_REG ? k++ : ~0U;
	}
	for (i = 0; i < r->ix.nentries && !err; i++) {
		kh_index_entry(&r->ix, order[i], &e);
		if (slot[order[i]] == ~0U)
			continue;
		buf = malloc(e.size + 1);
		if (!buf)
			exit(2);
		err = khr_read(r, order[i], 0, buf, e.size);
		if (!err && slot[order[i]] < max_files)
			out[slot[order[i]]] = crc32(0, buf, e.size);
		free(buf);
	}
	free(slot);
	free(order);
	return err;
}

/* Everything a mount would touch: every lookup, link and file. */
static void walk(struct khr *r)
{
	u32 *order = data_order(r), i, j, found;
	struct kh_entry e, c;
	u8 *buf;

	for (i = 0; i < r->ix.nentries; i++) {
		kh_index_entry(&r->ix, order[i], &e);
		switch (e.mode & KH_MODE_TYPE) {
		case KH_MODE_DIR:
			for (j = 0; j < e.count; j++) {
				kh_index_entry(&r->ix, e.first + j, &c);
				if (kh_index_lookup(&r->ix, order[i], c.name,
						    c.name_len, &found) ||
				    found != e.first + j)
					abort();	/* a checked index must not lie */
			}
			break;
		case KH_MODE_LNK:
			if (strlen(r->ix.names + e.data) != e.size)
				abort();
			break;
		default:
			buf = malloc(e.size + 1);
			if (buf && khr_read(r, order[i], 0, buf, e.size) &&
			    khr_read(r, order[i], 0, buf, e.size) != -EIO)
				abort();
			free(buf);
		}
	}
	free(order);
}

/* The header's CRC of the rest, as the index's format defines it. */
#define KH_CRC_AT	offsetof(struct kh_index_hdr, crc)
#define KH_CRC_END	(KH_CRC_AT + sizeof(((struct kh_index_hdr *)0)->crc))

static void fix_crc(u8 *ix, size_t len)
{
	u32 c = crc32(0, ix + sizeof(struct kh_index_hdr),
		      len - sizeof(struct kh_index_hdr));

	ix[KH_CRC_AT] = c;
	ix[KH_CRC_AT + 1] = c >> 8;
	ix[KH_CRC_AT + 2] = c >> 16;
	ix[KH_CRC_AT + 3] = c >> 24;
}

int main(int argc, char **argv)
{
	size_t ar_len, ix_len, len, p;
	u8 *ar, *ix, *copy;
	struct kh_chunk *ch;
	struct khr r;
	u32 nfiles = 0, *want, *got, i;
	unsigned long tried = 0, refused = 0, accepted = 0, eio = 0, wrong = 0;
	static const u8 masks[] = { 0x01, 0x80, 0xff, 0x10 };
	const char *what;
	int err;

	if (argc != 4) {
		fprintf(stderr, "usage: test_corrupt CASE ARCHIVE INDEX\n");
		return 2;
	}
	what = argv[1];
	ar = slurp(argv[2], &ar_len);
	ix = slurp(argv[3], &ix_len);
	if (khr_open(&r, ar, ar_len, ix, ix_len)) {
		fprintf(stderr, "test_corrupt: the intact input is refused\n");
		return 1;
	}
	for (i = 0; i < r.ix.nentries; i++) {
		struct kh_entry e;

		kh_index_entry(&r.ix, i, &e);
		nfiles += (e.mode & KH_MODE_TYPE) == KH_MODE_REG;
	}
	want = calloc(nfiles + 1, sizeof(*want));
	got = calloc(nfiles + 1, sizeof(*got));
	if (hash_all(&r, want, nfiles))
		return 1;

	if (!strcmp(what, "truncate-archive")) {
		ch = calloc(r.ix.nchunks, sizeof(*ch));
		/* Every length near either end, about 8000 in between. */
		for (len = 0; len < ar_len;
		     len += len < 4096 || len + 4096 > ar_len ? 1 : ar_len / 8000 + 1) {
			tried++;
			if (kh_chunks_parse(ar, len, ch, r.ix.nchunks,
					    r.ix.tar_size))
				refused++;
		}
		free(ch);
	} else if (!strcmp(what, "truncate-index")) {
		for (len = 0; len < ix_len; len++) {
			struct kh_index t;

			copy = malloc(len + 1);
			memcpy(copy, ix, len);
			tried++;
			if (kh_index_parse(&t, copy, len, ar_len))
				refused++;
			free(copy);
		}
	} else if (!strcmp(what, "mutate-index")) {
		copy = malloc(ix_len);
		/* Every byte of the header; about 150 of the rest. */
		for (p = 0; p < ix_len;
		     p += p < sizeof(struct kh_index_hdr) ? 1 : ix_len / 150 + 1) {
			for (i = 0; i < sizeof(masks); i++) {
				struct khr m;

				memcpy(copy, ix, ix_len);
				copy[p] ^= masks[i];
				/* A flipped CRC field stays wrong. */
				if (p < KH_CRC_AT || p >= KH_CRC_END)
					fix_crc(copy, ix_len);
				tried++;
				if (khr_open(&m, ar, ar_len, copy, ix_len)) {
					refused++;
					continue;
				}
				accepted++;
				walk(&m);
				khr_close(&m);
			}
		}
		free(copy);
	} else if (!strcmp(what, "flip-archive")) {
		copy = malloc(ar_len);
		/* About 200 bytes, spread over the archive. */
		for (p = 0; p < ar_len; p += ar_len / 200 + 1) {
			struct khr m;

			memcpy(copy, ar, ar_len);
			copy[p] ^= masks[p % sizeof(masks)];
			tried++;
			if (khr_open(&m, copy, ar_len, ix, ix_len)) {
				refused++;
				continue;
			}
			err = hash_all(&m, got, nfiles);
			if (err == -EIO)
				eio++;
			else if (err || memcmp(got, want, nfiles * sizeof(*got)))
				wrong++;
			else
				accepted++;
			khr_close(&m);
		}
		free(copy);
	} else {
		fprintf(stderr, "test_corrupt: unknown case %s\n", what);
		return 2;
	}

	if (!strcmp(what, "mutate-index"))
		printf("%s: %lu inputs, %lu refused, %lu accepted and walked\n",
		       what, tried, refused, accepted);
	else
		printf("%s: %lu inputs, %lu refused, %lu read -EIO, %lu read right, %lu read wrong\n",
		       what, tried, refused, eio, accepted, wrong);
	khr_close(&r);
	free(ar);
	free(ix);
	free(want);
	free(got);
	if (!strncmp(what, "truncate", 8))
		return refused == tried ? 0 : 1;
	if (!strcmp(what, "mutate-index"))
		return refused ? 0 : 1;	/* and no fault, or ASan says so */
	return wrong ? 1 : 0;
}

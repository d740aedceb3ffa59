// SPDX-License-Identifier: GPL-2.0-only
/*
 * khfmt: read a kheaders filesystem archive in userspace, through the
 * kernel's parsers.
 *
 *   khfmt extract ARCHIVE INDEX DIR   write the tree under DIR
 *   khfmt chunks ARCHIVE INDEX        check that each file no larger than
 *                                     a chunk decodes exactly one chunk
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "khreader.h"

static void *slurp(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	size_t cap = 1 << 20, n;
	u8 *p = malloc(cap);

	*len = 0;
	if (!f || !p) {
		fprintf(stderr, "khfmt: cannot read %s\n", file);
		exit(1);
	}
	while ((n = fread(p + *len, 1, cap - *len, f)) > 0) {
		*len += n;
		if (*len == cap) {
			cap *= 2;
			p = realloc(p, cap);
			if (!p)
				exit(1);
		}
	}
	fclose(f);
	return p;
}

static int extract(struct khr *r, u32 i, const char *path)
{
	struct kh_entry e, c;
	char *sub;
	u8 *data;
	u32 j;
	int fd, ret = 0;

	kh_index_entry(&r->ix, i, &e);
	switch (e.mode & KH_MODE_TYPE) {
	case KH_MODE_DIR:
		if (i && mkdir(path, 0700)) {
			perror(path);
			return -1;
		}
		for (j = 0; j < e.count && !ret; j++) {
			kh_index_entry(&r->ix, e.first + j, &c);
			if (asprintf(&sub, "%s/%.*s", path, (int)c.name_len,
				     c.name) < 0)
				return -1;
			ret = extract(r, e.first + j, sub);
			free(sub);
		}
		if (!ret && chmod(path, e.mode & 07777))
			ret = -1;
		return ret;
	case KH_MODE_LNK:
		return symlink(r->ix.names + e.data, path);
	default:
		data = malloc(e.size + 1);
		if (!data || khr_read(r, i, 0, data, e.size)) {
			fprintf(stderr, "khfmt: cannot read %s\n", path);
			free(data);
			return -1;
		}
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, e.mode & 07777);
		if (fd < 0 || write(fd, data, e.size) != (ssize_t)e.size ||
		    close(fd))
			ret = -1;
		free(data);
		return ret;
	}
}

static int check_chunks(struct khr *r)
{
	struct kh_entry e;
	unsigned long before;
	u32 i, c, bad = 0, files = 0, inside = 0, misaligned = 0;
	u8 *data = malloc(KH_CHUNK_MAX);

	for (i = 0; i < r->ix.nentries; i++) {
		kh_index_entry(&r->ix, i, &e);
		if ((e.mode & KH_MODE_TYPE) != KH_MODE_REG || !e.size ||
		    e.size > KH_CHUNK_MAX - 512)
			continue;
		files++;
		r->cached = ~0U;
		before = r->decodes;
		if (khr_read(r, i, 0, data, e.size) || r->decodes - before != 1) {
			fprintf(stderr, "khfmt: entry %u (%.*s): %lu chunks\n", i,
				(int)e.name_len, e.name, r->decodes - before);
			bad++;
		}
	}
	/* Chunks that start inside a file start on a page boundary of it. */
	for (i = 0; i < r->ix.nentries; i++) {
		kh_index_entry(&r->ix, i, &e);
		if ((e.mode & KH_MODE_TYPE) != KH_MODE_REG)
			continue;
		for (c = 0; c < r->ix.nchunks; c++) {
			u32 u = r->chunks[c].u_off;

			if (u <= e.data || u >= e.data + e.size)
				continue;
			inside++;
			misaligned += (u - e.data) % KH_CHUNK_ALIGN != 0;
		}
	}
	printf("%u small files, %u decoded more than one chunk, %u chunks, %u starting inside a file, %u of them off a %u-byte boundary\n",
	       files, bad, r->ix.nchunks, inside, misaligned, KH_CHUNK_ALIGN);
	free(data);
	return bad || misaligned ? 1 : 0;
}

int main(int argc, char **argv)
{
	size_t ar_len, ix_len;
	struct khr r;
	void *ar, *ix;
	int err;

	if (!(argc == 5 && !strcmp(argv[1], "extract")) &&
	    !(argc == 4 && !strcmp(argv[1], "chunks"))) {
		fprintf(stderr, "usage: khfmt extract ARCHIVE INDEX DIR | chunks ARCHIVE INDEX\n");
		return 2;
	}
	ar = slurp(argv[2], &ar_len);
	ix = slurp(argv[3], &ix_len);
	err = khr_open(&r, ar, ar_len, ix, ix_len);
	if (err) {
		fprintf(stderr, "khfmt: %s\n", strerror(-err));
		return 1;
	}
	if (!strcmp(argv[1], "chunks")) {
		err = check_chunks(&r);
	} else if (mkdir(argv[4], 0755) && errno != EEXIST) {
		perror(argv[4]);
		err = 1;
	} else {
		err = extract(&r, 0, argv[4]) ? 1 : 0;
	}
	khr_close(&r);
	free(ar);
	free(ix);
	return err;
}

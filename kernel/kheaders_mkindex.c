// SPDX-License-Identifier: GPL-2.0-only
/*
 * kheaders_mkindex: prepare a tar for the kheaders filesystem.
 *
 * usage: kheaders_mkindex TAR INDEX CHUNKDIR
 *
 * Reads TAR (GNU format, as gen_kheaders.sh writes it), writes the tree
 * index described in kheaders_fmt.h to INDEX, and cuts TAR into pieces
 * CHUNKDIR/c00000, c00001, ... of at most KH_CHUNK_MAX bytes, each to be
 * compressed as one xz stream.  Pieces end on member boundaries wherever
 * a member fits, so reading a small file decodes one piece; a piece that
 * ends inside a file's contents ends a multiple of KH_CHUNK_ALIGN bytes
 * into them, so that no page (up to 64 KiB) needs two pieces.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "kheaders_fmt.h"

#define BLK 512

struct member {
	char *path;		/* without "./" and trailing "/"; root is "" */
	char *link;		/* symlink or hard link target */
	char type;		/* '0', '1', '2' or '5' */
	u32 mode;
	u32 size;
	u32 data;		/* offset of the contents in the tar */
	u32 parent;
	u32 first, count, nkids;
	u32 *kids;
	u32 out;		/* position in the index */
};

static const char *me = "kheaders_mkindex";

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: ", me);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = xrealloc(NULL, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static u32 crc_table[256];

static u32 crc32_ieee(u32 crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	u32 c;
	int i, k;

	if (!crc_table[1]) {
		for (i = 0; i < 256; i++) {
			c = i;
			for (k = 0; k < 8; k++)
				c = (c & 1) ? 0xedb88320U ^ (c >> 1) : c >> 1;
			crc_table[i] = c;
		}
	}
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static u64 octal(const char *f, size_t n, const char *what)
{
	u64 v = 0;
	size_t i = 0;

	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++)
		v = v * 8 + (f[i] - '0');
	if (i < n && f[i] != ' ' && f[i] != '\0')
		die("bad %s field in tar header", what);
	return v;
}

/* "./a/b/" -> "a/b"; "./" -> "" */
static char *clean_path(const char *p, size_t n)
{
	if (n >= 2 && p[0] == '.' && p[1] == '/') {
		p += 2;
		n -= 2;
	} else if (n == 1 && p[0] == '.') {
		n = 0;
	}
	while (n && p[n - 1] == '/')
		n--;
	return xstrndup(p, n);
}

static struct member *m;
static u32 nm;
static u32 *starts;	/* tar offsets where members begin */
static u32 *dstarts;	/* and where their contents begin */
static u32 nstarts;

static unsigned char *tar;
static size_t tar_len;
static s64 mtime;
static int have_mtime;

static void read_tar(const char *file)
{
	FILE *f = fopen(file, "rb");
	size_t cap = 0, n;

	if (!f)
		die("cannot open %s: %s", file, strerror(errno));
	for (;;) {
		if (tar_len == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			tar = xrealloc(tar, cap);
		}
		n = fread(tar + tar_len, 1, cap - tar_len, f);
		if (!n)
			break;
		tar_len += n;
	}
	if (ferror(f))
		die("cannot read %s", file);
	fclose(f);
	if (tar_len > 0xffffffffU - KH_CHUNK_MAX)
		die("%s is too large", file);
}

static void parse_tar(void)
{
	size_t pos = 0, start = 0;
	char *longname = NULL, *longlink = NULL;
	int in_member = 0;

	while (pos + BLK <= tar_len) {
		const char *h = (const char *)tar + pos;
		u64 size, chk, sum = 0;
		char type = h[156];
		struct member *x;
		int i;

		for (i = 0; i < BLK && !h[i]; i++)
			;
		if (i == BLK)
			break;	/* end of archive */

		chk = octal(h + 148, 8, "checksum");
		for (i = 0; i < BLK; i++)
			sum += (i >= 148 && i < 156) ? ' ' : (unsigned char)h[i];
		if (sum != chk)
			die("tar header checksum mismatch at offset %zu", pos);
		if (memcmp(h + 257, "ustar", 5))
			die("not a ustar/GNU tar header at offset %zu", pos);

		size = octal(h + 124, 12, "size");
		if (!in_member)
			start = pos;
		pos += BLK;
		if (size > tar_len - pos)
			die("truncated tar member at offset %zu", pos);

		if (type == 'L' || type == 'K') {
			char *s = xstrndup((const char *)tar + pos,
					   strnlen((const char *)tar + pos, size));
			if (type == 'L') {
				free(longname);
				longname = s;
			} else {
				free(longlink);
				longlink = s;
			}
			in_member = 1;
			pos += (size + BLK - 1) / BLK * BLK;
			continue;
		}
		in_member = 0;

		if (type != '0' && type != '\0' && type != '1' && type != '2' &&
		    type != '5')
			die("tar entry type '%c' is not supported", type);

		m = xrealloc(m, (nm + 1) * sizeof(*m));
		x = &m[nm++];
		memset(x, 0, sizeof(*x));
		x->type = type == '\0' ? '0' : type;
		x->path = longname ? clean_path(longname, strlen(longname)) :
			  clean_path(h, strnlen(h, 100));
		if (h[345] && !longname && !memcmp(h + 257, "ustar\0", 6))
			die("ustar prefix field is not supported");
		if (x->type == '1' || x->type == '2')
			x->link = longlink ? longlink :
				  xstrndup(h + 157, strnlen(h + 157, 100));
		else
			free(longlink);
		free(longname);
		longname = NULL;
		longlink = NULL;

		x->mode = octal(h + 100, 8, "mode") & 07777;
		x->size = x->type == '0' ? size : 0;
		x->data = pos;
		if (!have_mtime) {
			mtime = octal(h + 136, 12, "mtime");
			have_mtime = 1;
		} else if ((s64)octal(h + 136, 12, "mtime") != mtime) {
			die("%s: all entries must have the same mtime", x->path);
		}

		starts = xrealloc(starts, (nstarts + 1) * sizeof(*starts));
		dstarts = xrealloc(dstarts, (nstarts + 1) * sizeof(*dstarts));
		starts[nstarts] = start;
		dstarts[nstarts++] = pos;
		pos += (size + BLK - 1) / BLK * BLK;
	}
	if (in_member)
		die("tar ends inside a member");
	if (!nm)
		die("empty tar");
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->path,
		      ((const struct member *)b)->path);
}

static u32 find(const char *path)
{
	struct member key = { .path = (char *)path };
	struct member *x = bsearch(&key, m, nm, sizeof(*m), cmp_path);

	if (!x)
		die("'%s' is not in the tar", path);
	return x - m;
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int cmp_kids(const void *a, const void *b)
{
	return strcmp(base(m[*(const u32 *)a].path),
		      base(m[*(const u32 *)b].path));
}

static void build_tree(void)
{
	u32 i, j;

	/* Sorting by full path puts the root, "", first. */
	qsort(m, nm, sizeof(*m), cmp_path);
	for (i = 1; i < nm; i++)
		if (!strcmp(m[i - 1].path, m[i].path))
			die("'%s' appears twice in the tar", m[i].path);
	if (m[0].path[0] || m[0].type != '5')
		die("the tar has no root directory entry \"./\"");

	for (i = 1; i < nm; i++) {
		const char *slash = strrchr(m[i].path, '/');
		char *dir = xstrndup(m[i].path, slash ? slash - m[i].path : 0);
		struct member *p;

		m[i].parent = find(dir);
		free(dir);
		p = &m[m[i].parent];
		if (p->type != '5')
			die("'%s' is inside a non-directory", m[i].path);
		p->kids = xrealloc(p->kids, (p->nkids + 1) * sizeof(u32));
		p->kids[p->nkids++] = i;
	}
	for (i = 0; i < nm; i++) {
		qsort(m[i].kids, m[i].nkids, sizeof(u32), cmp_kids);
		if (m[i].type == '1') {
			j = find(m[i].link[0] == '.' && m[i].link[1] == '/' ?
				 m[i].link + 2 : m[i].link);
			if (m[j].type != '0')
				die("hard link '%s' to a non-file", m[i].path);
			m[i].size = m[j].size;
			m[i].data = m[j].data;
		}
	}
}

static void put32(unsigned char *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* Little-endian whatever the build machine is. */
static __le32 le32(u32 v)
{
	__le32 r;

	put32((unsigned char *)&r, v);
	return r;
}

static __le16 le16(u32 v)
{
	unsigned char b[2] = { v, v >> 8 };
	__le16 r;

	memcpy(&r, b, sizeof(r));
	return r;
}

static void write_index(const char *file, u32 nchunks)
{
	u32 *order = xrealloc(NULL, nm * sizeof(*order));
	struct kh_index_ent *ents;
	struct kh_index_hdr hdr;
	char *names = NULL;
	u32 head = 0, tail = 1, i, k, names_size = 0;
	size_t ents_len, body_len;
	unsigned char *body;
	FILE *f;

	/* Breadth first: each directory's children become consecutive. */
	order[0] = 0;
	m[0].out = 0;
	while (head < tail) {
		struct member *d = &m[order[head++]];

		d->first = tail;
		d->count = d->nkids;
		for (k = 0; k < d->nkids; k++) {
			m[d->kids[k]].out = tail;
			order[tail++] = d->kids[k];
		}
		if (!d->nkids)
			d->first = 0;
	}

	ents_len = (size_t)nm * sizeof(*ents);
	ents = xrealloc(NULL, ents_len);
	for (i = 0; i < nm; i++) {
		struct member *x = &m[order[i]];
		struct kh_index_ent *e = &ents[i];
		const char *b = i ? base(x->path) : "";
		size_t bl = strlen(b);
		u32 type, data = x->data, size = x->size;

		if (bl > 0xffff)
			die("name too long: %s", x->path);
		names = xrealloc(names, names_size + bl + 1);
		memcpy(names + names_size, b, bl + 1);

		switch (x->type) {
		case '5':
			type = KH_MODE_DIR;
			data = 0;
			size = 0;
			break;
		case '2':
			type = KH_MODE_LNK;
			data = names_size + bl + 1;
			size = strlen(x->link);
			names = xrealloc(names, data + size + 1);
			memcpy(names + data, x->link, size + 1);
			break;
		default:
			type = KH_MODE_REG;
			break;
		}

		e->parent = le32(i ? m[x->parent].out : 0);
		e->name = le32(names_size);
		e->name_len = le16(bl);
		e->mode = le16(type | x->mode);
		e->size = le32(size);
		e->data = le32(data);
		e->first = le32(x->type == '5' ? x->first : 0);
		e->count = le32(x->type == '5' ? x->count : 0);

		names_size += bl + 1;
		if (x->type == '2')
			names_size += size + 1;
	}

	body_len = ents_len + names_size;
	body = xrealloc(NULL, body_len);
	memcpy(body, ents, ents_len);
	memcpy(body + ents_len, names, names_size);

	hdr = (struct kh_index_hdr){
		.magic		= le32(KH_INDEX_MAGIC),
		.version	= le32(KH_INDEX_VERSION),
		.crc		= le32(crc32_ieee(0, body, body_len)),
		.nentries	= le32(nm),
		.names_size	= le32(names_size),
		.tar_size	= le32(tar_len),
		.nchunks	= le32(nchunks),
		.mtime_lo	= le32((u64)mtime & 0xffffffffU),
		.mtime_hi	= le32((u64)mtime >> 32),
	};

	f = fopen(file, "wb");
	if (!f || fwrite(&hdr, sizeof(hdr), 1, f) != 1 ||
	    fwrite(body, body_len, 1, f) != 1 || fclose(f))
		die("cannot write %s", file);
	free(order);
	free(ents);
	free(names);
	free(body);
}

/*
 * Cut at the last member start that fits.  If none does, the piece ends
 * inside a member: at the last multiple of KH_CHUNK_ALIGN into its
 * contents that fits, or at the limit if there is none.
 */
static u32 write_chunks(const char *dir)
{
	size_t start = 0, cut, limit, d;
	u32 n = 0, k = 0;
	char path[4096];
	FILE *f;

	while (start < tar_len) {
		limit = start + KH_CHUNK_MAX;
		if (limit >= tar_len) {
			cut = tar_len;
		} else {
			while (k < nstarts && starts[k] <= start)
				k++;
			cut = limit;
			if (k < nstarts && starts[k] <= limit) {
				while (k + 1 < nstarts && starts[k + 1] <= limit)
					k++;
				cut = starts[k];
			} else if (k && dstarts[k - 1] < limit) {
				d = dstarts[k - 1];
				d += (limit - d) / KH_CHUNK_ALIGN * KH_CHUNK_ALIGN;
				if (d > start)
					cut = d;
			}
		}
		if (n > 99999)
			die("too many chunks");
		snprintf(path, sizeof(path), "%s/c%05u", dir, n++);
		f = fopen(path, "wb");
		if (!f || fwrite(tar + start, cut - start, 1, f) != 1 || fclose(f))
			die("cannot write %s", path);
		start = cut;
	}
	return n;
}

int main(int argc, char **argv)
{
	u32 nchunks;

	if (argc != 4) {
		fprintf(stderr, "usage: %s TAR INDEX CHUNKDIR\n", me);
		return 2;
	}
	read_tar(argv[1]);
	parse_tar();
	build_tree();
	nchunks = write_chunks(argv[3]);
	write_index(argv[2], nchunks);
	return 0;
}

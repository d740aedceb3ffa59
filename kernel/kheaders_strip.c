// SPDX-License-Identifier: GPL-2.0-only
/*
 * kheaders_strip: remove comments from C headers to shrink the kheaders
 * archive, without changing what the compiler sees.
 *
 * The file is read as the preprocessor reads it: first every backslash
 * that ends a line (blanks and a carriage return may come between them,
 * as GCC allows) is spliced away, then comments and literals are found
 * in what is left.  A comment becomes one space, which is what C makes
 * of it, and so does any run of blanks outside literals and comments.
 * Everything kept is copied from the file as it was, with each splice
 * written as a plain backslash-newline.  A comment that spans lines and
 * has code after it on its last line keeps one backslash-newline per
 * newline it held, so that no two lines of code are ever joined.  Then
 * trailing blanks go, and so do blank lines, except one that ends a
 * backslash-continued line (it ends a macro).  Comments naming
 * SPDX-License-Identifier stay.
 *
 * A quote opens a literal that ends at the same quote on the same
 * (spliced) line.  When there is none, the rest of that line is one
 * token to the compiler, as it is to GCC and clang (a stray quote in an
 * assembler comment or in #error text): it is kept as it is, and a
 * comment opener inside it opens nothing.
 *
 * usage: kheaders_strip FILE...   (each FILE is rewritten in place)
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPDX_TAG "SPDX-License-Identifier"

struct buf {
	char *p;
	size_t len;
	size_t cap;
};

/*
 * The file after line splicing: c[j] is the j-th character the lexer sees,
 * and raw + at[j] is where it is in the file; at[len] is the file's size.
 */
struct text {
	const char *raw;
	char *c;
	size_t *at;
	size_t len;
};

static void *grow(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		perror("kheaders_strip");
		exit(1);
	}
	return p;
}

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n)
			cap *= 2;
		b->p = grow(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/* Length of the splice (backslash, blanks, newline) at s[0], or 0. */
static size_t splice_len(const char *s, size_t n)
{
	size_t i = 1;

	if (!n || s[0] != '\\')
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f' ||
			 s[i] == '\v'))
		i++;
	if (i < n && s[i] == '\n')
		return i + 1;
	if (i + 1 < n && s[i] == '\r' && s[i + 1] == '\n')
		return i + 2;
	return 0;
}

static void splice(const char *raw, size_t n, struct text *t)
{
	size_t i = 0, s;

	t->raw = raw;
	t->c = grow(t->c, n);
	t->at = grow(t->at, (n + 1) * sizeof(*t->at));
	t->len = 0;
	while (i < n) {
		s = splice_len(raw + i, n - i);
		if (s) {
			i += s;
			continue;
		}
		t->c[t->len] = raw[i];
		t->at[t->len++] = i++;
	}
	t->at[t->len] = n;
}

/*
 * Copy the file's bytes from raw offset r up to the end of character j,
 * writing each splice among them as a backslash-newline.
 */
static void copy(const struct text *t, size_t r, size_t j, struct buf *out)
{
	size_t end = t->at[j] + 1, s;

	while (r < end) {
		s = splice_len(t->raw + r, end - r);
		if (s) {
			put(out, "\\\n", 2);
			r += s;
		} else {
			put(out, t->raw + r, 1);
			r++;
		}
	}
}

/* Newlines in the file's bytes from raw offset r to the end of char j. */
static size_t newlines(const struct text *t, size_t r, size_t j)
{
	size_t k = 0;

	for (; r <= t->at[j]; r++)
		k += t->raw[r] == '\n';
	return k;
}

static int contains(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word), i;

	for (i = 0; i + w <= n; i++)
		if (!memcmp(s + i, word, w))
			return 1;
	return 0;
}

/* End of the line that c[i] is on: the index of its newline, or len. */
static size_t line_end(const struct text *t, size_t i)
{
	while (i < t->len && t->c[i] != '\n')
		i++;
	return i;
}

/*
 * The literal opened by the quote at c[i]: the index just past its closing
 * quote, or, when it does not close on this line, the end of the line.
 */
static size_t literal_end(const struct text *t, size_t i)
{
	char q = t->c[i++];

	while (i < t->len && t->c[i] != '\n') {
		if (t->c[i] == '\\' && i + 1 < t->len && t->c[i + 1] != '\n')
			i += 2;
		else if (t->c[i++] == q)
			return i;
	}
	return i;
}

/* The index just past the end of the comment at c[i], or 0 if none. */
static size_t comment_end(const struct text *t, size_t i)
{
	for (i += 2; i + 1 < t->len; i++)
		if (t->c[i] == '*' && t->c[i + 1] == '/')
			return i + 2;
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * One space between tokens, unless the output already ends with one: a
 * blank there is a separator of ours or ends a line's last token, which
 * the newline after it separates anyway.
 */
static void separate(struct buf *out)
{
	if (!out->len || out->p[out->len - 1] != ' ')
		put(out, " ", 1);
}

/*
 * Drop trailing blanks (a backslash then blanks then newline is already a
 * continuation to the compiler) and blank lines, but keep a blank line
 * after a continued one: it ends a macro definition.
 */
static void tidy(const char *s, size_t n, struct buf *out)
{
	size_t i = 0, e, t;
	int continued = 0;

	while (i < n) {
		for (e = i; e < n && s[e] != '\n'; e++)
			;
		for (t = e; t > i && is_blank(s[t - 1]); t--)
			;
		if (t > i || continued) {
			put(out, s + i, t - i);
			if (e < n)
				put(out, "\n", 1);
		}
		continued = t > i && s[t - 1] == '\\';
		i = e + 1;
	}
}

/*
 * Walk the spliced text; r is the raw offset of the first byte not yet
 * accounted for, so that splices before a kept character are copied with
 * it and those in a dropped comment are counted with it.
 */
static void strip(const struct text *t, struct buf *out)
{
	size_t i = 0, r = 0, e, k;

	while (i < t->len) {
		char c = t->c[i], d = i + 1 < t->len ? t->c[i + 1] : 0;

		if (c == '"' || c == '\'') {
			e = literal_end(t, i);
			copy(t, r, e - 1, out);
		} else if (c == '/' && d == '*') {
			e = comment_end(t, i);
			if (!e) {		/* unterminated: keep the rest */
				copy(t, r, t->len - 1, out);
				return;
			}
			if (contains(t->c + i, e - i, SPDX_TAG)) {
				copy(t, r, e - 1, out);
			} else {
				separate(out);
				for (k = e; k < t->len && is_blank(t->c[k]); k++)
					;
				if (k < t->len && t->c[k] != '\n')
					for (k = newlines(t, r, e - 1); k; k--)
						put(out, "\\\n", 2);
			}
		} else if (c == '/' && d == '/') {
			e = line_end(t, i);
			if (contains(t->c + i, e - i, SPDX_TAG))
				copy(t, r, e - 1, out);
		} else if (is_blank(c)) {
			/* Outside literals a run of blanks is one separator. */
			for (e = i; e < t->len && is_blank(t->c[e]); e++)
				;
			separate(out);
			for (k = newlines(t, r, e - 1); k; k--)
				put(out, "\\\n", 2);
		} else {
			e = i + 1;
			copy(t, r, i, out);
		}
		r = t->at[e - 1] + 1;
		i = e;
	}
}

static int strip_file(const char *path, struct buf *in, struct text *t,
		      struct buf *mid, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		goto err;
	in->len = 0;
	do {
		char chunk[65536];

		n = fread(chunk, 1, sizeof(chunk), f);
		put(in, chunk, n);
	} while (n);
	if (ferror(f) || fclose(f))
		goto err;

	splice(in->p, in->len, t);
	mid->len = 0;
	strip(t, mid);
	out->len = 0;
	tidy(mid->p, mid->len, out);

	f = fopen(path, "wb");
	if (!f)
		goto err;
	if (fwrite(out->p, 1, out->len, f) != out->len || fclose(f))
		goto err;
	return 0;
err:
	fprintf(stderr, "kheaders_strip: %s: %s\n", path, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct buf in = { 0 }, mid = { 0 }, out = { 0 };
	struct text t = { 0 };
	int i, err = 0;

	for (i = 1; i < argc; i++)
		err |= strip_file(argv[i], &in, &t, &mid, &out);
	free(in.p);
	free(t.c);
	free(t.at);
	free(mid.p);
	free(out.p);
	return err;
}

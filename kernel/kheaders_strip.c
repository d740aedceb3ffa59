// SPDX-License-Identifier: GPL-2.0-only
/*
 * kheaders_strip: remove comments from C headers to shrink the kheaders
 * archive, without changing what the compiler sees.
 *
 * A comment becomes one space, which is what C makes of it, and so does
 * any run of blanks outside literals and comments.  A comment
 * that spans lines and has code after it on its last line keeps one
 * backslash-newline per newline it held (spliced away by the
 * preprocessor), so that no two lines of code are ever joined: __LINE__
 * stays distinct wherever it was.  Then trailing blanks go, and so do
 * blank lines, except one that ends a backslash-continued line (it ends a
 * macro).  Comments naming SPDX-License-Identifier stay, and so does a //
 * comment that continues onto the next line.
 *
 * Only comments are removed, and a comment is only recognised outside
 * string and character literals.  A quote opens a literal only when the
 * literal also closes on the same logical line; a stray quote (in an
 * assembler comment, say) therefore never hides code from us, it can only
 * make us keep a comment.
 *
 * usage: kheaders_strip FILE...   (each FILE is rewritten in place)
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPDX_TAG "SPDX-License-Identifier"
#define MAX_CHAR_LITERAL 12

struct buf {
	char *p;
	size_t len;
	size_t cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p) {
			perror("kheaders_strip");
			exit(1);
		}
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static int contains(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word), i;

	for (i = 0; i + w <= n; i++)
		if (!memcmp(s + i, word, w))
			return 1;
	return 0;
}

/*
 * Length of the literal opened by the quote at s[0], or 0 when it does not
 * close on this logical line (backslash-newline continues the line).
 */
static size_t literal_len(const char *s, size_t n)
{
	char q = s[0];
	size_t i = 1;

	while (i < n) {
		if (s[i] == '\\' && i + 1 < n) {
			i += 2;
			continue;
		}
		if (s[i] == '\n')
			return 0;
		if (s[i] == q)
			break;
		i++;
	}
	if (i >= n)
		return 0;
	if (q == '\'' && i > MAX_CHAR_LITERAL)
		return 0;
	return i + 1;
}

/* Length of the // comment at s[0], up to (not including) its newline. */
static size_t line_comment_len(const char *s, size_t n, int *continued)
{
	size_t i = 2;

	*continued = 0;
	while (i < n && s[i] != '\n')
		i++;
	if (i > 0 && s[i - 1] == '\\')
		*continued = 1;
	return i;
}

/*
 * One space between tokens, unless the output already ends with one: a
 * blank there can only be a separator of ours, since literals end with
 * their quote and kept comments with their delimiter.
 */
static void separate(struct buf *out)
{
	if (!out->len || out->p[out->len - 1] != ' ')
		put(out, " ", 1);
}

/* One backslash-newline for each newline of the comment s[0, len). */
static void keep_lines(const char *s, size_t len, struct buf *out)
{
	size_t k;

	for (k = 0; k < len; k++)
		if (s[k] == '\n')
			put(out, "\\\n", 2);
}

/* Is there nothing but blanks from p to the end of its line? */
static int rest_is_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p == end || *p == '\n';
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
		for (t = e; t > i && (s[t - 1] == ' ' || s[t - 1] == '\t'); t--)
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

static void strip(const char *s, size_t n, struct buf *out)
{
	size_t i = 0;

	while (i < n) {
		char c = s[i];
		size_t len, k;
		const char *end;
		int continued;

		if (c == '"' || c == '\'') {
			len = literal_len(s + i, n - i);
			if (!len)
				len = 1;
			put(out, s + i, len);
			i += len;
		} else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
			end = NULL;
			for (k = i + 2; k + 1 < n; k++) {
				if (s[k] == '*' && s[k + 1] == '/') {
					end = s + k + 2;
					break;
				}
			}
			if (!end) {		/* unterminated: keep the rest */
				put(out, s + i, n - i);
				return;
			}
			len = end - (s + i);
			if (contains(s + i, len, SPDX_TAG)) {
				put(out, s + i, len);
			} else {
				separate(out);
				if (!rest_is_blank(end, s + n))
					keep_lines(s + i, len, out);
			}
			i += len;
		} else if (c == '/' && i + 1 < n && s[i + 1] == '/') {
			len = line_comment_len(s + i, n - i, &continued);
			if (continued || contains(s + i, len, SPDX_TAG))
				put(out, s + i, len);
			i += len;
		} else if (c == ' ' || c == '\t') {
			/* Outside literals a run of blanks is one separator. */
			separate(out);
			while (i < n && (s[i] == ' ' || s[i] == '\t'))
				i++;
		} else {
			put(out, s + i, 1);
			i++;
		}
	}
}

static int strip_file(const char *path, struct buf *in, struct buf *mid,
		      struct buf *out)
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

	mid->len = 0;
	strip(in->p, in->len, mid);
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
	int i, err = 0;

	for (i = 1; i < argc; i++)
		err |= strip_file(argv[i], &in, &mid, &out);
	free(in.p);
	free(mid.p);
	free(out.p);
	return err;
}

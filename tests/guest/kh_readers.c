// SPDX-License-Identifier: GPL-2.0-only
/*
 * Concurrent readers for /proc/kheaders.tar.xz and /sys/kernel/kheaders.tar.xz,
 * run in the test guest.  Each thread checks every byte it reads against
 * the archive the build produced, and every return value: 0 exactly at
 * and past the end, never more than asked or than the file holds, and
 * otherwise at least one byte.  (sysfs serves at most a page per call, a
 * short read that POSIX allows for special files; they are counted.)
 *
 * usage: kh_readers REFERENCE THREADS PREADS FULLREADS FILE...
 *        kh_readers --hold SECONDS FILE...
 *
 * The second form keeps the files open and reads them until SECONDS pass,
 * for unloading the module underneath: after that a read must fail or
 * return 0, never return bytes that differ from the archive.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static unsigned char *ref;
static size_t ref_len;
static int nfiles;
static char **files;
static long preads, fullreads;

struct result {
	long calls, bytes, errors, short_reads;
};

static unsigned long rnd(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void fail(struct result *r, const char *file, const char *what,
		 long long off, size_t count, ssize_t got)
{
	if (r->errors++ < 5)
		printf("KH-READERS-ERROR %s: %s (offset %lld, count %zu, got %zd, errno %d)\n",
		       file, what, off, count, got, got < 0 ? errno : 0);
}

/* Offsets and sizes chosen to hit the edges: 0, end, past end, huge. */
static void pick(unsigned long *s, long long *off, size_t *count)
{
	switch (rnd(s) % 8) {
	case 0:
		*off = 0;
		break;
	case 1:
		*off = ref_len;
		break;
	case 2:
		*off = ref_len + rnd(s) % 100000;
		break;
	case 3:
		*off = ref_len - 1 - rnd(s) % 64;
		break;
	default:
		*off = rnd(s) % ref_len;
	}
	switch (rnd(s) % 6) {
	case 0:
		*count = 0;
		break;
	case 1:
		*count = 1 + rnd(s) % 16;
		break;
	case 2:
		*count = 64 << 20;	/* far more than the file */
		break;
	default:
		*count = 1 + rnd(s) % 300000;
	}
}

static void *reader(void *arg)
{
	struct result *r = arg;
	unsigned long seed = (unsigned long)arg | 1;
	unsigned char *buf = malloc(64 << 20);
	long i;

	if (!buf)
		return NULL;
	for (i = 0; i < preads; i++) {
		const char *file = files[i % nfiles];
		int fd = open(file, O_RDONLY);
		long long off;
		size_t count, want;
		ssize_t got;

		if (fd < 0) {
			fail(r, file, "open", 0, 0, -1);
			continue;
		}
		pick(&seed, &off, &count);
		want = (size_t)off >= ref_len ? 0 : ref_len - off;
		if (want > count)
			want = count;
		got = pread(fd, buf, count, off);
		r->calls++;
		if (got < 0 || (size_t)got > want || (want && !got))
			fail(r, file, "pread length", off, count, got);
		else if (memcmp(buf, ref + off, got))
			fail(r, file, "pread bytes", off, count, got);
		else
			r->bytes += got;
		if (got > 0 && (size_t)got < want)
			r->short_reads++;
		close(fd);
	}
	for (i = 0; i < fullreads; i++) {
		const char *file = files[i % nfiles];
		int fd = open(file, O_RDONLY);
		size_t pos = 0;
		ssize_t got;

		if (fd < 0) {
			fail(r, file, "open", 0, 0, -1);
			continue;
		}
		do {
			size_t count = 1 + rnd(&seed) % 200000;

			got = read(fd, buf, count);
			r->calls++;
			if (got < 0 || pos + got > ref_len ||
			    memcmp(buf, ref + pos, got)) {
				fail(r, file, "read", pos, count, got);
				break;
			}
			pos += got;
			r->bytes += got;
		} while (got > 0);
		if (got == 0 && pos != ref_len)
			fail(r, file, "short file", pos, 0, 0);
		close(fd);
	}
	free(buf);
	return NULL;
}

static int hold(int seconds)
{
	time_t end = time(NULL) + seconds;
	unsigned char buf[4096];
	int fds[16], n, i;
	long good = 0, errs = 0, eofs = 0, wrong = 0;

	for (n = 0; n < nfiles && n < 16; n++) {
		fds[n] = open(files[n], O_RDONLY);
		if (fds[n] < 0) {
			perror(files[n]);
			return 1;
		}
	}
	printf("KH-HOLD open\n");
	fflush(stdout);
	while (time(NULL) < end) {
		for (i = 0; i < n; i++) {
			off_t off = (good + i) % 4096 * 512;
			ssize_t got = pread(fds[i], buf, sizeof(buf), off);

			if (got < 0)
				errs++;
			else if (got == 0)
				eofs++;
			else if (memcmp(buf, ref + off, got))
				wrong++;
			else
				good++;
		}
	}
	printf("KH-HOLD good=%ld errors=%ld eof=%ld wrong=%ld\n", good, errs, eofs, wrong);
	return wrong != 0;
}

static int load_ref(const char *path)
{
	int fd = open(path, O_RDONLY);
	struct stat st;

	if (fd < 0 || fstat(fd, &st))
		return -1;
	ref_len = st.st_size;
	ref = malloc(ref_len);
	if (!ref || read(fd, ref, ref_len) != (ssize_t)ref_len)
		return -1;
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct result total = { 0 }, *res;
	pthread_t *tids;
	int threads, i;

	if (argc >= 5 && !strcmp(argv[1], "--hold")) {
		if (load_ref(argv[2]))
			return 2;
		files = argv + 4;
		nfiles = argc - 4;
		return hold(atoi(argv[3]));
	}
	if (argc < 6) {
		fprintf(stderr, "usage: %s REFERENCE THREADS PREADS FULLREADS FILE...\n"
			"       %s --hold REFERENCE SECONDS FILE...\n", argv[0], argv[0]);
		return 2;
	}
	if (load_ref(argv[1])) {
		perror(argv[1]);
		return 2;
	}
	threads = atoi(argv[2]);
	preads = atol(argv[3]);
	fullreads = atol(argv[4]);
	files = argv + 5;
	nfiles = argc - 5;
	tids = calloc(threads, sizeof(*tids));
	res = calloc(threads, sizeof(*res));
	for (i = 0; i < threads; i++)
		pthread_create(&tids[i], NULL, reader, &res[i]);
	for (i = 0; i < threads; i++) {
		pthread_join(tids[i], NULL);
		total.calls += res[i].calls;
		total.bytes += res[i].bytes;
		total.errors += res[i].errors;
		total.short_reads += res[i].short_reads;
	}
	printf("KH-READERS threads=%d calls=%ld bytes=%ld short=%ld errors=%ld\n",
	       threads, total.calls, total.bytes, total.short_reads, total.errors);
	return total.errors != 0;
}

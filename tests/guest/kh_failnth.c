// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection for the debug guest: load kheaders.ko, or mount the
 * kheaders filesystem, with its Nth fault-injectable allocation failing,
 * for N = 1, 2, ... until the call no longer makes N of them.  All in this
 * one task, so /proc/self/fail-nth counts only the allocations of
 * finit_module() (module load and init) or mount(), and no process is
 * started per fault.
 *
 * After each failed call nothing may be left: no module in /proc/modules
 * and no /proc/kheaders.tar.xz, or nothing mounted.  A call that absorbed
 * the fault must have done its whole job: both files there, or a mount
 * that reads.  Each is undone before the next.
 *
 * usage: kh_failnth load MODULE.ko MAX | kh_failnth mount DIR MAX
 * prints: "half N: what was wrong" for each broken state, then
 *   "injected=N failed-cleanly=N absorbed=N half=N reached-end=0|1"
 * and exits 0 when every fault was handled and the end was reached.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int nth_fd;

/* Fail the nth fault-injectable call from now on (0: none). */
static void fail_nth(int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	if (pwrite(nth_fd, buf, len, 0) != len) {
		perror("fail-nth");
		exit(2);
	}
}

/* Whether the fault set by fail_nth() is still pending. */
static int fault_pending(void)
{
	char buf[16];
	ssize_t len = pread(nth_fd, buf, sizeof(buf) - 1, 0);

	buf[len > 0 ? len : 0] = 0;
	return atoi(buf) != 0;
}

/* Whether a line of FILE starts with PREFIX or contains NEEDLE. */
static int file_has(const char *file, const char *prefix, const char *needle)
{
	char line[512];
	FILE *f = fopen(file, "r");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = (prefix && !strncmp(line, prefix, strlen(prefix))) ||
			(needle && strstr(line, needle));
	fclose(f);
	return found;
}

static int exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

static int module_loaded(void)
{
	return file_has("/proc/modules", "kheaders ", NULL);
}

static int files_present(void)
{
	return exists("/proc/kheaders.tar.xz") + exists("/sys/kernel/kheaders.tar.xz");
}

enum outcome { CLEAN, WHOLE, HALF };

/* Clear the fault; whether it was still pending (never reached). */
static int clear_fault(void)
{
	int pending = fault_pending();

	fail_nth(0);
	return pending;
}

/* One load with fault N. */
static enum outcome try_load(int fd, int n, int *reached)
{
	int ret = syscall(SYS_finit_module, fd, "", 0);
	int err = errno;

	*reached = !clear_fault();
	if (ret) {
		if (!module_loaded() && !files_present())
			return CLEAN;
		printf("half %d: load failed (%s), but the module or a file is there\n",
		       n, strerror(err));
	} else if (files_present() != 2) {
		printf("half %d: loaded without both files\n", n);
	} else {
		if (!syscall(SYS_delete_module, "kheaders", O_NONBLOCK))
			return WHOLE;
		printf("half %d: loaded, but will not unload: %s\n", n, strerror(errno));
	}
	syscall(SYS_delete_module, "kheaders", O_NONBLOCK);
	return HALF;
}

/* One mount with fault N. */
static enum outcome try_mount(const char *dir, int n, int *reached)
{
	char path[4096];
	int ret = mount("none", dir, "kheaders", 0, NULL);
	int err = errno;
	struct stat st;

	*reached = !clear_fault();
	snprintf(path, sizeof(path), " %s kheaders ", dir);
	if (ret) {
		if (!file_has("/proc/mounts", NULL, path))
			return CLEAN;
		printf("half %d: mount failed (%s), but is mounted\n", n, strerror(err));
	} else {
		snprintf(path, sizeof(path), "%s/Makefile", dir);
		if (!stat(path, &st) && st.st_size > 0 && !umount(dir))
			return WHOLE;
		printf("half %d: mounted, but no Makefile or no umount\n", n);
	}
	umount(dir);
	return HALF;
}

int main(int argc, char **argv)
{
	int load, fd = -1, n, max, reached = 1, clean = 0, absorbed = 0, half = 0;
	enum outcome o;

	if (argc != 4 || (strcmp(argv[1], "load") && strcmp(argv[1], "mount"))) {
		fprintf(stderr, "usage: %s load MODULE.ko MAX | %s mount DIR MAX\n",
			argv[0], argv[0]);
		return 2;
	}
	load = !strcmp(argv[1], "load");
	max = atoi(argv[3]);
	if (load)
		fd = open(argv[2], O_RDONLY);
	nth_fd = open("/proc/self/fail-nth", O_RDWR);
	if ((load && fd < 0) || nth_fd < 0) {
		perror("open");
		return 2;
	}
	/* Until a call makes fewer than N allocations: then it is whole. */
	for (n = 1; n <= max && reached; n++) {
		fail_nth(n);
		o = load ? try_load(fd, n, &reached) : try_mount(argv[2], n, &reached);
		if (!reached) {
			if (o != WHOLE) {
				printf("half %d: failed with no fault injected\n", n);
				half++;
			}
			break;
		}
		clean += o == CLEAN;
		absorbed += o == WHOLE;
		half += o == HALF;
		fflush(stdout);
	}
	printf("injected=%d failed-cleanly=%d absorbed=%d half=%d reached-end=%d\n",
	       clean + absorbed + half, clean, absorbed, half, !reached);
	return half || reached;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Load a module, or mount the kheaders filesystem, with its Nth
 * fault-injectable allocation failing, for the debug guest.  Everything
 * happens in this one task, so /proc/self/fail-nth counts only the
 * allocations of finit_module() (module load and init) or mount().
 *
 * usage: kh_failnth N MODULE.ko | kh_failnth -m N DIR
 * prints: "loaded" (or "mounted") or "failed ERRNO", then "injected" or
 * "not-reached" (the call made fewer than N such allocations).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[32];
	int fd, nth, ret, err, do_mount = 0;
	ssize_t len;

	if (argc == 4 && !strcmp(argv[1], "-m")) {
		do_mount = 1;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: %s N MODULE.ko | %s -m N DIR\n", argv[0], argv[0]);
		return 2;
	}
	fd = do_mount ? 0 : open(argv[2], O_RDONLY);
	nth = open("/proc/self/fail-nth", O_RDWR);
	if (fd < 0 || nth < 0) {
		perror("open");
		return 2;
	}
	if (write(nth, argv[1], strlen(argv[1])) < 0) {
		perror("fail-nth");
		return 2;
	}
	if (do_mount)
		ret = mount("none", argv[2], "kheaders", 0, NULL);
	else
		ret = syscall(SYS_finit_module, fd, "", 0);
	err = errno;
	len = pread(nth, buf, sizeof(buf) - 1, 0);
	buf[len > 0 ? len : 0] = 0;
	/* A fault still pending means the load never reached the Nth call. */
	if (write(nth, "0", 1) < 0)
		return 2;
	if (ret)
		printf("failed %s\n", strerror(err));
	else
		printf("%s\n", do_mount ? "mounted" : "loaded");
	printf("%s\n", atoi(buf) ? "not-reached" : "injected");
	return 0;
}

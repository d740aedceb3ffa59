#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: Debian 12's bcc (execsnoop) and bpftrace in a guest, finding
# the kernel's headers through kheaders (tests/guest/bpf.sh).  On Linux
# 6.1, the kernel these tools are made for, as a module; or with -l on
# 6.12 built with clang and lld (LLVM=1, as Android builds its kernels),
# built in: the kernel test-guest-workflow.sh -y -l boots.  Both have the
# bpf() syscall and kprobes on and no BTF (tests/configs/bpf.config): the
# struct layouts the tools use can only come from the archive's headers,
# and the guest compares the fields they read (a parent PID, a PID and a
# command name in task_struct) with the real values.
#
# usage: tests/test-guest-bpf.sh [-l]

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/guest-test.sh
. "$(dirname "$0")/guest-test.sh"

ver=6.1 flavor=m llvm=0
while getopts l opt; do
	case $opt in
	l) ver=6.12 flavor=y llvm=1 ;;
	*) die "usage: $0 [-l]" ;;
	esac
done
need_tools execsnoop-bpfcc bpftrace
guest_kernel "$ver" "$flavor" "$llvm"
check "$name: the kernel has no BTF" no_line '^CONFIG_DEBUG_INFO_BTF=y' "$build/.config"
guest_run bpf.sh -t 1800 -m 1536
summary

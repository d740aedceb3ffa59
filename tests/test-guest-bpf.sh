#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: Debian 12's bcc (execsnoop) and bpftrace in a guest, finding
# the kernel's headers through kheaders (tests/guest/bpf.sh).  On Linux
# 6.1, the kernel these tools are made for, or with -l on 6.12 built with
# clang and lld (LLVM=1, as Android builds its kernels).  Both have the
# bpf() syscall and kprobes on and no BTF (tests/configs/bpf.config): the
# struct layouts the tools use can only come from the archive's headers,
# and the checks compare the fields they read (a parent PID, a PID and a
# command name in task_struct) with the real values.
#
# usage: tests/test-guest-bpf.sh [-l]

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/guest-checks.sh
. "$(dirname "$0")/guest-checks.sh"

ver=6.1 llvm=0
while getopts l opt; do
	case $opt in
	l) ver=6.12 llvm=1 ;;
	*) die "usage: $0 [-l]" ;;
	esac
done
name=$(harness_name "$ver" m "$llvm")
need_tools execsnoop-bpfcc bpftrace
build=$(harness_build "$ver" m "$llvm") ||
	{ bad "$name: kernel build"; summary; exit; }
ok "$name: kernel build"
check "$name: the kernel has no BTF" no_line '^CONFIG_DEBUG_INFO_BTF=y' "$build/.config"

boot_guest "$name: guest booted and ran bcc and bpftrace" "$build" \
	"$KH_REPO/tests/guest/bpf.sh" "$build/kh-bpf.log" -t 1800 -m 1536
check "$name: no BTF, no build link, kheaders not loaded at the start" \
	printed "KH-BPF btf=no build-link=no loaded=no"

check "$name: bcc: without kheaders it finds no kernel headers and fails" \
	grep -qiE '^KH-BCC no-kheaders rc=[1-9][0-9]* .*unable to find kernel headers' <<<"$out"

# bcc_saw NAME: execsnoop saw the marker's exec, succeeding, with the
# parent PID the shell wrote down.
bcc_saw() {
	grep -qE "^KH-BCC $1 seen=echo ppid=([0-9]+) ret=0 parent=\\1\$" <<<"$out"
}
check "$name: bcc: execsnoop compiled and ran" printed "KH-STEP bcc-kheaders rc=0"
check "$name: bcc: execsnoop read the right parent PID out of task_struct" bcc_saw kheaders
grep '^KH-BCC' <<<"$out"
check "$name: bcc: unpacked the archive into /tmp/kheaders-RELEASE and unloaded kheaders" \
	printed "KH-BPF after-bcc tree=yes owner=0 sched_h=yes loaded=no"

check "$name: bpftrace: the one-liner ran" printed "KH-STEP bpftrace rc=0"
bt=$(grep -m1 '^KH-BT ' <<<"$out")
log "$name: bpftrace printed: ${bt:-nothing}"
pid=$(sed -n 's/^KH-BT pid=\([0-9]*\) .*/\1/p' <<<"$bt")
# traced_sleeper PID: bpftrace read PID, its tgid and comm out of the
# task_struct of the sleep the guest started as PID.
traced_sleeper() {
	[ -n "$1" ] || { echo "  bpftrace printed no pid"; return 1; }
	printed_re "^KH-BT pid=$1 tgid=$1 comm=kh-sleeper\$" "^KH-SLEEP $1\$"
}
check "$name: bpftrace: task_struct's tgid and comm are those of a sleep it traced" \
	traced_sleeper "$pid"
check "$name: bpftrace: unpacked the archive into /tmp/kheaders-RELEASE itself" \
	printed "KH-BPF after-bpftrace tree=yes owner=0 sched_h=yes"

rel=$(cat "$build/include/config/kernel.release")
check "$name: kheaders-install links /lib/modules/RELEASE/build" \
	printed_re '^KH-STEP install rc=0$' "^KH-BPF build-link=/(run|usr/src)/kheaders(/|-)$rel\$"
check "$name: bcc: execsnoop ran with the headers at /lib/modules/RELEASE/build" \
	printed "KH-STEP bcc-build-link rc=0"
check "$name: bcc: and read the right parent PID" bcc_saw build-link
check "$name: bcc: and unpacked nothing" printed "KH-BPF after-bcc-build-link tree=no"
check "$name: kheaders-install --remove" \
	printed_re '^KH-STEP remove rc=0$' '^KH-BPF after-remove loaded=no$'
awk -v name="$name" '$1 == "KH-TIME" { printf "%s: %s took %.1f s in the guest\n", name, $2, $4 - $3 }' <<<"$out" |
	while IFS= read -r l; do log "$l"; done
check "$name: guest script ended cleanly" printed "KH-DONE rc=0"
judge_clean "$name"
summary

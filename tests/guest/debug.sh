#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Run in the debug guest (KASAN, KFENCE, kmemleak, lockdep, UBSAN,
# FORTIFY_SOURCE, DEBUG_LIST, failslab): the stress cases, the filesystem
# cases and kheaders-install, module load and init and then mount under
# injected slab failures, then a kmemleak scan.  Prints KTAP
# (tests/guest/ktap.sh).

here=$(cd "$(dirname "$0")" && pwd)
mod=/lib/modules/$(uname -r)/kernel/kernel/kheaders.ko
dbg=/sys/kernel/debug
KT_AREA=debug

# shellcheck source=tests/guest/lib.sh
. "$here/lib.sh"

mount -t debugfs debugfs "$dbg" 2>/dev/null
# Forget what boot allocated; only leaks from here on count.
echo clear >"$dbg/kmemleak"

phase() { echo "KH-PHASE $1 $(cut -d' ' -f1 /proc/uptime)"; }

phase stress
sh "$here/stress.sh"

phase fs
sh "$here/fs.sh"

# Fail the Nth slab allocation of module load and init, for N = 1, 2, ...
# until the load no longer reaches N, and the same for mount: each
# failed call must leave nothing behind, a call that absorbed the fault
# must be whole (kh_failnth, one process for all of them).  Failed
# allocations print stack dumps by design: the host reads the console
# between the KH-FAULTS lines for checkers' reports only.
# finit_module() loads no dependency: load kheaders.ko's (kheaders_fs.ko
# with the filesystem) as modprobe would, before any fault is injected.
load_deps() {
	deps=$(modinfo -F depends "$mod" | tr , ' ')
	# shellcheck disable=SC2086 # one module name per word
	[ -z "$deps" ] || modprobe -a $deps
}
kt_check "kheaders.ko's dependencies load before the faults" load_deps
echo N >"$dbg/failslab/ignore-gfp-wait"
echo 0 >"$dbg/failslab/verbose"

# faults WHAT ARGS...: run kh_failnth WHAT ARGS between the markers, and
# check what it printed.
faults() {
	phase "$1-faults"
	echo "KH-FAULTS begin"
	"$KH_BUILD/kh_failnth" "$@" >/tmp/faults.log 2>&1
	rc=$?
	echo "KH-FAULTS end"
	kt_diag </tmp/faults.log
	sum=$(tail -n 1 /tmp/faults.log)
	kt_match "$1: faults were injected, and some failed the call" "$sum" ' failed-cleanly=[1-9]'
	kt_match "$1: every allocation was failed once, to the last" "$sum" ' reached-end=1$'
	kt_match "$1: nothing half done after any fault" "$sum" ' half=0 '
	kt_eq "$1: kh_failnth exits 0" $rc 0
}

faults load "$mod" 2000
kt_check "modprobe after the load faults" modprobe kheaders
kt_check "both files are there after the load faults" \
	test -e /proc/kheaders.tar.xz -a -e /sys/kernel/kheaders.tar.xz
mkdir -p /tmp/khf
faults mount /tmp/khf 500
kt_check "rmmod after the mount faults" rmmod kheaders

phase kmemleak
# Two scans: kmemleak reports an object only once it was seen
# unreferenced in two scans.
echo scan >"$dbg/kmemleak"
sleep 5
echo scan >"$dbg/kmemleak"
kt_eq "kmemleak finds no leak" "$(grep -c '^unreferenced object' "$dbg/kmemleak")" 0 ||
	head -n 40 "$dbg/kmemleak" | kt_diag
phase end

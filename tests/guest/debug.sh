#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Run in the debug guest (KASAN, KFENCE, kmemleak, lockdep, UBSAN,
# FORTIFY_SOURCE, DEBUG_LIST, failslab): the stress cases, the filesystem
# cases without the timing runs, module load and init and then mount under
# injected slab failures, then a kmemleak scan.
# tests/test-guest-debug.sh judges what it printed.

here=$(cd "$(dirname "$0")" && pwd)
mod=/lib/modules/$(uname -r)/kernel/kernel/kheaders.ko
dbg=/sys/kernel/debug

mount -t debugfs debugfs "$dbg" 2>/dev/null
# Forget what boot allocated; only leaks from here on count.
echo clear >"$dbg/kmemleak"

phase() { echo "KH-PHASE $1 $(cut -d' ' -f1 /proc/uptime)"; }

phase stress
sh "$here/stress.sh"

phase fs
KH_FS_LIGHT=1 sh "$here/fs.sh"

# Fail the Nth slab allocation of module load and init, for N = 1, 2, ...
# until the load no longer reaches N (kh_failnth runs finit_module in its
# own task, so /proc/self/fail-nth counts nothing else).  Each failed load
# must leave nothing behind; a load that absorbed the fault must be whole.
# finit_module() loads no dependency: load kheaders.ko's (kheaders_fs.ko
# with the filesystem) as modprobe would, before any fault is injected.
deps=$(modinfo -F depends "$mod" | tr , ' ')
# shellcheck disable=SC2086 # one module name per word
[ -z "$deps" ] || modprobe -a $deps
echo "KH-STEP load-dependencies rc=$?"
echo N >"$dbg/failslab/ignore-gfp-wait"
echo 0 >"$dbg/failslab/verbose"
phase faults-begin
n=0 full=0 clean=0 broken=0 end=0
while [ $n -lt 2000 ]; do
	n=$((n + 1))
	res=$("$KH_BUILD/kh_failnth" $n "$mod" | tr '\n' ' ')
	present=0
	[ -e /proc/kheaders.tar.xz ] && [ -e /sys/kernel/kheaders.tar.xz ] && present=1
	loaded=0
	lsmod | grep -q '^kheaders ' && loaded=1
	case $res in
	*not-reached*)
		end=1
		rmmod kheaders
		break ;;
	loaded*)
		if [ $present = 1 ]; then full=$((full + 1)); else broken=$((broken + 1)); fi
		rmmod kheaders ;;
	failed*)
		if [ $present = 0 ] && [ $loaded = 0 ] && [ ! -e /proc/kheaders.tar.xz ] &&
			[ ! -e /sys/kernel/kheaders.tar.xz ]; then
			clean=$((clean + 1))
		else
			broken=$((broken + 1))
			echo "KH-HALF at $n: $res"
			rmmod kheaders 2>/dev/null
		fi ;;
	*)
		broken=$((broken + 1))
		echo "KH-HALF at $n: kh_failnth said '$res'" ;;
	esac
done
phase faults-end
echo "KH-FAULTS injected=$((n - 1)) failed-cleanly=$clean absorbed=$full half=$broken reached-end=$end"
modprobe kheaders
echo "KH-STEP modprobe-after-faults rc=$?"
[ -e /proc/kheaders.tar.xz ] && [ -e /sys/kernel/kheaders.tar.xz ]
echo "KH-STEP files-after-faults rc=$?"
rmmod kheaders

# The same for mount: fail each slab allocation of mount() in turn.  A
# failed mount must leave nothing mounted, and unmount and rmmod must
# still work.
phase mount-faults-begin
modprobe kheaders
mkdir -p /tmp/khf
n=0 clean=0 broken=0 end=0 ok=0
while [ $n -lt 500 ]; do
	n=$((n + 1))
	res=$("$KH_BUILD/kh_failnth" -m $n /tmp/khf | tr '\n' ' ')
	mounted=0
	grep -q ' /tmp/khf kheaders ' /proc/mounts && mounted=1
	case $res in
	mounted*)
		if [ $mounted = 1 ] && [ -s /tmp/khf/Makefile ]; then ok=$((ok + 1)); else broken=$((broken + 1)); fi
		umount /tmp/khf
		case $res in *not-reached*) end=1; break ;; esac ;;
	failed*)
		if [ $mounted = 0 ]; then clean=$((clean + 1)); else broken=$((broken + 1)); umount /tmp/khf; fi ;;
	*)
		broken=$((broken + 1))
		echo "KH-HALF mount at $n: kh_failnth said '$res'" ;;
	esac
done
phase mount-faults-end
echo "KH-MOUNT-FAULTS injected=$((n - 1)) failed-cleanly=$clean absorbed=$ok half=$broken reached-end=$end"
rmmod kheaders
echo "KH-STEP rmmod-after-mount-faults rc=$?"

phase kmemleak
# Two scans: kmemleak reports an object only once it was seen
# unreferenced in two scans.
echo scan >"$dbg/kmemleak"
sleep 5
echo scan >"$dbg/kmemleak"
leaks=$(grep -c '^unreferenced object' "$dbg/kmemleak")
echo "KH-KMEMLEAK $leaks"
head -n 40 "$dbg/kmemleak" | sed 's/^/KH-LEAK /'
phase end

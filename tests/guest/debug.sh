#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Run in the debug guest (KASAN, KFENCE, kmemleak, lockdep, UBSAN,
# FORTIFY_SOURCE, DEBUG_LIST, failslab): the workflow and the stress
# cases, module init under injected slab failures, then a kmemleak scan.
# tests/test-guest-debug.sh judges what it printed.

here=$(cd "$(dirname "$0")" && pwd)
mod=/lib/modules/$(uname -r)/kernel/kernel/kheaders.ko
dbg=/sys/kernel/debug

mount -t debugfs debugfs "$dbg" 2>/dev/null
# Forget what boot allocated; only leaks from here on count.
echo clear >"$dbg/kmemleak"

sh "$here/workflow.sh"
sh "$here/stress.sh"

# Fail the Nth slab allocation made by insmod's task, for N = 1, 2, ...
# until five loads in a row succeed (N is then past module init).
echo N >"$dbg/failslab/ignore-gfp-wait"
echo 0 >"$dbg/failslab/verbose"
n=0 run=0 full=0 clean=0 broken=0
while [ $n -lt 400 ] && [ $run -lt 5 ]; do
	n=$((n + 1))
	if sh -c "echo $n >/proc/self/fail-nth && exec insmod $mod" 2>/dev/null; then
		if [ -e /proc/kheaders.tar.xz ] && [ -e /sys/kernel/kheaders.tar.xz ]; then
			full=$((full + 1))
		else
			broken=$((broken + 1))
		fi
		rmmod kheaders
		run=$((run + 1))
	else
		run=0
		if [ -e /proc/kheaders.tar.xz ] || [ -e /sys/kernel/kheaders.tar.xz ] ||
			lsmod | grep -q '^kheaders '; then
			broken=$((broken + 1))
			rmmod kheaders 2>/dev/null
		else
			clean=$((clean + 1))
		fi
	fi
done
echo "KH-FAULTS tried=$n failed-cleanly=$clean loaded-fully=$full half=$broken"
modprobe kheaders
echo "KH-STEP modprobe-after-faults rc=$?"
[ -e /proc/kheaders.tar.xz ] && [ -e /sys/kernel/kheaders.tar.xz ]
echo "KH-STEP files-after-faults rc=$?"
rmmod kheaders

# Two scans: kmemleak reports an object only once it was seen
# unreferenced in two scans.
echo scan >"$dbg/kmemleak"
sleep 5
echo scan >"$dbg/kmemleak"
leaks=$(grep -c '^unreferenced object' "$dbg/kmemleak")
echo "KH-KMEMLEAK $leaks"
head -n 40 "$dbg/kmemleak" | sed 's/^/KH-LEAK /'

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: the stress and filesystem cases again, on a 6.12 kernel with
# the kernel's checkers on (tests/configs/debug.config), plus module load
# and init, and mount, with each of their slab allocations failed in turn,
# and a kmemleak scan.  Any
# KASAN, KFENCE, UBSAN, lockdep, kmemleak, FORTIFY or list-debug report,
# warning or oops fails the test.

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/guest-checks.sh
. "$(dirname "$0")/guest-checks.sh"

name=6.12-debug
build=$("$KH_REPO/scripts/build-kernel.sh" -c "$KH_REPO/tests/configs/debug.config" "$name") ||
	{ bad "$name: kernel build"; summary; exit; }
ok "$name: kernel build"
guest_helpers "$build"
start=$(date +%s)
boot_guest "$name: debug guest ran to the end" "$build" \
	"$KH_REPO/tests/guest/debug.sh" "$build/kh-debug.log" -t 2400 -m 2048
log "$name: guest run took $(($(date +%s) - start)) s"
judge_stress "$name" "$build"
judge_fs "$name" "$build" light
log "$name: phases (s): $(awk '$1 == "KH-PHASE" { if (p) printf "%s %.0f, ", p, $3 - t; p = $2; t = $3 }' <<<"$out")"

check "$name: kheaders.ko's dependencies load before the faults" \
	printed "KH-STEP load-dependencies rc=0"
faults=$(grep '^KH-FAULTS' <<<"$out")
log "$name: ${faults:-no fault-injection summary}"
check "$name: faults were injected into module load and init" \
	grep -qE 'failed-cleanly=[1-9]' <<<"$faults"
check "$name: every allocation of load and init was failed once" grep -q 'reached-end=1$' <<<"$faults"
check "$name: no half-registered module after any fault" grep -q 'half=0 ' <<<"$faults"
check "$name: modprobe works after the faults" printed "KH-STEP modprobe-after-faults rc=0"
check "$name: both files present after the faults" printed "KH-STEP files-after-faults rc=0"
mfaults=$(grep '^KH-MOUNT-FAULTS' <<<"$out")
log "$name: ${mfaults:-no mount fault-injection summary}"
check "$name: faults were injected into mount" grep -qE 'failed-cleanly=[1-9]' <<<"$mfaults"
check "$name: every allocation of mount was failed once" grep -q 'reached-end=1$' <<<"$mfaults"
check "$name: no half-mounted filesystem after any fault" grep -q 'half=0 ' <<<"$mfaults"
check "$name: rmmod after the mount faults" printed "KH-STEP rmmod-after-mount-faults rc=0"
check "$name: kmemleak finds no leak" printed "KH-KMEMLEAK 0"
check "$name: guest script ended cleanly" printed "KH-DONE rc=0"
# Failed allocations print warn_alloc() stack dumps by design; inside the
# fault phase only the checkers' own reports count.
reports='KASAN|KFENCE|UBSAN|BUG:|Oops|Kernel panic|WARNING: CPU|kmemleak: [0-9]+ new suspected|possible circular|possible recursive locking|inconsistent lock state|list_(add|del) corruption|detected buffer overflow'
faults_log=$(sed -n '/^KH-PHASE faults-begin/,/^KH-PHASE faults-end/p;/^KH-PHASE mount-faults-begin/,/^KH-PHASE mount-faults-end/p' <<<"$out")
if grep -qE "$reports" <<<"$faults_log"; then
	bad "$name: no checker report during fault injection"
	grep -E -m5 "$reports" <<<"$faults_log"
else
	ok "$name: no checker report during fault injection"
fi
out=$(sed '/^KH-PHASE faults-begin/,/^KH-PHASE faults-end/d;/^KH-PHASE mount-faults-begin/,/^KH-PHASE mount-faults-end/d' <<<"$out")
judge_clean "$name" "$reports"
summary

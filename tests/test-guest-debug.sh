#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: the stress, filesystem and kheaders-install cases, on a 6.12
# kernel with the kernel's checkers on (tests/configs/debug.config); then
# module load and init, and mount, with each of their slab allocations
# failed in turn, and a kmemleak scan (tests/guest/debug.sh, which
# checks).  Any KASAN, KFENCE, UBSAN, lockdep, kmemleak, FORTIFY or
# list-debug report, warning or oops fails the test.

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/guest-test.sh
. "$(dirname "$0")/guest-test.sh"

GUEST_CHECKERS='KASAN|KFENCE|UBSAN|kmemleak: [0-9]+ new suspected|possible circular|possible recursive locking|inconsistent lock state|list_(add|del) corruption|detected buffer overflow'
guest_kernel 6.12 debug 0
guest_helpers
guest_run debug.sh -t 2400 -m 2048
log "$name: phases (s): $(awk '$1 == "KH-PHASE" { if (p) printf "%s %.0f, ", p, $3 - t; p = $2; t = $3 }' <<<"$out")"
# The filesystem's figures, under the checkers (scripts/bench-fs.sh times
# it on a plain kernel).
grep -E '^KH-(MEM|STATS|SLAB)' <<<"$out" | while IFS= read -r l; do log "$name: $l"; done
summary

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: the kheaders files under load and misuse in a 6.12 guest
# (tests/guest/stress.sh): 8 concurrent readers with random pread offsets
# and sizes, denied writes and mode changes, unprivileged reads, rmmod
# while readers hold the files open, 100 load/unload cycles.

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/guest-checks.sh
. "$(dirname "$0")/guest-checks.sh"

build=$("$KH_REPO/scripts/build-kernel.sh" 6.12-m) || { bad "6.12-m: kernel build"; summary; exit; }
guest_helpers "$build"
boot_guest "stress guest ran to the end" "$build" \
	"$KH_REPO/tests/guest/stress.sh" "$build/kh-stress.log" -t 1200
judge_stress 6.12-m "$build"
judge_clean 6.12-m
summary

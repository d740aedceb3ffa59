#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: the kheaders filesystem (CONFIG_IKHEADERS_FS) in a 6.12 guest,
# kheaders as a module (tests/guest/fs.sh); judge what the guest printed
# and log the memory and time figures.

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/guest-checks.sh
. "$(dirname "$0")/guest-checks.sh"

name=6.12-m
build=$("$KH_REPO/scripts/build-kernel.sh" "$name") ||
	{ bad "$name: kernel build"; summary; exit; }
ok "$name: kernel build"
check "$name: CONFIG_IKHEADERS_FS is on" grep -qx CONFIG_IKHEADERS_FS=y "$build/.config"

boot_guest "$name: guest booted and ran the filesystem tests" "$build" \
	"$KH_REPO/tests/guest/fs.sh" "$build/kh-fs.log" -t 2400 -m 1024
judge_fs "$name" "$build"
check "$name: guest script ended cleanly" printed "KH-DONE rc=0"
judge_clean "$name"
summary

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: build a 6.12 test kernel with kheaders (=m, or =y with -y),
# boot it under QEMU and run the user's workflow in the guest
# (tests/guest/workflow.sh); judge what the guest printed.
#
# usage: tests/test-guest-workflow.sh [-y]

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/guest-checks.sh
. "$(dirname "$0")/guest-checks.sh"

flavor=m
while getopts y opt; do
	case $opt in
	y) flavor=y ;;
	*) die "usage: $0 [-y]" ;;
	esac
done
name=6.12-$flavor
frag=()
[ "$flavor" = y ] && frag=(-c "$KH_REPO/tests/configs/ikheaders-y.config")

build=$("$KH_REPO/scripts/build-kernel.sh" "${frag[@]}" "$name") ||
	{ bad "$name: kernel build"; summary; exit; }
ok "$name: kernel build"
archive=$build/kernel/kheaders_data.tar.xz
# modpost writes Module.symvers after every object: it reaches the archive
# only through the post-modpost pass (kernel/Makefile.top-hook).
check "$name: archive's Module.symvers is the build's final one" \
	bash -c "[ -s '$build/Module.symvers' ] && tar -xOf '$archive' ./Module.symvers | cmp -s - '$build/Module.symvers'"

boot_guest "$name: guest booted and ran the workflow" "$build" \
	"$KH_REPO/tests/guest/workflow.sh" "$build/kh-workflow.log" -t 1200
judge_workflow "$name" "$build" "$flavor"
check "$name: guest script ended cleanly" printed "KH-DONE rc=0"
judge_clean "$name"
log "$name: archive $(stat -c %s "$archive") bytes, guest boot to init $(awk '$1 == "KH-BOOTED" { print $3 }' <<<"$out") s"
summary

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: build a test kernel (Linux 6.12, or VERSION) with kheaders
# (=m, or =y with -y; with clang and lld, LLVM=1, with -l), boot it under
# QEMU and run the user's workflow in the guest (tests/guest/workflow.sh)
# exactly as written, with no LLVM=1; the guest checks each step.
#
# usage: tests/test-guest-workflow.sh [-y] [-v VERSION] [-l]

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/guest-test.sh
. "$(dirname "$0")/guest-test.sh"

flavor=m ver=6.12 llvm=0
while getopts yv:l opt; do
	case $opt in
	y) flavor=y ;;
	v) ver=$OPTARG ;;
	l) llvm=1 ;;
	*) die "usage: $0 [-y] [-v VERSION] [-l]" ;;
	esac
done

guest_kernel "$ver" "$flavor" "$llvm"
archive=$build/kernel/kheaders_data.tar.xz
# modpost writes Module.symvers after every object: the archive is packed
# after it (kernel/Makefile.kheaders).
check "$name: archive's Module.symvers is the build's final one" \
	symvers_packed "$archive" "$build"
if [ "$llvm" = 1 ]; then
	check "$name: the kernel was built with clang and lld" \
		has_lines "$build/.config" '^CONFIG_CC_IS_CLANG=y$' '^CONFIG_LD_IS_LLD=y$'
	check "$name: the archive's Makefile defaults to LLVM=1" \
		member_has "$archive" ./Makefile '^LLVM \?= 1$'
fi
guest_run workflow.sh -t 1200
log "$name: archive $(stat -c %s "$archive") bytes, guest boot to init $(awk '$1 == "KH-BOOTED" { print $3 }' <<<"$out") s"
summary

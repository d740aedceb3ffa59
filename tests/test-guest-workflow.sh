#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: build a 6.12 test kernel with kheaders (=m, or =y with -y),
# boot it under QEMU and run the user's workflow in the guest
# (tests/guest/workflow.sh); judge what the guest printed.
#
# usage: tests/test-guest-workflow.sh [-y] [-v VERSION]

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

flavor=m
ver=6.12
while getopts yv: opt; do
	case $opt in
	y) flavor=y ;;
	v) ver=$OPTARG ;;
	*) die "usage: $0 [-y] [-v VERSION]" ;;
	esac
done
name=$ver-$flavor
frag=()
[ "$flavor" = y ] && frag=(-c "$KH_REPO/tests/configs/ikheaders-y.config")

build=$("$KH_REPO/scripts/build-kernel.sh" -v "$ver" "${frag[@]}" "$name") ||
	{ bad "$name: kernel build"; summary; exit; }
ok "$name: kernel build"

archive=$build/kernel/kheaders_data.tar.xz
release=$(cat "$build/include/config/kernel.release")
# modpost writes Module.symvers after every object: it reaches the archive
# only through the post-modpost pass (kernel/Makefile.top-hook).
check "$name: archive's Module.symvers is the build's final one" \
	bash -c "[ -s '$build/Module.symvers' ] && tar -xOf '$archive' ./Module.symvers | cmp -s - '$build/Module.symvers'"
log=$build/kh-workflow.log
if "$KH_REPO/scripts/run-guest.sh" -t 1200 "$build" "$KH_REPO/tests/guest/workflow.sh" "$log"; then
	ok "$name: guest booted and ran the workflow"
else
	bad "$name: guest booted and ran the workflow"
	summary
	exit
fi
out=$(tr -d '\r' <"$log")

printed() { grep -qxF "$1" <<<"$out"; }
step_ok() { check "$name: guest step $1 exits 0" printed "KH-STEP $1 rc=0"; }

if [ "$flavor" = y ]; then
	check "$name: kheaders is built in" printed "KH-MODE builtin"
	step_ok present-at-boot
else
	check "$name: kheaders is a module" printed "KH-MODE module"
	step_ok absent-before-modprobe
fi
for s in modprobe extract build insmod rmmod-hello; do step_ok "$s"; done
if [ "$flavor" = m ]; then
	step_ok rmmod-kheaders
	step_ok gone-after-rmmod
fi

want=$(sha256sum <"$archive" | cut -c1-64)
check "$name: /proc/kheaders.tar.xz is the built archive" printed "KH-SHA proc $want"
check "$name: /sys/kernel/kheaders.tar.xz is the built archive" printed "KH-SHA sys $want"
check "$name: both files are mode 0444" printed "KH-MODES 444 444"
check "$name: module vermagic names the running release" \
	grep -q "^KH-VERMAGIC $release " <<<"$out"
check "$name: module loaded and ran on the same release" \
	grep -q "^KH-DMESG .*kh_hello: built for $release, running on $release\$" <<<"$out"
check "$name: guest script ended cleanly" printed "KH-DONE rc=0"
if grep -qE 'BUG:|Oops|WARNING: CPU|Kernel panic|Call Trace|cut here' <<<"$out"; then
	bad "$name: kernel log is free of oops/warnings"
	grep -E -m5 'BUG:|Oops|WARNING:|Kernel panic' <<<"$out"
else
	ok "$name: kernel log is free of oops/warnings"
fi

t=$(awk '$1 == "KH-TIME" && $2 == "build" { printf "%.1f", $4 - $3 }' <<<"$out")
boot=$(awk '$1 == "KH-BOOTED" { print $3 }' <<<"$out")
log "$name: archive $(stat -c %s "$archive") bytes, guest boot to init ${boot:-?} s, module build in guest ${t:-?} s"
summary

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

build=$("$KH_REPO/scripts/build-kernel.sh" 6.12-m) || { bad "6.12-m: kernel build"; summary; exit; }
gcc -O2 -Wall -pthread -o "$build/kh_readers" "$KH_REPO/tests/guest/kh_readers.c" ||
	{ bad "kh_readers builds"; summary; exit; }
log=$build/kh-stress.log
if "$KH_REPO/scripts/run-guest.sh" -t 1200 "$build" "$KH_REPO/tests/guest/stress.sh" "$log"; then
	ok "stress guest ran to the end"
else
	bad "stress guest ran to the end"
	summary
	exit
fi
out=$(tr -d '\r' <"$log")
printed() { grep -qxF "$1" <<<"$out"; }
want=$(sha256sum <"$build/kernel/kheaders_data.tar.xz" | cut -c1-64)

check "modprobe" printed "KH-STEP modprobe rc=0"
check "8 concurrent readers: every byte and return value right" printed "KH-STEP readers rc=0"
grep '^KH-READERS' <<<"$out"
for n in proc sys; do
	for what in write chmod truncate user-write; do
		line=$(grep "^KH-DENIED $n $what " <<<"$out")
		check "$n: $what is refused (${line#* rc=})" grep -q "rc=[1-9]" <<<"$line"
	done
	check "$n: mode stays 0444" printed "KH-MODE $n 444"
	check "$n: an unprivileged user reads the whole archive" printed "KH-USER-SHA $n $want"
done
check "rmmod while readers hold both files open" printed "KH-STEP rmmod-under-readers rc=0"
check "open readers never see wrong bytes after rmmod" \
	bash -c "grep -qxF 'KH-STEP holder1 rc=0' <<<\"\$1\" && grep -qxF 'KH-STEP holder2 rc=0' <<<\"\$1\"" _ "$out"
grep '^KH-HOLDER' <<<"$out"
check "100 modprobe/rmmod cycles" printed "KH-CYCLES 100/100"
check "module not left loaded" bash -c "! grep -q '^KH-STILL-LOADED' <<<\"\$1\"" _ "$out"
if grep -qE 'BUG:|Oops|WARNING: CPU|Kernel panic|Call Trace|cut here|^KH-DMESG' <<<"$out"; then
	bad "kernel log is free of oops/warnings"
	grep -E -m5 'BUG:|Oops|WARNING: CPU|Kernel panic|^KH-DMESG' <<<"$out"
else
	ok "kernel log is free of oops/warnings"
fi
summary

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Load and misuse of the kheaders files, run inside the test guest (see
# tests/guest/init): concurrent readers, writes and mode changes, reads by
# an unprivileged user, rmmod under open readers, load/unload cycles.
# Every byte read is compared with the archive in the build directory.
# Prints KTAP (tests/guest/ktap.sh).

ref=$KH_BUILD/kernel/kheaders_data.tar.xz
readers=$KH_BUILD/kh_readers
proc=/proc/kheaders.tar.xz
sys=/sys/kernel/kheaders.tar.xz
KT_AREA=stress

# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# both_files_are PRESENT: /proc's and /sys's file exist (1) or not (0).
both_files_are() {
	if [ "$1" = 1 ]; then test -e $proc -a -e $sys; else test ! -e $proc -a ! -e $sys; fi
}

kt_check "modprobe kheaders" modprobe kheaders
kt_check "8 concurrent readers: every byte and return value right" \
	"$readers" "$ref" 8 4000 4 $proc $sys
grep '^KH-READERS' "$KH_KTAP.out" | kt_diag

want=$(sha "$ref")
for f in $proc $sys; do
	n=${f#/}
	n=${n%%/*}
	# root may chmod any proc or sysfs file: chmod is tried as a user.
	kt_fails "$n: root's write fails with EACCES" 'Permission denied' sh -c "echo x >$f"
	kt_fails "$n: truncate fails with EACCES" 'Permission denied' truncate -s 0 "$f"
	kt_fails "$n: a user's write fails with EACCES" 'Permission denied' nobody sh -c "echo x >$f"
	kt_fails "$n: a user's chmod fails with EPERM" 'Operation not permitted' nobody chmod 666 "$f"
	kt_eq "$n: the mode stays 0444" "$(stat -c %a "$f")" 444
	kt_eq "$n: an unprivileged user reads the whole archive" \
		"$(nobody sha256sum "$f" | cut -c1-64)" "$want"
done

# rmmod while two readers hold both files open and keep reading: after
# it, their reads fail or end, and never return wrong bytes.
"$readers" --hold "$ref" 8 $proc $sys >/tmp/hold.1 &
h1=$!
"$readers" --hold "$ref" 8 $proc $sys >/tmp/hold.2 &
h2=$!
# Only once both have the files open (a fixed wait could lose that race
# on a loaded TCG host).
wait_for /tmp/hold.1 '^KH-HOLD open' 60
wait_for /tmp/hold.2 '^KH-HOLD open' 60
kt_check "rmmod while readers hold both files open" rmmod kheaders
for h in 1 2; do
	if [ $h = 1 ]; then wait $h1; else wait $h2; fi
	kt_eq "reader $h saw no wrong bytes after rmmod" $? 0
	kt_diag </tmp/hold.$h
done

i=0
good=0
while [ $i -lt 100 ]; do
	i=$((i + 1))
	modprobe kheaders && both_files_are 1 && rmmod kheaders && both_files_are 0 &&
		good=$((good + 1))
done
kt_eq "100 modprobe/rmmod cycles, files there and gone each time" $good/100 100/100
kt_check "the module is not left loaded" sh -c '! grep "^kheaders " /proc/modules'

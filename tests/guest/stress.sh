#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Load and misuse of the kheaders files, run inside the test guest (see
# tests/guest/init): concurrent readers, writes and mode changes, reads by
# an unprivileged user, rmmod under open readers, load/unload cycles.
# Prints KH- lines that tests/test-guest-stress.sh judges.

ref=$KH_BUILD/kernel/kheaders_data.tar.xz
readers=$KH_BUILD/kh_readers
proc=/proc/kheaders.tar.xz
sys=/sys/kernel/kheaders.tar.xz
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"

# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

step modprobe modprobe kheaders
step readers "$readers" "$ref" 8 4000 4 "$proc" "$sys"

for f in "$proc" "$sys"; do
	n=${f#/}
	n=${n%%/*}
	# Each attempt must fail; print how.  (root may chmod any proc or
	# sysfs file, so chmod is tried as an unprivileged user.)
	err=$(sh -c "echo x >$f" 2>&1)
	echo "KH-DENIED $n write rc=$? $err"
	err=$(truncate -s 0 "$f" 2>&1)
	echo "KH-DENIED $n truncate rc=$? $err"
	err=$($nobody sh -c "echo x >$f" 2>&1)
	echo "KH-DENIED $n user-write rc=$? $err"
	err=$($nobody chmod 666 "$f" 2>&1)
	echo "KH-DENIED $n user-chmod rc=$? $err"
	echo "KH-MODE $n $(stat -c %a "$f")"
	echo "KH-USER-SHA $n $($nobody sha256sum "$f" | cut -c1-64)"
done

# rmmod while two readers hold both files open and keep reading.
"$readers" --hold "$ref" 8 "$proc" "$sys" >/tmp/hold.1 &
h1=$!
"$readers" --hold "$ref" 8 "$proc" "$sys" >/tmp/hold.2 &
h2=$!
# Only once both have the files open (a fixed wait could lose that race
# on a loaded TCG host).
wait_for /tmp/hold.1 '^KH-HOLD open' 60
wait_for /tmp/hold.2 '^KH-HOLD open' 60
step rmmod-under-readers rmmod kheaders
wait $h1
echo "KH-STEP holder1 rc=$?"
wait $h2
echo "KH-STEP holder2 rc=$?"
sed 's/^/KH-HOLDER /' /tmp/hold.1 /tmp/hold.2

i=0
ok=0
while [ $i -lt 100 ]; do
	i=$((i + 1))
	modprobe kheaders && [ -e /proc/kheaders.tar.xz ] &&
		[ -e /sys/kernel/kheaders.tar.xz ] && rmmod kheaders &&
		[ ! -e /proc/kheaders.tar.xz ] && [ ! -e /sys/kernel/kheaders.tar.xz ] &&
		ok=$((ok + 1))
done
echo "KH-CYCLES $ok/100"
lsmod | grep -q '^kheaders ' && echo "KH-STILL-LOADED"
dmesg | grep -E 'BUG|WARNING|Oops|new suspected' | sed 's/^/KH-DMESG /'

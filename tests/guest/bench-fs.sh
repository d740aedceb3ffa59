#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The kheaders filesystem against an unpacked copy on tmpfs, in the guest
# (scripts/bench-fs.sh boots it and summarises).  Every workload runs cold
# on both, alternating: the mount is fresh (new superblock,
# decode counters at zero) and the copy is unpacked again after caches are
# dropped, its tar -x timed apart.  Four runs, so that each side goes
# first as often (the second of a pair tends to be faster).  Prints one
# line per run:
#   KH-BENCH WORKLOAD RUN mount=S decodes=N chunks=N decode_us=N fill_us=N
#   KH-BENCH WORKLOAD RUN tar=S tmpfs=S

repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"
mnt=/tmp/khfs
ref=/tmp/khref
runs=4
rel=$(uname -r)

drop_caches() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
}
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# The workloads, each on the tree DIR.
build_j1() { build "$1" 1; }
build_j4() { build "$1" 4; }
build() {
	rm -rf /tmp/bench-mod && cp -r "$repo/tests/modules/kh_hello" /tmp/bench-mod &&
		logged /tmp/bench-mod.log make -s -C "$1" M=/tmp/bench-mod -j"$2" modules
}
cat_all() { find "$1" -type f -print0 | xargs -0 cat >/dev/null; }
cat_8() { find "$1" -type f -print0 | xargs -0 -P 8 -n 64 cat >/dev/null; }
# bcc: execsnoop until it prints its header, with the build link at DIR.
bcc() {
	ln -sfn "$1" "/lib/modules/$rel/build"
	: >/tmp/bench-bcc.log
	PYTHONUNBUFFERED=1 execsnoop-bpfcc >/tmp/bench-bcc.log 2>&1 &
	pid=$!
	while ! grep -q '^PCOMM' /tmp/bench-bcc.log; do
		if ! kill -0 $pid 2>/dev/null; then
			tail -n 20 /tmp/bench-bcc.log
			return 1
		fi
		sleep 0.1
	done
	kill $pid
	wait $pid 2>/dev/null
	return 0
}

on_mount() {
	umount $mnt 2>/dev/null
	drop_caches
	mount -t kheaders -o ro,nosuid,nodev none $mnt || return 1
	t0=$(now)
	"$1" $mnt || echo "KH-BENCH-FAIL $1 mount"
	t1=$(now)
	echo "KH-BENCH $1 $2 mount=$(secs "$t0" "$t1") decodes=$(stat_of decodes) chunks=$(stat_of chunks_decoded)" \
		"decode_us=$(stat_of decode_us) fill_us=$(stat_of fill_us)"
	umount $mnt
}

on_tmpfs() {
	umount $ref 2>/dev/null
	mount -t tmpfs -o mode=0755 none $ref || return 1
	drop_caches
	t0=$(now)
	tar -xf /proc/kheaders.tar.xz -C $ref
	t1=$(now)
	"$1" $ref || echo "KH-BENCH-FAIL $1 tmpfs"
	t2=$(now)
	echo "KH-BENCH $1 $2 tar=$(secs "$t0" "$t1") tmpfs=$(secs "$t1" "$t2")"
	umount $ref
}

modprobe kheaders || { echo "KH-BENCH-FAIL modprobe"; exit 1; }
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
mkdir -p $mnt $ref
private_modules
workloads="build_j1 build_j4 cat_all cat_8"
if command -v execsnoop-bpfcc >/dev/null && [ -d /sys/kernel/debug/tracing ]; then
	workloads="$workloads bcc"
else
	echo "KH-BENCH-SKIP bcc: execsnoop-bpfcc or tracing missing"
fi

run=1
while [ $run -le $runs ]; do
	for w in $workloads; do
		# Alternate which goes first.
		if [ $((run % 2)) = 1 ]; then
			on_mount "$w" "$run"
			on_tmpfs "$w" "$run"
		else
			on_tmpfs "$w" "$run"
			on_mount "$w" "$run"
		fi
	done
	run=$((run + 1))
done
rm -f "/lib/modules/$rel/build"
echo "KH-BENCH-DONE"

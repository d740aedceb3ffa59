#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# On an arm64 guest whose kernel was cross-built on x86-64, with an arm64
# Debian userspace and its own compiler (tests/test-guest-arm64.sh): the
# user's workflow (tests/guest/workflow.sh), then an external build of
# two modules, where one uses the other's export, from the mounted
# archive; scripts/kheaders-install in both modes; a Debian DKMS source;
# and a negative control: an archive carrying the build machine's
# programs must fail here.  Prints KTAP (tests/guest/ktap.sh).

repo=$(cd "$(dirname "$0")/../.." && pwd)
rel=$(uname -r)
inst="$repo/scripts/kheaders-install"
mods=$repo/tests/modules
KT_AREA=arm64

# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

sh "$repo/tests/guest/workflow.sh"
# Modules built here get their BTF; on a GKI-shaped kernel, its flags.
if config_on DEBUG_INFO_BTF_MODULES; then
	sh "$repo/tests/guest/btf.sh"
fi
if config_on CFI_CLANG; then
	sh "$repo/tests/guest/gki.sh"
fi

# The kheaders filesystem, mounted as kheaders-install mounts it, and an
# external build of two modules from it, one using the other's export;
# installed, then loaded by modprobe, which must load the provider first.
# (The workflow above has built kh_hello from the extracted tree, and
# checked that the mount shows that tree.)  The shared root's
# /lib/modules is read-only: modules_install gets a writable copy.
private_modules
kt_check "fs: modprobe kheaders" modprobe kheaders
mkdir -p /tmp/khfs
kt_check "fs: mount" mount -t kheaders -o ro,nosuid,nodev none /tmp/khfs
rm -rf /tmp/kh_pair && cp -r "$mods/kh_pair" /tmp/kh_pair && cd /tmp/kh_pair || exit 1
timed_check "pair: both modules build from the mount" pair-build make -C /tmp/khfs M="$(pwd)" modules
kt_check "pair: modules_install" make -C /tmp/khfs M="$(pwd)" modules_install
kt_eq "pair: modules_install put both modules in /lib/modules" \
	"$(find "/lib/modules/$rel" -name 'kh_provider.ko' -o -name 'kh_consumer.ko' | wc -l)" 2
kt_check "pair: depmod -a" depmod -a
kt_check "pair: modprobe kh_provider seed=31" modprobe kh_provider seed=31
kt_check "pair: modprobe kh_consumer" modprobe kh_consumer
kt_eq "pair: no module disagrees about a symbol's version" \
	"$(dmesg | grep -c 'disagrees about version')" 0
kt_eq "pair: kh_consumer got kh_provider_value(2) = 2 * 31 + 2" \
	"$(cat /sys/module/kh_consumer/parameters/value)" 64
kt_check "pair: kh_provider is held by kh_consumer" test -e /sys/module/kh_provider/holders/kh_consumer
kt_check "pair: modprobe -r both" modprobe -r kh_consumer kh_provider
kt_check "pair: make clean" make -C /tmp/khfs M="$(pwd)" clean
kt_eq "pair: make clean removed every object and module" "$(find . -name '*.ko' -o -name '*.o' | wc -l)" 0
cd / || exit 1
kt_check "fs: umount" umount /tmp/khfs
kt_check "fs: rmmod kheaders" rmmod kheaders

# kheaders-install, in its mount mode and in its extract mode, checked
# against the extracted archive: a module build from either tree is one
# of those above.  The shared root is read-only: give it writable,
# root-owned system directories, as a device has.
mount -t tmpfs -o mode=755 tmpfs /run && mount -t tmpfs -o mode=755 tmpfs /usr/src
kt_check "kheaders-install" sh "$inst"
kt_eq "kheaders-install links build to the mount" \
	"$(readlink "/lib/modules/$rel/build")" "/run/kheaders/$rel"
kt_check "kheaders-install: the tree behind the link is the kernel's" \
	cmp "/lib/modules/$rel/build/include/config/auto.conf" "$HOME/headers/include/config/auto.conf"
kt_check "kheaders-install --remove" sh "$inst" --remove
kt_check "kheaders-install --extract" sh "$inst" --extract
kt_eq "kheaders-install --extract links build to the tree" \
	"$(readlink "/lib/modules/$rel/build")" "/usr/src/kheaders-$rel"
kt_check "kheaders-install --extract: the tree is the archive's" \
	diff -r --no-dereference -x .kheaders-install "$HOME/headers" "/usr/src/kheaders-$rel"
kt_check "kheaders-install --remove, after --extract" sh "$inst" --remove

# A third-party module: LiME, from Debian's lime-forensics-dkms, built
# with its own Makefile as DKMS builds it (make -C TREE M=SOURCE), then
# loaded.  It dumps every System RAM range over a loopback TCP
# connection, each behind a 32-byte header of its own format: the first
# header and the byte count are checked against /proc/iomem.
rm -rf /tmp/lime && cp -r "$KH_BUILD/dkms/usr/src/$(cat "$KH_BUILD/dkms/name")" /tmp/lime &&
	cd /tmp/lime || exit 1
# clang 15 and later make errors of two of LiME 1.9.1's warnings (see
# tests/test-guest-arm64.sh); the control build on the host takes them
# back the same way.
timed_check "LiME: builds" dkms-build make -C "$HOME/headers" M="$(pwd)" \
	KCFLAGS="-Wno-error=strict-prototypes -Wno-error=int-conversion" modules
cd / || exit 1
busybox ip link set lo up
t0=$(now)
insmod /tmp/lime/lime.ko "path=tcp:4444 format=lime" &
lime=$!
# Port 4444 (0x115C) listening (state 0A).
kt_check "LiME: listens on port 4444" wait_for /proc/net/tcp ':115C 00000000:0000 0A' 60
busybox nc 127.0.0.1 4444 | {
	dd bs=32 count=1 iflag=fullblock 2>/dev/null | od -An -tx1 | tr -d ' \n' >/tmp/lime.header
	wc -c >/tmp/lime.rest
}
wait $lime
kt_eq "LiME: insmod, which dumps, exits 0" $? 0
echo "KH-TIME dkms-dump $t0 $(now)"
kt_check "LiME: rmmod" rmmod lime

# le64 HEX: the 16 hex digits of a little-endian 64-bit value, in the
# usual order.
le64() { echo "$1" | sed 's/\(..\)/\1 /g' | awk '{ for (i = NF; i > 0; i--) printf "%s", $i }'; }
hdr=$(cat /tmp/lime.header)
ram=$(grep -E '^[0-9a-f]+-[0-9a-f]+ : System RAM$' /proc/iomem | cut -d' ' -f1)
echo "System RAM: $ram" | kt_diag
kt_match "LiME: the dump starts with its magic and format version 1" "$hdr" '^454d694c01000000'
first=$(echo "$ram" | head -n 1)
kt_eq "LiME: the first header names the first System RAM range" \
	"$(printf '%x-%x' "$((0x$(le64 "$(echo "$hdr" | cut -c17-32)")))" "$((0x$(le64 "$(echo "$hdr" | cut -c33-48)")))")" \
	"$(printf '%x-%x' "$((0x${first%-*}))" "$((0x${first#*-}))")"
want=0
for r in $ram; do
	want=$((want + 0x${r#*-} - 0x${r%-*} + 1 + 32))
done
kt_eq "LiME: the dump holds every System RAM byte and a header per range" \
	"$((32 + $(cat /tmp/lime.rest)))" $want

# The negative control: the same build from an archive whose programs
# are the build machine's must fail, and say why.
mkdir -p /tmp/neg && tar -xf "$KH_BUILD/kheaders-host-programs.tar.xz" -C /tmp/neg
rm -rf /tmp/kh_neg && cp -r "$mods/kh_hello" /tmp/kh_neg
kt_fails "negative control: the build machine's programs fail on the device" \
	'Exec format error' make -C /tmp/neg M=/tmp/kh_neg modules

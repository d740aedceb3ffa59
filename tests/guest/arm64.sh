#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# On an arm64 guest whose kernel was cross-built on x86-64, with an arm64
# Debian userspace and its own gcc (tests/test-guest-arm64.sh): the
# user's workflow (tests/guest/workflow.sh), then the same from the
# mounted archive, through scripts/kheaders-install in both modes, an
# external build of two modules where one uses the other's export, a
# Debian DKMS source, and a negative control: an archive carrying the
# build machine's programs must fail here.  Each step prints
# "KH-STEP name rc=N"; the host side judges what was printed.

repo=$(cd "$(dirname "$0")/../.." && pwd)
rel=$(uname -r)
inst="$repo/scripts/kheaders-install"
mods=$repo/tests/modules

# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

sh "$repo/tests/guest/workflow.sh"

# hello NAME TREE: build kh_hello in /tmp/NAME against TREE, load it,
# show its message, unload it.
hello() {
	rm -rf "/tmp/$1" && cp -r "$mods/kh_hello" "/tmp/$1" || return 1
	timed_step "$1-build" logged "/tmp/$1.log" make -C "$2" M="/tmp/$1" modules
	step "$1-insmod" insmod "/tmp/$1/kh_hello.ko" &&
		dmesg | grep 'kh_hello: built' | tail -n 1 | sed "s/^/KH-DMESG $1 /"
	step "$1-rmmod" rmmod kh_hello
}

# The kheaders filesystem, mounted as kheaders-install mounts it.
step fs-modprobe modprobe kheaders
mkdir -p /tmp/khfs
step fs-mount mount -t kheaders -o ro,nosuid,nodev none /tmp/khfs
hello fs /tmp/khfs
step fs-umount umount /tmp/khfs
step fs-rmmod-kheaders rmmod kheaders

# kheaders-install, in its mount mode and in its extract mode.  The
# shared root is read-only: give it writable, root-owned system
# directories, as a device has.
private_modules
mount -t tmpfs -o mode=755 tmpfs /run && mount -t tmpfs -o mode=755 tmpfs /usr/src
step inst-mount sh "$inst"
echo "KH-INST-LINK mount $(readlink "/lib/modules/$rel/build")"
hello inst-mount "/lib/modules/$rel/build"
step inst-mount-remove sh "$inst" --remove
step inst-extract sh "$inst" --extract
echo "KH-INST-LINK extract $(readlink "/lib/modules/$rel/build")"
hello inst-extract "/lib/modules/$rel/build"
step inst-extract-remove sh "$inst" --remove

# Two modules in one external build, one using the other's export;
# installed, then loaded by modprobe, which must load the provider first.
rm -rf /tmp/kh_pair && cp -r "$mods/kh_pair" /tmp/kh_pair && cd /tmp/kh_pair || exit 1
timed_step pair-build make -C "$HOME/headers" M="$(pwd)" modules
step pair-install make -C "$HOME/headers" M="$(pwd)" modules_install
echo "KH-PAIR installed $(find "/lib/modules/$rel" -name 'kh_provider.ko' -o -name 'kh_consumer.ko' | wc -l)"
step pair-depmod depmod -a
step pair-provider modprobe kh_provider seed=31
step pair-consumer modprobe kh_consumer
echo "KH-PAIR value $(cat /sys/module/kh_consumer/parameters/value)"
echo "KH-PAIR holder $([ -e /sys/module/kh_provider/holders/kh_consumer ] && echo yes || echo no)"
step pair-rmmod modprobe -r kh_consumer kh_provider
step pair-clean make -C "$HOME/headers" M="$(pwd)" clean
echo "KH-PAIR after-clean $(find . -name '*.ko' -o -name '*.o' | wc -l)"
cd / || exit 1

# A third-party module: LiME, from Debian's lime-forensics-dkms, built
# with its own Makefile as DKMS builds it (make -C TREE M=SOURCE), then
# loaded.  It dumps every System RAM range over a loopback TCP
# connection, each behind a 32-byte header of its own format; the host
# side checks the first header and the byte count against /proc/iomem.
rm -rf /tmp/lime && cp -r "$KH_BUILD/dkms/usr/src/$(cat "$KH_BUILD/dkms/name")" /tmp/lime &&
	cd /tmp/lime || exit 1
timed_step dkms-build logged /tmp/lime.log make -C "$HOME/headers" M="$(pwd)" modules
cd / || exit 1
busybox ip link set lo up
t0=$(now)
insmod /tmp/lime/lime.ko "path=tcp:4444 format=lime" &
lime=$!
# Port 4444 (0x115C) listening (state 0A).
wait_for /proc/net/tcp ':115C 00000000:0000 0A' 60 || echo "KH-LIME never listened"
busybox nc 127.0.0.1 4444 | {
	dd bs=32 count=1 iflag=fullblock 2>/dev/null | od -An -tx1 | tr -d ' \n' >/tmp/lime.header
	wc -c >/tmp/lime.rest
}
wait $lime
echo "KH-STEP dkms-insmod rc=$?"
echo "KH-TIME dkms-dump $t0 $(now)"
echo "KH-LIME header $(cat /tmp/lime.header)"
echo "KH-LIME bytes $((32 + $(cat /tmp/lime.rest)))"
grep -E '^[0-9a-f]+-[0-9a-f]+ : System RAM$' /proc/iomem | cut -d' ' -f1 | sed 's/^/KH-LIME ram /'
step dkms-rmmod rmmod lime

# The negative control: the same build from an archive whose programs
# are the build machine's must fail, and say why.
mkdir -p /tmp/neg && tar -xf "$KH_BUILD/kheaders-host-programs.tar.xz" -C /tmp/neg
rm -rf /tmp/kh_neg && cp -r "$mods/kh_hello" /tmp/kh_neg
make -C /tmp/neg M=/tmp/kh_neg modules >/tmp/neg.log 2>&1
echo "KH-NEG rc=$? exec-format-errors=$(grep -c 'Exec format error' /tmp/neg.log)"

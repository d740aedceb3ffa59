#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The user's workflow, run inside the test guest (chrooted into the host's
# root, see tests/guest/init).  Each step prints "KH-STEP name rc=N"; the
# host side (tests/test-guest-workflow.sh) judges what was printed.

repo=$(cd "$(dirname "$0")/../.." && pwd)
rel=$(uname -r)

# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

sha() {
	sha256sum <"$1" | cut -c1-64
}

echo "KH-ARCH $(uname -m)"
if grep -q '/kheaders.ko$' "/lib/modules/$rel/modules.builtin" 2>/dev/null; then
	echo "KH-MODE builtin"
	[ -e /proc/kheaders.tar.xz ]
	echo "KH-STEP present-at-boot rc=$?"
else
	echo "KH-MODE module"
	[ ! -e /proc/kheaders.tar.xz ]
	echo "KH-STEP absent-before-modprobe rc=$?"
fi

step modprobe modprobe kheaders
echo "KH-SHA proc $(sha /proc/kheaders.tar.xz)"
echo "KH-SHA sys $(sha /sys/kernel/kheaders.tar.xz)"
echo "KH-MODES $(stat -c %a /proc/kheaders.tar.xz) $(stat -c %a /sys/kernel/kheaders.tar.xz)"

# Literally as the user types it, $HOME expanded by that shell.
# shellcheck disable=SC2016
step extract sh -c 'mkdir -p $HOME/headers && tar -xf /proc/kheaders.tar.xz -C $HOME/headers'

cp -r "$repo/tests/modules/kh_hello" /tmp/kh_hello
cd /tmp/kh_hello || exit 1
timed_step build make -C "$HOME/headers" M="$(pwd)" modules
echo "KH-VERMAGIC $(modinfo -F vermagic kh_hello.ko)"

step insmod insmod kh_hello.ko
dmesg | grep 'kh_hello:' | sed 's/^/KH-DMESG /'
step rmmod-hello rmmod kh_hello

# With CONFIG_IKHEADERS_FS, the mounted archive is the extracted one.
if grep -qw kheaders /proc/filesystems; then
	mkdir -p /tmp/khfs
	mount -t kheaders none /tmp/khfs &&
		diff -r --no-dereference "$HOME/headers" /tmp/khfs >/dev/null
	echo "KH-STEP fs-diff rc=$?"
	umount /tmp/khfs
fi

if [ -e "/lib/modules/$rel/kernel/kernel/kheaders.ko" ]; then
	step rmmod-kheaders rmmod kheaders
	[ ! -e /proc/kheaders.tar.xz ] && [ ! -e /sys/kernel/kheaders.tar.xz ]
	echo "KH-STEP gone-after-rmmod rc=$?"
fi

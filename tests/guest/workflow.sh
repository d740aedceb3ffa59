#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The user's workflow, run inside the test guest (chrooted into the host's
# root, see tests/guest/init), each step checked against the kernel's
# build directory ($KH_BUILD): the archive's bytes, the release, whether
# kheaders is a module.  Prints KTAP (tests/guest/ktap.sh).

repo=$(cd "$(dirname "$0")/../.." && pwd)
rel=$(uname -r)
KT_AREA=workflow

# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

case $(uname -m) in
aarch64) arch=ARM64 ;;
x86_64) arch=X86_64 ;;
*) arch=unknown ;;
esac
kt_check "the guest runs the build's architecture ($(uname -m))" config_on $arch
kt_eq "the running release is the build's" "$rel" "$(release)"
builtin=no
grep -q '/kheaders.ko$' "/lib/modules/$rel/modules.builtin" 2>/dev/null && builtin=yes
if kheaders_is_module; then
	kt_eq "kheaders is a module, as configured" $builtin no
	kt_check "no /proc/kheaders.tar.xz before modprobe" test ! -e /proc/kheaders.tar.xz
else
	kt_eq "kheaders is built in, as configured" $builtin yes
	kt_check "/proc/kheaders.tar.xz is there at boot" test -e /proc/kheaders.tar.xz
fi

kt_check "modprobe kheaders" modprobe kheaders
want=$(sha "$KH_BUILD/kernel/kheaders_data.tar.xz")
kt_eq "/proc/kheaders.tar.xz is the built archive" "$(sha /proc/kheaders.tar.xz)" "$want"
kt_eq "/sys/kernel/kheaders.tar.xz is the built archive" "$(sha /sys/kernel/kheaders.tar.xz)" "$want"
kt_eq "both files are mode 0444" \
	"$(stat -c %a /proc/kheaders.tar.xz) $(stat -c %a /sys/kernel/kheaders.tar.xz)" "444 444"

# Literally as the user types it, $HOME expanded by that shell.
# shellcheck disable=SC2016
kt_check "the archive unpacks into \$HOME/headers" \
	sh -c 'mkdir -p $HOME/headers && tar -xf /proc/kheaders.tar.xz -C $HOME/headers'

cp -r "$repo/tests/modules/kh_hello" /tmp/kh_hello
cd /tmp/kh_hello || exit 1
timed_check "make -C \$HOME/headers M=\$(pwd) modules" build \
	make -C "$HOME/headers" M="$(pwd)" modules
kt_match "the module's vermagic names the running release" \
	"$(modinfo -F vermagic kh_hello.ko)" "^$rel "
kt_check "insmod kh_hello.ko" insmod kh_hello.ko
kt_match "the module ran, built for and running on this release" \
	"$(dmesg | grep 'kh_hello:' | tail -n 1)" "kh_hello: built for $rel, running on $rel\$"
kt_check "rmmod kh_hello" rmmod kh_hello

# With CONFIG_IKHEADERS_FS, the mounted archive is the extracted one.
if config_on IKHEADERS_FS; then
	same_as_mounted() {
		mkdir -p /tmp/khfs && mount -t kheaders none /tmp/khfs || return 1
		diff -r --no-dereference "$HOME/headers" /tmp/khfs
		rc=$?
		umount /tmp/khfs
		return $rc
	}
	kt_check "the kheaders filesystem shows the extracted tree" same_as_mounted
fi

if kheaders_is_module; then
	kt_check "rmmod kheaders" rmmod kheaders
	kt_check "both files are gone after rmmod" \
		test ! -e /proc/kheaders.tar.xz -a ! -e /sys/kernel/kheaders.tar.xz
fi

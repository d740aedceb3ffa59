#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Third-party modules in the test guest: the sources of Debian's
# vpoll-dkms and gost-crypto-dkms (in $KH_BUILD/dkms/usr/src), built as
# DKMS builds them (cd into the source, make -C KERNEL_TREE M=SOURCE)
# against the tree from /proc/kheaders.tar.xz, loaded and checked.
# tests/test-guest-dkms.sh judges the KH-* lines.

src=$KH_BUILD/dkms/usr/src

# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

# dkms_build NAME: copy the source as DKMS does, build it with its own
# Makefile's rules, show the end of the log on failure.
dkms_build() {
	rm -rf "/tmp/$1" && cp -r "$src/$1" "/tmp/$1" && cd "/tmp/$1" &&
		make -C "$HOME/headers" M="$(pwd)" modules >"/tmp/$1.log" 2>&1
	rc=$?
	cd / || return 1
	[ $rc = 0 ] || tail -n 25 "/tmp/$1.log"
	return $rc
}

step modprobe modprobe kheaders
mkdir -p "$HOME/headers" && tar -xf /proc/kheaders.tar.xz -C "$HOME/headers"
echo "KH-STEP extract rc=$?"
step rmmod-kheaders rmmod kheaders

# vpoll: a character device; loading it creates /dev/vpoll.
step vpoll-build dkms_build vpoll-0.1
step vpoll-insmod insmod /tmp/vpoll-0.1/vpoll.ko
echo "KH-VPOLL dev=$([ -c /dev/vpoll ] && echo yes || echo no) class=$([ -e /sys/class/vpoll/vpoll ] && echo yes || echo no) module=$(grep -c '^vpoll ' /proc/modules)"
dmesg | grep 'vpoll: ' | tail -n 1 | sed 's/^/KH-DMESG /'
step vpoll-rmmod rmmod vpoll
echo "KH-VPOLL after-rmmod dev=$([ -e /dev/vpoll ] && echo yes || echo no)"

# gost-crypto: five crypto modules and a self-test module.
step gost-build dkms_build gost-crypto-0.3.4
for m in gost28147_generic magma_generic kuznyechik_generic gosthash94_generic streebog_generic; do
	step "gost-insmod-$m" insmod "/tmp/gost-crypto-0.3.4/$m.ko"
done
for alg in magma kuznyechik gost28147-cpa gosthash94 streebog256; do
	echo "KH-CRYPTO $alg $(grep -c "^name *: $alg\$" /proc/crypto)"
done
# Its self-test module runs the algorithms on known test vectors.
dmesg -C
insmod /tmp/gost-crypto-0.3.4/gost-test.ko 2>/dev/null
echo "KH-GOST-TESTS passed=$(dmesg | grep -c 'self-tests for .* passed') failed=$(dmesg | grep -c 'self test failed')"
dmesg | grep 'self test failed' | head -n 3 | sed 's/^/KH-DMESG /'
rmmod gost-test 2>/dev/null
for m in streebog_generic gosthash94_generic kuznyechik_generic magma_generic gost28147_generic; do
	step "gost-rmmod-$m" rmmod "$m"
done
echo "KH-CRYPTO after-rmmod $(grep -c '^name *: magma$' /proc/crypto)"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Third-party modules in the test guest: the sources of Debian's
# vpoll-dkms and gost-crypto-dkms (in $KH_BUILD/dkms/usr/src), built as
# DKMS builds them (cd into the source, make -C KERNEL_TREE M=SOURCE)
# against the tree from /proc/kheaders.tar.xz, loaded and checked.
# Prints KTAP (tests/guest/ktap.sh).

src=$KH_BUILD/dkms/usr/src
KT_AREA=dkms

# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

# dkms_build NAME: copy the source as DKMS does, build it with its own
# Makefile's rules.
dkms_build() {
	rm -rf "/tmp/$1" && cp -r "$src/$1" "/tmp/$1" && cd "/tmp/$1" &&
		make -C "$HOME/headers" M="$(pwd)" modules
	rc=$?
	cd / || return 1
	return $rc
}
# crypto ALG: how many times /proc/crypto lists ALG.
crypto() { grep -c "^name *: $1\$" /proc/crypto; }

kt_check "modprobe kheaders" modprobe kheaders
mkdir -p "$HOME/headers"
kt_check "the archive unpacks into \$HOME/headers" tar -xf /proc/kheaders.tar.xz -C "$HOME/headers"
kt_check "rmmod kheaders" rmmod kheaders

# vpoll: a character device; loading it creates /dev/vpoll.
kt_check "vpoll: builds" dkms_build vpoll-0.1
kt_check "vpoll: insmod" insmod /tmp/vpoll-0.1/vpoll.ko
kt_eq "vpoll: /dev/vpoll, its sysfs class and the module are there" \
	"$(yes_no -c /dev/vpoll) $(yes_no -e /sys/class/vpoll/vpoll) $(grep -c '^vpoll ' /proc/modules)" \
	"yes yes 1"
kt_match "vpoll: its load message is in dmesg" "$(dmesg | grep 'vpoll: ' | tail -n 1)" 'vpoll: loaded'
kt_check "vpoll: rmmod" rmmod vpoll
kt_eq "vpoll: the device goes with the module" "$(yes_no -e /dev/vpoll)" no

# gost-crypto: five crypto modules and a self-test module.
kt_check "gost-crypto: builds" dkms_build gost-crypto-0.3.4
for m in gost28147_generic magma_generic kuznyechik_generic gosthash94_generic streebog_generic; do
	kt_check "gost-crypto: insmod $m" insmod "/tmp/gost-crypto-0.3.4/$m.ko"
done
for alg in magma kuznyechik gost28147-cpa gosthash94 streebog256; do
	kt_check "gost-crypto: /proc/crypto lists $alg" test "$(crypto $alg)" -gt 0
done
# Its self-test module runs the algorithms on known test vectors.
dmesg -C
insmod /tmp/gost-crypto-0.3.4/gost-test.ko 2>/dev/null
passed=$(dmesg | grep -c 'self-tests for .* passed')
failed=$(dmesg | grep -c 'self test failed')
dmesg | grep 'self test failed' | head -n 3 | kt_diag
kt_check "gost-crypto: its known-answer self-tests pass ($passed passed, $failed failed)" \
	test "$passed" -gt 0 -a "$failed" = 0
rmmod gost-test 2>/dev/null
for m in streebog_generic gosthash94_generic kuznyechik_generic magma_generic gost28147_generic; do
	kt_check "gost-crypto: rmmod $m" rmmod "$m"
done
kt_eq "gost-crypto: the algorithms go with the modules" "$(crypto magma)" 0

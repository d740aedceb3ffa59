#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: two third-party modules, from Debian 12's vpoll-dkms and
# gost-crypto-dkms packages, built in a guest against the archive's tree
# with their own Makefiles, as DKMS would, then loaded and checked
# (tests/guest/dkms.sh).  On Linux 6.1, the kernel those packages are made
# for: on 6.12 they do not build against the full build tree either
# (class_create() changed, crypto headers moved).  A control build
# against the full build tree runs first, so that a source that cannot
# build is not blamed on the archive.

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/guest-checks.sh
. "$(dirname "$0")/guest-checks.sh"

ver=6.1
name=$(harness_name "$ver" m 0)
build=$(harness_build "$ver" m 0) ||
	{ bad "$name: kernel build"; summary; exit; }
ok "$name: kernel build"

rm -rf "$build/dkms"
dkms_sources "$build/dkms" vpoll-dkms gost-crypto-dkms
src=$build/dkms/usr/src
# control_build DIR LOG: the module source in DIR builds against the full
# build tree, as DKMS would build it; output in LOG.
control_build() {
	(cd "$1" && make -s -C "$build" "${KH_MAKE_VARS[@]}" M="$PWD" modules) >"$2" 2>&1
}
for p in vpoll-0.1 gost-crypto-0.3.4; do
	check "$p: Debian's DKMS source is there" test -f "$src/$p/dkms.conf"
	rm -rf "$build/dkms/control-$p" && cp -r "$src/$p" "$build/dkms/control-$p"
	check "$p: control build against the full build tree" \
		control_build "$build/dkms/control-$p" "$build/dkms/control-$p.log"
done

boot_guest "$name: guest booted and ran the DKMS builds" "$build" \
	"$KH_REPO/tests/guest/dkms.sh" "$build/kh-dkms.log" -t 1800
for s in modprobe extract rmmod-kheaders vpoll-build vpoll-insmod vpoll-rmmod gost-build; do
	check "$name: guest step $s exits 0" printed "KH-STEP $s rc=0"
done
check "$name: vpoll: /dev/vpoll and its sysfs class appear" printed "KH-VPOLL dev=yes class=yes module=1"
check "$name: vpoll: its load message is in dmesg" grep -q '^KH-DMESG .*vpoll: loaded' <<<"$out"
check "$name: vpoll: the device goes with the module" printed "KH-VPOLL after-rmmod dev=no"
for m in gost28147_generic magma_generic kuznyechik_generic gosthash94_generic streebog_generic; do
	check "$name: gost-crypto: $m loads and unloads" \
		printed_re "^KH-STEP gost-insmod-$m rc=0\$" "^KH-STEP gost-rmmod-$m rc=0\$"
done
for alg in magma kuznyechik gost28147-cpa gosthash94 streebog256; do
	check "$name: gost-crypto: /proc/crypto lists $alg" grep -q "^KH-CRYPTO $alg [1-9]" <<<"$out"
done
check "$name: gost-crypto: the algorithms go with the modules" printed "KH-CRYPTO after-rmmod 0"
line=$(grep '^KH-GOST-TESTS' <<<"$out")
check "$name: gost-crypto: its known-answer self-tests pass (${line#KH-GOST-TESTS })" \
	grep -qE '^KH-GOST-TESTS passed=[1-9][0-9]* failed=0$' <<<"$line"
grep '^KH-DMESG' <<<"$out"
check "$name: guest script ended cleanly" printed "KH-DONE rc=0"
judge_clean "$name"
summary

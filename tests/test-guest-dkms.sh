#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: two third-party modules, from Debian 12's vpoll-dkms and
# gost-crypto-dkms packages, built in a guest against the archive's tree
# with their own Makefiles, as DKMS would, then loaded and checked
# (tests/guest/dkms.sh, which checks).  On Linux 6.1, the kernel those packages are made
# for: on 6.12 they do not build against the full build tree either
# (class_create() changed, crypto headers moved).  A control build
# against the full build tree runs first, so that a source that cannot
# build is not blamed on the archive.

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/guest-test.sh
. "$(dirname "$0")/guest-test.sh"

guest_kernel 6.1 m 0

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

guest_run dkms.sh -t 1800
summary

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The main job: build a Linux 6.12 kernel with kheaders (=m), boot it
# under QEMU and run the user's workflow inside it, printing each step:
#   modprobe kheaders; tar -xf /proc/kheaders.tar.xz -C $HOME/headers;
#   make -C $HOME/headers M=$(pwd) modules; insmod; rmmod.

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

build=$("$KH_REPO/scripts/build-kernel.sh" 6.12-m)
archive=$build/kernel/kheaders_data.tar.xz
log "archive: $archive ($(stat -c %s "$archive") bytes, sha256 $(sha256sum <"$archive" | cut -c1-16)...)"
log "booting the guest; the workflow runs inside it"
"$KH_REPO/scripts/run-guest.sh" "$build" "$KH_REPO/tests/guest/workflow.sh" "$build/kh-demo.log"
tr -d '\r' <"$build/kh-demo.log" | sed -n '/^KH-BOOTED/,$p'
# The guest checks each step and prints a KTAP result line for it.
if grep -q '^not ok ' "$build/kh-demo.log" || ! grep -q '^1\.\.[1-9]' "$build/kh-demo.log"; then
	die "a workflow step failed (see above)"
fi
log "every step succeeded ($(grep -c '^ok ' "$build/kh-demo.log") checks)"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/kheaders-install in the test guest, run from tests/guest/fs.sh
# (kheaders unloaded, /tmp/khref holding the extracted archive): mount
# mode, extract mode, idempotence, --remove, and its refusals.  Prints
# KH-INST lines for tests/test-guest-fs.sh.

repo=$(cd "$(dirname "$0")/../.." && pwd)
rel=$(uname -r)
build=/lib/modules/$rel/build
inst="$repo/scripts/kheaders-install"
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

# inst NAME ARGS...: run the installer, print its status and last line.
inst() {
	name=$1
	shift
	msg=$(sh "$inst" "$@" 2>&1)
	rc=$?
	echo "KH-INST $name rc=$rc $(echo "$msg" | tail -n 1)"
}

# The host's /lib/modules, /usr/src and /run are read-only here: give the
# installer writable, root-owned ones.
private_modules
# As on a device, modules_install's build link points at a tree that is
# not there.
ln -sfn /nonexistent/build-machine/tree "$build"
mount -t tmpfs -o mode=0755 none /usr/src
mount -t tmpfs -o mode=0755 none /run

msg=$(setpriv --reuid=65534 --regid=65534 --clear-groups sh "$inst" 2>&1)
echo "KH-INST not-root rc=$? $msg"

echo "KH-INST loaded-before $(loaded)"
inst mount
echo "KH-INST dangling-replaced $([ "$(readlink "$build")" != /nonexistent/build-machine/tree ] && echo yes || echo no)"
echo "KH-INST link $(readlink "$build")"
echo "KH-INST mounted $(grep -c " /run/kheaders/$rel kheaders ro" /proc/mounts)"
inst mount-again
rm -rf /tmp/hello-inst && cp -r "$repo/tests/modules/kh_hello" /tmp/hello-inst
make -s -C "$build" M=/tmp/hello-inst modules >/tmp/hello-inst.log 2>&1
echo "KH-INST build-from-link rc=$?"
inst mount-remove --remove
echo "KH-INST after-remove link=$([ -e "$build" ] || [ -L "$build" ] && echo yes || echo no) mounted=$(grep -c " /run/kheaders/$rel " /proc/mounts) loaded=$(loaded)"

inst extract --extract
echo "KH-INST link $(readlink "$build")"
echo "KH-INST loaded-after-extract $(loaded)"
echo "KH-INST tree-owner $(stat -c '%u %a' "/usr/src/kheaders-$rel")"
# The tree is the archive's, plus the installer's marker.
diff -r --no-dereference -x .kheaders-install /tmp/khref "/usr/src/kheaders-$rel" >/dev/null &&
	[ -f "/usr/src/kheaders-$rel/.kheaders-install" ]
echo "KH-INST tree-same rc=$?"
echo "KH-INST leftovers $(find /usr/src -maxdepth 1 -name '.kheaders-*' | wc -l)"
inst extract-again --extract
inst extract-remove --remove
echo "KH-INST after-extract-remove link=$([ -L "$build" ] && echo yes || echo no) tree=$([ -e "/usr/src/kheaders-$rel" ] && echo yes || echo no)"

inst unsafe-dir --extract -d /tmp
ln -s /usr "$build"
inst foreign-link
rm -f "$build"
umount /run /usr/src /lib/modules

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/kheaders-install in the test guest, run from tests/guest/fs.sh
# (kheaders unloaded, /tmp/khref holding the extracted archive): mount
# mode, extract mode, idempotence, --remove, and its refusals.  Prints
# KTAP (tests/guest/ktap.sh).

repo=$(cd "$(dirname "$0")/../.." && pwd)
rel=$(uname -r)
build=/lib/modules/$rel/build
inst="$repo/scripts/kheaders-install"
KT_AREA=kheaders-install
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

# link: where the build link points, or "none".
link() { readlink "$build" || echo none; }
# mounts: how many kheaders mounts the installer's directory has.
mounts() { grep -c " /run/kheaders/$rel kheaders ro" /proc/mounts; }

# tree_is_archive DIR: DIR holds the archive's tree, plus the installer's
# marker.
tree_is_archive() {
	diff -r --no-dereference -x .kheaders-install /tmp/khref "$1" && test -f "$1/.kheaders-install"
}

# The host's /lib/modules, /usr/src and /run are read-only here: give the
# installer writable, root-owned ones.
private_modules
# As on a device, modules_install's build link points at a tree that is
# not there.
ln -sfn /nonexistent/build-machine/tree "$build"
mount -t tmpfs -o mode=0755 none /usr/src
mount -t tmpfs -o mode=0755 none /run

kt_fails "refuses a non-root user" 'must be run as root' \
	setpriv --reuid=65534 --regid=65534 --clear-groups sh "$inst"

kt_check "mounts the filesystem and links build to it" sh "$inst"
kt_eq "build links to the mount, replacing modules_install's dangling link" \
	"$(link) $(mounts)" "/run/kheaders/$rel 1"
kt_prints "run again, it changes nothing" 'already set up' sh "$inst"
rm -rf /tmp/hello-inst && cp -r "$repo/tests/modules/kh_hello" /tmp/hello-inst
kt_check "a module builds from /lib/modules/RELEASE/build" \
	make -s -C "$build" M=/tmp/hello-inst modules
kt_check "--remove" sh "$inst" --remove
kt_eq "--remove unmounts, unlinks and unloads the module it loaded" \
	"$(link) $(mounts) $(loaded)" "none 0 no"

kt_check "--extract" sh "$inst" --extract
kt_eq "--extract links build to a root-owned tree, and unloads kheaders" \
	"$(link) $(loaded) $(stat -c '%u %a' "/usr/src/kheaders-$rel")" "/usr/src/kheaders-$rel no 0 755"
kt_check "the unpacked tree is the archive's, with the installer's marker" \
	tree_is_archive "/usr/src/kheaders-$rel"
kt_eq "no temporary directory left" "$(find /usr/src -maxdepth 1 -name '.kheaders-*' | wc -l)" 0
kt_prints "--extract again changes nothing" 'already set up' sh "$inst" --extract
kt_check "--remove" sh "$inst" --remove
kt_eq "--remove deletes the tree and the link" \
	"$(link) tree=$(yes_no -e "/usr/src/kheaders-$rel")" "none tree=no"

kt_fails "refuses a world-writable directory" 'owned by root and writable only by root' \
	sh "$inst" --extract -d /tmp
ln -s /usr "$build"
kt_fails "leaves a foreign build link alone" 'not from kheaders-install' sh "$inst"
kt_eq "the foreign link is still there" "$(link)" /usr
rm -f "$build"
umount /run /usr/src /lib/modules

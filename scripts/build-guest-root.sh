#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Make the userspace of a foreign-architecture test guest: a Debian 12
# root of ARCH holding what a device user has (gcc, binutils, make, libc
# headers, tar, xz, kmod; clang, lld and the LLVM tools of LLVM 19 for
# kernels built with LLVM=-19; pahole and bpftool, for modules' BTF) and
# nothing of this machine's.  Packages are unpacked with
# mmdebstrap --variant=extract (no maintainer scripts run, so nothing
# needs emulating), once, into $KHEADERS_CACHE/root/ARCH; the guest
# shares it read-only over virtio-9p (scripts/run-guest.sh -r).  Prints
# the root's directory.
#
# usage: scripts/build-guest-root.sh ARCH

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: $0 ARCH"
arch=$1
case $arch in
arm64) ;;
*) die "no guest root is known for $arch (arm64 is)" ;;
esac

pkgs="busybox-static coreutils dash bash grep sed mawk findutils diffutils
util-linux mount kmod tar xz-utils make gcc gcc-12 binutils libc6-dev
clang-19 lld-19 llvm-19 dwarves bpftool"
root=$KH_CACHE/root/$arch
# One maker at a time (see cache_lock).
cache_lock "root-$arch"
stamp=$(echo "$arch bookworm $pkgs" | sha256sum | cut -c1-64)
if [ "$(cat "$root/.kh-root" 2>/dev/null)" = "$stamp" ]; then
	echo "$root"
	exit 0
fi

need_tools mmdebstrap
[ "$(id -u)" -eq 0 ] || die "making the $arch guest root needs root (mmdebstrap unpacks as root)"
log "making the $arch guest root in $root (Debian 12 packages: $(echo "$pkgs" | wc -w) and their dependencies)"
rm -rf "$root" "$root.new"
mkdir -p "$(dirname "$root")"
mmdebstrap --quiet --variant=extract --architectures="$arch" \
	--include="$(echo "$pkgs" | tr -s ' \n' ',,' | sed 's/,$//')" \
	bookworm "$root.new" http://deb.debian.org/debian >&2 &
pid=$!
# It unpacks to about 640 MB.
unpacked() { du -sm "$root.new" | cut -f1; }
watch_progress "$pid" "making the $arch root" unpacked 640 MB
wait "$pid" || die "mmdebstrap failed to make the $arch root (apt-get update? network?)"

# What maintainer scripts would have made: the awk alternative, and the
# mount points the guest's /init uses.
ln -sfn mawk "$root.new/usr/bin/awk"
mkdir -p "$root.new/lib/modules" "$root.new/kh-build" "$root.new/tmp" "$root.new/run"
for f in bin/busybox bin/sh usr/bin/gcc usr/bin/make usr/bin/clang-19 usr/bin/ld.lld-19 \
	usr/bin/pahole usr/sbin/bpftool; do
	[ -e "$root.new/$f" ] || die "$arch root lacks /$f"
done
echo "$stamp" >"$root.new/.kh-root"
mv "$root.new" "$root"
log "$arch guest root: $(du -sh "$root" | cut -f1)"
echo "$root"

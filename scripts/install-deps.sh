#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Install, on Debian 12, everything the kheaders harness needs: the 6.12
# and 6.1 kernel sources, kernel build toolchains (gcc, and clang with lld
# and the LLVM binutils for LLVM=1) with ccache, QEMU and busybox for the
# test guest, the linters, and liblzma, zlib and clang's libFuzzer for the
# userspace tests of the filesystem's parsers (tests/test-fmt.sh), and
# bcc and bpftrace, which tests/test-guest-bpf.sh runs in the guest.  For
# the arm64 kernels: the aarch64 cross gcc with its C library, QEMU for
# arm64, and mmdebstrap, with which scripts/build-guest-root.sh makes the
# arm64 guest's userspace; LLVM 19, which builds the arm64 kernel in the
# shape of Android's, with pahole for its BTF and the arm64 libelf and
# zlib that the archive's resolve_btfids links (as Debian packages of
# the foreign architecture arm64, which this script enables).  For
# tests/test-extmod.sh, the gcc cross
# compilers of five more architectures, whose trees it prepares for
# modules.  Does nothing when all is there already.

set -eu

pkgs="linux-source-6.12 linux-source-6.1 build-essential ccache bc flex bison libelf-dev
libssl-dev kmod xz-utils tar cpio patch perl python3 file git qemu-system-x86
busybox-static procps util-linux shellcheck hyperfine liblzma-dev zlib1g-dev
xxd clang libclang-rt-14-dev lld llvm bpfcc-tools python3-bpfcc bpftrace
gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm mmdebstrap
gcc-mips-linux-gnu gcc-arm-linux-gnueabihf gcc-riscv64-linux-gnu gcc-powerpc64le-linux-gnu
gcc-s390x-linux-gnu clang-19 lld-19 llvm-19 dwarves bpftool libelf-dev:arm64
zlib1g-dev:arm64"

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing:$missing; run this script as root" >&2
	exit 1
fi
echo "install-deps: installing$missing"
case " $(dpkg --print-foreign-architectures | tr '\n' ' ') " in
*" arm64 "*) ;;
*) dpkg --add-architecture arm64 ;;
esac
apt-get update -qq
# shellcheck disable=SC2086 # a list of package names
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: the archive against a list nobody here wrote.  For a built
# test kernel, mainline's scripts/package/install-extmod-build (what its
# deb and rpm packages ship as the headers package) copies its external
# module tree into a scratch directory.  The archive must hold every file
# that copies, but for the deliberate differences that
# Documentation/admin-guide/kheaders.rst lists; each class is counted.
#
# On x86_64 and arm64 the archive is that of the full tier's 6.12 =m
# kernel (arm64: cross-built with LLVM=1).  On mips (malta, 32-bit), arm
# (multi_v7), riscv64, ppc64le and s390x, cross-built with Debian's gcc,
# the 6.12 tree is configured with its defconfig and made as far as
# modules_prepare, and the generator packs the archive there as Kbuild
# would (with the build machine's programs, whose names are all that is
# compared): no kernel is built.
#
# usage: tests/test-extmod.sh [-a ARCH]   (default x86_64)

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

arch=x86_64
while getopts a: opt; do
	case $opt in
	a) arch=$OPTARG ;;
	*) die "usage: $0 [-a x86_64|arm64|mips|arm|riscv64|ppc64le|s390x]" ;;
	esac
done
case $arch in
x86_64) srcarch=x86 ;;
arm64) srcarch=arm64 ;;
mips) srcarch=mips cross=mips-linux-gnu- defconfig=malta_defconfig ;;
arm) srcarch=arm cross=arm-linux-gnueabihf- defconfig=multi_v7_defconfig ;;
riscv64) srcarch=riscv cross=riscv64-linux-gnu- defconfig=defconfig ;;
ppc64le) srcarch=powerpc cross=powerpc64le-linux-gnu- defconfig=ppc64le_defconfig ;;
s390x) srcarch=s390 cross=s390x-linux-gnu- defconfig=defconfig ;;
*) die "unknown architecture $arch" ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# prepared ARCH: $build, the tree made as far as modules_prepare, and
# $archive, packed there.  A Module.symvers stands in for modpost's, which
# only a full build writes (mainline's script copies it).
prepared() {
	local tree vars
	need_tools "${cross}gcc"
	tree=$(patched_tree 6.12) || return 1
	build=$KH_CACHE/build/extmod-$arch
	vars=(ARCH="$srcarch" CROSS_COMPILE="$cross" CC="ccache ${cross}gcc" HOSTCC="ccache gcc" RUSTC=false)
	cache_lock "build-extmod-$arch"
	tree_lock 6.12 -s
	log "$name: $defconfig, modules_prepare"
	if ! { make -C "$tree" O="$build" -j"$KH_JOBS" "${vars[@]}" "$defconfig" &&
		make -C "$tree" O="$build" -j"$KH_JOBS" "${vars[@]}" modules_prepare; } >"$work/build.log" 2>&1; then
		tail -n 20 "$work/build.log" | sed 's/^/  /'
		return 1
	fi
	printf '0x00000000\t_printk\tvmlinux\tEXPORT_SYMBOL\t\n' >"$build/Module.symvers"
	gcc -O2 -o "$work/strip" "$tree/kernel/kheaders_strip.c" || return 1
	archive=$work/ours.tar.xz
	if ! (cd "$build" && env srctree="$tree" SRCARCH="$srcarch" sh "$tree/kernel/gen_kheaders.sh" \
		-o "$archive" -d "$work/deps" -l scripts/module.lds -s "$work/strip" \
		-m Module.symvers) >>"$work/build.log" 2>&1; then
		tail -n 20 "$work/build.log" | sed 's/^/  /'
		return 1
	fi
}

if [ -z "${cross:-}" ]; then
	llvm=0
	[ "$arch" = x86_64 ] || llvm=1
	name=$(harness_name 6.12 m "$llvm" "$arch")
	build=$(harness_build 6.12 m "$llvm" "$arch") || { bad "$name: kernel build"; summary; exit; }
	ok "$name: kernel build"
	archive=$build/kernel/kheaders_data.tar.xz
else
	name=6.12-$arch-$defconfig
	prepared || { bad "$name: modules_prepare, and the archive packed there"; summary; exit; }
	ok "$name: modules_prepare, and the archive packed there"
fi
src=$(readlink -f "$build/source")
# CC is passed as HOSTCC too, so that the script rebuilds nothing: only
# the names of what it copies are compared.
check "$name: install-extmod-build copies the external module tree" \
	env -C "$build" srctree="$src" SRCARCH="$srcarch" CC=cc HOSTCC=cc MAKE=make \
	sh "$src/scripts/package/install-extmod-build" "$work/mainline"
(cd "$work/mainline" && find . \( -type f -o -type l \) -printf '%P\n' | sort) >"$work/mainline.list"
tar -tf "$archive" | grep -v '/$' | sed 's|^\./||' | sort >"$work/ours.list"
comm -23 "$work/mainline.list" "$work/ours.list" >"$work/missing"

# The deliberate differences, by class, as the admin guide lists them.
classify() {
	awk '
	/^include\/generated\/(compile|utsversion)\.h$/ { c["timestamp headers"]++; next }
	/^(arch\/[^\/]+\/)?include\/generated\// && !/\.h$/ {
		c["generated files that are not headers"]++; next }
	/^scripts\/(coccinelle|gdb|dummy-tools|selinux|ipe|tracing|clang-tools|ksymoops)\// {
		c["developer tools in scripts/ subdirectories"]++; next }
	/^scripts\/.*\.(c|h|l|y|s|S)$/ || /^scripts\/(.*\/)?(Makefile|Kconfig|\.gitignore)$/ {
		c["sources and build files of scripts/ programs"]++; next }
	/^scripts\/[^\/]+$/ { c["other scripts/ files no module build runs"]++; next }
	{ print "unlisted: " $0; bad++ }
	END {
		for (k in c)
			printf "# %s: %d\n", k, c[k]
		exit bad > 0
	}' "$work/missing"
}
check "$name: the archive holds every file install-extmod-build copies but the documented classes ($(wc -l <"$work/mainline.list") copied, $(wc -l <"$work/ours.list") in the archive, $(wc -l <"$work/missing") missing)" \
	classify
summary

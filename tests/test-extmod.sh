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
# usage: tests/test-extmod.sh [-a arm64]   (default: the x86-64 6.12-m kernel)

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

arch=x86_64
while getopts a: opt; do
	case $opt in
	a) arch=$OPTARG ;;
	*) die "usage: $0 [-a arm64]" ;;
	esac
done
llvm=0
[ "$arch" = x86_64 ] || llvm=1
name=$(harness_name 6.12 m "$llvm" "$arch")
build=$(harness_build 6.12 m "$llvm" "$arch") || { bad "$name: kernel build"; summary; exit; }
ok "$name: kernel build"
src=$(readlink -f "$build/source")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

srcarch=$arch
[ "$arch" != x86_64 ] || srcarch=x86
# CC is passed as HOSTCC too, so that the script rebuilds nothing: only
# the names of what it copies are compared.
check "$name: install-extmod-build copies the external module tree" \
	env -C "$build" srctree="$src" SRCARCH="$srcarch" CC=cc HOSTCC=cc MAKE=make \
	sh "$src/scripts/package/install-extmod-build" "$work/mainline"
(cd "$work/mainline" && find . \( -type f -o -type l \) -printf '%P\n' | sort) >"$work/mainline.list"
tar -tf "$build/kernel/kheaders_data.tar.xz" | grep -v '/$' | sed 's|^\./||' | sort >"$work/ours.list"
comm -23 "$work/mainline.list" "$work/ours.list" >"$work/missing"

# The deliberate differences, by class, as the admin guide lists them.
classify() {
	awk '
	/^include\/generated\/(compile|utsversion)\.h$/ { c["timestamp headers"]++; next }
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

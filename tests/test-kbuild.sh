#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: how Kbuild builds kheaders, =m and =y, through the build
# flows people use: a clean "make -jN all"; "make bzImage && make
# modules"; "make modules" in a clean tree; "make modules_prepare" and an
# external module.  Checks that the archive is the same whatever goals
# made it, that vmlinux.o is linked and modpost run once per clean build,
# that a no-op make runs nothing of ours, that any deleted output is
# remade, and that the archive linked into kheaders.ko or vmlinux is the
# one in the build tree.  On 6.12 both flavors, =y with clang and lld
# (LLVM=1) as the =y guest kernel is built; on 6.1 =m, and with -y also
# =y (gcc; a kernel compiled for this alone, so the full tier leaves it
# out: the =y rules are the same on both versions).
#
# usage: tests/test-kbuild.sh [-v VERSION] [-y]   (6.12 by default, or 6.1)

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

ver=6.12 flavors=m
while getopts v:y opt; do
	case $opt in
	v) ver=$OPTARG ;;
	y) flavors="m y" ;;
	*) die "usage: $0 [-v VERSION] [-y]" ;;
	esac
done
[ "$ver" = 6.12 ] && flavors="m y"

# The guest kernel of this version gives the configuration.
base=$(harness_build "$ver" m 0) || { bad "$ver-m: kernel build"; summary; exit; }
tree=$(patched_tree "$ver")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$KH_REPO/tests/modules/kh_hello" "$work/ext"

# mk LOG ARGS...: make ARGS in $build, output in $work/LOG.
mk() {
	local log=$work/$1
	shift
	kernel_make "$tree" "$build" "$@" >"$log" 2>&1 ||
		{ tail -n 20 "$log" | sed 's/^/  /'; return 1; }
}
# lines LOG REGEX: how many lines of LOG match REGEX.
lines() { grep -cE "$2" "$work/$1"; }
# make_noop GOALS...: make GOALS builds nothing (tests/lib.sh).
make_noop() { mk noop.log "$@" && built_nothing "$work/noop.log"; }
# ext_builds: the external module builds against the tree, and nothing of
# the kernel's is built meanwhile.
ext_builds() {
	mk ext.log M="$work/ext" modules && [ -f "$work/ext/kh_hello.ko" ] &&
		! grep -E '^  [A-Z].* (kernel/|vmlinux)' "$work/ext.log"
}
# image_untouched LOG: LOG shows no modpost run and nothing of vmlinux or
# kheaders made (the modules' own .ko links are fine).
image_untouched() {
	! grep -E '^  [A-Z].*(vmlinux|kernel/kheaders|bzImage|MODPOST)' "$work/$1" | sed 's/^/  ran: /' | grep .
}
# only_modpost_vmlinux_symvers: first.log shows modpost writing
# vmlinux.symvers, and nothing else built.
only_modpost_vmlinux_symvers() {
	grep -v '^  MODPOST vmlinux\.symvers$' "$work/first.log" >"$work/first.rest"
	has_lines "$work/first.log" '^  MODPOST vmlinux\.symvers$' && built_nothing "$work/first.rest"
}
# sha FILE: its SHA-256.
sha() { sha256sum <"$1" | cut -d' ' -f1; }
# embedded ELF: the archive bytes between kheaders_archive and
# kheaders_archive_end in ELF (kheaders.ko or vmlinux).
embedded() {
	local elf=$1 ndx start end addr off
	read -r ndx start < <(readelf -sW "$elf" | awk '$8 == "kheaders_archive" { print $7, $2 }')
	end=$(readelf -sW "$elf" | awk '$8 == "kheaders_archive_end" { print $2 }')
	if [ -z "$ndx" ] || [ -z "$end" ]; then
		echo "  no kheaders_archive in $elf" >&2
		return 1
	fi
	read -r addr off < <(readelf -SW "$elf" |
		sed -n 's/^ *\[ *\([0-9]*\)\] */\1 /p' | awk -v n="$ndx" '$1 == n { print $4, $5 }')
	tail -c +$((16#$off + 16#$start - 16#$addr + 1)) "$elf" | head -c $((16#$end - 16#$start))
}
# linked_is_built: the archive linked in is the build tree's.
linked_is_built() {
	local elf=$build/vmlinux
	[ "$fl" = m ] && elf=$build/kernel/kheaders.ko
	[ "$(embedded "$elf" | sha256sum | cut -d' ' -f1)" = "$(sha "$archive")" ]
}
# symvers_has SYMBOL MODULE: the archive's Module.symvers lists SYMBOL as
# exported by the in-tree MODULE.
symvers_has() {
	tar -xJOf "$archive" ./Module.symvers | grep -E "^0x[0-9a-f]+"$'\t'"$1"$'\t'"$2"$'\t' >/dev/null
}

for fl in $flavors; do
	llvm=0
	[ "$fl-$ver" = y-6.12 ] && llvm=1
	name=kbuild-$(harness_name "$ver" "$fl" "$llvm")
	build=$KH_CACHE/build/$name
	archive=$build/kernel/kheaders_data.tar.xz
	mkdir -p "$build"
	kernel_vars x86_64 "$llvm"
	# A guest kernel's configuration where there is one, whose objects
	# ccache holds.  =m: kheaders_fs.ko is an in-tree module with
	# exports.  6.12 =y: the =y guest kernel, which has no modules.  6.1
	# =y: the =m one built in, with crc-ccitt as a module with an export.
	export_sym=kheaders_fs_register export_mod=kernel/kheaders_fs
	if [ "$fl-$ver" = y-6.12 ]; then
		if ! cfg=$(harness_build "$ver" y "$llvm"); then
			bad "$(harness_name "$ver" y "$llvm"): kernel build"
			continue
		fi
		ok "$(harness_name "$ver" y "$llvm"): kernel build"
		cp "$cfg/.config" "$build/.config"
		export_sym=
	else
		cp "$base/.config" "$build/.config"
	fi
	if [ "$fl-$ver" = y-6.1 ]; then
		"$tree/scripts/config" --file "$build/.config" --set-val IKHEADERS y \
			--module CRC_CCITT
		export_sym=crc_ccitt export_mod=lib/crc-ccitt
	fi
	if ! mk config.log olddefconfig; then
		bad "$name: configure"
		continue
	fi
	ok "$name: configure"

	log "$name: two clean builds, and the other flows"
	# The split flow some distributions use.
	mk clean.log clean
	if mk split-image.log bzImage && mk split-modules.log modules; then
		ok "$name: clean 'make bzImage && make modules' succeeds"
		split=$(sha "$archive")
		check "$name: ... links vmlinux.o once" \
			[ "$(cat "$work"/split-*.log | grep -cE '^  LD      vmlinux\.o$')" = 1 ]
		if [ "$fl" = y ]; then
			check "$name: ... 'make modules' touches nothing of the image" \
				image_untouched split-modules.log
		fi
	else
		bad "$name: clean 'make bzImage && make modules' succeeds"
		split=none
	fi

	mk clean.log clean
	t0=$(date +%s)
	check "$name: clean 'make -j$KH_JOBS all' succeeds" mk all.log all
	log "$name: clean 'make -j$KH_JOBS all': $(($(date +%s) - t0)) s"
	check "$name: ... links vmlinux.o once" [ "$(lines all.log '^  LD      vmlinux\.o$')" = 1 ]
	check "$name: ... runs modpost once" [ "$(lines all.log '^  MODPOST ')" = 1 ]
	check "$name: ... packs the archive once" [ "$(lines all.log '^  GEN     kernel/kheaders_data\.tar\.xz$')" = 1 ]
	full=$(sha "$archive")
	check "$name: the archive is the same after the split flow" [ "$split" = "$full" ]
	check "$name: its Module.symvers is the build's" symvers_packed "$archive" "$build"
	if [ -n "$export_sym" ]; then
		check "$name: ... with the exports of in-tree modules ($export_sym)" \
			symvers_has "$export_sym" "$export_mod"
	fi
	check "$name: the archive linked in is the one built" linked_is_built

	# No-op makes, whatever goals, in any order.  With =m, "make all"
	# has modpost write Module.symvers only; the first "make bzImage"
	# then has it write vmlinux.symvers, as mainline does, and links
	# nothing.
	if [ "$fl" = m ]; then
		mk first.log bzImage
		check "$name: first 'make bzImage' after 'make all': only Kbuild's own vmlinux.symvers" \
			only_modpost_vmlinux_symvers
	fi
	for goals in all bzImage modules bzImage all; do
		t0=$(date +%s.%N)
		if make_noop "$goals"; then
			ok "$name: no-op 'make $goals' runs nothing"
		else
			bad "$name: no-op 'make $goals' runs nothing"
		fi
		log "$name: no-op 'make $goals': $(grep -c . "$work/noop.log") lines, $(echo "$(date +%s.%N) - $t0" | bc | cut -c1-4) s"
	done
	check "$name: the no-op makes left the archive alone" [ "$(sha "$archive")" = "$full" ]

	# An external module against the build tree, after modules_prepare.
	check "$name: 'make modules_prepare' runs nothing" make_noop modules_prepare
	check "$name: an external module builds, running nothing of ours" ext_builds
	check "$name: then 'make all' is a no-op" make_noop all

	# Any output deleted is made again, the same.  The rules are the
	# same for =y, which links the object into vmlinux instead, and for
	# 6.1: there, only the two outputs each splice links.
	deleted=kheaders_data.o
	grep -q '^CONFIG_IKHEADERS_FS=y' "$build/.config" && deleted="$deleted kheaders_data.index"
	[ "$fl-$ver" = m-6.12 ] && deleted="$deleted kheaders_data.tar.xz kheaders-symvers
		kheaders-kit/scripts/mod/modpost kheaders_strip"
	for f in $deleted; do
		rm -f "$build/kernel/$f"
		if mk rm.log all && [ -e "$build/kernel/$f" ] && [ "$(sha "$archive")" = "$full" ] &&
			linked_is_built; then
			ok "$name: kernel/$f deleted is made again, and the archive is the same"
		else
			bad "$name: kernel/$f deleted is made again, and the archive is the same"
		fi
	done
	check "$name: then 'make all' is a no-op" make_noop all

	# "make modules" with no vmlinux.o, as in a clean tree: modpost
	# writes no Module.symvers, and stops at unresolved symbols unless
	# told to only warn.  kheaders warns too, and does not stop the build.
	rm -f "$build/vmlinux.o"
	check "$name: 'make modules KBUILD_MODPOST_WARN=1' without vmlinux.o succeeds" \
		mk modules.log modules KBUILD_MODPOST_WARN=1
	if [ "$fl" = m ]; then
		check "$name: ... and warns that the archive lacks Module.symvers" \
			has_lines "$work/modules.log" 'gen_kheaders.sh: warning: modpost wrote no Module.symvers'
	fi
	check "$name: then 'make all' succeeds" mk all.log all
	check "$name: ... and the archive is again the one of the clean build" \
		[ "$(sha "$archive")" = "$full" ]
	check "$name: then 'make all' is a no-op" make_noop all
	record_goals "$build" "$ver" x86_64 "$llvm" all
done

summary

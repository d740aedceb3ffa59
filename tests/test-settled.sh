#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier, run last: once every suite has run, each kernel tree they
# built is made again with the goals and variables it was built with,
# and nothing may be built, packed or linked.  A suite that changed an
# input of the archive behind another's back (a header's mtime, a list,
# the generator) shows here as a repack, with make's reason (V=2).
#
# usage: tests/test-settled.sh [-s STAMP]
#   -s: only the trees made since STAMP's mtime (default: $KH_RUN_START,
#       the file tests/run.sh touched when it started); without either,
#       every tree in the cache that records how it was made (.kh-goals).

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

since=${KH_RUN_START:-}
while getopts s: opt; do
	case $opt in
	s) since=$OPTARG ;;
	*) die "usage: $0 [-s STAMP]" ;;
	esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

found=0
for goals in "$KH_CACHE"/build/*/.kh-goals; do
	[ -f "$goals" ] || continue
	[ -z "$since" ] || [ "$goals" -nt "$since" ] || continue
	build=${goals%/.kh-goals}
	name=${build##*/}
	read -r ver arch llvm targets <"$goals"
	found=$((found + 1))
	tree=$KH_CACHE/src/linux-$ver-kheaders
	kernel_vars "$arch" "$llvm"
	tree_lock "$ver" -s
	cache_lock "build-$name"
	# shellcheck disable=SC2086 # the goals, a word each
	if kernel_make "$tree" "$build" V=2 $targets >"$work/$name.log" 2>&1; then
		check "$name: 'make $targets' after every suite builds nothing" \
			built_nothing "$work/$name.log"
	else
		tail -n 20 "$work/$name.log" | sed 's/^/  /'
		bad "$name: 'make $targets' after every suite builds nothing (make failed)"
	fi
	cache_unlock
	tree_unlock
done
[ "$found" -gt 0 ] || skip "no kernel tree was built${since:+ since the run began}"

summary

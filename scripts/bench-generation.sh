#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Time archive generation side by side on one prepared 6.12 build: the
# mainline generator, run from the unmodified Debian source, against ours.
# Prints medians of RUNS runs, ratios, and archive sizes.
#
# usage: scripts/bench-generation.sh [-r RUNS] [BUILD_DIR]
#   BUILD_DIR defaults to the harness's 6.12-m build (built if missing).

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

runs=3
while getopts r: opt; do
	case $opt in
	r) runs=$OPTARG ;;
	*) die "usage: $0 [-r RUNS] [BUILD_DIR]" ;;
	esac
done
shift $((OPTIND - 1))
need_tools hyperfine make xz tar cpio perl bc
build=${1:-$("$KH_REPO/scripts/build-kernel.sh" 6.12-m)}
build=$(realpath "$build")
tree=$KH_CACHE/src/linux-6.12-kheaders
pristine=$(pristine_tree 6.12)
[ -f "$build/kernel/kheaders_data.tar.xz" ] || die "$build has no kheaders archive"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Mainline's script works on ./include and ./arch/x86/include of the
# object tree and keeps its stamp in ./kernel: give it a scratch copy of
# that view so the real build stays untouched.
mkdir -p "$work/ml/kernel" "$work/ml/arch/x86"
ln -s "$build/include" "$work/ml/include"
ln -s "$build/arch/x86/include" "$work/ml/arch/x86/include"
mainline="cd $work/ml && env srctree=$pristine SRCARCH=x86 building_out_of_srctree=1 XZ=xz \
sh $pristine/kernel/gen_kheaders.sh kernel/mainline.tar.xz >/dev/null"
ours="cd $build && env srctree=$tree SRCARCH=x86 sh $tree/kernel/gen_kheaders.sh \
-o $work/ours.tar.xz -d $work/ours.deps -l kernel/kheaders-module.lds \
-s kernel/kheaders_strip -m kernel/kheaders-symvers"

# Our no-op cost is what Kbuild evaluates for the archive: read the
# dependency list and the .cmd file, stat every input (from the object
# tree, as Kbuild does).
cat >"$work/noop.mk" <<EOF
include $build/kernel/.kheaders_data.deps
include $build/kernel/.kheaders_data.tar.xz.cmd
\$(kheaders-deps): ;
kernel/kheaders_data.tar.xz: \$(kheaders-deps)
	@echo stale: \$?; exit 1
EOF

median() { # hyperfine JSON -> median seconds
	python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$1"
}
bench() { # NAME PREPARE COMMAND
	hyperfine --style none --runs "$runs" ${2:+--prepare "$2"} \
		--export-json "$work/$1.json" "$3" >/dev/null
	median "$work/$1.json"
}

log "mainline cold generation ($runs runs)"
ml_cold=$(bench ml_cold "rm -f $work/ml/kernel/kheaders.md5 $work/ml/kernel/mainline.tar.xz" "$mainline")
log "mainline up-to-date check"
ml_noop=$(bench ml_noop "" "$mainline")
log "our cold generation ($runs runs)"
our_cold=$(bench our_cold "" "$ours")
log "our up-to-date check (make on the dependency list)"
our_noop=$(bench our_noop "" "make -s -C $build -f $work/noop.mk kernel/kheaders_data.tar.xz")
log "no-op full kernel make, for scale"
full_noop=$(bench full_noop "" "make -s -C $tree O=$build -j$KH_JOBS ${KH_MAKE_VARS[*]@Q} bzImage modules")

sizes() { # ARCHIVE -> compressed uncompressed files
	echo "$(stat -c %s "$1") $(xz -dc "$1" | wc -c) $(tar -tf "$1" | grep -vc '/$')"
}
read -r ml_xz ml_tar ml_n < <(sizes "$work/ml/kernel/mainline.tar.xz")
read -r our_xz our_tar our_n < <(sizes "$work/ours.tar.xz")
# The same inputs in the kheaders filesystem's layout (chunked streams,
# plus the index), as CONFIG_IKHEADERS_FS=y builds them.
log "our generation in the filesystem layout, once"
fs_start=$(date +%s.%N)
(cd "$build" && env srctree="$tree" SRCARCH=x86 sh "$tree/kernel/gen_kheaders.sh" \
	-o "$work/fs.tar.xz" -d "$work/fs.deps" -l kernel/kheaders-module.lds \
	-s kernel/kheaders_strip -m kernel/kheaders-symvers \
	-x "$work/fs.index" -k kernel/kheaders_mkindex) || die "generation in the filesystem layout failed"
fs_time=$(echo "$(date +%s.%N) - $fs_start" | bc)
fs_xz=$(stat -c %s "$work/fs.tar.xz")
fs_ix=$(stat -c %s "$work/fs.index")
built=$work/ours.tar.xz
grep -qx CONFIG_IKHEADERS_FS=y "$build/.config" && built=$work/fs.tar.xz
cmp -s "$built" "$build/kernel/kheaders_data.tar.xz" ||
	log "note: the benchmarked archive differs from the build's (stale build?)"

ratio() { echo "scale=3; $1 / $2" | bc; }
printf '\n%-34s %14s %14s %8s\n' "" mainline ours ours/ml
printf '%-34s %14s %14s %8s\n' "cold generation (s, median of $runs)" "$ml_cold" "$our_cold" "$(ratio "$our_cold" "$ml_cold")"
printf '%-34s %14s %14s %8s\n' "up-to-date check (s)" "$ml_noop" "$our_noop" "$(ratio "$our_noop" "$ml_noop")"
printf '%-34s %14s %14s %8s\n' "archive, compressed (bytes)" "$ml_xz" "$our_xz" "$(ratio "$our_xz" "$ml_xz")"
printf '%-34s %14s %14s %8s\n' "archive, uncompressed (bytes)" "$ml_tar" "$our_tar" "$(ratio "$our_tar" "$ml_tar")"
printf '%-34s %14s %14s %8s\n' "files" "$ml_n" "$our_n" "$(ratio "$our_n" "$ml_n")"
printf '%-34s %14s\n' "no-op full make, this build (s)" "$full_noop"
printf '\nWith CONFIG_IKHEADERS_FS (256 KiB chunks): archive %s bytes (%s of mainline), index %s bytes, generated in %.1f s (one run)\n' \
	"$fs_xz" "$(ratio "$fs_xz" "$ml_xz")" "$fs_ix" "$fs_time"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build a small test kernel with the kheaders overlay, out of tree and
# with ccache, in the cache directory ($KHEADERS_CACHE or
# ~/.cache/kheaders).  Prints the build directory on stdout.
#
# usage: scripts/build-kernel.sh [-v VERSION] [-a ARCH] [-l] [-c FRAGMENT]... NAME
#   VERSION   Debian linux-source version (default 6.12)
#   ARCH      x86_64 (default), or arm64: cross-built with
#             aarch64-linux-gnu-gcc, or with clang when -l is given
#   -l        build with clang and lld (LLVM=1), as Android does
#   FRAGMENT  extra config fragment, on top of tests/configs/guest.config
#   NAME      build directory name under $KHEADERS_CACHE/build

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage="usage: $0 [-v VERSION] [-a ARCH] [-l] [-c FRAGMENT]... NAME"
ver=6.12 arch=x86_64 llvm=0
frags=("$KH_REPO/tests/configs/guest.config")
while getopts v:a:c:l opt; do
	case $opt in
	v) ver=$OPTARG ;;
	a) arch=$OPTARG ;;
	c) frags+=("$(realpath "$OPTARG")") ;;
	l) llvm=1 ;;
	*) die "$usage" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || die "$usage"
name=$1

need_tools make gcc ccache flex bison bc tar xz patch perl
kernel_vars "$arch" "$llvm"
image=$(kernel_image "$arch")
[ "$arch" = x86_64 ] || frags+=("$KH_REPO/tests/configs/$arch.config")
# Read the tree while no test edits it (tests/test-staleness.sh).
tree_lock "$ver" -s
tree=$(patched_tree "$ver")
out=$KH_CACHE/build/$name
mkdir -p "$out"
# One build of a directory at a time (see cache_lock).
cache_lock "build-$name"
kmake=(kernel_make "$tree" "$out")

# Reconfigure only when the fragments change, so .config keeps its mtime
# and an unchanged tree rebuilds nothing.
stamp=$({ cat "${frags[@]}"; echo "${KH_MAKE_VARS[*]}"; } | sha256sum | cut -d' ' -f1)
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.kh-config" 2>/dev/null)" != "$stamp" ]; then
	log "configuring $name (tinyconfig + ${frags[*]##*/})"
	"${kmake[@]}" -s tinyconfig >/dev/null
	"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${frags[@]}" >/dev/null
	"${kmake[@]}" -s olddefconfig >/dev/null
	# olddefconfig silently drops options whose dependencies are off.
	# Later fragments override earlier ones, as in merge_config.sh.
	declare -A want=()
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) want[${line%%=*}]=$line ;;
		"# CONFIG_"*" is not set") sym=${line#\# }; want[${sym%% *}]=$line ;;
		esac
	done < <(cat "${frags[@]}")
	for sym in "${!want[@]}"; do
		config_holds "${want[$sym]}" "$out/.config" ||
			die "'${want[$sym]}' did not survive olddefconfig (a dependency missing, or one forcing it?)"
	done
	echo "$stamp" >"$out/.kh-config"
fi

log "building $name (Linux $ver, $KH_JOBS jobs)"
start=$(date +%s)
record_goals "$out" "$ver" "$arch" "$llvm" "${image##*/}" modules
"${kmake[@]}" "${image##*/}" modules >"$out/.kh-build.log" 2>&1 &
pid=$!
# Objects compiled so far, against how many this kernel had last time.
compiled() { grep -cE '^  (CC|AS)( \[M\])? ' "$out/.kh-build.log"; }
watch_progress "$pid" "building $name" compiled "$(cat "$out/.kh-objects" 2>/dev/null)" "objects compiled"
wait "$pid" ||
	{ tail -n 40 "$out/.kh-build.log" >&2; die "kernel build failed; log: $out/.kh-build.log"; }
find "$out" -name '*.o' ! -path "$out/modroot/*" | wc -l >"$out/.kh-objects"
rm -rf "$out/modroot"
"${kmake[@]}" -s INSTALL_MOD_PATH="$out/modroot" modules_install >/dev/null
log "built $name in $(($(date +%s) - start)) s: $(cat "$out/include/config/kernel.release")"
echo "$out"

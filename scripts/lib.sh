# shellcheck shell=bash
# Shared helpers for the kheaders harness scripts (sourced, not run).

KH_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KH_CACHE=${KHEADERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kheaders}
KH_JOBS=${KH_JOBS:-$(nproc)}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# watch_progress PID WHAT COUNT [TOTAL [UNIT]]: while PID runs, report
# "WHAT: N [of ~TOTAL] UNIT, M:SS elapsed [, ~M min left]", N being what
# the command COUNT prints.  On a terminal the line is redrawn every two
# seconds; otherwise a line is logged every minute.  Interrupted, it stops
# PID too (a background job does not get the terminal's SIGINT).
watch_progress() {
	local pid=$1 what=$2 count=$3 total=${4:-} unit=${5:-} start=$SECONDS
	local n el line last=0 tty=0
	[ -t 2 ] && tty=1
	# shellcheck disable=SC2064 # this PID, now
	trap "kill $pid 2>/dev/null; exit 130" INT TERM HUP
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		el=$((SECONDS - start))
		[ "$tty" = 1 ] || [ $((el - last)) -ge 60 ] || continue
		n=$($count 2>/dev/null) || n=0
		line="$what: $n${total:+ of ~$total}${unit:+ $unit}, $((el / 60)):$(printf %02d $((el % 60))) elapsed"
		if [ -n "$total" ] && [ "${n:-0}" -gt 0 ] && [ "$n" -lt "$total" ]; then
			line="$line, ~$(((el * (total - n) / n + 59) / 60)) min left"
		fi
		if [ "$tty" = 1 ]; then
			printf '\r==> %s\033[K' "$line" >&2
		else
			log "$line"
			last=$el
		fi
	done
	[ "$tty" = 0 ] || printf '\r\033[K' >&2
	trap - INT TERM HUP
}

need_tools() {
	local t missing=
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	[ -z "$missing" ] || die "missing tools:$missing (run scripts/install-deps.sh as root)"
}

# cache_lock NAME, cache_unlock: take and drop an exclusive lock on
# $KH_CACHE/NAME.lock, so that suites run side by side (tests/run.sh) do
# not make the same tree, kernel or guest root at once.  A script that
# never unlocks holds the lock until it exits.
cache_lock() {
	mkdir -p "$KH_CACHE"
	exec {kh_lock_fd}>"$KH_CACHE/$1.lock" || die "cannot open $KH_CACHE/$1.lock"
	flock "$kh_lock_fd" || die "cannot lock $KH_CACHE/$1.lock"
}
cache_unlock() { exec {kh_lock_fd}>&-; }

# tree_lock VERSION MODE, tree_unlock: hold the patched tree of VERSION
# (patched_tree) shared (MODE -s: a build reads it) or alone (-x: a test
# edits it), so that no kernel is built from a tree that a test has
# changed for a moment.  Independent of cache_lock; kept until unlocked
# or exit.
tree_lock() {
	mkdir -p "$KH_CACHE"
	exec {kh_tree_fd}>"$KH_CACHE/tree-use-$1.lock" || die "cannot open $KH_CACHE/tree-use-$1.lock"
	flock "$2" "$kh_tree_fd" || die "cannot lock $KH_CACHE/tree-use-$1.lock"
}
tree_unlock() { exec {kh_tree_fd}>&-; }

# pristine_tree VERSION: print the path of an unmodified Debian kernel source
# tree, extracting /usr/src/linux-source-VERSION.tar.xz once.
pristine_tree() {
	local ver=$1 tarball=/usr/src/linux-source-$1.tar.xz dir=$KH_CACHE/src/pristine
	cache_lock "src-$ver"
	if [ ! -f "$dir/linux-source-$ver/.kh-extracted" ]; then
		[ -f "$tarball" ] || die "$tarball not found: apt-get install linux-source-$ver"
		log "extracting $tarball"
		rm -rf "$dir/linux-source-$ver"
		mkdir -p "$dir"
		tar -xf "$tarball" -C "$dir"
		touch "$dir/linux-source-$ver/.kh-extracted"
	fi
	cache_unlock
	echo "$dir/linux-source-$ver"
}

# checkpatch_script: scripts/checkpatch.pl of Debian's 6.12 source, with
# the data files it reads beside it, taken from the tarball once into the
# cache (the extracted tree when there is one), and run offline.
checkpatch_script() {
	local tarball=/usr/src/linux-source-6.12.tar.xz dir=$KH_CACHE/checkpatch
	local src=$KH_CACHE/src/pristine/linux-source-6.12
	if [ -f "$src/.kh-extracted" ]; then
		echo "$src/scripts/checkpatch.pl"
		return
	fi
	if [ ! -f "$dir/.kh-extracted" ]; then
		[ -f "$tarball" ] || die "$tarball not found: apt-get install linux-source-6.12"
		rm -rf "$dir"
		mkdir -p "$dir"
		tar -xf "$tarball" -C "$dir" --strip-components=2 \
			linux-source-6.12/scripts/checkpatch.pl \
			linux-source-6.12/scripts/spelling.txt \
			linux-source-6.12/scripts/const_structs.checkpatch ||
			die "cannot extract checkpatch.pl from $tarball"
		touch "$dir/.kh-extracted"
	fi
	echo "$dir/checkpatch.pl"
}

# patched_tree VERSION: a hard-linked copy of the pristine tree with the
# overlay applied (apply.sh replaces files, never writes through links).
patched_tree() {
	local ver=$1 src dst=$KH_CACHE/src/linux-$1-kheaders
	src=$(pristine_tree "$ver")
	cache_lock "tree-$ver"
	if [ ! -f "$dst/.kh-copied" ]; then
		log "making patched tree $dst"
		rm -rf "$dst"
		cp -al "$src" "$dst"
		touch "$dst/.kh-copied"
	fi
	"$KH_REPO/scripts/apply.sh" "$dst" >&2 || die "apply.sh failed on $dst"
	cache_unlock
	echo "$dst"
}

# The make variables of every harness build: always the same, so that no
# command line changes between runs.  The test kernels use no Rust; RUSTC
# is pinned so that their .config does not depend on whether the builder
# happens to have a Rust toolchain (Kconfig records its version).
KH_MAKE_VARS=(CC="ccache gcc" HOSTCC="ccache gcc" RUSTC=false)

# ccache's depend mode: on a miss it compiles once and takes the headers
# from the compiler's -MMD output, where the default mode runs the
# preprocessor twice more.  That makes a cold kernel build about a quarter
# cheaper.  Hits are the same in both modes (direct), and their entries are
# shared; what depend mode gives up, hits on preprocessed output across
# configurations, each build here pays for with its own compile anyway.
export CCACHE_DEPEND=1

# kernel_vars ARCH LLVM: set KH_MAKE_VARS for a build for ARCH (x86_64,
# or arm64 cross-built with aarch64-linux-gnu-gcc), with clang and lld
# when LLVM is 1: Debian's default LLVM (14, LLVM=1) on x86_64, and
# LLVM 19 on arm64 (LLVM=-19: clang-19, ld.lld-19, llvm-ar-19...), as
# Android's kernels are built with a recent clang.
kernel_vars() {
	case $1-$2 in
	x86_64-0)
		KH_MAKE_VARS=(CC="ccache gcc" HOSTCC="ccache gcc" RUSTC=false) ;;
	x86_64-1)
		need_tools clang ld.lld
		KH_MAKE_VARS=(CC="ccache clang" HOSTCC="ccache clang" LLVM=1 RUSTC=false) ;;
	arm64-0)
		need_tools aarch64-linux-gnu-gcc
		KH_MAKE_VARS=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
			CC="ccache aarch64-linux-gnu-gcc" HOSTCC="ccache gcc" RUSTC=false) ;;
	arm64-1)
		need_tools clang-19 ld.lld-19 llvm-ar-19
		KH_MAKE_VARS=(ARCH=arm64 LLVM=-19 CC="ccache clang-19" HOSTCC="ccache clang-19"
			RUSTC=false) ;;
	*) die "unsupported architecture $1 (x86_64 or arm64)" ;;
	esac
}

# record_goals BUILD VERSION ARCH LLVM GOALS...: write down how BUILD was
# last made, so that tests/test-settled.sh can make it again the same way
# once every suite has run, and see that nothing is built.
record_goals() {
	local build=$1
	shift
	echo "$*" >"$build/.kh-goals"
}

# config_holds LINE CONFIG: the .config file CONFIG has what the fragment
# line LINE asks for ("CONFIG_X=V", or "# CONFIG_X is not set": no X=).
config_holds() {
	local sym
	case $1 in
	CONFIG_*) grep -qxF "$1" "$2" ;;
	"# CONFIG_"*" is not set") sym=${1#\# }; ! grep -q "^${sym%% *}=" "$2" ;;
	*) return 0 ;;
	esac
}

# kernel_image ARCH: the boot image of a build, relative to its directory.
kernel_image() {
	case $1 in
	x86_64) echo arch/x86/boot/bzImage ;;
	arm64) echo arch/arm64/boot/Image ;;
	*) die "no boot image known for $1" ;;
	esac
}

# kernel_make TREE BUILD ARGS...: make in an out-of-tree build.
kernel_make() {
	local tree=$1 build=$2
	shift 2
	make -C "$tree" O="$build" -j"$KH_JOBS" "${KH_MAKE_VARS[@]}" "$@"
}

# dkms_sources DIR PACKAGE...: the module sources that Debian's *-dkms
# PACKAGEs install under /usr/src, unpacked from the packages (not
# installed, so no DKMS build runs on this machine) into DIR/usr/src.
dkms_sources() {
	local dir=$1 p
	shift
	mkdir -p "$dir/debs"
	for p in "$@"; do
		if ! ls "$dir/debs/${p}_"*.deb >/dev/null 2>&1; then
			(cd "$dir/debs" && apt-get download -q "$p" >/dev/null 2>&1) ||
				die "cannot download $p (apt-get update first?)"
		fi
		dpkg-deb -x "$dir/debs/${p}_"*.deb "$dir" || die "cannot unpack $p"
	done
}

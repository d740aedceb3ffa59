# shellcheck shell=bash
# Shared by the test scripts: results in TAP, as kselftest's
# ktap_helpers.sh prints them ("ok N name", "not ok N name", "ok N name #
# SKIP"), the plan and totals at the end, and the closing line.  A test
# script sources this, calls ok/bad/skip/check, and ends with summary.
# Any TAP harness reads one suite's output, e.g.
#   prove --exec bash tests/test-fast.sh

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

KH_PASSED=0
KH_FAILED=0
KH_SKIPPED=0
KH_NUM=0

# result STATUS NAME [DIRECTIVE]: one numbered result line; the first one
# is preceded by the version line.
result() {
	[ "$KH_NUM" -gt 0 ] || printf 'TAP version 13\n'
	KH_NUM=$((KH_NUM + 1))
	printf '%s %d %s%s\n' "$1" "$KH_NUM" "${2//#/\\#}" "${3:+ # $3}"
}
ok() { KH_PASSED=$((KH_PASSED + 1)); result ok "$*"; }
bad() { KH_FAILED=$((KH_FAILED + 1)); result "not ok" "$*"; }
skip() { KH_SKIPPED=$((KH_SKIPPED + 1)); result ok "$*" SKIP; }

# check NAME CMD...: pass when CMD exits 0.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}

# summary: the plan and totals, and the closing line (left to
# tests/run.sh when it runs us); exit status 1 when anything failed.
summary() {
	[ "$KH_NUM" -gt 0 ] || printf 'TAP version 13\n'
	printf '1..%d\n' "$KH_NUM"
	printf '# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n' \
		"$KH_PASSED" "$KH_FAILED" "$KH_SKIPPED"
	[ -n "${KH_UNDER_RUNNER:-}" ] ||
		printf '%d passed, %d failed, %d skipped\n' "$KH_PASSED" "$KH_FAILED" "$KH_SKIPPED"
	[ "$KH_FAILED" -eq 0 ]
}

# harness_build VERSION FLAVOR LLVM [ARCH]: build the test kernel of
# VERSION with kheaders =FLAVOR (m or y; debug is m with the kernel's
# checkers, tests/configs/debug.config), with clang and lld when LLVM is
# 1, for ARCH (default x86_64; arm64 is cross-built), and print its
# directory.  Its config fragments are decided here, so that every test
# asking for the same kernel shares one build: ikheaders-y.config for =y,
# linux-VERSION.config when there is one, bpf.config on the two x86
# kernels the eBPF test runs on (6.1, and 6.12 with LLVM), and gki.config
# (Android's shape: ThinLTO, kCFI, shadow call stack, BTF) on arm64 with
# LLVM.
harness_build() {
	local ver=$1 flavor=$2 llvm=$3 arch=${4:-x86_64} cfg=$KH_REPO/tests/configs args
	args=(-v "$ver" -a "$arch")
	[ "$flavor" = y ] && args+=(-c "$cfg/ikheaders-y.config")
	[ "$flavor" = debug ] && args+=(-c "$cfg/debug.config")
	[ -f "$cfg/linux-$ver.config" ] && args+=(-c "$cfg/linux-$ver.config")
	[ "$llvm" = 1 ] && args+=(-l)
	if [ "$arch" = x86_64 ] && { [ "$ver" = 6.1 ] || [ "$llvm" = 1 ]; }; then
		args+=(-c "$cfg/bpf.config")
	fi
	[ "$arch-$llvm" != arm64-1 ] || args+=(-c "$cfg/gki.config")
	"$KH_REPO/scripts/build-kernel.sh" "${args[@]}" "$(harness_name "$@")"
}

# harness_name VERSION FLAVOR LLVM [ARCH]: that build's name (its
# directory under $KH_CACHE/build), as the tests' messages show it.
harness_name() {
	local name=$1-$2
	[ "$3" = 1 ] && name=$name-llvm
	[ "${4:-x86_64}" = x86_64 ] || name=$name-$4
	echo "$name"
}

# elf_machines DIR: "PATH MACHINE" for every ELF file below DIR, PATH
# relative to DIR, MACHINE as readelf names it (its last word: AArch64,
# X86-64).  readelf skips, with a message, every file that is not ELF.
elf_machines() {
	(cd "$1" && find . -type f -print0 | xargs -0 readelf -h 2>/dev/null) |
		awk '$1 == "File:" { f = $2; sub("^\\./", "", f) }
			$1 == "Machine:" { print f, $NF }' | sort
}

# has_lines FILE REGEX...: every REGEX matches a line of FILE.
has_lines() {
	local f=$1 re
	shift
	for re in "$@"; do
		grep -qE "$re" "$f" || { echo "  no line of $f matches $re"; return 1; }
	done
}

# only_lines FILE REGEX: FILE has lines, and every one matches REGEX.
only_lines() {
	[ -s "$1" ] || { echo "  $1 is empty"; return 1; }
	! grep -vE "$2" "$1" | sed 's/^/  does not match: /' | grep .
}

# Named predicates for checks on archives and files.  Arguments are
# passed as they are, so paths with quotes or blanks cannot break them,
# and shellcheck sees every line.  Each says what it found on failure.
# grep reads to the end (no -q) where it reads a pipe: under pipefail, a
# writer cut off by SIGPIPE would fail the check at random.

# lists ARCHIVE ERE: a member name of the tar ARCHIVE matches ERE.
lists() {
	tar -tf "$1" | grep -E "$2" >/dev/null || { echo "  no member of $1 matches $2"; return 1; }
}
# lists_no ARCHIVE ERE: no member name of ARCHIVE matches ERE.
lists_no() {
	! tar -tf "$1" | grep -E "$2" | sed 's/^/  has: /' | grep .
}
# every_entry ARCHIVE ERE: every line of "tar -tv" (UTC dates, numeric
# owners) of ARCHIVE matches ERE.
every_entry() {
	! tar -tvf "$1" --utc --numeric-owner | grep -vE "$2" | sed 's/^/  not matching: /' | grep .
}
# member_has ARCHIVE MEMBER ERE / member_lacks ARCHIVE MEMBER ERE: a line
# of MEMBER of ARCHIVE matches ERE / none does.
member_has() {
	tar -xOf "$1" "$2" | grep -E "$3" >/dev/null || { echo "  no line of $2 matches $3"; return 1; }
}
member_lacks() {
	! tar -xOf "$1" "$2" | grep -E "$3" | sed 's/^/  has: /' | grep .
}
# no_line ERE FILE...: no line of any FILE matches ERE.
no_line() {
	local re=$1
	shift
	! grep -HE "$re" "$@" | sed 's/^/  has: /' | grep .
}
# no_entry DIR ERE: no name in DIR (dotfiles too) matches ERE.
no_entry() {
	! find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' | grep -E "$2" | sed 's/^/  has: /' | grep .
}
# mode_is MODE FILE...: every FILE has octal permissions MODE.
mode_is() {
	local m=$1 f
	shift
	for f in "$@"; do
		[ "$(stat -c %a "$f")" = "$m" ] || { echo "  $f is $(stat -c %a "$f"), not $m"; return 1; }
	done
}
# xz_crc32 ARCHIVE: ARCHIVE is xz, and every stream in it checks with CRC32.
xz_crc32() {
	local s
	s=$(xz --robot -lv "$1" | awk '$1 == "stream"') || return 1
	[ -n "$s" ] || { echo "  $1: no xz stream"; return 1; }
	! grep -v $'\tCRC32\t' <<<"$s" | sed 's/^/  not CRC32: /' | grep .
}
# xz_text_lacks ARCHIVE STRING...: the decompressed ARCHIVE holds no STRING.
xz_text_lacks() {
	local a=$1 s
	shift
	for s in "$@"; do
		if xz -dc "$a" | grep -aF -e "$s" >/dev/null; then
			echo "  $a holds $s"
			return 1
		fi
	done
}

# symvers_packed ARCHIVE BUILD: ARCHIVE's Module.symvers is BUILD's, which
# is not empty.
symvers_packed() {
	[ -s "$2/Module.symvers" ] || { echo "  $2/Module.symvers is empty"; return 1; }
	tar -xOf "$1" ./Module.symvers | cmp - "$2/Module.symvers"
}

# built_nothing LOG: the make output in LOG shows nothing built,
# generated or linked: only the lines Kbuild's own checks print on every
# make.
built_nothing() {
	! grep -E '^  [A-Z]' "$1" |
		grep -vE '^  (GEN     Makefile|DESCEND |CALL |INSTALL libsubcmd_headers)' |
		sed 's/^/  ran: /' | grep .
}

# quiet_make LOG ARGS...: make -s ARGS with its output in LOG, the end of
# which is shown when it fails.
quiet_make() {
	local log=$1
	shift
	make -s "$@" >"$log" 2>&1 || { tail -n 20 "$log" | sed 's/^/  /'; return 1; }
}

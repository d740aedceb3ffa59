# shellcheck shell=bash
# Shared by the test scripts: pass/fail bookkeeping and the closing line.
# A test script sources this, calls ok/bad/check, and ends with summary.

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

KH_PASSED=0
KH_FAILED=0
KH_SKIPPED=0

ok() { KH_PASSED=$((KH_PASSED + 1)); printf 'PASS %s\n' "$*"; }
bad() { KH_FAILED=$((KH_FAILED + 1)); printf 'FAIL %s\n' "$*"; }
skip() { KH_SKIPPED=$((KH_SKIPPED + 1)); printf 'SKIP %s\n' "$*"; }

# check NAME CMD...: pass when CMD exits 0.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}

# summary: the closing line (left to tests/run.sh when it runs us);
# exit status 1 when anything failed.
summary() {
	[ -n "${KH_UNDER_RUNNER:-}" ] ||
		printf '%d passed, %d failed, %d skipped\n' "$KH_PASSED" "$KH_FAILED" "$KH_SKIPPED"
	[ "$KH_FAILED" -eq 0 ]
}

# harness_build VERSION FLAVOR LLVM: build the test kernel of VERSION with
# kheaders =FLAVOR (m or y), with clang and lld when LLVM is 1, and print
# its directory.  Its config fragments are decided here, so that every
# test asking for the same kernel shares one build: ikheaders-y.config for
# =y, linux-VERSION.config when there is one, and bpf.config on the two
# kernels the eBPF test runs on (6.1, and 6.12 with LLVM).
harness_build() {
	local ver=$1 flavor=$2 llvm=$3 cfg=$KH_REPO/tests/configs args
	args=(-v "$ver")
	[ "$flavor" = y ] && args+=(-c "$cfg/ikheaders-y.config")
	[ -f "$cfg/linux-$ver.config" ] && args+=(-c "$cfg/linux-$ver.config")
	[ "$llvm" = 1 ] && args+=(-l)
	if [ "$ver" = 6.1 ] || [ "$llvm" = 1 ]; then
		args+=(-c "$cfg/bpf.config")
	fi
	"$KH_REPO/scripts/build-kernel.sh" "${args[@]}" "$(harness_name "$@")"
}

# harness_name VERSION FLAVOR LLVM: that build's name (its directory under
# $KH_CACHE/build), as the tests' messages show it.
harness_name() {
	if [ "$3" = 1 ]; then echo "$1-$2-llvm"; else echo "$1-$2"; fi
}

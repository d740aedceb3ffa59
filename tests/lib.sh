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

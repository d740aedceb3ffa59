#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the test tiers and print one closing line for all of them.  Each
# suite prints TAP (tests/lib.sh); this counts its results.
#   tests/run.sh          fast tier, then the full tier (kernel builds, QEMU)
#   tests/run.sh --fast   fast tier only (seconds)

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)

suites=(test-fast.sh test-ktap.sh test-install.sh test-fmt.sh)
if [ "${1:-}" != --fast ]; then
	suites+=(test-apply.sh test-staleness.sh test-kbuild.sh "test-kbuild.sh -v 6.1"
		test-series.sh test-reproducible.sh
		"test-guest-workflow.sh" "test-guest-workflow.sh -y" "test-guest-workflow.sh -l"
		"test-guest-workflow.sh -v 6.1" test-guest-dkms.sh
		test-guest-bpf.sh "test-guest-bpf.sh -l"
		test-guest-fs.sh test-guest-stress.sh
		test-guest-debug.sh test-guest-arm64.sh "test-guest-arm64.sh -l")
fi

passed=0 failed=0 skipped=0
for s in "${suites[@]}"; do
	echo "=== tests/$s"
	start=$(date +%s)
	out=$(mktemp)
	# shellcheck disable=SC2086 # the suite name carries its options
	KH_UNDER_RUNNER=1 "$here"/$s 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	# The suite's TAP results (see tests/lib.sh).
	k=$(grep -cE '^ok [0-9]+ .* # SKIP$' "$out")
	p=$(($(grep -cE '^ok [0-9]+ ' "$out") - k))
	f=$(grep -cE '^not ok [0-9]+ ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - tests/$s exited $rc without reporting a failure"
		f=1
	fi
	rm -f "$out"
	echo "=== tests/$s: $p passed, $f failed, $k skipped in $(($(date +%s) - start)) s"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + k))
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

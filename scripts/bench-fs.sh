#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The kheaders filesystem's read performance in a 6.12 guest: each
# workload cold from a fresh mount against cold from a tar -x copy on
# tmpfs (tests/guest/bench-fs.sh), four runs each, alternating.  Prints
# medians, the ratios against the copy with and without its tar -x, and
# how many chunk decodes each mounted run made against how many chunks it
# touched.  The kernel is the 6.12 LLVM=1 test build, which has the bpf()
# syscall and kprobes that bcc needs.
#
# usage: scripts/bench-fs.sh [BUILD_DIR]
#        scripts/bench-fs.sh -s LOG    summarise the console LOG of a run

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib.sh
. "$KH_REPO/tests/lib.sh"

usage="usage: $0 [BUILD_DIR] | -s LOG"
if [ "${1:-}" = -s ]; then
	[ $# -eq 2 ] || die "$usage"
	log=$2
else
	[ $# -le 1 ] || die "$usage"
	build=${1:-$(harness_build 6.12 m 1)}
	build=$(realpath "$build")
	grep -qx CONFIG_IKHEADERS_FS=y "$build/.config" || die "$build has no CONFIG_IKHEADERS_FS"
	log=$build/kh-bench-fs.log
	log "running the benchmark in the guest (about 35 minutes under TCG)"
	"$KH_REPO/scripts/run-guest.sh" -t 5400 -m 2048 "$build" "$KH_REPO/tests/guest/bench-fs.sh" "$log" ||
		die "the guest did not finish; console in $log"
fi
grep -q '^KH-BENCH-DONE' "$log" || die "the benchmark did not finish; console in $log"
if grep '^KH-BENCH-FAIL' "$log"; then
	die "a workload failed; console in $log"
fi
grep '^KH-BENCH-SKIP' "$log" || true

# shellcheck disable=SC2016 # awk, not shell
awk '
function median(list,	a, n, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
$1 == "KH-BENCH" {
	w = $2
	if (!(w in seen)) { seen[w] = 1; order[++nw] = w }
	for (i = 4; i <= NF; i++) {
		split($i, kv, "=")
		v[w, kv[1]] = v[w, kv[1]] " " kv[2]
	}
	if ($4 ~ /^mount=/)
		dec[w] = dec[w] " " substr($5, 9) "/" substr($6, 8)
	if ($4 ~ /^tar=/)
		both[w] = both[w] " " (substr($4, 5) + substr($5, 7))
}
END {
	printf "%-9s %8s %8s %8s %8s %12s %10s  %s\n", "workload", "mount", "tmpfs", "tar -x", "tar+tmpfs",
		"mnt/(tar+t)", "mnt/tmpfs", "decodes/chunks touched, per mounted run"
	for (i = 1; i <= nw; i++) {
		w = order[i]
		m = median(v[w, "mount"]); t = median(v[w, "tmpfs"])
		x = median(v[w, "tar"]); b = median(both[w])
		printf "%-9s %8.2f %8.2f %8.2f %8.2f %12.2f %10.2f %s\n", w, m, t, x, b,
			(b > 0 ? m / b : 0), (t > 0 ? m / t : 0), dec[w]
	}
	print "(seconds, median of each side'"'"'s runs; tar+tmpfs is the median of the per-run sums)"
}' "$log"

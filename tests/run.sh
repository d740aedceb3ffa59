#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the test tiers and print one closing line for all of them.  Each
# suite prints TAP (tests/lib.sh); this counts its results.
#   tests/run.sh          fast tier, then the full tier (kernel builds, QEMU)
#   tests/run.sh --fast   fast tier only (a minute or two)
#
# The full tier runs in three lanes side by side: much of it uses one
# CPU (no-op makes, archive generation, guests building one module under
# emulation), so the other lanes keep the second busy.  A kernel is used
# by one lane at a time, so no build directory is built by two at once:
# a suite that needs a kernel another lane builds waits for that suite
# (after:SUITE).  Kernel builds from the 6.12 tree also wait while
# test-staleness.sh edits it (scripts/lib.sh, tree_lock).  A suite's
# progress lines ("==> ") show as they come, tagged with its name; its
# results show in one block when it ends.

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)

# Five kernels: 6.12 gcc =m (staleness to workflow) and 6.12 clang =y
# (built by the kbuild suite) in lane A; 6.1 gcc =m and the 6.12 debug
# kernel in lane B, which then runs the =y kernel's guests; the
# GKI-shaped arm64 clang 19 kernel in lane C, from the start, so that its
# long emulated guest runs while the other lanes compile.  So split, from
# cold, lanes A and B end together, lane C some minutes before.
lane_a=(test-fast.sh test-btf.sh test-ktap.sh test-install.sh test-fmt.sh)
lane_b=() lane_c=() last=()
if [ "${1:-}" != --fast ]; then
	lane_a+=(test-apply.sh test-staleness.sh test-kbuild.sh test-series.sh
		test-reproducible.sh test-extmod.sh test-guest-workflow.sh)
	lane_b+=("test-kbuild.sh -v 6.1" "test-guest-workflow.sh -v 6.1" test-guest-dkms.sh
		test-guest-bpf.sh test-guest-debug.sh
		after:test-kbuild.sh "test-guest-workflow.sh -y -l" "test-guest-bpf.sh -l")
	lane_c+=("test-guest-arm64.sh -l" "test-extmod.sh -a arm64" "test-extmod.sh -a mips"
		"test-extmod.sh -a arm" "test-extmod.sh -a riscv64" "test-extmod.sh -a ppc64le"
		"test-extmod.sh -a s390x")
	# Once the lanes end: every kernel tree they made is settled.
	last=(test-settled.sh)
fi

state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
# test-settled.sh looks only at the trees made since.
touch "$state/start"
export KH_RUN_START=$state/start

# say: print stdin's lines at once, not between another suite's lines.
say() { flock "$state/print.lock" cat; }

# cpu_seconds FILE: the children's user and system times that bash's
# times wrote to FILE (its last line: 1m2.500s 0m3.250s), added up, in
# whole seconds; "?" when the suite did not get to write them.
cpu_seconds() {
	[ -s "$1" ] || { echo '?'; return; }
	tail -n 1 "$1" | awk '{ for (i = 1; i <= NF; i++) { split($i, t, "m"); s += t[1] * 60 + t[2] } }
		END { printf "%d\n", s + 0.5 }'
}

# run_suite SUITE: run it, show its progress, then its results and counts.
run_suite() {
	local s=$1 out=$state/${1// /_} start=$SECONDS rc p f k
	say <<<"==> [$s] started"
	# The subshell also records the CPU time the suite used, its
	# guests and compilers included (bash's times: children's user, sys).
	# shellcheck disable=SC2086 # the suite name carries its options
	(
		KH_UNDER_RUNNER=1 "$here"/$s
		rc=$?
		times >"$out.cpu"
		exit $rc
	) 2>&1 | tee "$out" |
		while IFS= read -r line; do
			case $line in
			'==> '*) say <<<"==> [$s] ${line#==> }" ;;
			esac
		done
	rc=${PIPESTATUS[0]}
	# The suite's TAP results (see tests/lib.sh).
	k=$(grep -cE '^ok [0-9]+ .* # SKIP$' "$out")
	p=$(($(grep -cE '^ok [0-9]+ ' "$out") - k))
	f=$(grep -cE '^not ok [0-9]+ ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - tests/$s exited $rc without reporting a failure" >>"$out"
		f=1
	fi
	{
		echo "=== tests/$s"
		grep -v '^==> ' "$out"
		echo "=== tests/$s: $p passed, $f failed, $k skipped in $((SECONDS - start)) s, CPU $(cpu_seconds "$out.cpu") s"
	} | say
	echo "$p $f $k" >"$out.counts"
	touch "$out.done"
}

# lane SUITE...: run the suites in turn; after:SUITE waits for SUITE.
lane() {
	local s
	for s in "$@"; do
		case $s in
		after:*)
			s=${s#after:}
			while [ ! -e "$state/${s// /_}.done" ]; do
				sleep 5
			done
			;;
		*) run_suite "$s" ;;
		esac
	done
}

# Each lane in its own process group (job control on): interrupted, this
# stops both whole lanes; and their suites get SIGINT as a foreground
# command would (test-install.sh checks how the installer handles it).
set -m
lane "${lane_a[@]}" &
groups=(-$!)
if [ ${#lane_b[@]} -gt 0 ]; then
	lane "${lane_b[@]}" &
	groups+=(-$!)
	lane "${lane_c[@]}" &
	groups+=(-$!)
	# The arm64 guest root is downloads and unpacking, little CPU: made
	# while the kernels compile, it is ready when the arm64 test asks
	# for it.  If this fails, that test's own attempt reports why.
	"$here/../scripts/build-guest-root.sh" arm64 >"$state/root.log" 2>&1 &
	groups+=(-$!)
fi
set +m
# shellcheck disable=SC2064 # these process groups, now
trap "kill -TERM -- ${groups[*]} 2>/dev/null; exit 130" INT TERM HUP
wait
lane "${last[@]}"

passed=0 failed=0 skipped=0 cpu=0
for s in "${lane_a[@]}" "${lane_b[@]}" "${lane_c[@]}" "${last[@]}"; do
	case $s in after:*) continue ;; esac
	c=$(cpu_seconds "$state/${s// /_}.cpu")
	[ "$c" = '?' ] || cpu=$((cpu + c))
	if read -r p f k 2>/dev/null <"$state/${s// /_}.counts"; then
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + k))
	else
		echo "not ok - tests/$s did not finish"
		failed=$((failed + 1))
	fi
done
echo "=== all suites: $SECONDS s, CPU $cpu s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

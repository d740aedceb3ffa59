# shellcheck shell=bash
# The skeleton of every guest test, sourced after tests/lib.sh:
#   guest_kernel 6.12 m 0      build the kernel (harness_build), or end
#   ...host-side checks on $build...
#   guest_run debug.sh -t 2400 boot it, run tests/guest/debug.sh, forward the
#                              KTAP results the guest printed, require
#                              that it ran to the end and exited 0, that
#                              every result reached the console, and that
#                              the kernel reported nothing
#   summary
# The checks themselves are made in the guest scripts, where the expected
# values are known (tests/guest/ktap.sh); a new one is a change there.

name='' build='' out=''

# guest_kernel VERSION FLAVOR LLVM [ARCH]: build the test kernel
# (harness_build in tests/lib.sh) and set $name and $build; report the
# build, and end the test if it failed.
guest_kernel() {
	name=$(harness_name "$@")
	if ! build=$(harness_build "$@"); then
		bad "$name: kernel build"
		summary
		exit
	fi
	ok "$name: kernel build"
}

# guest_helpers: build the host programs some guest scripts run (they run
# in the guest from the shared host root) into $build; end the test if
# they do not build.
guest_helpers() {
	if ! { gcc -O2 -Wall -pthread -o "$build/kh_readers" "$KH_REPO/tests/guest/kh_readers.c" &&
		gcc -O2 -Wall -o "$build/kh_failnth" "$KH_REPO/tests/guest/kh_failnth.c"; }; then
		bad "$name: guest helpers build"
		summary
		exit
	fi
	ok "$name: guest helpers build"
}

# What fails a guest test in the console log: an oops, BUG or warning,
# a stack dump, or (GUEST_CHECKERS, an ERE, set by a test whose kernel has
# checkers such as KASAN) a checker's report.  Between "KH-FAULTS begin"
# and "KH-FAULTS end", failed allocations print stack dumps by design:
# there, only the reports themselves count.  Between "KH-EXPECTED begin"
# and "KH-EXPECTED end" a guest script provokes a report on purpose (a
# kCFI failure) and checks it itself: nothing there counts.
GUEST_REPORTS='BUG:|Oops|WARNING: CPU|Kernel panic'
GUEST_DUMPS='Call Trace|cut here'
GUEST_CHECKERS=

# guest_run SCRIPT [run-guest.sh options]: run tests/guest/SCRIPT in a
# guest booted from $build, with its console log in $build/kh-SCRIPT.log
# and in $out; forward its results and judge the run.  If the guest did
# not run the script to its end, report that and end the test
# (run-guest.sh has shown the end of the log).
guest_run() {
	local script=$1 log ran=0
	shift
	log=$build/kh-${script%.sh}.log
	"$KH_REPO/scripts/run-guest.sh" "$@" "$build" "$KH_REPO/tests/guest/$script" "$log" || ran=$?
	out=$(tr -d '\r' <"$log" 2>/dev/null)
	forward_ktap
	if [ "$ran" != 0 ]; then
		bad "$name: the guest ran $script to its end"
		summary
		exit
	fi
	ok "$name: the guest ran $script to its end"
	check "$name: $script exited 0" printed_re '^KH-DONE rc=0$'
	check "$name: every result the guest counted reached the console" guest_plan_kept
	check "$name: the kernel log is free of reports" console_clean
	awk -v name="$name" '$1 == "KH-TIME" { printf "%s: guest %s took %.1f s\n", name, $2, $4 - $3 }' <<<"$out" |
		while IFS= read -r l; do log "$l"; done
}

# forward_ktap: the guest's KTAP results as this test's, named after the
# kernel; its diagnostics as they are.
forward_ktap() {
	local line re='^(not ok|ok) [0-9]+ (.*)$' desc
	GUEST_RESULTS=0
	while IFS= read -r line; do
		if [[ $line =~ $re ]]; then
			desc=${BASH_REMATCH[2]}
			GUEST_RESULTS=$((GUEST_RESULTS + 1))
			if [ "${BASH_REMATCH[1]}" = "not ok" ]; then
				bad "$name: $desc"
			elif [[ $desc == *" # SKIP"* ]]; then
				skip "$name: ${desc%% # SKIP*} (${desc#* # SKIP })"
			else
				ok "$name: $desc"
			fi
		elif [[ $line == "# "* && $line != "# Totals: "* ]]; then
			printf '%s\n' "$line"
		fi
	done < <(sed -n '/^KTAP version 1$/,/^KH-DONE /p' <<<"$out")
}

# guest_plan_kept: the guest's plan line counts as many results as were
# forwarded (none lost or broken by kernel messages on the console).
guest_plan_kept() {
	local plan
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' <<<"$out" | tail -n 1)
	[ -n "$plan" ] || { echo "  the guest printed no plan"; return 1; }
	[ "$plan" -gt 0 ] || { echo "  the guest made no checks"; return 1; }
	[ "$plan" = "$GUEST_RESULTS" ] ||
		{ echo "  the guest planned $plan results; $GUEST_RESULTS reached the console"; return 1; }
}

# console_clean: no kernel report in the console log (GUEST_REPORTS and
# the rest, above).
console_clean() {
	local reports=$GUEST_REPORTS${GUEST_CHECKERS:+|$GUEST_CHECKERS}
	! sed -e '/^KH-FAULTS begin/,/^KH-FAULTS end/d' \
		-e '/^KH-EXPECTED begin/,/^KH-EXPECTED end/d' <<<"$out" |
		grep -E "$reports|$GUEST_DUMPS" | head -n 8 | sed 's/^/  /' | grep . || return 1
	! sed -n '/^KH-FAULTS begin/,/^KH-FAULTS end/p' <<<"$out" | grep -E "$reports" |
		head -n 8 | sed 's/^/  while failing allocations: /' | grep .
}

# printed_re ERE...: the guest printed a line matching each ERE.
printed_re() {
	local re
	for re in "$@"; do
		grep -qE "$re" <<<"$out" || { echo "  no guest line matches $re"; return 1; }
	done
}

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fast tier: how the guest tests report, without a guest.  The guest's
# KTAP helpers (tests/guest/ktap.sh) run under dash in a script and a
# script it starts, as in the guest; the host's skeleton
# (tests/guest-test.sh) forwards a console log made here, notices results
# lost on the console, and tells kernel reports from the stack dumps that
# fault injection prints by design.

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/guest-test.sh
. "$(dirname "$0")/guest-test.sh"

need_tools dash
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- the guest's side ---------------------------------------------------------
mkdir -p "$work/tests/guest" "$work/build/include/config"
cp "$KH_REPO/tests/guest/ktap.sh" "$KH_REPO/tests/guest/lib.sh" "$work/tests/guest/"
echo CONFIG_IKHEADERS=m >"$work/build/.config"
echo 6.12.0-kt >"$work/build/include/config/kernel.release"
cat >"$work/tests/guest/top.sh" <<'SH'
KT_AREA=top
. "$(dirname "$0")/lib.sh"
set_x() { x=set; }
kt_check "a command that works" true
kt_check "a command that fails" sh -c 'echo what it said; exit 3'
kt_check "a function runs in this shell" set_x
kt_eq "x was set by it" "$x" set
kt_eq "strings that differ" one two
kt_match "a match" "release $(release)" '^release 6\.12\.0-kt$'
kt_fails "a refusal with its message" 'Permission denied' sh -c 'echo Permission denied >&2; exit 1'
kt_fails "a refusal that did not happen" denied true
kt_prints "a message from a command that works" 'all set' echo all set
kt_skip "not here" "no such device"
kheaders_is_module && kt_pass "the build's .config is read"
sh "$(dirname "$0")/child.sh"
kt_pass "after the child"
SH
cat >"$work/tests/guest/child.sh" <<'SH'
KT_AREA=child
. "$(dirname "$0")/lib.sh"
kt_pass "numbered after its parent's"
SH
cat >"$work/want" <<'TXT'
KTAP version 1
ok 1 top: a command that works
# what it said
# exit status 3: sh -c echo what it said; exit 3
not ok 2 top: a command that fails
ok 3 top: a function runs in this shell
ok 4 top: x was set by it
# got:  one
# want: two
not ok 5 top: strings that differ
ok 6 top: a match
ok 7 top: a refusal with its message
# exit status 0, want fails and /denied/: true
not ok 8 top: a refusal that did not happen
ok 9 top: a message from a command that works
ok 10 top: not here # SKIP no such device
ok 11 top: the build's .config is read
ok 12 child: numbered after its parent's
ok 13 top: after the child
1..13
# Totals: pass:9 fail:3 xfail:0 xpass:0 skip:1 error:0
TXT
mkdir "$work/tmp"
(cd / && env -i PATH="$PATH" HOME="$work" TMPDIR="$work/tmp" KH_BUILD="$work/build" \
	dash "$work/tests/guest/top.sh") >"$work/got" 2>&1
check "guest: results, diagnostics, one numbering across scripts, plan and totals" \
	diff -u "$work/want" "$work/got"
check "guest: the count files are made in \$TMPDIR and removed at the end" \
	no_entry "$work/tmp" .

# --- the host's side ----------------------------------------------------------
# host_sees LOG: what the skeleton makes of a console log: the results it
# forwards, then its verdicts, as "plan ..." and "clean ...".
host_sees() {
	(
		out=$(cat "$1") name=g KH_NUM=1 KH_PASSED=0 KH_FAILED=0 KH_SKIPPED=0
		forward_ktap
		echo "counted $KH_PASSED $KH_FAILED $KH_SKIPPED"
		if guest_plan_kept >/dev/null; then echo "plan kept"; else echo "plan broken"; fi
		if console_clean >/dev/null; then echo "clean yes"; else echo "clean no"; fi
	)
}
{
	echo "[    0.000000] Linux version 6.12.0-kt"
	echo "KH-BOOTED 6.12.0-kt 0.9"
	cat "$work/got"
	echo "KH-DONE rc=0"
} >"$work/console"
host_sees "$work/console" >"$work/seen"
check "host: each guest result forwarded under the kernel's name" \
	has_lines "$work/seen" '^ok 2 g: top: a command that works$' '^not ok 3 g: top: a command that fails$' \
		'^ok 11 g: top: not here \(no such device\) # SKIP$' '^# exit status 3: '
check "host: counts 9 passed, 3 failed, 1 skipped, and the plan" \
	has_lines "$work/seen" '^counted 9 3 1$' '^plan kept$' '^clean yes$'
check "host: the guest's totals line is not forwarded" no_line '^# Totals' "$work/seen"

# A result that did not reach the console is noticed.
grep -vx 'ok 6 top: a match' "$work/console" >"$work/lost"
host_sees "$work/lost" >"$work/seen"
check "host: a result lost on the console breaks the plan" has_lines "$work/seen" '^plan broken$'
grep -v '^1\.\.' "$work/console" >"$work/noplan"
host_sees "$work/noplan" >"$work/seen"
check "host: no plan (the script died) breaks it too" has_lines "$work/seen" '^plan broken$'

# Kernel reports: anywhere, and inside the fault phase only the reports,
# not the stack dumps of failed allocations.  verdict_after LINE...: the
# host's verdict on the console with LINEs added at its end.
verdict_after() {
	{ cat "$work/console"; printf '%s\n' "$@"; } >"$work/added"
	host_sees "$work/added" | grep '^clean '
}
in_faults() { verdict_after "KH-FAULTS begin" "$1" "KH-FAULTS end"; }
check "host: a BUG in the console fails the run" \
	test "$(verdict_after '[   20.0] BUG: kernel NULL pointer dereference')" = "clean no"
check "host: a stack dump while failing allocations does not" \
	test "$(in_faults '[   21.0] Call Trace:')" = "clean yes"
check "host: one outside the fault phase does" \
	test "$(verdict_after '[   22.0] Call Trace:')" = "clean no"
check "host: a checker's report inside the fault phase does, when it names the checkers" \
	test "$(GUEST_CHECKERS=UBSAN in_faults '[   23.0] UBSAN: shift-out-of-bounds in x')" = "clean no"
check "host: (which it must: UBSAN is no report of its own)" \
	test "$(in_faults '[   23.0] UBSAN: shift-out-of-bounds in x')" = "clean yes"

# --- TAP harnesses ------------------------------------------------------------
# What a suite prints (tests/lib.sh), as prove (perl's TAP harness) reads
# it: the guest's results forwarded, and a failure counted as one.
if command -v prove >/dev/null; then
	(
		KH_NUM=0 KH_PASSED=0 KH_FAILED=0 KH_SKIPPED=0 KH_UNDER_RUNNER=1
		out=$(cat "$work/console") name=g
		forward_ktap
		summary
	) >"$work/suite.tap"
	(cd "$work" && prove -v -e cat suite.tap) >"$work/prove.out" 2>&1
	check "prove reads a suite's output: 13 results, 3 of them failed" \
		has_lines "$work/prove.out" '^Failed 3/13 subtests' '^Result: FAIL$'
	sed -i 's/^not ok /ok /' "$work/suite.tap"
	(cd "$work" && prove -e cat suite.tap) >"$work/prove.out" 2>&1
	check "prove: and the same without the failures passes" has_lines "$work/prove.out" '^Result: PASS$'
else
	skip "prove not installed"
fi
summary

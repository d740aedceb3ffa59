# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-only
# KTAP results, printed by the guest scripts where the expected values are
# known (the build directory is shared with the guest as $KH_BUILD):
#   ok N AREA: description
#   not ok N AREA: description      after "# " lines saying what was found
#   ok N AREA: description # SKIP reason
# A script and the scripts it runs share one numbering: the counts live in
# a file in $TMPDIR (the guest's /tmp).  The first script to source this
# prints the version line, and when it exits the plan and the totals (at
# the end, as TAP 13 allows: the number of checks depends on what the
# guest finds).
# The host (tests/guest-test.sh) forwards the results and counts them.
# Sourced (through tests/guest/lib.sh); AREA is $KT_AREA, set by each
# script.

# kt_result STATUS DESCRIPTION [DIRECTIVE]: one numbered result line.
kt_result() {
	read -r _kt_n _kt_p _kt_f _kt_s <"$KH_KTAP"
	_kt_n=$((_kt_n + 1))
	case $1-${3:-} in
	ok-) _kt_p=$((_kt_p + 1)) ;;
	ok-*) _kt_s=$((_kt_s + 1)) ;;
	*) _kt_f=$((_kt_f + 1)) ;;
	esac
	echo "$_kt_n $_kt_p $_kt_f $_kt_s" >"$KH_KTAP"
	echo "$1 $_kt_n ${KT_AREA:+$KT_AREA: }$2${3:+ # $3}"
}
kt_pass() { kt_result ok "$1"; }
kt_fail() { kt_result "not ok" "$1"; }
# kt_skip DESCRIPTION REASON
kt_skip() { kt_result ok "$1" "SKIP $2"; }

# kt_diag: standard input as diagnostic lines.
kt_diag() { sed 's/^/# /'; }

# kt_finish: the plan and the totals; the counts' files go.
kt_finish() {
	read -r _kt_n _kt_p _kt_f _kt_s <"$KH_KTAP"
	echo "1..$_kt_n"
	echo "# Totals: pass:$_kt_p fail:$_kt_f xfail:0 xpass:0 skip:$_kt_s error:0"
	rm -f "$KH_KTAP" "$KH_KTAP.out"
}

if [ -z "${KH_KTAP:-}" ]; then
	KH_KTAP=$(mktemp -t kh-ktap.XXXXXX) || exit 1
	export KH_KTAP
	echo "0 0 0 0" >"$KH_KTAP"
	echo "KTAP version 1"
	trap kt_finish EXIT
fi

# kt_check DESCRIPTION CMD...: pass when CMD exits 0.  CMD runs in this
# shell (a function may set variables); its output is kept, and shown
# only when it fails.  Returns CMD's status.
kt_check() {
	_kt_d=$1
	shift
	"$@" >"$KH_KTAP.out" 2>&1
	_kt_rc=$?
	if [ $_kt_rc = 0 ]; then
		kt_pass "$_kt_d"
	else
		{ tail -n 25 "$KH_KTAP.out"; echo "exit status $_kt_rc: $*"; } | kt_diag
		kt_fail "$_kt_d"
	fi
	return $_kt_rc
}

# kt_eq DESCRIPTION GOT WANT: pass when the strings are equal.
kt_eq() {
	if [ "$2" = "$3" ]; then
		kt_pass "$1"
	else
		printf 'got:  %s\nwant: %s\n' "$2" "$3" | kt_diag
		kt_fail "$1"
		return 1
	fi
}

# kt_match DESCRIPTION GOT ERE: pass when GOT matches the extended
# regular expression ERE.
kt_match() {
	if printf '%s\n' "$2" | grep -qE -- "$3"; then
		kt_pass "$1"
	else
		printf 'got:  %s\nwant: /%s/\n' "$2" "$3" | kt_diag
		kt_fail "$1"
		return 1
	fi
}

# kt_said DESCRIPTION STATUS ERE CMD...: pass when CMD exits 0 (STATUS
# ok) or not (STATUS fails), and its output matches ERE.
kt_said() {
	_kt_d=$1 _kt_want=$2 _kt_re=$3
	shift 3
	_kt_o=$("$@" 2>&1)
	_kt_rc=$?
	if { [ $_kt_rc = 0 ] && [ "$_kt_want" = ok ]; } ||
		{ [ $_kt_rc != 0 ] && [ "$_kt_want" = fails ]; }; then
		if printf '%s\n' "$_kt_o" | grep -qE -- "$_kt_re"; then
			kt_pass "$_kt_d"
			return
		fi
	fi
	{ [ -z "$_kt_o" ] || printf '%s\n' "$_kt_o" | tail -n 5
	  echo "exit status $_kt_rc, want $_kt_want and /$_kt_re/: $*"; } | kt_diag
	kt_fail "$_kt_d"
}
# kt_prints DESCRIPTION ERE CMD...: CMD exits 0, saying ERE.
kt_prints() { _kt_p1=$1; shift; kt_said "$_kt_p1" ok "$@"; }
# kt_fails DESCRIPTION ERE CMD...: CMD fails, saying ERE (say, the error
# message a refusal must give).
kt_fails() { _kt_p1=$1; shift; kt_said "$_kt_p1" fails "$@"; }

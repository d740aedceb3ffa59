# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-only
# Shared by the guest scripts (sourced from tests/guest/).

# step NAME CMD...: run CMD, print "KH-STEP NAME rc=N" for the host side.
step() {
	name=$1
	shift
	echo "KH-RUN $name: $*"
	"$@"
	rc=$?
	echo "KH-STEP $name rc=$rc"
	return $rc
}

# now: seconds since boot, for the KH-TIME lines.
now() { cut -d' ' -f1 /proc/uptime; }

# timed_step NAME CMD...: step, with a KH-TIME line for how long it took.
timed_step() {
	t0=$(now)
	step "$@"
	rc=$?
	echo "KH-TIME $1 $t0 $(now)"
	return $rc
}

# loaded: whether kheaders is loaded, as yes or no.
loaded() { grep -q '^kheaders ' /proc/modules && echo yes || echo no; }

# private_modules: a writable copy of /lib/modules in its place (the
# host's, shared over 9p, is read-only here).
private_modules() {
	mkdir -p /tmp/lm && cp -a /lib/modules/. /tmp/lm/ && mount --bind /tmp/lm /lib/modules
}

# wait_for FILE PATTERN SECONDS: until a line of FILE matches PATTERN;
# fails after SECONDS.
wait_for() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le "$3" ] || return 1
		sleep 1
	done
}

# logged LOG CMD...: run CMD with its output in LOG; show the end of LOG
# when it fails.
logged() {
	lg=$1
	shift
	"$@" >"$lg" 2>&1
	rc=$?
	[ $rc = 0 ] || tail -n 20 "$lg"
	return $rc
}

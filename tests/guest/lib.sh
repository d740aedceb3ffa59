# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-only
# Shared by the guest scripts (sourced from tests/guest/): their KTAP
# results (ktap.sh) and small helpers.

# shellcheck source=tests/guest/ktap.sh
. "$(dirname "$0")/ktap.sh"

# now: seconds since boot, for the KH-TIME lines.
now() { cut -d' ' -f1 /proc/uptime; }

# timed_check DESCRIPTION TAG CMD...: kt_check, and a "KH-TIME TAG START
# END" line for the figures the host logs.
timed_check() {
	_t_d=$1 _t_tag=$2
	shift 2
	_t0=$(now)
	kt_check "$_t_d" "$@"
	_t_rc=$?
	echo "KH-TIME $_t_tag $_t0 $(now)"
	return $_t_rc
}

# sha FILE: its SHA-256.
sha() { sha256sum <"$1" | cut -c1-64; }

# release: the release of the kernel under test, as its build wrote it.
release() { cat "$KH_BUILD/include/config/kernel.release"; }

# kheaders_is_module: the kernel under test has kheaders as a module.
kheaders_is_module() { grep -qx 'CONFIG_IKHEADERS=m' "$KH_BUILD/.config"; }

# config_on OPTION: CONFIG_OPTION=y in the kernel under test.
config_on() { grep -qx "CONFIG_$1=y" "$KH_BUILD/.config"; }

# yes_no TEST...: "yes" when test(1) says so, else "no".
yes_no() { if test "$@"; then echo yes; else echo no; fi; }

# loaded: whether kheaders is loaded, as yes or no.
loaded() { grep -q '^kheaders ' /proc/modules && echo yes || echo no; }

# stat_of FIELD: the kheaders filesystem's decode counter FIELD (debugfs).
stat_of() { awk -v k="$1" '$1 == k { print $2 }' /sys/kernel/debug/kheaders/stats; }

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

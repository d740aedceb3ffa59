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

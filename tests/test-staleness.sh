#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: on a real prepared 6.12 build (=m), check that Kbuild rebuilds
# the kheaders archive exactly when its content could differ, and that an
# interrupted generation never leaves a truncated archive.  Every change
# made to the source or build tree is undone before the next case.

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

build=$(harness_build 6.12 m 0) || { bad "6.12-m: kernel build"; summary; exit; }
# The edits below are undone at exit; no kernel is built from this tree
# meanwhile (scripts/build-kernel.sh takes the lock shared).
tree_lock 6.12 -x
tree=$(patched_tree 6.12)
archive=$build/kernel/kheaders_data.tar.xz
work=$(mktemp -d)
probe=$tree/include/linux/kheaders-probe.h
probe2=$tree/include/linux/kheaders-probe2.h
stale=$tree/include/generated/kheaders-stale.h
gprobe=$build/include/generated/kheaders-probe.h
cp "$build/.config" "$work/config.start"
cleanup() {
	cmp -s "$work/config.start" "$build/.config" || cp "$work/config.start" "$build/.config"
	rm -rf "$work" "$probe" "$probe2" "$stale" "$gprobe"
	rmdir "$tree/include/generated" 2>/dev/null
	"$KH_REPO/scripts/apply.sh" "$tree" >/dev/null
}
trap cleanup EXIT

# mk [VAR=VALUE...]: a full kernel build; sets $gen to 1 when the archive
# was regenerated (GEN line printed and archive replaced), else 0.
mk() {
	local before after
	before=$(stat -c %i.%Y "$archive" 2>/dev/null)
	kernel_make "$tree" "$build" bzImage modules "$@" >"$work/make.log" 2>&1 ||
		{ tail -n 20 "$work/make.log"; gen=error; return 1; }
	after=$(stat -c %i.%Y "$archive")
	if grep -q 'GEN     kernel/kheaders_data.tar.xz' "$work/make.log" &&
		[ "$before" != "$after" ]; then
		gen=1
	else
		gen=0
	fi
}
# expect WANT NAME: WANT is 1 (rebuilt) or 0 (left alone).
expect() {
	local what=rebuilt
	[ "$1" = 0 ] && what="left alone"
	if [ "$gen" = "$1" ]; then ok "$2: archive $what"; else bad "$2: archive $what (gen=$gen)"; fi
}
# member PATH: print a file from the archive.
member() { tar -xOf "$archive" "./$1" 2>/dev/null; }

# The first make picks up whatever changed in the overlay; the next one
# must build nothing at all.
mk
t0=$(date +%s.%N)
mk
expect 0 "no-op make"
check "no-op make: nothing built, generated, linked or modposted" built_nothing "$work/make.log"
log "no-op make: $(echo "$(date +%s.%N) - $t0" | bc | cut -c1-5) s in all"

echo 'int kheaders_probe;' >"$probe"
mk
expect 1 "header added"
check "added header is in the archive" grep -q kheaders_probe < <(member include/linux/kheaders-probe.h)

# Same size, same second: only a nanosecond mtime tells it apart.
echo 'int kheaders_pr0be;' >"$probe"
mk
expect 1 "header edited to the same size at once"
check "edited header content is in the archive" grep -q kheaders_pr0be < <(member include/linux/kheaders-probe.h)

mv "$probe" "$probe2"
mk
expect 1 "header renamed"
check "renamed header is in the archive under its new name" lists "$archive" 'kheaders-probe2\.h$'
check "... and not under its old one" lists_no "$archive" 'kheaders-probe\.h$'

rm "$probe2"
mk
expect 1 "header deleted"
check "deleted header is gone from the archive" lists_no "$archive" kheaders-probe
mk
expect 0 "no-op make after the header cases"
check "no-op make after the header cases: nothing built" built_nothing "$work/make.log"

# An editor's swap file, which is never packed, appearing and going in a
# directory of headers: nothing is packed again (the files packed are
# the inputs, not the directories' mtimes).
echo swap >"${probe%/*}/.kheaders-probe.h.swp"
mk
check "an editor's swap file appears in include/linux: nothing built" built_nothing "$work/make.log"
rm -f "${probe%/*}/.kheaders-probe.h.swp"
mk
check "... and goes: nothing built" built_nothing "$work/make.log"

# A generated header changed (prepare writes it back; either way the
# archive must follow the object tree).
echo '/* probe */' >>"$build/include/generated/timeconst.h"
mk
expect 1 "generated header changed"
cp "$build/include/generated/timeconst.h" "$work/timeconst.h"
"$build/kernel/kheaders_strip" "$work/timeconst.h"
check "archive's timeconst.h equals the build's (comments stripped)" \
	cmp -s <(member include/generated/timeconst.h) "$work/timeconst.h"

# A generated header appears in the object tree, as a new option's or
# an asm-generic wrapper would, and goes: the object tree's list of
# files changes, so the archive follows.
echo '#define KHEADERS_GENERATED_PROBE 1' >"$gprobe"
mk
expect 1 "generated header added"
check "added generated header is in the archive" \
	grep -q KHEADERS_GENERATED_PROBE < <(member include/generated/kheaders-probe.h)
rm -f "$gprobe"
mk
expect 1 "generated header removed"
check "removed generated header is gone from the archive" \
	lists_no "$archive" 'generated/kheaders-probe\.h$'

# .config changed: the new release string must reach autoconf.h,
# kernel.release and utsrelease.h in the archive.
cp "$build/.config" "$work/config.orig"
"$tree/scripts/config" --file "$build/.config" --set-str LOCALVERSION -khprobe
mk
expect 1 ".config changed"
check "archive's kernel.release follows .config" grep -qx '.*-khprobe' < <(member include/config/kernel.release)
check "archive's autoconf.h follows .config" grep -q 'CONFIG_LOCALVERSION "-khprobe"' < <(member include/generated/autoconf.h)
cp "$work/config.orig" "$build/.config"
mk
expect 1 ".config changed back"
check "archive's autoconf.h is back" member_lacks "$archive" ./include/generated/autoconf.h khprobe

# The generator itself changed.
gen_sh=$tree/kernel/gen_kheaders.sh
cp "$gen_sh" "$work/gen.sh" && echo '# probe' >>"$work/gen.sh" && mv "$work/gen.sh" "$gen_sh"
mk
expect 1 "generator changed"
"$KH_REPO/scripts/apply.sh" "$tree" >/dev/null
mk
expect 1 "generator restored"

# KBUILD_BUILD_TIMESTAMP sets every mtime; changing or dropping it rebuilds.
mk KBUILD_BUILD_TIMESTAMP="2024-02-03 04:05:06 UTC"
expect 1 "KBUILD_BUILD_TIMESTAMP set"
check "every entry dated by KBUILD_BUILD_TIMESTAMP" every_entry "$archive" ' 2024-02-03 04:05 '
mk KBUILD_BUILD_TIMESTAMP="2024-02-03 04:05:06 UTC"
expect 0 "same KBUILD_BUILD_TIMESTAMP again"
mk
expect 1 "KBUILD_BUILD_TIMESTAMP dropped"

# Stale generated headers in the source tree (from an earlier in-tree
# build) are never packed, and changing them rebuilds nothing.
mkdir -p "$tree/include/generated"
echo '#error stale' >"$stale"
mk
echo '#error stale, changed' >"$stale"
mk
expect 0 "stale generated header in the source tree changed"
check "stale source-tree generated header is not packed" lists_no "$archive" kheaders-stale
rm -f "$stale"
rmdir "$tree/include/generated"
mk

# Interrupted generation: stop make while the generator works.  SIGTERM,
# as a background job ignores SIGINT; Kbuild and the generator treat
# both alike.
echo 'int kheaders_probe;' >"$probe"
# shellcheck disable=SC2016 # expanded by the inner bash
setsid bash -c "$(declare -p KH_MAKE_VARS); $(declare -f kernel_make); KH_JOBS=$KH_JOBS"' kernel_make "$1" "$2" bzImage modules' \
	_ "$tree" "$build" \
	>"$work/int.log" 2>&1 &
pid=$!
for _ in $(seq 600); do
	[ -d "$build/kernel/.kheaders_stage" ] && break
	sleep 0.1
done
sleep 2
kill -TERM -- -"$pid" 2>/dev/null
wait "$pid"
int_rc=$?
# The generator's own cleanup may still be running.
for _ in $(seq 100); do
	pgrep -f kernel/gen_kheaders.sh >/dev/null || break
	sleep 0.1
done
check "interrupted: make stopped, failing" [ "$int_rc" -ne 0 ]
check "interrupted: no temporary files left" \
	no_entry "$build/kernel" 'kheaders_data\.tar\.xz\.tmp|kheaders_stage'
if [ -e "$archive" ]; then
	check "interrupted: the archive left behind is complete" xz -t "$archive"
else
	ok "interrupted: no archive left behind"
fi
mk
expect 1 "make after an interrupted generation"
check "archive after the interruption is complete" xz -t "$archive"
check "... and current" lists "$archive" 'kheaders-probe\.h$'
rm -f "$probe"
mk
expect 1 "probe removed"

summary

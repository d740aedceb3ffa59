#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: scripts/apply.sh on fresh copies of Debian's 6.12 and 6.1
# sources.
# Afterwards every IKHEADERS symbol, rule and file is ours; a second run
# changes nothing; trees it cannot handle are refused with a reason.

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

pristine=$(pristine_tree 6.12)
work=$KH_CACHE/src/apply-test
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
t=$work/linux
cp -al "$pristine" "$t"
rm -f "$t/.kh-extracted"

check "apply.sh succeeds on Debian's 6.12 source" "$KH_REPO/scripts/apply.sh" "$t"
ours=(kernel/kheaders.c kernel/kheaders.h kernel/kheaders_strip.c kernel/gen_kheaders.sh \
	kernel/kheaders.manifest \
	kernel/Makefile.kheaders kernel/kheaders_data.S \
	kernel/kheaders_pack.sh kernel/kheaders_btf.sh kernel/kheaders_mkindex.c kernel/kheaders_fmt.c kernel/kheaders_fmt.h \
	kernel/kheaders_super.c kernel/kheaders_fs_time.h \
	kernel/Kconfig.kheaders Documentation/admin-guide/kheaders.rst \
	Documentation/ABI/testing/procfs-kheaders Documentation/ABI/testing/sysfs-kernel-kheaders \
	Documentation/ABI/testing/debugfs-kheaders Documentation/ABI/testing/kheaders-fs)
for f in "${ours[@]}"; do
	check "$f is ours" cmp -s "$KH_REPO/$f" "$t/$f"
done
# maintained FILE...: MAINTAINERS' kheaders entry names each FILE, and
# each file it names is in the tree.
maintained() {
	local entry f rc=0
	entry=$(awk '/^KHEADERS:/ { on = 1 } on && /^$/ { exit } on && sub(/^F:\t/, "")' "$t/MAINTAINERS")
	for f in "$@"; do
		grep -qxF "$f" <<<"$entry" || { echo "  not in MAINTAINERS: $f"; rc=1; }
	done
	while read -r f; do
		[ -e "$t/$f" ] || { echo "  MAINTAINERS names a missing $f"; rc=1; }
	done <<<"$entry"
	return $rc
}
check "MAINTAINERS' entry names every file of ours, and only files that exist" \
	maintained "${ours[@]}"
check "the admin guide's index lists kheaders once" \
	test "$(grep -cx '   kheaders' "$t/Documentation/admin-guide/index.rst")" = 1
# The files of Kbuild's top level that get a paragraph of ours.
spliced="Makefile scripts/Makefile.modfinal scripts/Makefile.vmlinux scripts/link-vmlinux.sh
	include/uapi/linux/magic.h MAINTAINERS"
# spliced_text FILE: the paragraphs of FILE that mention kheaders.
spliced_text() { awk 'BEGIN { RS = "" } tolower($0) ~ /kheaders/' "$1"; }
# has_splice TREE: each of those files holds its splice/ paragraph, once,
# and nothing else of ours.
has_splice() {
	local f
	for f in $spliced; do
		[ "$(spliced_text "$1/$f")" = "$(cat "$KH_REPO/splice/$f")" ] ||
			{ echo "  $f: not the paragraph of splice/$f, once"; return 1; }
	done
}
# only_ours_added TREE FILE...: each FILE of TREE is Debian's but for our
# paragraph, which is the splice/ one.
only_ours_added() {
	local t=$1 f
	shift
	has_splice "$t" || return 1
	for f in "$@"; do
		cmp -s <(awk 'BEGIN { RS = ""; ORS = "\n\n" } tolower($0) !~ /kheaders/' "$t/$f") \
			<(awk 'BEGIN { RS = ""; ORS = "\n\n" } 1' "$pristine/$f") ||
			{ echo "  $f differs from Debian's beyond our paragraph"; return 1; }
	done
}
# stands_alone TREE: what apply.sh put in TREE never mentions this
# repository's scripts, tests or compat directories.
stands_alone() {
	local f hits
	hits=$(cd "$1" && {
		for f in kernel/kheaders* kernel/gen_kheaders.sh kernel/Kconfig.kheaders \
			Documentation/admin-guide/kheaders.rst Documentation/ABI/testing/*kheaders* \
			kernel/Makefile.kheaders; do
			sed "s|^|$f: |" "$f"
		done
		sed -n '/^# kheaders (CONFIG_IKHEADERS):/,$s|^|spliced: |p' kernel/Makefile
		for f in $spliced; do
			spliced_text "$f" | sed "s|^|$f: |"
		done
	} | grep -E 'apply\.sh|overlay|tests/|compat/|scripts/kheaders-install')
	[ -z "$hits" ] || { printf '  %s\n' "${hits//$'\n'/$'\n'  }"; return 1; }
}
check "the files it installs stand alone (no mention of this repository)" stands_alone "$t"
# one_ikheaders TREE: the only Kconfig file of TREE defining IKHEADERS is
# kernel/Kconfig.kheaders.
one_ikheaders() {
	local found
	found=$(grep -rl --include='Kconfig*' '^config IKHEADERS$' "$1")
	[ "$found" = "$1/kernel/Kconfig.kheaders" ] || { echo "  defined in: $found"; return 1; }
}
# no_mainline_rule TREE: outside our splice, kernel/Makefile of TREE
# mentions no kheaders.
no_mainline_rule() {
	! sed '/^# kheaders (CONFIG_IKHEADERS):/,$d' "$1/kernel/Makefile" | grep -i 'kheaders' |
		sed 's/^/  left: /' | grep .
}
# rewrote_nothing TREE STAMP OUTPUT: no file of TREE is newer than STAMP,
# and apply.sh's OUTPUT names no installed file.
rewrote_nothing() {
	local newer
	newer=$(find "$1" -type f -newer "$2" | head -n 5)
	[ -z "$newer" ] || { echo "  rewritten: $newer"; return 1; }
	! grep installed <<<"$3"
}
check "exactly one 'config IKHEADERS', in kernel/Kconfig.kheaders" one_ikheaders "$t"
check "init/Kconfig sources ours" grep -qx 'source "kernel/Kconfig.kheaders"' "$t/init/Kconfig"
check "no mainline kheaders rule left in kernel/Makefile" no_mainline_rule "$t"
check "no mainline stamp file, cpio or md5 in the tree's kheaders" \
	no_line 'kheaders\.md5|cpio|md5sum' "$t/kernel/Makefile" "$t/kernel/gen_kheaders.sh" "$t/kernel/.gitignore"
check "the top Makefile, Makefile.modfinal, Makefile.vmlinux and link-vmlinux.sh have our paragraph once" \
	has_splice "$t"
check "the pristine tree is untouched (hard links not written through)" \
	has_lines "$pristine/kernel/gen_kheaders.sh" cpio
check "... and its init/Kconfig still has mainline's entry" has_lines "$pristine/init/Kconfig" '^config IKHEADERS$'

touch "$work/stamp"
sleep 1
out=$("$KH_REPO/scripts/apply.sh" "$t" 2>&1)
check "a second run succeeds" test $? -eq 0
check "a second run rewrites nothing" rewrote_nothing "$t" "$work/stamp" "$out"

# Linux 6.1: the same, with the pre-6.7 inode timestamp helper.
t61=$work/linux-6.1
cp -al "$(pristine_tree 6.1)" "$t61"
check "apply.sh succeeds on Debian's 6.1 source" "$KH_REPO/scripts/apply.sh" "$t61"
check "6.1 gets the compat kheaders_fs_time.h" \
	cmp -s "$KH_REPO/compat/6.1/kernel/kheaders_fs_time.h" "$t61/kernel/kheaders_fs_time.h"
check "6.1: exactly one 'config IKHEADERS'" one_ikheaders "$t61"
check "6.1: the top Makefile, Makefile.modfinal, Makefile.vmlinux and link-vmlinux.sh have our paragraph once" \
	has_splice "$t61"

# Refusals, each with a reason.
mkdir -p "$work/old"
cp -al "$pristine" "$work/old/linux"
sed 's/^PATCHLEVEL = .*/PATCHLEVEL = 19/; s/^VERSION = .*/VERSION = 4/' "$pristine/Makefile" >"$work/old/Makefile"
mv "$work/old/Makefile" "$work/old/linux/Makefile"
msg=$("$KH_REPO/scripts/apply.sh" "$work/old/linux" 2>&1)
check "refuses an unsupported version, saying so" grep -q "Linux 4.19 is not supported" <<<"$msg"
cp "$pristine/Makefile" "$work/old/Makefile" && mv "$work/old/Makefile" "$work/old/linux/Makefile"
grep -v '^config IKHEADERS$' "$pristine/init/Kconfig" >"$work/old/Kconfig"
mv "$work/old/Kconfig" "$work/old/linux/init/Kconfig"
msg=$("$KH_REPO/scripts/apply.sh" "$work/old/linux" 2>&1)
check "refuses an init/Kconfig it does not know, saying so" grep -q "init/Kconfig has neither" <<<"$msg"
# Failures leave the tree as it was.  A small tree of the files apply.sh
# reads and writes, from Debian's 6.12, spoilt one way each time.
mini_tree() {
	rm -rf "$1"
	mkdir -p "$1/init" "$1/kernel" "$1/scripts" "$1/Documentation/admin-guide" \
		"$1/include/uapi/linux"
	for f in Makefile init/Kconfig kernel/Makefile kernel/.gitignore scripts/module.lds.S \
		Documentation/admin-guide/index.rst $spliced; do
		cp "$pristine/$f" "$1/$f"
	done
}
tree_sum() {
	(cd "$1" && find . -type f | sort | xargs sha256sum) | sha256sum
}
# refused NAME MESSAGE APPLY TREE: APPLY refuses TREE saying MESSAGE, and
# changes no file of it.
refused() {
	local name=$1 want=$2 apply=$3 dir=$4 before msg
	before=$(tree_sum "$dir")
	msg=$("$apply" "$dir" 2>&1)
	check "$name: refused, saying so" grep -q "$want" <<<"$msg"
	check "$name: the tree is untouched" test "$(tree_sum "$dir")" = "$before"
}
m=$work/mini
mini_tree "$m"
sed -i 's/call cmd,genikh/call if_changed,genikh/' "$m/kernel/Makefile"
refused "mainline's recipe in another form" "recipe, or an earlier splice, does not end" "$KH_REPO/scripts/apply.sh" "$m"
mini_tree "$m"
sed -i '/^   kernel-per-CPU-kthreads$/d' "$m/Documentation/admin-guide/index.rst"
refused "an admin-guide index without the entry ours follows" "no 'kernel-per-CPU-kthreads' entry" "$KH_REPO/scripts/apply.sh" "$m"
mini_tree "$m"
echo '# kheaders: a local note' >>"$m/kernel/Makefile"
refused "a local line naming kheaders in kernel/Makefile" "rules this script does not know" "$KH_REPO/scripts/apply.sh" "$m"
mini_tree "$m"
sed -i 's|init/version-timestamp\.o"$|& # changed|' "$m/scripts/link-vmlinux.sh"
refused "a changed link line in link-vmlinux.sh" "scripts/link-vmlinux.sh is not as expected" "$KH_REPO/scripts/apply.sh" "$m"
mini_tree "$m"
# An older overlay ran kernel/ again from the top Makefile's modpost rule.
awk '{ print } /^\t\$\(Q\)\$\(MAKE\) -f \$\(srctree\)\/scripts\/Makefile\.modpost$/ {
	print "# >>> kheaders: pack Module.symvers"; print "\t$(Q)echo kheaders-final=1"; print "# <<< kheaders" }' \
	"$pristine/Makefile" >"$m/Makefile"
check "a tree with an older overlay's modpost hook: apply.sh succeeds" "$KH_REPO/scripts/apply.sh" "$m"
check "... the hook is gone, the rest is as it was, and ours is spliced" \
	only_ours_added "$m" Makefile
check "... and the same holds for the other files it splices" \
	only_ours_added "$m" scripts/Makefile.modfinal scripts/Makefile.vmlinux scripts/link-vmlinux.sh \
		include/uapi/linux/magic.h MAINTAINERS
mini_tree "$m"
mini_tree "$m"
sed -i 's/^PATCHLEVEL = .*/PATCHLEVEL = 6/' "$m/Makefile"
refused "Linux 6.6, which no test builds" "Linux 6.6 is not supported (6.1 and 6.12 are)" "$KH_REPO/scripts/apply.sh" "$m"
mini_tree "$m"
if unshare -m true 2>/dev/null; then
	before=$(tree_sum "$m")
	# shellcheck disable=SC2016 # expanded by the inner sh
	msg=$(unshare -m sh -c 'mount --bind "$1/kernel" "$1/kernel" && mount -o remount,bind,ro "$1/kernel" &&
		"$2" "$1"' _ "$m" "$KH_REPO/scripts/apply.sh" 2>&1)
	check "read-only kernel/: refused, saying so" grep -q "cannot write .*kernel/.*read-only tree" <<<"$msg"
	check "read-only kernel/: the tree is untouched" test "$(tree_sum "$m")" = "$before"
else
	skip "read-only kernel/: no mount namespace here"
fi

# A nearly full disk (a small tmpfs holding the tree, filled up to FREE
# KiB): wherever a write fails, apply.sh says so and changes nothing,
# leaving no copy behind; with the room back, the same tree applies.
full_refused() {
	! grep -qx 'status 0' <<<"$res" && grep -q 'nothing was changed' "$work/full.log"
}
full_untouched() { grep -qx unchanged <<<"$res" && ! grep -q '^left' <<<"$res"; }
if unshare -m true 2>/dev/null; then
	export -f mini_tree tree_sum
	export pristine spliced
	for free in 150 250 400 700; do
		mkdir -p "$work/full"
		# shellcheck disable=SC2016 # expanded by the inner bash
		res=$(unshare -m --propagation private bash -c '
			mount -t tmpfs -o size=8m none "$2" || exit 2
			mini_tree "$2/t"
			before=$(tree_sum "$2/t")
			avail=$(df --output=avail -B1K "$2" | tail -n 1)
			fallocate -l $(((avail - $3) * 1024)) "$2/filler" || exit 2
			"$1/scripts/apply.sh" "$2/t" >"$4" 2>&1
			echo "status $?"
			[ "$(tree_sum "$2/t")" = "$before" ] && echo unchanged
			find "$2/t" -name "*.kh-new" -printf "left %P\n"
			rm "$2/filler"
			"$1/scripts/apply.sh" "$2/t" >/dev/null 2>&1 && echo "then applied"' \
			_ "$KH_REPO" "$work/full" "$free" "$work/full.log")
		sed 's/^/  /' "$work/full.log" | tail -n 3
		check "$free KiB free: refused, saying nothing was changed" full_refused
		check "$free KiB free: no file changed, no copy left ($(grep -c '^left' <<<"$res") left)" \
			full_untouched
		check "$free KiB free: with the room back, the same tree applies" grep -qx 'then applied' <<<"$res"
	done
else
	skip "a nearly full disk: no mount namespace here"
fi

# An overlay whose path holds a backslash still splices the hook.
o=$work/'over\lay'
mkdir -p "$o"
cp -r "$KH_REPO/scripts" "$KH_REPO/kernel" "$KH_REPO/init" "$KH_REPO/compat" "$KH_REPO/Documentation" \
	"$KH_REPO/splice" "$o/"
mini_tree "$m"
check "an overlay path with a backslash: apply.sh succeeds" "$o/scripts/apply.sh" "$m"
check "an overlay path with a backslash: our paragraphs are spliced" has_splice "$m"
summary

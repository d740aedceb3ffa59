#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: scripts/format-series.sh against Debian's 6.12 source.  Each
# patch applies with "git am" to a fresh tree, and builds there ("make kernel/ kernel/kheaders.ko": modpost and
# modfinal run for the module, so its archive is packed and linked).  The end
# result is the tree apply.sh makes, file for file; that tree's full
# build is the guest kernel 6.12-m.  (checkpatch --strict on each patch
# is in the fast tier, tests/test-fast.sh.)

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

base=$(harness_build 6.12 m 0) || { bad "6.12-m: kernel build"; summary; exit; }
pristine=$(pristine_tree 6.12)
applied=$(patched_tree 6.12)
kernel_vars x86_64 0
work=$KH_CACHE/src/series-test
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

author='Ada Tester <ada@example.org>'
if "$KH_REPO/scripts/format-series.sh" --from "$author" "$pristine" "$work/series" \
	>"$work/format.log" 2>&1; then
	ok "format-series.sh writes the series"
else
	sed 's/^/  /' "$work/format.log" | tail -n 20
	bad "format-series.sh writes the series"
	summary
	exit
fi
mapfile -t patches < <(find "$work/series" -name '0*.patch' ! -name '0000-*' | sort)
check "a cover letter and three patches" [ -f "$work/series/0000-cover-letter.patch" ] && [ "${#patches[@]}" = 3 ]
check "the cover letter has its subject and text" \
	no_line '\*\*\* (SUBJECT|BLURB) HERE' "$work/series/0000-cover-letter.patch"
check "the cover letter argues for the top-level Makefile hunk, the modfinal hook and /proc" \
	has_lines "$work/series/0000-cover-letter.patch" '^- One top-level Makefile hunk is left: ' \
	'CONFIG_TRIM_UNUSED_KSYMS' 'A generic "more objects for module X" hook in Makefile\.modfinal' \
	'^- /proc/kheaders\.tar\.xz comes back beside '
check "the cover letter says the archive's content is one manifest, read by both sides" \
	has_lines "$work/series/0000-cover-letter.patch" \
	'^- What the archive holds is one table, kernel/kheaders\.manifest' \
	'kernel/Makefile builds the "kit"'
# shellcheck disable=SC2016 # the workflow's text, not expansions
check "the cover letter shows the user's workflow" \
	has_lines "$work/series/0000-cover-letter.patch" \
	'^  make -C \$HOME/headers M=\$\(pwd\) modules$' '^  modprobe kheaders$'


# A fresh tree: a hard-linked copy, with the files the series touches made
# private and committed as the base.
t=$work/linux
cp -al "$pristine" "$t"
rm -f "$t/.kh-extracted"
g() { git -C "$t" -c user.name=tester -c user.email=tester@example.org "$@"; }
g init -q
while IFS= read -r f; do
	[ -f "$t/$f" ] || continue
	cp --remove-destination "$pristine/$f" "$t/$f"
	g add -f -- "$f"
done < <(sed -n 's|^diff --git a/\([^ ]*\) b/.*|\1|p' "${patches[@]}" | sort -u)
g commit -q -m base

# build_kernel_dir LOG: "make kernel/" in the fresh tree's build, with the
# guest kernel's configuration as far as this tree's Kconfig knows it,
# and its modules linked: modpost and modfinal for them, without
# vmlinux.o, so modpost only warns of the kernel's symbols.
o=$work/build
mkdir -p "$o"
build_kernel_dir() {
	local kos=(kernel/kheaders.ko)
	cp "$base/.config" "$o/.config"
	kernel_make "$t" "$o" olddefconfig >"$work/$1" 2>&1 || return 1
	grep -q '^CONFIG_IKHEADERS_FS=y' "$o/.config" && kos+=(kernel/kheaders_fs.ko)
	if kernel_make "$t" "$o" kernel/ "${kos[@]}" KBUILD_MODPOST_WARN=1 >>"$work/$1" 2>&1; then
		return
	fi
	tail -n 20 "$work/$1" | sed 's/^/  /'
	return 1
}
n=0
for p in "${patches[@]}"; do
	n=$((n + 1))
	if ! g am -q "$p" >"$work/am.log" 2>&1; then
		sed 's/^/  /' "$work/am.log"
		bad "patch $n: applies with git am"
		break
	fi
	ok "patch $n: applies with git am"
	log "patch $n: make kernel/"
	check "patch $n: make kernel/ builds" build_kernel_dir "build-$n.log"
	check "patch $n: kheaders.ko is linked" [ -s "$o/kernel/kheaders.ko" ]
	case $n in
	1) check "patch 1: no filesystem option yet" no_line '^CONFIG_IKHEADERS_FS=' "$o/.config"
	   check "patch 1: no filesystem module" [ ! -e "$o/kernel/kheaders_fs.ko" ] ;;
	2) check "patch 2: the filesystem's module is built" [ -s "$o/kernel/kheaders_fs.ko" ] ;;
	esac
done

# same_as_applied: every file of the fresh tree is the one apply.sh made,
# but that MAINTAINERS names the series' author.
same_as_applied() {
	diff -rq --exclude=.git --exclude=.kh-copied --exclude=.kh-extracted \
		--exclude=MAINTAINERS "$applied" "$t" | sed 's/^/  /' | grep . && return 1
	diff <(grep -vx "M:	$author" "$t/MAINTAINERS") "$applied/MAINTAINERS" | sed 's/^/  /' | grep . &&
		return 1
	grep -qx "M:	$author" "$t/MAINTAINERS" || { echo "  MAINTAINERS does not name $author"; return 1; }
}
check "the series ends where apply.sh does, with the author in MAINTAINERS" same_as_applied

summary

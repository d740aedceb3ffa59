#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fast tier (seconds, no kernel build): lints, the comment stripper on
# fixtures and real headers, and gen_kheaders.sh on a small fake kernel
# tree: contents, reproducibility, dependency list, failure messages.

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_tools gcc tar xz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- lints -----------------------------------------------------------------
# Every tracked script, by its first line: sh, bash, or busybox sh.
mapfile -t shells < <(cd "$KH_REPO" && git ls-files -z | xargs -0 grep -lE '^#!.*(/(ba)?sh|busybox sh)' -- | sort)
if command -v shellcheck >/dev/null; then
	check "shellcheck on ${#shells[@]} scripts" \
		env -C "$KH_REPO" shellcheck -x "${shells[@]}"
else
	skip "shellcheck not installed"
fi
# checkpatch --strict on every C, header and assembler file the overlay
# installs, and on every patch of the series format-series.sh makes of
# it, run outside the repository so that it neither reads git nor leaves
# its cache here.  checkpatch_clean [-f] FILE.
checkpatch_clean() {
	local out
	if out=$(cd "$work" && perl "$checkpatch" --no-tree --strict --quiet --show-types "$@") &&
		[ -z "$out" ]; then
		return
	fi
	printf '%s\n' "$out" | sed 's/^/  /' | head -n 20
	return 1
}
# series_identities AUTHOR SIGNER: every mail of the series is from
# AUTHOR; every patch is signed off by AUTHOR, then SIGNER, and no one
# else.
series_identities() {
	local p
	for p in "$work"/series/0*.patch; do
		grep -qxF "From: $1" "$p" || { echo "  ${p##*/}: From: is not $1"; return 1; }
		[ "${p##*/}" = 0000-cover-letter.patch ] && continue
		if [ "$(grep '^Signed-off-by: ' "$p")" != "Signed-off-by: $1"$'\n'"Signed-off-by: $2" ]; then
			echo "  ${p##*/}: not signed off by $1, then $2"
			return 1
		fi
	done
}
if command -v perl >/dev/null && checkpatch=$(checkpatch_script); then
	mapfile -t cfiles < <(cd "$KH_REPO" && git ls-files 'kernel/*.[chS]' 'compat/*.h')
	for f in "${cfiles[@]}"; do
		check "checkpatch --strict: $f" checkpatch_clean -f "$KH_REPO/$f"
	done
	# A throwaway identity: the series names a real person, never one
	# of its own.
	author='Ada Tester <ada@example.org>' signer='Bo Reviewer <bo@example.org>'
	if [ -f /usr/src/linux-source-6.12.tar.xz ] &&
		"$KH_REPO/scripts/format-series.sh" --from "$author" --signoff "$signer" \
			"$(pristine_tree 6.12)" "$work/series" >"$work/series.log" 2>&1; then
		ok "format-series.sh writes the series"
		for p in "$work"/series/0*.patch; do
			check "checkpatch --strict: series patch ${p##*/}" checkpatch_clean "$p"
		done
		check "the series: From: is the author; each patch signed off by the author, then the signer" \
			series_identities "$author" "$signer"
		check "the series: MAINTAINERS names the author" \
			grep -qx "+M:	$author" "$work/series/0001-"*.patch
		check "the series names nobody else" no_line 'kheaders developers|lists\.linux\.dev' "$work"/series/0*.patch
	else
		sed 's/^/  /' "$work/series.log" 2>/dev/null | tail -n 10
		bad "format-series.sh writes the series (Debian's 6.12 source is needed)"
	fi
else
	skip "checkpatch: perl or Debian's 6.12 source is missing"
fi
# No identity, from options or git: no series.
if [ -z "$(git -C "$KH_REPO" config --local user.name)" ]; then
	msg=$(HOME=$work/nohome GIT_CONFIG_NOSYSTEM=1 "$KH_REPO/scripts/format-series.sh" \
		"$work" "$work/noseries" 2>&1)
	check "format-series.sh refuses without an author, saying how to give one" \
		grep -q "error: no author: pass --from 'Name <email>', or set git config" <<<"$msg"
	check "... and writes nothing" test ! -e "$work/noseries"
else
	skip "format-series.sh without an author: this checkout sets user.name itself"
fi
msg=$("$KH_REPO/scripts/format-series.sh" --from 'kheaders' "$work" "$work/noseries" 2>&1)
check "format-series.sh refuses an identity that is not 'Name <email>'" \
	grep -q "error: --from 'kheaders' is not of the form 'Name <email>'" <<<"$msg"
check "tests/guest/kh_readers.c builds without warnings" \
	gcc -O2 -Wall -Wextra -Werror -pthread -o "$work/kh_readers" "$KH_REPO/tests/guest/kh_readers.c"
check "kheaders_strip.c builds without warnings" \
	gcc -O2 -Wall -Wextra -Werror -o "$work/strip" "$KH_REPO/kernel/kheaders_strip.c"

# --- comment stripper --------------------------------------------------------
fx=$KH_REPO/tests/fixtures/strip
for f in tricky stray-quote splice; do
	cp "$fx/$f.h" "$work/$f.h"
	"$work/strip" "$work/$f.h"
	check "stripper output on $f.h is as expected" cmp -s "$work/$f.h" "$fx/$f.h.expected"
done

# Equivalence: gcc must see the same tokens before and after.  gcc -E does
# translation phases 1-3 (lines spliced, then comments found); directives
# are made plain text first so that nothing is included, defined or
# skipped, and the builtins that name a line or file are renamed.  Outside
# literals, any run of whitespace is one token boundary.
tokens() {
	sed -E 's/^([ \t]*)#/\1@#/; s/__(LINE|FILE|COUNTER|INCLUDE_LEVEL|BASE_FILE)__/_kh_\1_/g' "$1" |
		gcc -E -P -undef -x c - 2>/dev/null |
		perl -0pe 's{("(?:\\.|[^"\\\n])*"|'"'"'(?:\\.|[^'"'"'\\\n])*'"'"')|\s+}{defined $1 ? $1 : "\n"}ge'
}
same_tokens() {
	local f n=0 bad=0
	for f in "$@"; do
		cp "$f" "$work/eq.h"
		"$work/strip" "$work/eq.h" || return 1
		if [ "$(tokens "$f")" != "$(tokens "$work/eq.h")" ]; then
			echo "  token stream changed: $f"
			bad=$((bad + 1))
		fi
		n=$((n + 1))
	done
	echo "  compared $n headers, $bad changed"
	[ "$bad" -eq 0 ] && [ "$n" -gt 0 ]
}
# splice.h names its code real_N and what GCC reads as comment hidden_N.
splices_seen() {
	local t
	t=$(tokens "$fx/splice.h")
	! grep -q hidden <<<"$t" && [ "$(grep -c '^real_[0-9]' <<<"$t")" = 8 ]
}
check "the token comparison splices lines as gcc does" splices_seen
check "stripper keeps gcc's token stream: fixtures" \
	same_tokens "$fx/tricky.h" "$fx/stray-quote.h" "$fx/splice.h"
mapfile -t sample < <(find /usr/include/linux /usr/include/x86_64-linux-gnu/sys -name '*.h' 2>/dev/null | sort | head -n 150)
if [ "${#sample[@]}" -gt 0 ]; then
	check "stripper keeps gcc's token stream: /usr/include sample" same_tokens "${sample[@]}"
else
	skip "no /usr/include headers to compare"
fi

# --- gen_kheaders.sh on a fake kernel tree -----------------------------------
# make_tree DIR: a source tree and an object tree with the files a real
# build would hand the generator.
make_tree() {
	local s=$1/src o=$1/obj
	mkdir -p "$s/include/linux" "$s/arch/x86/include/asm" "$s/scripts" \
		"$o/include/generated" "$o/include/config" "$o/arch/x86/include/generated/asm" \
		"$o/scripts/basic" "$o/scripts/mod" "$o/tools/objtool" "$o/kernel"
	printf '/* SPDX-License-Identifier: GPL-2.0 */\n/* drop me */\nint a;\n' >"$s/include/linux/a.h"
	printf '#define B 1 // drop me\n' >"$s/arch/x86/include/asm/b.h"
	# An editor's leftovers, which must not be packed.
	echo 'swap of me@host:/home/me/a.h' >"$s/include/linux/.a.h.swp"
	cp "$s/include/linux/a.h" "$s/include/linux/a.h.orig"
	cp "$s/include/linux/a.h" "$s/include/linux/a.h~"
	echo 'VERSION = 6' >"$s/Makefile"
	echo '# arch' >"$s/arch/x86/Makefile"
	# A board's headers, and the Makefiles MIPS-like Makefiles include.
	mkdir -p "$s/arch/x86/mach-b/include/mach" "$s/arch/x86/b"
	echo '#define MACH_B 1' >"$s/arch/x86/mach-b/include/mach/b.h"
	echo '# platforms' >"$s/arch/x86/Kbuild.platforms"
	echo '# board b' >"$s/arch/x86/b/Platform"
	echo 'not packed: not in an include directory' >"$s/arch/x86/b/b.h"
	echo '#!/usr/bin/perl' >"$s/scripts/recordmcount.pl"
	echo '# build' >"$s/scripts/Makefile.build"
	echo '# inc' >"$s/scripts/Kbuild.include"
	printf '#!/bin/sh\n' >"$s/scripts/depmod.sh"
	echo 'not packed' >"$s/scripts/checkpatch.pl"
	# Backups, temporaries and keys beside files that are packed.
	for f in arch/x86/Makefile.orig arch/x86/Makefile.rej arch/x86/Makefile~ \
		arch/x86/Makefile.bak scripts/Makefile.build.orig scripts/.tmp_x.sh \
		scripts/Makefile.swp scripts/key.pem scripts/Makefile.key; do
		echo 'not packed' >"$s/$f"
	done
	for f in include/generated/autoconf.h.tmp include/generated/key.pem \
		include/generated/signing.priv include/generated/rustc_cfg \
		include/generated/.tmp.h; do
		echo 'not packed' >"$o/$f"
	done
	mkdir -p "$s/include/generated"
	echo 'stale from an in-tree build' >"$s/include/generated/stale.h"
	echo '#define CONFIG_OBJTOOL 1' >"$o/include/generated/autoconf.h"
	echo '#define UTS_VERSION "#1 now"' >"$o/include/generated/utsversion.h"
	echo '#define LINUX_COMPILE_BY "me"' >"$o/include/generated/compile.h"
	echo '#include <asm-generic/c.h>' >"$o/arch/x86/include/generated/asm/c.h"
	echo 'CONFIG_OBJTOOL=y' >"$o/include/config/auto.conf"
	echo '6.12.0-test' >"$o/include/config/kernel.release"
	echo 'CONFIG_OBJTOOL=y' >"$o/.config"
	cp "$work/tool" "$o/scripts/basic/fixdep"
	cp "$work/tool" "$o/scripts/mod/modpost"
	cp "$work/tool" "$o/tools/objtool/objtool"
	echo 'SECTIONS {}' >"$o/kernel/kheaders-module.lds"
	printf '0x00000000\t_printk\tvmlinux\tEXPORT_SYMBOL\t\n' >"$o/kernel/kheaders-symvers"
	cp "$KH_REPO/kernel/gen_kheaders.sh" "$KH_REPO/kernel/kheaders_pack.sh" \
		"$KH_REPO/kernel/kheaders.manifest" "$s/"
}

# gen DIR [VAR=VALUE...] [-- OPTION...]: run the generator in DIR/obj as
# Kbuild would, with VARs in its environment and more OPTIONs; as the
# user $gen_as when that is set.
gen() {
	local d=$1 vars=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do vars+=("$1"); shift; done
	[ $# -eq 0 ] || shift
	(cd "$d/obj" && ${gen_as:+setpriv --reuid="$gen_as" --regid="$gen_as" --clear-groups} \
		env srctree="$d/src" SRCARCH=x86 "${vars[@]}" \
		sh "$d/src/gen_kheaders.sh" -o kernel/kheaders_data.tar.xz \
		-d kernel/.kheaders_data.deps -l kernel/kheaders-module.lds \
		-s "$work/strip" -m kernel/kheaders-symvers "$@")
}

# each_ere HAS HASNT TARGET ERE...: HAS TARGET ERE holds for each ERE,
# and HASNT TARGET ERE for each ERE written !ERE.
each_ere() {
	local has=$1 hasnt=$2 target=$3 re
	shift 3
	for re in "$@"; do
		case $re in
		!*) "$hasnt" "$target" "${re#!}" || return 1 ;;
		*) "$has" "$target" "$re" || return 1 ;;
		esac
	done
}
lacks_line() { no_line "$2" "$1"; }
# all_of_lines FILE ERE...: a line of FILE matches each ERE; none, each !ERE.
all_of_lines() { each_ere has_lines lacks_line "$@"; }
# all_members ARCHIVE ERE...: a member of ARCHIVE matches each ERE; none,
# each !ERE.
all_members() { each_ere lists lists_no "$@"; }
# quietly CMD...: CMD, whose output is shown only when it fails.
quietly() {
	local out
	out=$("$@" 2>&1) && return
	printf '%s\n' "$out" | tail -n 10 | sed 's/^/  /'
	return 1
}

echo 'int main(void) { return 0; }' >"$work/tool.c"
gcc -O2 -o "$work/tool" "$work/tool.c"
make_tree "$work/t1"
make_tree "$work/a-much/longer/t2"
check "generator runs on the fake tree" gen "$work/t1"
a1=$work/t1/obj/kernel/kheaders_data.tar.xz
tar -tf "$a1" | sed 's|^\./||' | sort >"$work/list"
has() { grep -qxF "$1" "$work/list"; }
hasnt() { ! grep -qxF "$1" "$work/list"; }
for f in include/linux/a.h arch/x86/include/asm/b.h arch/x86/mach-b/include/mach/b.h \
	arch/x86/Kbuild.platforms arch/x86/b/Platform Makefile arch/x86/Makefile \
	scripts/Makefile.build scripts/Kbuild.include scripts/depmod.sh \
	include/generated/autoconf.h arch/x86/include/generated/asm/c.h \
	include/config/auto.conf include/config/kernel.release .config \
	scripts/module.lds Module.symvers scripts/basic/fixdep scripts/mod/modpost tools/objtool/objtool; do
	check "archive holds $f" has "$f"
done
for f in include/generated/utsversion.h include/generated/compile.h \
	include/generated/stale.h scripts/checkpatch.pl include/linux/.a.h.swp \
	include/linux/a.h.orig include/linux/a.h~ arch/x86/b/b.h scripts/recordmcount.pl; do
	check "archive leaves out $f" hasnt "$f"
done
# unwanted ARCHIVE: no member but .config is a dot file, and none is a
# backup, temporary or key, or a generated file that is not a header.
unwanted() {
	! tar -tf "$1" | grep -vx '\./\.config' |
		grep -E '/\.[^/]|(~|\.orig|\.rej|\.bak|\.tmp|\.swp|\.pem|\.key|\.priv|rustc_cfg)$' |
		sed 's/^/  has: /' | grep .
}
check "archive leaves out backups, temporaries, dot files and keys in every list" unwanted "$a1"
check "archive is xz with CRC32 checks" xz_crc32 "$a1"
check "archive has no absolute paths or .." lists_no "$a1" '^/|(^|/)\.\.(/|$)'
check "entries are root-owned, dated by the fixed default" \
	every_entry "$a1" ' 0/0 .* 2000-01-01 00:00 '
mkdir "$work/x"
tar -xf "$a1" -C "$work/x"
check "SPDX kept" has_lines "$work/x/include/linux/a.h" SPDX
check "comments stripped" no_line 'drop me' "$work/x/include/linux/a.h" "$work/x/arch/x86/include/asm/b.h"
check "modes normalised: 0644 files" mode_is 644 "$work/x/include/linux/a.h"
check "modes normalised: 0755 tools" mode_is 755 "$work/x/scripts/mod/modpost"

deps=$work/t1/obj/kernel/.kheaders_data.deps
check "dependency list names the headers" grep -q "^  $work/t1/src/include/linux/a.h \\\\\$" "$deps"
check "dependency list names no directory" no_line "^  $work/t1/src/include/linux \\\\\$" "$deps"
# -L: the source files that are packed, as Kbuild keeps them in a list
# the archive depends on; -S: the archive is packed from such a list.
(cd "$work/t1/obj" && srctree="$work/t1/src" SRCARCH=x86 sh "$work/t1/src/gen_kheaders.sh" -L src) \
	>"$work/srclist" 2>&1
check "-L lists the packed source files, sorted, without the unpacked ones" \
	all_of_lines "$work/srclist" '^include/linux/a\.h$' '^arch/x86/mach-b/include/mach/b\.h$' \
	'^Makefile$' '!\.swp$' '!\.orig$' '!^include/generated/'
check "-L's list is sorted" env LC_ALL=C sort -c "$work/srclist"
grep -v '^arch/x86/include/asm/b\.h$' "$work/srclist" >"$work/srclist.less"
check "-S: the archive is packed from the given list" \
	quietly gen "$work/t1" -- -S "$work/srclist.less"
check "... and holds what it names, and nothing it leaves out" \
	all_members "$a1" '^\./include/linux/a\.h$' '!^\./arch/x86/include/asm/b\.h$'
quietly gen "$work/t1"
check "dependency list names generated files" grep -q "^  include/generated/autoconf.h \\\\\$" "$deps"
# shellcheck disable=SC2016 # a make variable, not a shell one
check "dependency list parses as make" \
	make -s -f - -C "$work/t1/obj" <<<'include kernel/.kheaders_data.deps
all: ; @test -n "$(kheaders-deps)"'

# Reproducible: other directory, umask, locale, time zone, user-visible clock.
gen_umask077() { (umask 077 && gen "$@"); }
check "generator runs in a second tree, with umask 077, a German locale and Tokyo's time" \
	quietly gen_umask077 "$work/a-much/longer/t2" LANG=de_DE.UTF-8 LC_ALL= TZ=Asia/Tokyo
check "byte-identical archive from another dir, umask, locale and TZ" \
	cmp "$a1" "$work/a-much/longer/t2/obj/kernel/kheaders_data.tar.xz"
gen "$work/t1" KBUILD_BUILD_TIMESTAMP=x >/dev/null 2>&1
(cd "$work/t1/obj" && srctree="$work/t1/src" SRCARCH=x86 sh "$work/t1/src/gen_kheaders.sh" \
	-o "$work/ts.tar.xz" -d "$work/ts.deps" -l kernel/kheaders-module.lds -s "$work/strip" \
	-m kernel/kheaders-symvers \
	-t '2024-05-06 07:08:09 UTC')
check "-t sets every mtime" every_entry "$work/ts.tar.xz" ' 2024-05-06 07:08 '

# Before modpost has run the symvers copy is empty: no Module.symvers.
: >"$work/t1/obj/kernel/kheaders-symvers"
gen "$work/t1"
check "no Module.symvers packed from an empty copy" lists_no "$a1" Module.symvers

# A file whose status changes while tar reads it (another link to it
# made or removed, as a hard-linked copy of the tree does) makes GNU tar
# exit 1: the generator reads the files again, up to three times.  The
# stand-in tar says so on its first N reads of a list (-T), and counts
# every read.
mkdir -p "$work/flaky"
cat >"$work/flaky/tar" <<EOF
#!/bin/sh
case " \$* " in *" -T "*) ;; *) exec $(command -v tar) "\$@" ;; esac
n=\$(cat "\$KH_TAR_READS" 2>/dev/null || echo 0)
echo \$((n + 1)) >"\$KH_TAR_READS"
if [ "\$n" -lt "\$KH_TAR_FAILS" ]; then
	echo "tar: include/linux/a.h: file changed as we read it" >&2
	exit 1
fi
exec $(command -v tar) "\$@"
EOF
chmod 755 "$work/flaky/tar"
make_tree "$work/t14"
a14=$work/t14/obj/kernel/kheaders_data.tar.xz
# flaky FAILS: the generator on t14 with the stand-in tar failing FAILS
# times; prints its messages.
flaky() {
	rm -f "$work/flaky/reads" "$a14"
	gen "$work/t14" PATH="$work/flaky:$PATH" KH_TAR_READS="$work/flaky/reads" \
		KH_TAR_FAILS="$1" 2>&1
}
msg=$(flaky 2)
check "a file that changed while read: the generator reads again and packs" test -s "$a14"
check "... saying so" grep -q "warning: a file changed while it was read (see above); reading them again" <<<"$msg"
check "... with two more reads of the source list, then one of the object list" \
	test "$(cat "$work/flaky/reads")" = 4
msg=$(flaky 3)
check "a file that changes on every read stops the build after three, named" \
	grep -q "error: cannot read the source tree's inputs" <<<"$msg"
check "... and leaves no archive" test ! -e "$a14"
check "... after three reads" test "$(cat "$work/flaky/reads")" = 3

# Failures: a clear message, and no archive left behind.
rm -f "$a1"
mkdir -p "$work/fakebin"
for t in tar find sort cmp date dirname mkdir rm cp mv sed grep strip cat env sh wc awk od tr \
	readlink realpath; do
	p=$(command -v "$t") && ln -sf "$p" "$work/fakebin/$t"
done
mv "$work/fakebin/tar" "$work/fakebin-tar"
msg=$(PATH=$work/fakebin gen "$work/t1" 2>&1)
check "missing tar is named by the generator" grep -q "^gen_kheaders.sh: error: 'tar' not found" <<<"$msg"
mv "$work/fakebin-tar" "$work/fakebin/tar"
msg=$(PATH=$work/fakebin gen "$work/t1" 2>&1)
check "missing xz is named by the generator" grep -q "^gen_kheaders.sh: error: 'xz' not found" <<<"$msg"
check "no archive after a failure" test ! -e "$a1"
mv "$work/t1/obj/scripts/mod/modpost" "$work/modpost.away"
msg=$(gen "$work/t1" 2>&1)
check "missing host tool is named" grep -q "scripts/mod/modpost is missing" <<<"$msg"
mv "$work/modpost.away" "$work/t1/obj/scripts/mod/modpost"
printf '#!/bin/sh\nexit 1\n' >"$work/fakebin/xz"
chmod +x "$work/fakebin/xz"
msg=$(PATH=$work/fakebin gen "$work/t1" 2>&1)
check "failing xz stops the build" grep -q "failed while writing" <<<"$msg"
check "no archive or temporary left after xz fails" no_entry "$work/t1/obj/kernel" 'tar\.xz'

# The kit's programs built for another architecture (-K): they replace
# the build machine's, and a program that was not rebuilt (objtool here)
# stops the build, since the device could not run it.
if command -v aarch64-linux-gnu-gcc >/dev/null; then
	make_tree "$work/t3"
	kit=$work/t3/obj/kernel/kheaders-kit
	mkdir -p "$kit/scripts/basic" "$kit/scripts/mod"
	aarch64-linux-gnu-gcc -O2 -o "$kit/scripts/basic/fixdep" "$work/tool.c"
	cp "$kit/scripts/basic/fixdep" "$kit/scripts/mod/modpost"
	msg=$(gen "$work/t3" 2>&1)
	check "generator warns when the build machine's programs are packed" \
		grep -q "warning: .*fixdep and modpost are this machine's" <<<"$msg"
	msg=$(gen "$work/t3" -- -K "$kit" 2>&1)
	check "a program not rebuilt for the kernel's architecture stops the build" \
		grep -q "tools/objtool/objtool runs only on the build machine" <<<"$msg"
	for f in .config include/config/auto.conf; do
		echo 'CONFIG_MODULES=y' >"$work/t3/obj/$f"
	done
	rm "$work/t3/obj/tools/objtool/objtool"
	check "generator runs with -K" quietly gen "$work/t3" STRIP=aarch64-linux-gnu-strip -- -K "$kit"
	mkdir "$work/x3"
	tar -xf "$work/t3/obj/kernel/kheaders_data.tar.xz" -C "$work/x3"
	elf_machines "$work/x3" >"$work/x3.machines"
	check "-K: fixdep and modpost are packed from the kit" \
		has_lines "$work/x3.machines" '^scripts/basic/fixdep AArch64$' '^scripts/mod/modpost AArch64$'
	check "-K: every ELF file in the archive is for AArch64" only_lines "$work/x3.machines" ' AArch64$'
else
	skip "aarch64-linux-gnu-gcc not installed: the cross-built kit is not checked"
fi

# Hard links and a setgid object directory: no hard-link entries, and
# directories 0755 as ever.
make_tree "$work/t5"
ln "$work/t5/src/include/linux/a.h" "$work/t5/src/include/linux/hl.h"
chmod g+s "$work/t5/obj" "$work/t5/obj/kernel"
check "generator runs in a setgid tree with hard links" quietly gen "$work/t5"
a5=$work/t5/obj/kernel/kheaders_data.tar.xz
check "a hard link in the source is packed as a file of its own" \
	every_entry "$a5" '^[-dl]'
check "... which is there" lists "$a5" '^\./include/linux/hl\.h$'
check "directories are 0755 in a setgid build directory" every_entry "$a5" '^([^d]|drwxr-xr-x )'

# GCC plugins lose their debug info and keep the symbol gcc calls.
make_tree "$work/t6"
for f in .config include/config/auto.conf; do
	printf 'CONFIG_OBJTOOL=y\nCONFIG_GCC_PLUGINS=y\n' >"$work/t6/obj/$f"
done
mkdir -p "$work/t6/obj/scripts/gcc-plugins"
echo 'int plugin_is_GPL_compatible; int plugin_init(void) { return 0; }' >"$work/plugin.c"
gcc -shared -fPIC -g -o "$work/t6/obj/scripts/gcc-plugins/p_plugin.so" "$work/plugin.c"
check "generator runs with a GCC plugin" quietly gen "$work/t6"
mkdir "$work/x6"
tar -xf "$work/t6/obj/kernel/kheaders_data.tar.xz" -C "$work/x6"
readelf -SW "$work/x6/scripts/gcc-plugins/p_plugin.so" >"$work/p_plugin.sections"
readelf --dyn-syms -W "$work/x6/scripts/gcc-plugins/p_plugin.so" >"$work/p_plugin.dynsyms"
check "a GCC plugin is packed without debug info" no_line debug_info "$work/p_plugin.sections"
check "a GCC plugin keeps plugin_init" has_lines "$work/p_plugin.dynsyms" ' plugin_init$'

# Paths make and sed treat specially: the dependency list still names
# every input, and the filesystem's chunked archive is still written.
odd=$work/"o d#d\$&|:\\q\"u'o"
make_tree "$odd"
gcc -O2 -I"$KH_REPO/tests/fmt/include" -o "$work/mkindex" "$KH_REPO/kernel/kheaders_mkindex.c"
check "generator runs in a tree whose path has blanks, quotes and make's specials" \
	quietly gen "$odd" -- -x kernel/kheaders_data.index -k "$work/mkindex"
check "odd path: the chunked archive holds the headers" \
	lists "$odd/obj/kernel/kheaders_data.tar.xz" '^\./include/linux/a\.h$'
# shellcheck disable=SC2016 # make syntax, not shell
check "odd path: every name in the dependency list is a file make finds" \
	make -s -f - -C "$odd/obj" <<<'include kernel/.kheaders_data.deps
all: $(kheaders-deps) ; @:'
make_tree "$work/t7"
touch "$work/t7/src/include/linux/100%.h"
msg=$(gen "$work/t7" 2>&1)
check "a name make cannot spell (with a %) stops the build, named" grep -q "cannot name .*100%.h in make syntax" <<<"$msg"

# recordmcount: the C program where the architecture has it, otherwise
# the perl script, as Kbuild runs them.
make_tree "$work/t12"
for f in .config include/config/auto.conf; do
	printf 'CONFIG_OBJTOOL=y\nCONFIG_FTRACE_MCOUNT_USE_RECORDMCOUNT=y\n' >"$work/t12/obj/$f"
done
check "recordmcount without HAVE_C_RECORDMCOUNT: the generator runs" quietly gen "$work/t12"
a12=$work/t12/obj/kernel/kheaders_data.tar.xz
check "... and packs scripts/recordmcount.pl, not the program" \
	all_members "$a12" '^\./scripts/recordmcount\.pl$' '!^\./scripts/recordmcount$'
echo 'CONFIG_HAVE_C_RECORDMCOUNT=y' | tee -a "$work/t12/obj/.config" >>"$work/t12/obj/include/config/auto.conf"
msg=$(gen "$work/t12" 2>&1)
check "recordmcount with HAVE_C_RECORDMCOUNT: the program is required" \
	grep -q "scripts/recordmcount is missing from the object tree" <<<"$msg"
cp "$work/tool" "$work/t12/obj/scripts/recordmcount"
check "... and, built, it is packed instead of the script" \
	quietly gen "$work/t12"
check "... which is there, and the script is not" \
	all_members "$a12" '^\./scripts/recordmcount$' '!^\./scripts/recordmcount\.pl$'

# One manifest: kernel/Makefile builds the kit programs that
# kheaders.manifest lists for a configuration, and the generator packs
# the same ones.  kernel/Makefile is read by make as Kbuild would, with
# the configuration's options as make variables (kit_made), and
# compared with the kit lines among the generator's object list.
kit_all=$(sed -n 's/^kit  *\([^ ]*\).*/\1/p' "$KH_REPO/kernel/kheaders.manifest")
# shellcheck disable=SC2016 # make syntax, not shell
printf '%s\n' 'comma := ,' 'obj := kernel' 'include $(srctree)/kernel/Makefile' \
	'print: ; @printf "%s\n" $(kheaders-kit-progs:kheaders-kit/%=%)' >"$work/kit.mk"
kit_made() { make -s -f "$work/kit.mk" srctree="$1" CONFIG_IKHEADERS=y CONFIG_CC_CAN_LINK=y "${@:2}" print; }
make_tree "$work/t13"
kit_agrees() {
	local opts=() o made packed
	for o in "$@"; do opts+=("$o=y"); done
	printf '%s=y\n' "$@" >"$work/t13/obj/include/config/auto.conf"
	made=$(kit_made "$KH_REPO" "${opts[@]}" | sort) || return 1
	packed=$( (cd "$work/t13/obj" && srctree="$work/t13/src" SRCARCH=x86 \
		sh "$work/t13/src/gen_kheaders.sh" -L obj) | grep -xF "$kit_all" | sort) || return 1
	[ "$made" = "$packed" ] && return
	printf '  made: %s; packed: %s\n' "${made//$'\n'/ }" "${packed//$'\n'/ }"
	return 1
}
for opts in "" CONFIG_MODVERSIONS CONFIG_DEBUG_INFO_BTF_MODULES \
	CONFIG_FTRACE_MCOUNT_USE_RECORDMCOUNT \
	"CONFIG_FTRACE_MCOUNT_USE_RECORDMCOUNT CONFIG_HAVE_C_RECORDMCOUNT" \
	"CONFIG_HAVE_C_RECORDMCOUNT CONFIG_MODVERSIONS CONFIG_DEBUG_INFO_BTF_MODULES"; do
	# shellcheck disable=SC2086 # one option a word
	check "manifest: kernel/Makefile builds the kit the generator packs, with ${opts:-no option}" \
		kit_agrees $opts
done
check "manifest: every kit program for the fullest configuration is built" \
	test "$(kit_made "$KH_REPO" CONFIG_MODVERSIONS=y CONFIG_FTRACE_MCOUNT_USE_RECORDMCOUNT=y \
		CONFIG_HAVE_C_RECORDMCOUNT=y CONFIG_DEBUG_INFO_BTF_MODULES=y | wc -l)" = \
		"$(printf '%s\n' "$kit_all" | wc -l)"
# A kit line kernel/Makefile cannot build stops make, named.
mkdir -p "$work/t13/repo/kernel"
cp "$KH_REPO/kernel/Makefile" "$work/t13/repo/kernel/"
{ cat "$KH_REPO/kernel/kheaders.manifest"; echo 'kit        scripts/kh_new CONFIG_X'; } \
	>"$work/t13/repo/kernel/kheaders.manifest"
msg=$(kit_made "$work/t13/repo" CONFIG_X=y 2>&1)
check "manifest: a kit line without sources in kernel/Makefile stops make, named" \
	grep -q "kheaders.manifest lists scripts/kh_new as a kit program, but this Makefile has no kheaders-kit-src-kh_new" <<<"$msg"
check "... and is not asked for when its condition does not hold" quietly kit_made "$work/t13/repo"
# The generator's side of the same: a kit program the kit lacks.
cp "$work/t13/repo/kernel/kheaders.manifest" "$work/t13/src/"
printf 'CONFIG_X=y\n' >"$work/t13/obj/include/config/auto.conf"
kit=$work/t13/obj/kernel/kheaders-kit
mkdir -p "$kit/scripts/basic" "$kit/scripts/mod"
cp "$work/tool" "$kit/scripts/basic/fixdep"
cp "$work/tool" "$kit/scripts/mod/modpost"
cp "$work/tool" "$work/t13/obj/scripts/kh_new"
msg=$(gen "$work/t13" -- -K "$kit" 2>&1)
check "manifest: a kit program missing from the kit stops the build, named" \
	grep -q "kheaders-kit/scripts/kh_new is missing: kheaders.manifest lists it as a kit program" <<<"$msg"
echo 'tool      scripts/kh_new' >>"$work/t13/src/kheaders.manifest"
msg=$(gen "$work/t13" 2>&1)
check "manifest: a line of an unknown kind stops the build, named by its line" \
	grep -q "kheaders.manifest:$(wc -l <"$work/t13/src/kheaders.manifest"): not KIND PATH \[CONDITION\]" <<<"$msg"

# A ; in a name is escaped: make reads it as part of the name, instead
# of ending the prerequisites there and running the rest as a recipe.
make_tree "$work/t9"
: >"$work/t9/src/include/linux/x;id;.h"
check "generator runs with a ; in a header's name" quietly gen "$work/t9"
# The rules as Makefile.kheaders writes them.
# shellcheck disable=SC2016 # make syntax, not shell
msg=$(printf '%s\n' 'include kernel/.kheaders_data.deps' '$(kheaders-deps): ;' 'all: $(kheaders-deps) FORCE' \
	'	@echo "made with $(words $^) prerequisites"' 'FORCE: ;' | make -s -f - -C "$work/t9/obj" all 2>&1)
check "a ; in a name: make runs no part of it" test "$(grep -c uid= <<<"$msg")" = 0
n=$(grep -c '^  ' "$work/t9/obj/kernel/.kheaders_data.deps")
check "a ; in a name: make reads every name in the list as one file ($msg)" \
	grep -qx "made with $((n + 1)) prerequisites" <<<"$msg"

# Symbolic links: one that leads to a packed file stays a link; one that
# leads out of the tree, or to a file that is not packed, stops the build,
# named.
make_tree "$work/t10"
ln -s a.h "$work/t10/src/include/linux/in.h"
check "generator runs with a link to a packed header" quietly gen "$work/t10"
check "a link to a packed header is packed as that link" \
	every_entry "$work/t10/obj/kernel/kheaders_data.tar.xz" '^[^l]|\./include/linux/in\.h -> a\.h$'
mkdir -p "$work/t10/src/drivers" && : >"$work/t10/src/drivers/x.h"
rm -f "$work/t10/obj/kernel/kheaders_data.tar.xz"
for l in 'src/include/linux/out.h ../../drivers/x.h' 'src/include/linux/etc.h /etc' \
	'obj/include/generated/g.h /etc/hostname' 'src/include/linux/up.h ../../../../../../etc/passwd' \
	"src/include/linux/abs.h $work/t10/src/include/linux/a.h" \
	'src/include/linux/bak.h a.h.orig'; do
	read -r lnk tgt <<<"$l"
	rm -f "$work/t10/src/include/linux/in.h"
	ln -s "$tgt" "$work/t10/$lnk"
	msg=$(gen "$work/t10" 2>&1)
	check "a link to $tgt stops the build, named" \
		grep -q "error: ${lnk#*/} is a symbolic link to '$tgt', which is not a packed file" <<<"$msg"
	rm -f "$work/t10/$lnk"
done
check "no archive after a link out of the tree" test ! -e "$work/t10/obj/kernel/kheaders_data.tar.xz"

# A kit program that is a link in the object tree: the build stops, and
# the file it points to is neither written nor stripped.
make_tree "$work/t11"
kit=$work/t11/obj/kernel/kheaders-kit
mkdir -p "$kit/scripts/basic" "$kit/scripts/mod"
echo 'int main(void) { return 1; }' | gcc -g -x c -o "$kit/scripts/basic/fixdep" -
cp "$kit/scripts/basic/fixdep" "$kit/scripts/mod/modpost"
cp "$work/tool" "$work/host-file" && cp "$work/tool" "$work/host-file.orig"
ln -sf "$work/host-file" "$work/t11/obj/scripts/basic/fixdep"
msg=$(gen "$work/t11" -- -K "$kit" 2>&1)
check "a kit program that is a link in the object tree stops the build, named" \
	grep -q "error: scripts/basic/fixdep in the object tree is not a regular file" <<<"$msg"
check "... and the file it points to is untouched" cmp "$work/host-file" "$work/host-file.orig"

# A file or directory the builder cannot read stops the build; nothing
# is left half-packed.
if command -v setpriv >/dev/null; then
	for what in "source file" "source dir" "generated dir"; do
		d=$work/t8${what// /-}
		make_tree "$d"
		chmod 755 "$work"
		chown -R 65534:65534 "$d"
		tree=source
		case $what in
		"source file") chmod 000 "$d/src/include/linux/a.h" ;;
		"source dir") chmod 000 "$d/src/arch/x86/include/asm" ;;
		*) chmod 000 "$d/obj/arch/x86/include/generated/asm"; tree=object ;;
		esac
		msg=$(gen_as=65534 gen "$d" 2>&1)
		check "an unreadable $what stops the build" \
			grep -qE "error: cannot (read|list) the $tree tree" <<<"$msg"
		check "no archive after an unreadable $what" test ! -e "$d/obj/kernel/kheaders_data.tar.xz"
	done
else
	skip "setpriv not installed: unreadable inputs not checked"
fi

# Module BTF and LLVM: the tree carries resolve_btfids and
# kheaders_btf.sh, and Makefile.modfinal runs the latter with the
# recorded checksum of vmlinux's BTF (none known: "unknown"); a clang
# kernel's Makefile asks for the LLVM setting it was built with.
make_tree "$work/t9"
t9=$work/t9
printf 'CONFIG_OBJTOOL=y\nCONFIG_DEBUG_INFO_BTF_MODULES=y\nCONFIG_CC_IS_CLANG=y\nCONFIG_LD_IS_LLD=y\n' \
	>"$t9/obj/include/config/auto.conf"
mkdir -p "$t9/obj/tools/bpf/resolve_btfids" "$t9/src/kernel"
cp "$work/tool" "$t9/obj/tools/bpf/resolve_btfids/resolve_btfids"
cp "$KH_REPO/kernel/kheaders_btf.sh" "$t9/src/kernel/"
echo '# modfinal' >"$t9/src/scripts/Makefile.modfinal"
sum=$(printf 'BTF' | sha256sum | cut -d' ' -f1)
echo "$sum" >"$t9/obj/kernel/kheaders-btfsum"
check "generator runs with module BTF and LLVM=-19" \
	quietly gen "$t9" LLVM=-19 -- -b kernel/kheaders-btfsum
a9=$t9/obj/kernel/kheaders_data.tar.xz
check "... the archive holds resolve_btfids and kheaders_btf.sh" all_members "$a9" \
	'^\./tools/bpf/resolve_btfids/resolve_btfids$' '^\./scripts/kheaders_btf\.sh$'
check "... Makefile.modfinal runs kheaders_btf.sh with the recorded checksum" \
	member_has "$a9" ./scripts/Makefile.modfinal \
	"^cmd_btf_ko = \\\$\\(CONFIG_SHELL\\) \\\$\\(srctree\\)/scripts/kheaders_btf\\.sh \\\$@ $sum \\\\\$"
check "... the Makefile asks for LLVM=-19" member_has "$a9" ./Makefile '^LLVM \?= -19$'
# Kbuild keeps that file with filechk; an empty rule from the dependency
# list would stop it from ever being rewritten.
check "... the dependency list leaves the checksum's file to Kbuild" \
	no_line '^  kernel/kheaders-btfsum ' "$t9/obj/kernel/.kheaders_data.deps"
check "without a checksum, Makefile.modfinal passes \"unknown\"" quietly gen "$t9"
check "... so that modules get no BTF, and are told why" \
	member_has "$a9" ./scripts/Makefile.modfinal 'kheaders_btf\.sh \$@ unknown '
echo 'not a checksum' >"$t9/obj/kernel/kheaders-btfsum"
msg=$(gen "$t9" -- -b kernel/kheaders-btfsum 2>&1)
check "a checksum file with something else in it stops the build, named" \
	grep -q "error: kernel/kheaders-btfsum does not hold a SHA-256" <<<"$msg"
# shellcheck disable=SC2016 # make syntax, not the shell's
evil='LLVM=1 $(shell id)'
msg=$(gen "$t9" "$evil" 2>&1)
check "an LLVM value that is no path or suffix stops the build" \
	grep -qF "error: cannot record $evil in the archive" <<<"$msg"

# apply.sh refuses what is not a kernel tree.
msg=$("$KH_REPO/scripts/apply.sh" "$work/t1/obj" 2>&1)
check "apply.sh refuses a directory that is no kernel tree" grep -q "does not look like a Linux source tree" <<<"$msg"

summary

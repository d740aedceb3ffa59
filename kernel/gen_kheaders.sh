#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Pack this kernel's headers and everything "make -C DIR M=SRC modules"
# needs into one reproducible .tar.xz for kheaders.  Kbuild runs it from
# the object tree; it also writes, in make syntax, the list of inputs it
# read, so that Kbuild alone decides when the archive is stale.
#
# usage: gen_kheaders.sh -o ARCHIVE -d DEPFILE -l MODULE_LDS -s STRIPPER
#                        -m SYMVERS [-S SRCLIST] [-O OBJLIST] [-K KIT]
#                        [-b BTFSUM] [-t TIMESTAMP] [-x INDEX -k MKINDEX]
#        gen_kheaders.sh -L src|obj
#
# What is packed is the table in kheaders.manifest, beside this script.
# -L src prints the source tree's files that would be packed, one a line,
# sorted, and -L obj the object tree's; Kbuild keeps each list in a file
# rewritten only when it changes, which the archive depends on, and passes
# them back as -S SRCLIST and -O OBJLIST.  So a file added, removed or
# renamed repacks the archive, and a file that is never packed (an
# editor's swap file) does not.
#
# STRIPPER is kernel/kheaders_strip, which removes comments from headers.
# SYMVERS is packed as Module.symvers unless it is empty.  KIT holds the
# module build's programs (fixdep, modpost, ...) built for the kernel's
# own architecture, at the paths they take in the archive; without it the
# build machine's are packed.  BTFSUM holds the SHA-256 of vmlinux's BTF
# (with CONFIG_DEBUG_INFO_BTF_MODULES, once vmlinux is linked): modules
# built from the archive get BTF against a running kernel with that BTF
# (kheaders_btf.sh).  -x and -k are for the kheaders filesystem;
# kheaders_pack.sh says what they do.

set -eu

me=gen_kheaders.sh
fail() {
	echo "$me: error: $*" >&2
	exit 1
}

usage="usage: $me -o ARCHIVE -d DEPFILE -l MODULE_LDS -s STRIPPER -m SYMVERS"
usage="$usage [-S SRCLIST] [-O OBJLIST] [-K KIT] [-b BTFSUM] [-t TIMESTAMP]"
usage="$usage [-x INDEX -k MKINDEX] | -L src|obj"
out='' depfile='' lds='' stripper='' symvers='' kit='' stamp='' index='' mkindex=''
list_only='' srclist='' objlist='' btfsum=''
while getopts o:d:l:s:m:S:O:K:b:t:x:k:L: opt; do
	case $opt in
	b) btfsum=$OPTARG ;;
	L) list_only=$OPTARG ;;
	S) srclist=$OPTARG ;;
	O) objlist=$OPTARG ;;
	o) out=$OPTARG ;;
	d) depfile=$OPTARG ;;
	l) lds=$OPTARG ;;
	s) stripper=$OPTARG ;;
	m) symvers=$OPTARG ;;
	K) kit=$OPTARG ;;
	t) stamp=$OPTARG ;;
	x) index=$OPTARG ;;
	k) mkindex=$OPTARG ;;
	*) fail "$usage" ;;
	esac
done
case $list_only in
'' | src | obj) ;;
*) fail "$usage" ;;
esac
if [ -z "$list_only" ] && { [ -z "$out" ] || [ -z "$depfile" ] || [ -z "$lds" ] ||
	[ -z "$stripper" ] || [ -z "$symvers" ]; }; then
	fail "$usage"
fi
if [ -z "${srctree:-}" ] || [ -z "${SRCARCH:-}" ]; then
	fail "srctree and SRCARCH are not set; this script is run by Kbuild"
fi
[ -f include/config/auto.conf ] ||
	fail "include/config/auto.conf is missing; run from a configured object tree"
LC_ALL=C
export LC_ALL

enabled() {
	grep -q "^$1=y" include/config/auto.conf
}

# wanted: sort stdin into stdout without what no tree should ship,
# whichever directory it lies in: dot files and directories (an editor's
# swap files, scripts' temporaries), backups and rejects, and keys.
wanted() {
	grep -v -E -e '(^|/)\.' \
		-e '(~|\.orig|\.rej|\.bak|\.tmp|\.swp|\.pem|\.key|\.priv)$' | sort || :
}

# rules: the manifest's lines whose condition this configuration meets,
# as "KIND PATH", $(SRCARCH) filled in.
manifest=$(dirname "$0")/kheaders.manifest
rules() {
	awk -v arch="$SRCARCH" -v manifest="$manifest" '
	BEGIN {
		split("headers file files named generated omit object kit program plugins", k)
		for (i in k)
			kind[k[i]] = 1
	}
	FILENAME != manifest {
		if (sub(/=y$/, ""))
			set[$0] = 1
		next
	}
	/^[ \t]*(#|$)/ { next }
	{
		if (NF < 2 || NF > 3 || !($1 in kind)) {
			printf "%s:%d: not KIND PATH [CONDITION]\n", manifest, FNR > "/dev/stderr"
			bad = 1
			exit
		}
		n = NF == 3 ? split($3, c, ",") : 0
		for (i = 1; i <= n; i++)
			if (c[i] ~ /^!/ ? substr(c[i], 2) in set : !(c[i] in set))
				next
		gsub(/\$\(SRCARCH\)/, arch, $2)
		print $1, $2
	}
	END { exit bad }' include/config/auto.conf "$manifest"
}
selected=$(rules) || fail "cannot read $manifest"

# of_kind KIND...: the paths of the selected lines of those kinds.
of_kind() {
	for k; do
		printf '%s\n' "$selected" | sed -n "s|^$k ||p"
	done
}

# sources: the source tree's files the manifest names, unsorted.
# Generated directories are taken from the object tree only, so stale
# ones left in the source tree by an earlier in-tree build never leak in.
sources() {
	printf '%s\n' "$selected" | while read -r kind path; do
		case $kind in
		headers)
			(cd "$srctree" && find "$path" \
				\( -path '*/generated' -o -path include/config \) -prune -o \
				\( -type f -o -type l \) \
				\( -path 'include/*' -o -path '*/include/*' \) -print) ;;
		file) [ ! -f "$srctree/$path" ] || echo "$path" ;;
		files)
			(cd "$srctree" && find "${path%/*}" -maxdepth 1 -type f \
				-name "${path##*/}") ;;
		named)
			(cd "$srctree" && find "${path%/*}" -type f -name "${path##*/}") ;;
		esac || exit
	done
}

# objects: the object tree's files the manifest names, unsorted.  A
# program must be there: it is built with the kernel.
objects() {
	omitted=$(of_kind omit)
	found=$(printf '%s\n' "$selected" | while read -r kind path; do
		case $kind in
		generated) find "$path" \( -type f -o -type l \) -name '*.h' ;;
		object | kit | program) echo "$path" ;;
		plugins) find "$path" -type f -name '*.so' ;;
		esac || exit
	done) || return
	printf '%s\n' "$found" | grep -vxF -e "$omitted" || :
}

# progs: the programs among them, but the GCC plugins.
progs() {
	of_kind kit program
}

# Listed in full before it is sorted: a directory find cannot read must
# stop the build, not leave a hole.
if [ "$list_only" = src ]; then
	raw=$(sources) || fail "cannot list the source tree's files"
	printf '%s\n' "$raw" | wanted
	exit
elif [ "$list_only" = obj ]; then
	raw=$(objects) || fail "cannot list the object tree's files"
	printf '%s\n' "$raw" | wanted
	exit
fi

packer=$(dirname "$0")/kheaders_pack.sh
[ -f "$packer" ] || fail "$packer is missing"

# Same bytes whatever the locale, umask, user or clock of the build.
umask 022
# Without KBUILD_BUILD_TIMESTAMP every entry gets this fixed date.
[ -n "$stamp" ] || stamp="2000-01-01 00:00:00 UTC"

for tool in tar "${XZ:-xz}" find sort; do
	command -v "$tool" >/dev/null 2>&1 ||
		fail "'$tool' not found; it is needed to build CONFIG_IKHEADERS"
done
tar --sort=name --version >/dev/null 2>&1 ||
	fail "GNU tar 1.28 or later is needed (for --sort=name)"
date -d "$stamp" +%s >/dev/null 2>&1 ||
	fail "cannot parse timestamp '$stamp' (KBUILD_BUILD_TIMESTAMP)"

stage=$(cd "$(dirname "$out")" && pwd)/.kheaders_stage
trap 'rm -rf "$stage" "$depfile.tmp"' EXIT
trap 'exit 130' INT TERM HUP
rm -rf "$stage"
mkdir -p "$stage/lists"

# Every list is written to a file and checked before it is sorted: a
# directory find cannot read must stop the build, not leave a hole.
if [ -n "$srclist" ]; then
	cp "$srclist" "$stage/lists/src" || fail "cannot read $srclist"
else
	(sources) >"$stage/lists/src.raw" || fail "cannot list the source tree's files"
	wanted <"$stage/lists/src.raw" >"$stage/lists/src"
fi
if [ -n "$objlist" ]; then
	cp "$objlist" "$stage/lists/obj" || fail "cannot read $objlist"
else
	(objects) >"$stage/lists/obj.raw" || fail "cannot list the object tree's files"
	wanted <"$stage/lists/obj.raw" >"$stage/lists/obj"
fi

# The programs (and GCC plugins) are copied over and stripped in the
# stage: they must be files of their own, never links to files elsewhere
# on this machine.
{
	progs
	grep '\.so$' "$stage/lists/obj" || :
} | sort -u >"$stage/lists/progs"
while read -r f; do
	[ -e "$f" ] || fail "$f is missing from the object tree"
done <"$stage/lists/obj"
while read -r f; do
	if [ -L "$f" ] || [ ! -f "$f" ]; then
		fail "$f in the object tree is not a regular file (a symbolic link?);" \
			"the module build's programs are packed only as files"
	fi
done <"$stage/lists/progs"

# take DIR LIST TAR: the files LIST names in DIR, into TAR.  Copied
# through files, not pipes, so that a file tar cannot read stops the
# build.  Hard links become files of their own.  GNU tar exits 1 when a
# file changed while it read it, as its status does when another link
# to it is made or removed (a hard-linked copy of the tree made beside
# the build): the files are read again, up to three times.
take() {
	tries=1
	until (cd "$1" && tar -cf "$3" --no-recursion --hard-dereference -T "$2"); do
		[ $? = 1 ] && [ $tries -lt 3 ] || return 1
		tries=$((tries + 1))
		echo "$me: warning: a file changed while it was read (see above);" \
			"reading them again" >&2
	done
}
mkdir "$stage/root"
take "$srctree" "$stage/lists/src" "$stage/src.tar" ||
	fail "cannot read the source tree's inputs (see above)"
take . "$stage/lists/obj" "$stage/obj.tar" ||
	fail "cannot read the object tree's inputs (see above)"
for t in src obj; do
	tar -xf "$stage/$t.tar" -C "$stage/root" || fail "cannot unpack $stage/$t.tar"
	rm -f "$stage/$t.tar"
done
cp "${KCONFIG_CONFIG:-.config}" "$stage/root/.config"
cp "$lds" "$stage/root/scripts/module.lds"
if [ -s "$symvers" ]; then
	cp "$symvers" "$stage/root/Module.symvers"
elif enabled CONFIG_MODULES; then
	echo "$me: warning: modpost wrote no Module.symvers (vmlinux.o is not built yet):" \
		"modules built against this archive will not find the kernel's exports;" \
		"build vmlinux too" >&2
fi

# A symbolic link must lead to something packed, without leaving the
# tree on the way: on the device, one that leads out of it would dangle,
# or read the device's own files.  Checked by its text (no absolute
# target, no .. above the top) and on disk (it resolves to a file here).
(cd "$stage/root" && find . -type l) >"$stage/lists/links" ||
	fail "cannot list the symbolic links to pack"
top=$(cd -P "$stage/root" && pwd)
while read -r l; do
	l=${l#./}
	t=$(readlink "$stage/root/$l") || fail "cannot read the link $l"
	r=$(realpath -e -- "$stage/root/$l" 2>/dev/null) || r=
	if [ "${r#"$top"/}" = "$r" ] || ! kh_link=$l kh_target=$t awk 'BEGIN {
		t = ENVIRON["kh_target"]
		if (t == "" || substr(t, 1, 1) == "/")
			exit 1
		depth = split(ENVIRON["kh_link"], p, "/") - 1
		n = split(t, c, "/")
		for (i = 1; i <= n; i++) {
			if (c[i] == ".." && --depth < 0)
				exit 1
			if (c[i] != ".." && c[i] != "." && c[i] != "")
				depth++
		}
	}'; then
		fail "$l is a symbolic link to '$t', which is not a packed file;" \
			"the archive would carry a link that leads out of the tree"
	fi
done <"$stage/lists/links"

# The module build's programs: the device runs them, so they must be
# built for the kernel's architecture, not for this machine's.
elf_machine() {
	# EI_CLASS, EI_DATA and e_machine: enough to tell targets apart.
	if [ "$(od -An -tx1 -N4 "$1" | tr -d ' \n')" = 7f454c46 ]; then
		od -An -tx1 -j4 -N2 "$1" | tr -d ' \n'
		od -An -tx1 -j18 -N2 "$1" | tr -d ' \n'
	fi
}
if [ -n "$kit" ]; then
	(cd "$kit" && for d in scripts tools; do
		[ ! -d "$d" ] || find "$d" -type f ! -name '.*' ! -name '*.h' || exit
	done) >"$stage/lists/kit.raw" || fail "cannot list $kit"
	sort "$stage/lists/kit.raw" >"$stage/lists/kit"
	[ -s "$stage/lists/kit" ] || fail "$kit holds no programs"
	of_kind kit | while read -r f; do
		grep -qxF "$f" "$stage/lists/kit" ||
			fail "$kit/$f is missing: kheaders.manifest lists it as a kit program"
	done || exit
	while read -r f; do
		grep -qxF "$f" "$stage/lists/obj" ||
			fail "$kit/$f has no counterpart in the object tree"
		rm -f "$stage/root/$f"
		cp "$kit/$f" "$stage/root/$f"
	done <"$stage/lists/kit"
	want=$(elf_machine "$stage/root/scripts/basic/fixdep")
	[ -n "$want" ] || fail "$kit/scripts/basic/fixdep is not an ELF program"
	while read -r f; do
		m=$(elf_machine "$stage/root/$f")
		[ -z "$m" ] || [ "$m" = "$want" ] ||
			fail "$f runs only on the build machine and is not rebuilt" \
				"for the kernel's architecture; a cross-built kernel" \
				"with this configuration cannot carry a working kit"
	done <"$stage/lists/progs"
else
	echo "$me: warning: the compiler cannot link programs (CONFIG_CC_CAN_LINK is off):" \
		"the archive's fixdep and modpost are this machine's and run only on" \
		"machines like it" >&2
fi

# A kernel built with LLVM=1 (or LLVM=-19, LLVM=/path/) needs its
# modules built with the same LLVM setting; let the tree say so itself,
# so that the device user need not know.
if enabled CONFIG_CC_IS_CLANG && enabled CONFIG_LD_IS_LLD; then
	llvm=${LLVM:-1}
	case $llvm in
	*[!A-Za-z0-9_./+-]*) fail "cannot record LLVM=$llvm in the archive's Makefile" ;;
	esac
	{
		echo "# Added by kheaders: this kernel was built with LLVM=$llvm."
		echo "LLVM ?= $llvm"
		cat "$stage/root/Makefile"
	} >"$stage/Makefile.llvm"
	mv "$stage/Makefile.llvm" "$stage/root/Makefile"
fi

# Module BTF: the tree has no vmlinux, so modules built from it take
# the running kernel's BTF as their base, once it is checked to be this
# kernel's (kheaders_btf.sh).  Without a recorded checksum (=y: the
# archive is packed before vmlinux, and its BTF, are linked) they get
# none, and the build says why.
if enabled CONFIG_DEBUG_INFO_BTF_MODULES; then
	sum=unknown
	if [ -n "$btfsum" ] && [ -s "$btfsum" ]; then
		sum=$(cat "$btfsum")
		case $sum in
		*[!0-9a-f]*) fail "$btfsum does not hold a SHA-256" ;;
		esac
		[ ${#sum} -eq 64 ] || fail "$btfsum does not hold a SHA-256"
	fi
	cp "$srctree/kernel/kheaders_btf.sh" "$stage/root/scripts/kheaders_btf.sh" ||
		fail "cannot copy kernel/kheaders_btf.sh"
	chmod 755 "$stage/root/scripts/kheaders_btf.sh"
	{
		echo
		echo "# Added by kheaders: this tree has no vmlinux; see kheaders_btf.sh."
		echo "cmd_btf_ko = \$(CONFIG_SHELL) \$(srctree)/scripts/kheaders_btf.sh \$@ $sum \\"
		echo "	\$(PAHOLE_FLAGS) \$(MODULE_PAHOLE_FLAGS)"
	} >>"$stage/root/scripts/Makefile.modfinal"
fi

# Comments are most of the headers' bytes; the stripper keeps the code
# exactly as the compiler sees it (see kheaders_strip.c).
find "$stage/root" -type f -name '*.h' -exec "$stripper" {} + ||
	fail "$stripper failed"

# The programs may carry debug info with absolute build paths, and a
# build ID computed over it; drop both, and the symbol tables no one
# needs, so the bytes depend only on the code.  Programs of the kernel's
# architecture take the kernel's $(STRIP), which Kbuild passes down.
if [ -n "$kit" ] && [ -n "${STRIP:-}" ]; then
	strip_bin=$(command -v "$STRIP") ||
		fail "'$STRIP' (STRIP) not found; it is needed for CONFIG_IKHEADERS"
else
	strip_bin=$(command -v strip || command -v llvm-strip) ||
		fail "neither 'strip' nor 'llvm-strip' found; one is needed for CONFIG_IKHEADERS"
fi
# GCC plugins keep the dynamic symbols gcc looks up in them.
while read -r f; do
	case $f in
	*.so) how=--strip-unneeded ;;
	*) how=--strip-all ;;
	esac
	"$strip_bin" "$how" --remove-section=.note.gnu.build-id \
		"$stage/root/$f" || fail "$strip_bin failed on $f"
done <"$stage/lists/progs"

# The dependency list: every input file, and the programs and linker
# script this run used.  Files added or removed show in -S's list, which
# Kbuild keeps up to date itself.  Names are written in
# make syntax: $ doubled; blank, #, :, | and ; behind a backslash (a
# bare ; would end the prerequisites and start a recipe).  make
# has no escape for % in these lists.  The source tree's path reaches
# awk through the environment, which leaves it as it is.
make_list() {
	kh_prefix=$1 awk '
	{
		s = ENVIRON["kh_prefix"] $0
		if (index(s, "%")) {
			print "cannot name " s " in make syntax (it has a %)" > "/dev/stderr"
			exit 1
		}
		r = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "$")
				r = r "$$"
			else if (index(" \t#:|;", c))
				r = r "\\" c
			else
				r = r c
		}
		print "  " r " \\"
	}' "$2"
}
{
	echo "$lds"
	echo "$stripper"
	[ -z "$mkindex" ] || echo "$mkindex"
	if [ -n "$kit" ]; then
		while read -r f; do
			printf '%s/%s\n' "$kit" "$f"
		done <"$stage/lists/kit"
	fi
} >"$stage/lists/tools"
{
	echo "kheaders-deps := \\" &&
	make_list "$srctree/" "$stage/lists/src" &&
	make_list "" "$stage/lists/obj" &&
	make_list "" "$stage/lists/tools" &&
	echo
} >"$depfile.tmp" || fail "cannot write the dependency list $depfile.tmp"

mv -f "$depfile.tmp" "$depfile"

# The archive last: it is what Kbuild checks for being up to date.
${CONFIG_SHELL:-sh} "$packer" -o "$out" -t "$stamp" \
	${index:+-x "$index" -k "$mkindex"} "$stage/root" ||
	fail "packing $out failed"

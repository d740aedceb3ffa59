#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Install the kheaders overlay into a Linux source tree, replacing the
# mainline kheaders implementation.  Safe to run again: files are only
# rewritten when their content changes, so Kbuild rebuilds nothing extra.
#
# usage: scripts/apply.sh LINUX_TREE

set -eu

me=apply.sh
fail() {
	echo "$me: error: $*" >&2
	exit 1
}

[ $# -eq 1 ] || { echo "usage: $0 LINUX_TREE" >&2; exit 2; }
overlay=$(cd "$(dirname "$0")/.." && pwd)
tree=$1

[ -d "$tree" ] || fail "$tree is not a directory"
tree=$(cd "$tree" && pwd)
for f in Makefile init/Kconfig kernel/Makefile scripts/module.lds.S; do
	[ -f "$tree/$f" ] ||
		fail "$tree does not look like a Linux source tree (no $f)"
done

version=$(sed -n 's/^VERSION = //p' "$tree/Makefile")
patchlevel=$(sed -n 's/^PATCHLEVEL = //p' "$tree/Makefile")
# The versions the tests build; the filesystem's VFS calls differ in the
# releases between them (inode timestamps became accessors in 6.6 and 6.7).
case "$version.$patchlevel" in
6.1) time_h=$overlay/compat/6.1/kernel/kheaders_fs_time.h ;;
6.12) time_h=$overlay/kernel/kheaders_fs_time.h ;;
*) fail "Linux $version.$patchlevel is not supported (6.1 and 6.12 are)" ;;
esac
command -v patch >/dev/null 2>&1 || fail "'patch' not found (apt-get install patch)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every output is made in $tmp first, and checked; the tree is changed
# only once all of them are ready.

# init/Kconfig: the mainline entry becomes a source line for ours.
kconfig=$tree/init/Kconfig
cp "$kconfig" "$tmp/Kconfig"
if ! grep -q '^source "kernel/Kconfig.kheaders"' "$kconfig"; then
	grep -q '^config IKHEADERS$' "$kconfig" ||
		fail "init/Kconfig has neither mainline's IKHEADERS entry nor ours"
	patch -s --no-backup-if-mismatch "$tmp/Kconfig" "$overlay/init/Kconfig.patch" ||
		fail "init/Kconfig.patch does not apply to $kconfig"
fi

# kernel/Makefile: drop mainline's rules, then append ours (replacing
# what an earlier run appended: from our first line to the end, or an
# older overlay's block between marker lines).  Mainline's recipe must
# end as expected, or everything after it would be dropped.
if ! awk '
	/^# >>> kheaders/ { skip = 1; next }
	/^# <<< kheaders/ { skip = 0; next }
	/^# kheaders \(CONFIG_IKHEADERS\):/ { ours = 1 }
	skip || ours { next }
	/^obj-\$\(CONFIG_IKHEADERS\)/ { next }
	/^\$\(obj\)\/kheaders\.o: \$\(obj\)\/kheaders_data\.tar\.xz/ { mainline = 1 }
	mainline { if ($0 ~ /call cmd,genikh/) mainline = 0; next }
	/^clean-files/ {
		gsub(/ kheaders_data\.tar\.xz| kheaders\.md5/, "")
		if ($0 ~ /^clean-files[ \t]*[:+]?=[ \t]*$/) next
	}
	{ print }
	END { exit mainline || skip }
' "$tree/kernel/Makefile" >"$tmp/Makefile.kernel"; then
	fail "kernel/Makefile: mainline's kheaders recipe, or an earlier splice, does not end as expected"
fi
sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$tmp/Makefile.kernel" >"$tmp/Makefile" ||
	fail "cannot write $tmp/Makefile"
if grep -n 'kheaders\|IKHEADERS' "$tmp/Makefile" >&2; then
	fail "kernel/Makefile has kheaders rules this script does not know (lines above)"
fi
{
	cat "$tmp/Makefile"
	echo
	sed '1,/^$/d' "$overlay/kernel/Makefile"
} >"$tmp/Makefile.new" || fail "cannot write $tmp/Makefile.new"

# Kbuild's top level: the archive holds Module.symvers, so it is packed
# after modpost and linked in last (kernel/Makefile.kheaders).  Each file
# gets one paragraph of ours, from splice/, after the paragraph holding
# the line that ANCHOR matches.  Our earlier paragraphs go first (none of
# these files mentions kheaders, in any case, otherwise), as does the
# block an older
# overlay put between marker lines.  Fragment paths reach awk through the
# environment, which keeps backslashes.
splice() {
	kh_frag=$overlay/splice/$1 kh_anchor=$2 awk '
	/^# >>> kheaders/ { skip = 1; next }
	/^# <<< kheaders/ { skip = 0; next }
	skip { next }
	{ line[++n] = $0 }
	END {
		# Drop paragraphs of ours, with the blank line before each.
		for (i = 1; i <= n; i = j) {
			for (j = i; j <= n && line[j] != ""; j++)
				if (tolower(line[j]) ~ /kheaders/)
					ours = 1
			if (j == i) {
				keep[++m] = line[i]
				j = i + 1
				continue
			}
			if (ours) {
				if (m && keep[m] == "")
					m--
			} else {
				for (k = i; k < j; k++)
					keep[++m] = line[k]
			}
			ours = 0
		}
		for (i = 1; i <= m; i++) {
			print keep[i]
			if (keep[i] ~ ENVIRON["kh_anchor"])
				found = 1
			if (found == 1 && (i == m || keep[i + 1] == "")) {
				print ""
				while ((r = getline l < ENVIRON["kh_frag"]) > 0)
					print l
				if (r < 0)
					exit 2
				found = 2
			}
		}
		exit found != 2
	}' "$tree/$1" >"$tmp/splice.$(echo "$1" | tr / _)" ||
		fail "$1 is not as expected (no line matching $2), or splice/$1 is unreadable"
}
splice Makefile '^export KBUILD_LDS  *:= '
splice scripts/Makefile.modfinal '^\t\+\$\(if \$\(newer-prereqs\),\$\(call cmd,btf_ko\)\)$'
splice scripts/Makefile.vmlinux '^vmlinux: \.vmlinux\.export\.o$'
splice scripts/link-vmlinux.sh '^\tobjs="\$\{objs\} init/version-timestamp\.o"$'
splice include/uapi/linux/magic.h '^#define SECRETMEM_MAGIC'
splice MAINTAINERS '^KHADAS MCU MFD DRIVER$'

# The admin guide's index lists ours, in its alphabetical place.
index=$tree/Documentation/admin-guide/index.rst
if grep -qx '   kheaders' "$index"; then
	cp "$index" "$tmp/index.rst"
elif ! awk '{ print } $0 == "   kernel-per-CPU-kthreads" { print "   kheaders"; done = 1 }
	END { exit !done }' "$index" >"$tmp/index.rst"; then
	fail "Documentation/admin-guide/index.rst has no 'kernel-per-CPU-kthreads' entry to list kheaders after"
fi

# Mainline's stamp file is gone; ignore what our rules generate.
gi=$tree/kernel/.gitignore
if [ -f "$gi" ]; then
	grep -v -e '^/kheaders' "$gi" >"$tmp/gitignore" || true
	printf '/%s\n' kheaders-module.lds kheaders-symvers kheaders-srclist kheaders-objlist \
		kheaders-btfsum kheaders_data.tar.xz kheaders_data.index \
		kheaders_strip kheaders_mkindex kheaders-kit >>"$tmp/gitignore"
fi

# What goes where: SOURCE DESTINATION MODE, new files first, init/Kconfig
# last, so that the tree never points at a file it lacks.
{
	for f in Kconfig.kheaders Makefile.kheaders kheaders.manifest kheaders.h kheaders.c \
		 kheaders_data.S kheaders_strip.c kheaders_mkindex.c \
		 kheaders_fmt.h kheaders_fmt.c kheaders_super.c; do
		echo "$overlay/kernel/$f	kernel/$f	644"
	done
	echo "$time_h	kernel/kheaders_fs_time.h	644"
	echo "$overlay/kernel/gen_kheaders.sh	kernel/gen_kheaders.sh	755"
	echo "$overlay/kernel/kheaders_pack.sh	kernel/kheaders_pack.sh	755"
	echo "$overlay/kernel/kheaders_btf.sh	kernel/kheaders_btf.sh	755"
	echo "$overlay/Documentation/admin-guide/kheaders.rst	Documentation/admin-guide/kheaders.rst	644"
	for f in procfs-kheaders sysfs-kernel-kheaders debugfs-kheaders kheaders-fs; do
		echo "$overlay/Documentation/ABI/testing/$f	Documentation/ABI/testing/$f	644"
	done
	echo "$tmp/index.rst	Documentation/admin-guide/index.rst	644"
	[ ! -f "$gi" ] || echo "$tmp/gitignore	kernel/.gitignore	644"
	echo "$tmp/Makefile.new	kernel/Makefile	644"
	echo "$tmp/splice.Makefile	Makefile	644"
	echo "$tmp/splice.scripts_Makefile.modfinal	scripts/Makefile.modfinal	644"
	echo "$tmp/splice.scripts_Makefile.vmlinux	scripts/Makefile.vmlinux	644"
	echo "$tmp/splice.scripts_link-vmlinux.sh	scripts/link-vmlinux.sh	755"
	echo "$tmp/splice.include_uapi_linux_magic.h	include/uapi/linux/magic.h	644"
	echo "$tmp/splice.MAINTAINERS	MAINTAINERS	644"
	echo "$tmp/Kconfig	init/Kconfig	644"
} >"$tmp/plan"

# Nothing is changed unless every file that differs can be replaced.
while IFS='	' read -r src dst mode; do
	[ -r "$src" ] || fail "$src is missing or unreadable"
	cmp -s "$src" "$tree/$dst" && continue
	d=$(dirname "$tree/$dst")
	while [ ! -d "$d" ]; do
		d=$(dirname "$d")
	done
	if [ ! -d "$d" ] || [ ! -w "$d" ]; then
		fail "cannot write $tree/$dst (read-only tree?); nothing was changed"
	fi
done <"$tmp/plan"

# Each file that differs is first copied beside its destination
# (DEST.kh-new), and only once every copy is written are they renamed
# into place: a full disk or a failed write leaves the tree as it was.
# A rename never writes through a hard-linked copy of a tree.
drop_copies() {
	while IFS='	' read -r src dst mode; do
		rm -f "$tree/$dst.kh-new"
	done <"$tmp/plan"
}
: >"$tmp/renames"
while IFS='	' read -r src dst mode; do
	cmp -s "$src" "$tree/$dst" && continue
	if ! { mkdir -p "$(dirname "$tree/$dst")" && cp "$src" "$tree/$dst.kh-new" &&
		chmod "$mode" "$tree/$dst.kh-new" && echo "$dst" >>"$tmp/renames"; }; then
		drop_copies
		fail "cannot write $tree/$dst.kh-new (disk full?); nothing was changed"
	fi
done <"$tmp/plan"
while read -r dst; do
	mv -f "$tree/$dst.kh-new" "$tree/$dst" || fail "cannot rename $dst.kh-new to $dst"
	echo "  installed $dst"
done <"$tmp/renames"

# kheaders_super.c was kheaders_fs.c in an earlier overlay; mainline never
# had that file.
old=$tree/kernel/kheaders_fs.c
if [ -f "$old" ]; then
	rm -f "$old" || fail "cannot remove $old, which an earlier overlay installed"
	echo "  removed kernel/kheaders_fs.c"
fi

echo "kheaders overlay applied to $tree (Linux $version.$patchlevel)"

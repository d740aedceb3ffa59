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
case "$version.$patchlevel" in
6.[1-9] | 6.1[0-2]) ;;
*) fail "Linux $version.$patchlevel is not supported (6.1 to 6.12 are)" ;;
esac
command -v patch >/dev/null 2>&1 || fail "'patch' not found (apt-get install patch)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# install SRC DST: replace DST by SRC when they differ.  A new file is
# moved into place, so a hard-linked copy of a tree is never written through.
install_file() {
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2.kh-new"
		chmod "$3" "$2.kh-new"
		mv -f "$2.kh-new" "$2"
		echo "  installed ${2#"$tree"/}"
	fi
}

# init/Kconfig: the mainline entry becomes a source line for ours.
kconfig=$tree/init/Kconfig
if ! grep -q '^source "kernel/Kconfig.kheaders"' "$kconfig"; then
	grep -q '^config IKHEADERS$' "$kconfig" ||
		fail "init/Kconfig has neither mainline's IKHEADERS entry nor ours"
	cp "$kconfig" "$tmp/Kconfig"
	patch -s --no-backup-if-mismatch "$tmp/Kconfig" "$overlay/init/Kconfig.patch" ||
		fail "init/Kconfig.patch does not apply to $kconfig"
	install_file "$tmp/Kconfig" "$kconfig" 644
fi

# kernel/Makefile: drop mainline's rules, then splice ours in between
# markers (replacing an earlier splice).
awk '
	/^# >>> kheaders/ { skip = 1; next }
	/^# <<< kheaders/ { skip = 0; next }
	skip { next }
	/^obj-\$\(CONFIG_IKHEADERS\)/ { next }
	/^\$\(obj\)\/kheaders\.o: \$\(obj\)\/kheaders_data\.tar\.xz/ { mainline = 1 }
	mainline { if ($0 ~ /call cmd,genikh/) mainline = 0; next }
	/^clean-files/ {
		gsub(/ kheaders_data\.tar\.xz| kheaders\.md5/, "")
		if ($0 ~ /^clean-files[ \t]*[:+]?=[ \t]*$/) next
	}
	{ print }
' "$tree/kernel/Makefile" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$tmp/Makefile"
if grep -n 'kheaders\|IKHEADERS' "$tmp/Makefile" >&2; then
	fail "kernel/Makefile has kheaders rules this script does not know (lines above)"
fi
{
	cat "$tmp/Makefile"
	echo
	echo '# >>> kheaders: from the kheaders overlay (scripts/apply.sh)'
	sed '1,/^$/d' "$overlay/kernel/Makefile"
	echo '# <<< kheaders'
} >"$tmp/Makefile.new"
install_file "$tmp/Makefile.new" "$tree/kernel/Makefile" 644

# Top Makefile: Module.symvers only exists once modpost has run, after
# every object.  Right after modpost, have kernel/ pack it into the archive
# and rebuild kheaders.o, before modfinal links kheaders.ko.
awk -v hook="$overlay/kernel/Makefile.top-hook" '
	/^# >>> kheaders/ { skip = 1; next }
	/^# <<< kheaders/ { skip = 0; next }
	skip { next }
	{ print }
	/^modpost:/ { in_modpost = 1 }
	in_modpost && /^\t\$\(Q\)\$\(MAKE\) -f \$\(srctree\)\/scripts\/Makefile\.modpost$/ {
		while ((getline line < hook) > 0) print line
		in_modpost = 0
		done = 1
	}
	END { exit !done }
' "$tree/Makefile" >"$tmp/TopMakefile" ||
	fail "the top Makefile has no modpost rule in the expected form"
install_file "$tmp/TopMakefile" "$tree/Makefile" 644

install_file "$overlay/kernel/Kconfig.kheaders" "$tree/kernel/Kconfig.kheaders" 644
install_file "$overlay/kernel/kheaders.h" "$tree/kernel/kheaders.h" 644
install_file "$overlay/kernel/kheaders.c" "$tree/kernel/kheaders.c" 644
for f in kheaders_strip.c kheaders_mkindex.c kheaders_fmt.h kheaders_fmt.c \
	 kheaders_fs.c; do
	install_file "$overlay/kernel/$f" "$tree/kernel/$f" 644
done
# Inode timestamps became accessor functions in 6.7.
time_h=$overlay/kernel/kheaders_fs_time.h
case "$version.$patchlevel" in
6.[1-6]) time_h=$overlay/compat/6.1/kernel/kheaders_fs_time.h ;;
esac
install_file "$time_h" "$tree/kernel/kheaders_fs_time.h" 644
install_file "$overlay/kernel/gen_kheaders.sh" "$tree/kernel/gen_kheaders.sh" 755
install_file "$overlay/kernel/kheaders_pack.sh" "$tree/kernel/kheaders_pack.sh" 755
install_file "$overlay/Documentation/admin-guide/kheaders.rst" \
	"$tree/Documentation/admin-guide/kheaders.rst" 644

# Mainline's stamp file is gone; ignore what our rules generate.
gi=$tree/kernel/.gitignore
if [ -f "$gi" ]; then
	grep -v -e '^/kheaders' "$gi" >"$tmp/gitignore" || true
	printf '/%s\n' kheaders-module.lds kheaders-symvers kheaders_data.tar.xz \
		kheaders_index.bin kheaders_strip kheaders_mkindex kheaders-kit >>"$tmp/gitignore"
	install_file "$tmp/gitignore" "$gi" 644
fi

echo "kheaders overlay applied to $tree (Linux $version.$patchlevel)"

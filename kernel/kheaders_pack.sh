#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Pack a staged tree into the kheaders archive, reproducibly.
#
# usage: kheaders_pack.sh -o ARCHIVE -t TIMESTAMP [-x INDEX -k MKINDEX] DIR
#
# Without -x: one tar.xz of two blocks, compressed for size.  With -x (the kheaders
# filesystem): MKINDEX (kernel/kheaders_mkindex) writes the tree index to
# INDEX and cuts the tar into pieces that become concatenated xz streams,
# so each can be decoded on its own.  Either way xz and tar read ARCHIVE
# as a plain .tar.xz.  Output files appear complete or not at all.

set -eu

me=kheaders_pack.sh
fail() {
	echo "$me: error: $*" >&2
	exit 1
}
usage="usage: $me -o ARCHIVE -t TIMESTAMP [-x INDEX -k MKINDEX] DIR"

out='' stamp='' index='' mkindex=''
while getopts o:t:x:k: opt; do
	case $opt in
	o) out=$OPTARG ;;
	t) stamp=$OPTARG ;;
	x) index=$OPTARG ;;
	k) mkindex=$OPTARG ;;
	*) fail "$usage" ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 1 ] || [ -z "$out" ] || [ -z "$stamp" ]; then
	fail "$usage"
fi
[ -z "$index" ] || [ -n "$mkindex" ] || fail "-x needs -k MKINDEX"
dir=$1
[ -d "$dir" ] || fail "$dir is not a directory"

LC_ALL=C
export LC_ALL
umask 022

# Kbuild passes its $(XZ) down.
xz=${XZ:-xz}
for tool in tar "$xz"; do
	command -v "$tool" >/dev/null 2>&1 ||
		fail "'$tool' not found; it is needed to build CONFIG_IKHEADERS"
done

work=$out.pack
trap 'rm -rf "$work" "$out.tmp" ${index:+"$index.tmp"}' EXIT
trap 'exit 130' INT TERM HUP
rm -rf "$work"
mkdir -p "$work"

# Owners, modes (no setgid from the build directory), mtimes and order
# fixed; hard links stored as files; GNU format has no per-run fields.
tar_tree() {
	tar -cf - -C "$dir" --format=gnu --sort=name --hard-dereference \
		--owner=0 --group=0 --numeric-owner --mode='a-st,u=rwX,go=rX' \
		--mtime="$stamp" .
}

# pb=0: the tar is text, with no 4-byte structure for LZMA2 to exploit.
lzma=preset=6,pb=0

if [ -z "$index" ]; then
	# Two threads on two halves, always: the output depends only on the
	# tar, never on how many CPUs the build machine has, and costs one
	# block boundary's worth of compression.
	tar_tree >"$work/tar" || fail "tar failed while writing $out"
	size=$(wc -c <"$work/tar")
	block=$(( (size / 2 / 65536 + 1) * 65536 ))
	"$xz" --check=crc32 --lzma2="$lzma" --threads=2 --block-size="$block" \
		-c "$work/tar" >"$out.tmp" || fail "xz failed while writing $out"
else
	tar_tree >"$work/tar" || fail "tar failed"
	mkdir "$work/chunks"
	"$mkindex" "$work/tar" "$index.tmp" "$work/chunks" ||
		fail "$mkindex failed"
	# One single-threaded xz per piece, two at a time; each piece's
	# stream depends only on its bytes.  CRC32, since that is the check
	# the kernel's xz decoder verifies.
	(cd "$work/chunks" && find . -name 'c*' -type f | sort |
		xargs -P 2 -n 16 "$xz" --check=crc32 --lzma2="$lzma" --threads=1 -q) ||
		fail "xz failed"
	# By relative name: the build path may hold blanks or quotes.
	(cd "$work/chunks" && find . -name 'c*.xz' | sort | xargs cat) >"$out.tmp" ||
		fail "cannot write $out"
	mv -f "$index.tmp" "$index"
fi
mv -f "$out.tmp" "$out"

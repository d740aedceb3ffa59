#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fast tier: the kheaders filesystem layout in userspace.  A fixture tree
# is packed as the kernel build packs it (kheaders_pack.sh -x, with
# kheaders_mkindex); the kernel's parsers (kernel/kheaders_fmt.c), built
# with ASan and UBSan, read it back through tests/fmt/khfmt and must give
# tar's tree; then corrupted and truncated inputs, and a short libFuzzer
# run (clang) on the same parsers.
#
# usage: tests/test-fmt.sh [FUZZ_SECONDS]   (default 20)

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

fuzz_seconds=${1:-20}
need_tools gcc tar xz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fmt=$KH_REPO/tests/fmt
san=(-O1 -g -Wall -Wextra -Werror -fno-sanitize-recover=all)
san+=("-fsanitize=address,undefined")
parsers=("$fmt/khreader.c" "$KH_REPO/kernel/kheaders_fmt.c")
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1

if ! echo '#include <lzma.h>
#include <zlib.h>' | gcc -E - >/dev/null 2>&1; then
	bad "liblzma-dev and zlib1g-dev are needed (scripts/install-deps.sh)"
	summary
	exit
fi
check "kheaders_mkindex builds without warnings" \
	gcc -O2 -Wall -Wextra -Werror -I"$fmt/include" -o "$work/mkindex" "$KH_REPO/kernel/kheaders_mkindex.c"
for p in khfmt test_corrupt; do
	check "tests/fmt/$p builds with ASan and UBSan, without warnings" \
		gcc "${san[@]}" -I"$fmt/include" -o "$work/$p" "$fmt/$p.c" "${parsers[@]}" -llzma -lz
done

# The fixture: nested and empty directories, empty, small, chunk-sized and
# multi-chunk files, a hard link, symlinks (one with a long target), names
# longer than tar's 100 bytes, and odd modes that packing normalises.
fixture() {
	local r=$1 i
	mkdir -p "$r/include/linux/deep/er/still" "$r/empty-dir" "$r/scripts/mod" "$r/arch/x86"
	for i in $(seq 1 400); do
		printf '#define KH_%d %d\n/* file %d */\n' "$i" "$((i * 7))" "$i" >"$r/include/linux/f$i.h"
	done
	: >"$r/include/empty.h"
	seq 1 120000 >"$r/big-multi-chunk.txt"	# about 700 KiB
	head -c $((256 * 1024 - 2048)) "$r/big-multi-chunk.txt" >"$r/include/chunk-sized.h"
	awk 'BEGIN { srand(7); for (i = 0; i < 60000; i++) printf "%08x\n", int(rand() * 4294967295) }' \
		>"$r/arch/x86/random.txt"
	ln "$r/include/linux/f1.h" "$r/include/linux/hardlink.h"
	ln -s ../include/linux/f2.h "$r/scripts/link-to-f2"
	ln -s "$(printf 'x%.0s' $(seq 1 150))" "$r/scripts/long-target"
	ln -s linux "$r/include/dir-link"
	long=$(printf 'n%.0s' $(seq 1 120))
	echo long >"$r/include/linux/deep/er/still/$long.h"
	printf '\177ELF' >"$r/scripts/mod/modpost"
	chmod 700 "$r/scripts/mod/modpost"
	chmod 600 "$r/include/linux/f3.h"
}
mkdir "$work/a" "$work/b"
fixture "$work/a/root"
fixture "$work/b/root"

pack() {
	sh "$KH_REPO/kernel/kheaders_pack.sh" -o "$1/ar.tar.xz" -x "$1/index" -k "$work/mkindex" \
		-t '2000-01-01 00:00:00 UTC' "$1/root"
}
check "kheaders_pack.sh -x packs the fixture" pack "$work/a"
ar=$work/a/ar.tar.xz ix=$work/a/index
(umask 077 && cd / && TZ=Asia/Tokyo LC_ALL=de_DE.UTF-8 pack "$work/b") >/dev/null 2>&1
check "archive byte-identical from another dir, umask, TZ and locale" cmp -s "$ar" "$work/b/ar.tar.xz"
check "index byte-identical likewise" cmp -s "$ix" "$work/b/index"
check "xz reads the archive as one .tar.xz" xz -t "$ar"
check "tar reads it" lists "$ar" .
streams=$(xz --robot -l "$ar" | awk '$1 == "totals" { print $2 }')
check "the archive is several xz streams (${streams:-?})" test "${streams:-0}" -ge 4
check "every stream checks with CRC32" xz_crc32 "$ar"

mkdir "$work/tar-x"
tar -xf "$ar" -C "$work/tar-x"
check "khfmt reads the tree through the kernel's parsers" "$work/khfmt" extract "$ar" "$ix" "$work/khfmt-x"
check "same files and bytes as tar -x (diff -r)" diff -r --no-dereference "$work/tar-x" "$work/khfmt-x"
listing() { (cd "$1" && find . -printf '%M %s %p -> %l\n' | sort); }
check "same modes, sizes and link targets as tar -x" \
	cmp -s <(listing "$work/tar-x") <(listing "$work/khfmt-x")
msg=$("$work/khfmt" chunks "$ar" "$ix")
check "each file that fits a chunk decodes exactly one ($msg)" grep -q ' 0 decoded more than one' <<<"$msg"
check "chunks that start inside a file start on a 64 KiB boundary of it" \
	grep -qE ' [1-9][0-9]* starting inside a file, 0 of them off' <<<"$msg"

for c in truncate-archive truncate-index mutate-index flip-archive; do
	msg=$("$work/test_corrupt" "$c" "$ar" "$ix" 2>&1)
	rc=$?
	check "corrupt input, $c: no fault, no wrong bytes ($(tail -n 1 <<<"$msg"))" test $rc -eq 0
	[ $rc -eq 0 ] || head -n 20 <<<"$msg"
done

# An index whose entries carry setuid, setgid and sticky bits, with a
# valid CRC: the parser reads them without those bits, so that no mount
# could honour them.  Struct offsets as in kheaders_fmt.h (a 40-byte
# header with the CRC at 8; 28-byte entries with the mode at 10).
python3 - "$ix" "$work/special.index" <<'PY'
import struct, sys, zlib
ix = bytearray(open(sys.argv[1], "rb").read())
n = struct.unpack_from("<I", ix, 12)[0]
marked = set()
for i in range(n):
    at = 40 + 28 * i + 10
    mode = struct.unpack_from("<H", ix, at)[0]
    kind = mode & 0o170000
    if kind not in marked and kind in (0o100000, 0o040000):
        struct.pack_into("<H", ix, at, mode | (0o6000 if kind == 0o100000 else 0o3000))
        marked.add(kind)
struct.pack_into("<I", ix, 8, zlib.crc32(bytes(ix[40:])))
open(sys.argv[2], "wb").write(ix)
PY
check "an index with setuid, setgid and sticky bits is read" \
	"$work/khfmt" extract "$ar" "$work/special.index" "$work/special-x"
check "... and none of those bits reaches the tree" \
	test -z "$(find "$work/special-x" -perm -4000 -o -perm -2000 -o -perm -1000)"

msg=$("$work/mkindex" "$work/missing.tar" "$work/ix" "$work" 2>&1)
check "kheaders_mkindex names a missing input" grep -q "cannot open $work/missing.tar" <<<"$msg"
head -c 1000 "$work/tar-x/big-multi-chunk.txt" >"$work/not-a-tar"
msg=$("$work/mkindex" "$work/not-a-tar" "$work/ix" "$work" 2>&1)
check "kheaders_mkindex refuses a non-tar" grep -q "error:" <<<"$msg"

# libFuzzer: seeds are small packed trees, so that runs stay fast.
if ! command -v clang >/dev/null ||
	! clang -fsanitize=fuzzer -x c -o /dev/null - <<<'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' 2>/dev/null; then
	bad "clang with libFuzzer is needed for the fuzz run (scripts/install-deps.sh)"
else
	check "fuzz target builds" clang -O1 -g "-fsanitize=fuzzer,address,undefined" \
		-fno-sanitize-recover=all -I"$fmt/include" -o "$work/fuzz" "$fmt/fuzz_khfmt.c" \
		"${parsers[@]}" -llzma -lz
	mkdir -p "$work/corpus" "$work/seed/root/d"
	printf 'a\n' >"$work/seed/root/d/a.h"
	seq 1 70000 >"$work/seed/root/two-chunks.txt"
	ln -s d/a.h "$work/seed/root/l"
	pack "$work/seed"
	mkseed() {
		local ix=$1 ar=$2 n
		n=$(stat -c %s "$ix")
		{ printf "%08x" "$n" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/' | xxd -r -p; cat "$ix" "$ar"; } >"$3"
	}
	mkseed "$work/seed/index" "$work/seed/ar.tar.xz" "$work/corpus/seed-two-chunks"
	rm "$work/seed/root/two-chunks.txt"
	pack "$work/seed"
	mkseed "$work/seed/index" "$work/seed/ar.tar.xz" "$work/corpus/seed-one-chunk"
	(cd "$work" && ./fuzz -max_total_time="$fuzz_seconds" -max_len=65536 -timeout=10 \
		-print_final_stats=1 corpus >fuzz.log 2>&1)
	rc=$?
	runs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$work/fuzz.log")
	check "libFuzzer, ${fuzz_seconds} s: no crash, leak or UB report (${runs:-?} runs)" test $rc -eq 0
	[ $rc -eq 0 ] || grep -m 20 -E 'ERROR|SUMMARY|runtime error' "$work/fuzz.log"
fi

summary

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# On the GKI-shaped arm64 kernel (tests/configs/gki.config: clang 19,
# ThinLTO, kCFI, shadow call stack), after tests/guest/btf.sh has built
# kh_cfi from the unpacked archive with the device's clang 19: the module
# got the kernel's flags (its parts are ThinLTO bitcode compiled with
# kCFI and the shadow call stack), the kernel's indirect calls into it
# pass kCFI, and a call through a pointer of the wrong type is reported.
# Prints KTAP (tests/guest/ktap.sh).

repo=$(cd "$(dirname "$0")/../.." && pwd)
tree=$HOME/headers
KT_AREA=gki

# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

# bitcode FILE: FILE is LLVM bitcode (magic BC C0 DE).
bitcode() { [ "$(od -An -tx1 -N4 "$1" | tr -d ' \n')" = 4243c0de ]; }

# The toolchain the tree asks for is the device's.
kt_prints "the tree asks for LLVM=-19, as the kernel was built" '^LLVM \?= -19$' \
	grep -x 'LLVM ?= -19' "$tree/Makefile"
kver=$(sed -n 's/^CONFIG_CLANG_VERSION=//p' "$tree/include/config/auto.conf")
kt_eq "the device's clang-19 is the kernel's clang major version" \
	"$(clang-19 -dumpversion | cut -d. -f1)" "$((kver / 10000))"

if [ ! -f /tmp/kh_cfi/kh_cfi.ko ]; then
	rm -rf /tmp/kh_cfi && cp -r "$repo/tests/modules/kh_cfi" /tmp/kh_cfi
	kt_check "kh_cfi builds from the extracted archive" make -C "$tree" M=/tmp/kh_cfi modules
fi
cd /tmp/kh_cfi || exit 1
for part in kh_cfi_main kh_cfi_wrong; do
	kt_check "$part.o is LLVM bitcode (ThinLTO)" bitcode $part.o
	for flag in -flto=thin -fsanitize=kcfi -fsanitize=shadow-call-stack; do
		kt_prints "$part.o was compiled with $flag" "(^| )$flag( |$)" cat .$part.o.cmd
	done
done

# Loaded: the kernel calls its init, a timer callback and a /proc show
# through pointers; kCFI checks each against the callee's type.
dmesg -C
kt_check "insmod kh_cfi.ko" insmod kh_cfi.ko
sleep 1
kt_eq "the timer callback and the /proc show ran" \
	"$(tr '\n' ' ' </proc/kh_cfi)" "timer_calls 1 shows 1 "
kt_eq "no CFI failure reported" "$(dmesg | grep -c 'CFI failure')" 0
kt_check "rmmod kh_cfi" rmmod kh_cfi

# The negative control: a call through a pointer of the wrong type is
# reported (permissive kCFI: the guest goes on), so the check above
# would catch a module built without the kernel's flags.
echo "KH-EXPECTED begin: kCFI reports kh_cfi's wrong-type call"
kt_check "insmod kh_cfi.ko wrong=1" insmod kh_cfi.ko wrong=1
sleep 1
echo "KH-EXPECTED end"
kt_match "the kernel reported the wrong-type call as a CFI failure" \
	"$(dmesg | grep 'CFI failure' | head -n 1)" \
	'^\[ *[0-9.]+\] CFI failure at [a-z_]+\+0x[0-9a-f]+/0x[0-9a-f]+ \[kh_cfi\] \(target: kh_cfi_add(\.llvm\.[0-9]+)?\+0x0/0x[0-9a-f]+ \[kh_cfi\]; expected type: 0x[0-9a-f]{8}\)$'
kt_check "rmmod kh_cfi, after the report" rmmod kh_cfi
cd / || exit 1

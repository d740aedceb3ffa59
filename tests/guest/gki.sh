#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# On the GKI-shaped arm64 kernel (tests/configs/gki.config: clang 19,
# ThinLTO, kCFI, shadow call stack, MODVERSIONS, module BTF), run by
# tests/guest/arm64.sh once the workflow has unpacked the archive into
# $HOME/headers: a module built there with the device's clang 19 gets
# the kernel's flags (its objects are bitcode, its indirect calls pass
# kCFI, a wrong-type call is reported), and BTF split against the running
# kernel's, which bpftool reads back; without pahole it builds with a
# message and no BTF; against another kernel's BTF it does not build.
# Prints KTAP (tests/guest/ktap.sh).

repo=$(cd "$(dirname "$0")/../.." && pwd)
tree=$HOME/headers
base=/sys/kernel/btf/vmlinux
KT_AREA=gki

# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

# section_size SECTION FILE: its size in bytes, as readelf gives it;
# nothing if FILE has no SECTION.  ("[ 5]" is two fields, "[12]" one.)
section_size() {
	_ss=$(readelf -S -W "$2" | awk -v s="$1" '$2 == s { print $6 } $3 == s { print $7 }')
	[ -z "$_ss" ] || echo $((0x$_ss))
}

# bitcode FILE: FILE is LLVM bitcode (magic BC C0 DE).
bitcode() { [ "$(od -An -tx1 -N4 "$1" | tr -d ' \n')" = 4243c0de ]; }

# The running kernel's BTF is the one the tree recorded at build time.
kt_eq "/sys/kernel/btf/vmlinux is the BTF the tree recorded" \
	"$(sha "$base")" "$(cat "$KH_BUILD/kernel/kheaders-btfsum")"

# The toolchain the tree asks for is the device's.
kt_prints "the tree asks for LLVM=-19, as the kernel was built" '^LLVM \?= -19$' \
	grep -x 'LLVM ?= -19' "$tree/Makefile"
kver=$(sed -n 's/^CONFIG_CLANG_VERSION=//p' "$tree/include/config/auto.conf")
kt_eq "the device's clang-19 is the kernel's clang major version" \
	"$(clang-19 -dumpversion | cut -d. -f1)" "$((kver / 10000))"

# Built as the user builds, with BTF: pahole and bpftool are installed.
rm -rf /tmp/kh_cfi && cp -r "$repo/tests/modules/kh_cfi" /tmp/kh_cfi && cd /tmp/kh_cfi || exit 1
timed_check "kh_cfi builds from the extracted archive" btf-build \
	logged /tmp/kh_cfi.log make -C "$tree" M="$(pwd)" modules
kt_prints "the build made kh_cfi.ko's BTF" 'BTF \[M\] .*kh_cfi\.ko' cat /tmp/kh_cfi.log
for part in kh_cfi_main kh_cfi_wrong; do
	kt_check "$part.o is LLVM bitcode (ThinLTO)" bitcode $part.o
	for flag in -flto=thin -fsanitize=kcfi -fsanitize=shadow-call-stack; do
		kt_prints "$part.o was compiled with $flag" "(^| )$flag( |$)" cat .$part.o.cmd
	done
done
btf=$(section_size .BTF kh_cfi.ko)
kt_match "kh_cfi.ko has a .BTF section" "$btf" '^[1-9][0-9]*$'
echo "kh_cfi.ko: .BTF section of ${btf:-0} bytes" | kt_diag
# Split BTF: readable only on top of the kernel's.
kt_check "kh_cfi.ko's BTF is split: alone it does not parse" \
	sh -c '! bpftool btf dump file kh_cfi.ko >/dev/null 2>&1'
kt_prints "on top of $base it names struct kh_cfi_state" "STRUCT 'kh_cfi_state'" \
	bpftool -B "$base" btf dump file kh_cfi.ko

# Loaded: the kernel calls its init, a timer callback and a /proc show
# through pointers; kCFI checks each against the callee's type.
dmesg -C
kt_check "insmod kh_cfi.ko" insmod kh_cfi.ko
sleep 1
kt_eq "the timer callback and the /proc show ran" \
	"$(tr '\n' ' ' </proc/kh_cfi)" "timer_calls 1 shows 1 "
kt_eq "no CFI failure reported" "$(dmesg | grep -c 'CFI failure')" 0
kt_check "/sys/kernel/btf/kh_cfi exists" test -f /sys/kernel/btf/kh_cfi
bpftool btf dump file /sys/kernel/btf/kh_cfi >/tmp/kh_cfi.btf 2>&1
# shellcheck disable=SC2016 # awk's fields, not the shell's
kt_check "bpftool shows struct kh_cfi_state with its three members" \
	awk -v q="'" '/^\[[0-9]+\] / { s = ($2 == "STRUCT" && $3 == q "kh_cfi_state" q) }
	s && /^\t/ && / type_id=/ && ($1 == q "timer_calls" q || $1 == q "shows" q ||
		$1 == q "wrong_result" q) { n++ }
	END { exit n != 3 }' /tmp/kh_cfi.btf
kt_check "rmmod kh_cfi" rmmod kh_cfi

# The negative control: a call through a pointer of the wrong type is
# reported (permissive kCFI: the guest goes on), so the check above
# would catch a module built without the kernel's flags.
echo "KH-EXPECTED begin: kCFI reports kh_cfi's wrong-type call"
kt_check "insmod kh_cfi.ko wrong=1" insmod kh_cfi.ko wrong=1
sleep 1
echo "KH-EXPECTED end"
kt_match "the kernel reported the wrong-type call as a CFI failure" \
	"$(dmesg | grep 'CFI failure' | head -n 1)" 'CFI failure at .*\(target: kh_cfi_add\+0x0/'
kt_check "rmmod kh_cfi, after the report" rmmod kh_cfi

# Without pahole: the build goes on, and says the module has no BTF.
# PATH is one directory of links to every program but pahole.
mkdir -p /tmp/nopahole
for f in /usr/local/bin/* /usr/bin/* /bin/* /usr/sbin/* /sbin/*; do
	[ "${f##*/}" = pahole ] || [ -e "/tmp/nopahole/${f##*/}" ] || ln -s "$f" /tmp/nopahole/
done
rm -rf /tmp/kh_nobtf && cp -r "$repo/tests/modules/kh_cfi" /tmp/kh_nobtf && cd /tmp/kh_nobtf || exit 1
timed_check "without pahole in PATH, kh_cfi still builds" nobtf-build \
	logged /tmp/kh_nobtf.log env PATH=/tmp/nopahole make -C "$tree" M="$(pwd)" modules
kt_prints "the build says kh_cfi.ko has no BTF, and why" \
	"BTF \[M\] .*kh_cfi\.ko: none: 'pahole' not found" cat /tmp/kh_nobtf.log
kt_eq "that kh_cfi.ko has no .BTF section" \
	"$(test -f kh_cfi.ko && echo "$(section_size .BTF kh_cfi.ko) bytes")" " bytes"

# Against another kernel's BTF (the same bytes but one): refused.
head -c 64 "$base" >/tmp/other.btf
tail -c +65 "$base" | tr '\000' '\001' >>/tmp/other.btf
rm -f kh_cfi.ko
kt_fails "with another kernel's BTF as the base, the build stops" \
	'is not the BTF of the kernel this tree is for' \
	env KHEADERS_BTF_BASE=/tmp/other.btf make -C "$tree" M="$(pwd)" modules
kt_check "and leaves no kh_cfi.ko behind" test ! -e kh_cfi.ko
cd / || exit 1

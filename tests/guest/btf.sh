#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# On a kernel with CONFIG_DEBUG_INFO_BTF_MODULES, with the archive
# unpacked into $HOME/headers (by tests/guest/workflow.sh, or here): a
# module built from that tree gets BTF split against the running
# kernel's, which bpftool reads back once it is loaded; without pahole it
# still builds, saying it has no BTF; against another kernel's BTF it
# does not build.  Leaves kh_cfi built in /tmp/kh_cfi, for
# tests/guest/gki.sh.  Prints KTAP (tests/guest/ktap.sh).

repo=$(cd "$(dirname "$0")/../.." && pwd)
tree=$HOME/headers
base=/sys/kernel/btf/vmlinux
KT_AREA=btf

# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

# section_size SECTION FILE: its size in bytes, as readelf gives it;
# nothing if FILE has no SECTION.  ("[ 5]" is two fields, "[12]" one.)
section_size() {
	_ss=$(readelf -S -W "$2" | awk -v s="$1" '$2 == s { print $6 } $3 == s { print $7 }')
	[ -z "$_ss" ] || echo $((0x$_ss))
}

if [ ! -f "$tree/Makefile" ]; then
	kt_check "modprobe kheaders" modprobe kheaders
	# shellcheck disable=SC2016 # expanded by that shell
	kt_check "the archive unpacks into \$HOME/headers" \
		sh -c 'mkdir -p $HOME/headers && tar -xf /proc/kheaders.tar.xz -C $HOME/headers'
fi
# The running kernel's BTF is the one the tree recorded at build time.
kt_eq "$base is the BTF the tree recorded" \
	"$(sha "$base")" "$(cat "$KH_BUILD/kernel/kheaders-btfsum")"

# Built as the user builds, with pahole and bpftool installed.
rm -rf /tmp/kh_cfi && cp -r "$repo/tests/modules/kh_cfi" /tmp/kh_cfi && cd /tmp/kh_cfi || exit 1
timed_check "kh_cfi builds from the extracted archive" btf-build \
	logged /tmp/kh_cfi.log make -C "$tree" M="$(pwd)" modules
kt_prints "the build made kh_cfi.ko's BTF" 'BTF \[M\] .*kh_cfi\.ko' cat /tmp/kh_cfi.log
btf=$(section_size .BTF kh_cfi.ko)
kt_match "kh_cfi.ko has a .BTF section" "$btf" '^[1-9][0-9]*$'
echo "kh_cfi.ko: .BTF section of ${btf:-0} bytes" | kt_diag
# Split BTF: readable only on top of the kernel's.
kt_check "kh_cfi.ko's BTF is split: alone it does not parse" \
	sh -c '! bpftool btf dump file kh_cfi.ko >/dev/null 2>&1'
kt_prints "on top of $base it names struct kh_cfi_state" "STRUCT 'kh_cfi_state'" \
	bpftool -B "$base" btf dump file kh_cfi.ko

kt_check "insmod kh_cfi.ko" insmod kh_cfi.ko
kt_check "/sys/kernel/btf/kh_cfi exists" test -f /sys/kernel/btf/kh_cfi
bpftool btf dump file /sys/kernel/btf/kh_cfi >/tmp/kh_cfi.btf 2>&1
# shellcheck disable=SC2016 # awk's fields, not the shell's
kt_check "bpftool shows struct kh_cfi_state with its three members" \
	awk -v q="'" '/^\[[0-9]+\] / { s = ($2 == "STRUCT" && $3 == q "kh_cfi_state" q) }
	s && /^\t/ && / type_id=/ && ($1 == q "timer_calls" q || $1 == q "shows" q ||
		$1 == q "wrong_result" q) { n++ }
	END { exit n != 3 }' /tmp/kh_cfi.btf
kt_check "rmmod kh_cfi" rmmod kh_cfi

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

# Against another kernel's BTF (the same length, other bytes): refused,
# and the module it would have spoilt is not left behind.
head -c 64 "$base" >/tmp/other.btf
tail -c +65 "$base" | tr '\000' '\001' >>/tmp/other.btf
rm -f kh_cfi.ko
kt_fails "with another kernel's BTF as the base, the build stops" \
	'is not the BTF of the kernel this tree is for' \
	env KHEADERS_BTF_BASE=/tmp/other.btf make -C "$tree" M="$(pwd)" modules
kt_check "and leaves no kh_cfi.ko behind" test ! -e kh_cfi.ko
cd / || exit 1

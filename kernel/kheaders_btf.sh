#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# BTF for a module built with "make M=" from a kheaders tree.  The tree
# has no vmlinux to split the module's BTF against, so the running
# kernel's BTF (/sys/kernel/btf/vmlinux) stands in for it, but only once
# its checksum is the one this tree recorded for its kernel: BTF split
# against another kernel's would carry wrong type IDs.  Without pahole,
# or one too old, the module is left without BTF and the build says so.
# scripts/Makefile.modfinal runs this for each module it links.
#
# usage: kheaders_btf.sh MODULE.ko BTF_SHA256 [PAHOLE_FLAGS...]
#   BTF_SHA256   the SHA-256 of the kernel's .BTF section, or "unknown"
#   KHEADERS_BTF_BASE  the base BTF to use (default /sys/kernel/btf/vmlinux),
#                such as a copy taken from the running target kernel

set -eu

me=kheaders_btf.sh
[ $# -ge 2 ] || { echo "usage: $me MODULE.ko BTF_SHA256 [PAHOLE_FLAGS...]" >&2; exit 2; }
ko=$1
want=$2
shift 2
base=${KHEADERS_BTF_BASE:-/sys/kernel/btf/vmlinux}
pahole=${PAHOLE:-pahole}
btfids=${RESOLVE_BTFIDS:-tools/bpf/resolve_btfids/resolve_btfids}
release=$(cat include/config/kernel.release 2>/dev/null) || release=unknown

# skip REASON: the module stays without BTF, and the build goes on.
skip() {
	echo "  BTF [M] $ko: none: $*" >&2
	exit 0
}

# fail REASON: the build stops; the module would get wrong BTF.
fail() {
	echo "$me: error: $ko: $*" >&2
	exit 1
}

[ "$want" != unknown ] ||
	skip "this tree does not record its kernel's BTF (built in, CONFIG_IKHEADERS=y)"
need=$(sed -n 's/^CONFIG_PAHOLE_VERSION=//p' include/config/auto.conf)
command -v "$pahole" >/dev/null 2>&1 ||
	skip "'$pahole' not found; install pahole (Debian: dwarves) version ${need:-?} or later"
have=$("$pahole" --numeric_version 2>/dev/null) || have=
case $have in
'' | *[!0-9]*) skip "cannot tell the version of '$pahole'" ;;
esac
[ -z "$need" ] || [ "$have" -ge "$need" ] ||
	skip "'$pahole' is version $have; this kernel's BTF needs $need or later"
[ -f "$btfids" ] || skip "this tree has no $btfids"

# The kernel this tree is for, and no other: the same BTF, to the byte.
[ -r "$base" ] ||
	fail "cannot read $base, the base BTF;" \
		"build on the kernel this tree is for ($release)," \
		"or set KHEADERS_BTF_BASE to a copy of its /sys/kernel/btf/vmlinux"
sum=$(sha256sum <"$base") || fail "cannot read $base"
if [ "${sum%% *}" != "$want" ]; then
	fail "$base is not the BTF of the kernel this tree is for" \
		"(running $(uname -r), tree $release);" \
		"the module's BTF would name the wrong types." \
		"Build on that kernel, or set KHEADERS_BTF_BASE to a copy of its" \
		"/sys/kernel/btf/vmlinux"
fi

LLVM_OBJCOPY=${OBJCOPY:-objcopy} "$pahole" -J "$@" --btf_base "$base" "$ko" ||
	fail "$pahole failed"
"$btfids" -b "$base" "$ko" || fail "$btfids failed"

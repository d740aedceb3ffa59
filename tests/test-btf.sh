#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fast tier: kernel/kheaders_btf.sh, which gives a module built from a
# kheaders tree its BTF, run in a fake tree with stand-in pahole and
# resolve_btfids that log how they were called.  Checked: the base BTF
# is used only when its checksum is the recorded one (otherwise the
# build stops, named); with no pahole, one too old, or no recorded
# checksum the module is left without BTF and the build goes on, saying
# why; a failing pahole stops the build.

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
script=$KH_REPO/kernel/kheaders_btf.sh

# The tree: a kernel whose BTF needs pahole 1.24, with its
# resolve_btfids; a base BTF; pahole 1.24 and 1.23 stand-ins.
tree=$work/tree bin=$work/bin
mkdir -p "$tree/include/config" "$tree/tools/bpf/resolve_btfids" "$bin/old" "$bin/new" "$bin/bad"
echo 'CONFIG_PAHOLE_VERSION=124' >"$tree/include/config/auto.conf"
echo '6.12.0-gki' >"$tree/include/config/kernel.release"
printf 'BTF of the kernel' >"$work/vmlinux.btf"
printf 'BTF of another kernel' >"$work/other.btf"
want=$(sha256sum <"$work/vmlinux.btf" | cut -d' ' -f1)
cat >"$tree/tools/bpf/resolve_btfids/resolve_btfids" <<'EOF'
#!/bin/sh
echo "resolve_btfids $*" >>"$KH_CALLS"
EOF
stand_in() {
	cat >"$bin/$1/pahole" <<EOF
#!/bin/sh
if [ "\$1" = --numeric_version ]; then echo $2; exit 0; fi
echo "pahole \$*" >>"\$KH_CALLS"
exit $3
EOF
}
stand_in new 124 0
stand_in old 123 0
stand_in bad 124 1
chmod 755 "$tree/tools/bpf/resolve_btfids/resolve_btfids" "$bin"/*/pahole
touch "$work/m.ko"
# PATH: the stand-ins' directory, then only what the script runs, so
# that this machine's own pahole is never found.
mkdir "$work/tools"
for t in sh sed cat cut sha256sum uname; do
	ln -s "$(command -v "$t")" "$work/tools/$t"
done

# btf PATHDIR SUM [VAR=VALUE...]: run the script in the tree for m.ko,
# with PATH holding PATHDIR and $work/tools; its output in
# $work/out, its status in $rc, the tools' calls in $work/calls.
btf() {
	local dir=$1 sum=$2
	shift 2
	: >"$work/calls"
	(cd "$tree" && env PATH="$dir:$work/tools" KH_CALLS="$work/calls" \
		KHEADERS_BTF_BASE="$work/vmlinux.btf" "$@" \
		"$work/tools/sh" "$script" "$work/m.ko" "$sum" --btf_gen_floats -j) >"$work/out" 2>&1
	rc=$?
}
said() { grep -qF -- "$1" "$work/out" || { sed 's/^/  said: /' "$work/out"; return 1; }; }
no_calls() { [ ! -s "$work/calls" ] || { sed 's/^/  called: /' "$work/calls"; return 1; }; }

btf "$bin/new" "$want"
check "the recorded base: exits 0" test "$rc" = 0
check "... pahole encodes split BTF against it, with the kernel's flags" has_lines "$work/calls" \
	"^pahole -J --btf_gen_floats -j --btf_base $work/vmlinux.btf $work/m.ko\$"
check "... then resolve_btfids, against the same base" has_lines "$work/calls" \
	"^resolve_btfids -b $work/vmlinux.btf $work/m.ko\$"

btf "$bin/new" "$want" KHEADERS_BTF_BASE="$work/other.btf"
check "another kernel's BTF: the build stops" test "$rc" != 0
check "... saying so, with both releases" \
	said "other.btf is not the BTF of the kernel this tree is for (running $(uname -r), tree 6.12.0-gki)"
check "... and nothing is encoded" no_calls

btf "$bin/new" "$want" KHEADERS_BTF_BASE="$work/missing.btf"
check "no base BTF to read: the build stops, named" test "$rc" != 0
check "... saying how to go on" said "cannot read $work/missing.btf, the base BTF"

btf "$work/empty" "$want"
check "no pahole: the build goes on" test "$rc" = 0
check "... saying the module has no BTF, and why" \
	said "BTF [M] $work/m.ko: none: 'pahole' not found; install pahole (Debian: dwarves) version 124 or later"
check "... and nothing is encoded" no_calls

btf "$bin/old" "$want"
check "pahole too old: the build goes on" test "$rc" = 0
check "... saying which version it has and needs" \
	said "none: 'pahole' is version 123; this kernel's BTF needs 124 or later"
check "... and nothing is encoded" no_calls

btf "$bin/new" unknown
check "no recorded checksum (=y): the build goes on" test "$rc" = 0
check "... saying why the module has no BTF" said "none: this tree does not record its kernel's BTF"

btf "$bin/bad" "$want"
check "pahole fails: the build stops, named" test "$rc" != 0
check "... and resolve_btfids does not run" no_line '^resolve_btfids' "$work/calls"

summary

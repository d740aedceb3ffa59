#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: Linux 6.12 cross-built for arm64 on this x86-64 machine, with
# aarch64-linux-gnu-gcc (or with clang and lld, LLVM=1, with -l), booted
# under qemu-system-aarch64 with an arm64 Debian userspace
# (scripts/build-guest-root.sh) that has the device's own compilers.  The
# archive's programs must be arm64 ones; in the guest the user's workflow
# runs as written, then tests/guest/arm64.sh's steps: the mounted
# archive, kheaders-install, two modules sharing a symbol, a Debian DKMS
# source, and the negative control.  The guest checks.  The full tier
# runs it with -l: a kernel of the shape Android's GKI kernels have
# (clang 19, ThinLTO, kCFI, shadow call stack, module BTF;
# tests/configs/gki.config), whose guest also runs tests/guest/gki.sh.
#
# usage: tests/test-guest-arm64.sh [-l]

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/guest-test.sh
. "$(dirname "$0")/guest-test.sh"

llvm=0
while getopts l opt; do
	case $opt in
	l) llvm=1 ;;
	*) die "usage: $0 [-l]" ;;
	esac
done
arch=arm64
kernel_vars "$arch" "$llvm"
guest_kernel 6.12 m "$llvm" "$arch"
root=$("$KH_REPO/scripts/build-guest-root.sh" "$arch") ||
	{ bad "$name: arm64 guest root"; summary; exit; }
ok "$name: arm64 guest root"
archive=$build/kernel/kheaders_data.tar.xz

# The GKI shape: every option asked for is in the kernel's .config.
if [ "$llvm" = 1 ]; then
	while IFS= read -r line; do
		check "$name: $line" config_holds "$line" "$build/.config"
	done < <(grep -E '^(CONFIG_|# CONFIG_.* is not set$)' "$KH_REPO/tests/configs/gki.config")
	log "$name: archive of $(stat -c %s "$archive") bytes"
	# The BTF checksum is kept with filechk: read on every make, written
	# and packed only when it changes.  Between the build and now another
	# lane may have edited the shared source tree (the staleness suite
	# puts the generator back with a new mtime), so one make under the
	# lock first, then the one that must build nothing.
	tree_lock 6.12 -s
	make -C "$build" -j"$KH_JOBS" "${KH_MAKE_VARS[@]}" Image modules >"$build/catchup.log" 2>&1 &&
		make -C "$build" -j"$KH_JOBS" "${KH_MAKE_VARS[@]}" Image modules >"$build/noop.log" 2>&1
	check "$name: a make, and a second, no-op make exit 0" test $? = 0
	check "$name: ... and builds, packs and links nothing" built_nothing "$build/noop.log"
	tree_unlock
fi

# Every program in the archive is for the kernel's architecture.
tree=$(mktemp -d)
trap 'rm -rf "$tree" "$tree.machines" "$tree.btf"' EXIT
tar -xf "$archive" -C "$tree"
elf_machines "$tree" >"$tree.machines"
log "$name: programs in the archive: $(cut -d' ' -f1 "$tree.machines" | tr '\n' ' ')"
check "$name: fixdep and modpost are in the archive" \
	has_lines "$tree.machines" '^scripts/basic/fixdep ' '^scripts/mod/modpost '
if [ "$llvm" = 1 ]; then
	check "$name: resolve_btfids is in the archive" \
		has_lines "$tree.machines" '^tools/bpf/resolve_btfids/resolve_btfids '
	log "$name: resolve_btfids of $(stat -c %s "$tree/tools/bpf/resolve_btfids/resolve_btfids") bytes"
	check "$name: the archive's Makefile asks for LLVM=-19" \
		has_lines "$tree/Makefile" '^LLVM \?= -19$'
	llvm-objcopy-19 -O binary --only-section=.BTF "$build/vmlinux" "$tree.btf"
	check "$name: the archive records the checksum of vmlinux's BTF" \
		has_lines "$tree/scripts/Makefile.modfinal" \
		"kheaders_btf\\.sh \\\$@ $(sha256sum <"$tree.btf" | cut -d' ' -f1) "
	rm -f "$tree.btf"
fi
check "$name: every ELF file in the archive is for AArch64" \
	only_lines "$tree.machines" ' AArch64$'
rm -f "$tree.machines"

# The negative control's archive: the same tree with this machine's
# programs, as it was packed before they were built for the kernel.
cp "$build/scripts/basic/fixdep" "$tree/scripts/basic/fixdep"
cp "$build/scripts/mod/modpost" "$tree/scripts/mod/modpost"
elf_machines "$tree" >"$tree.machines"
check "$name: the negative control's archive carries x86-64 programs" \
	has_lines "$tree.machines" '^scripts/basic/fixdep X86-64$' '^scripts/mod/modpost X86-64$'
rm -f "$tree.machines"
tar -cJf "$build/kheaders-host-programs.tar.xz" -C "$tree" .

# The third-party module: LiME, from Debian 12's lime-forensics-dkms
# (the Debian 12 DKMS sources tried that build on 6.12 at all), and
# its control build against the full build tree, cross-compiled here.
# clang 15 and later make errors of two of LiME 1.9.1's warnings: "int
# setup_tcp()" under Kbuild's -Werror=strict-prototypes, and the
# unsigned long it hands arm64's virt_addr_valid() (-Wint-conversion).
# Both builds take them back to warnings.
rm -rf "$build/dkms"
dkms_sources "$build/dkms" lime-forensics-dkms
src=$(cd "$build/dkms/usr/src" && echo lime-forensics-*)
echo "$src" >"$build/dkms/name"
check "$src: Debian's DKMS source is there" test -f "$build/dkms/usr/src/$src/dkms.conf"
rm -rf "$build/dkms/control" && cp -r "$build/dkms/usr/src/$src" "$build/dkms/control"
tree_lock 6.12 -s
check "$src: control build against the full build tree" \
	quiet_make "$build/dkms/control.log" -C "$build" "${KH_MAKE_VARS[@]}" M="$build/dkms/control" \
	KCFLAGS="-Wno-error=strict-prototypes -Wno-error=int-conversion" modules
tree_unlock

guest_run arm64.sh -r "$root" -t 3000
summary

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot a kernel built by scripts/build-kernel.sh under QEMU (TCG), with the
# host's root shared read-only over virtio-9p, and run SCRIPT inside it
# (see tests/guest/init).  The console goes to LOG.  Exits 0 when the
# guest ran the script to its end; otherwise says why and shows the log.
#
# A kernel of another architecture (arm64) runs with ROOT, a root of its
# own architecture (scripts/build-guest-root.sh), in place of the host's;
# BUILD_DIR is then shared too, at /kh-build.
#
# usage: scripts/run-guest.sh [-t SECONDS] [-m MEMORY] [-r ROOT] BUILD_DIR SCRIPT LOG

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage="usage: $0 [-t SECONDS] [-m MEMORY] [-r ROOT] BUILD_DIR SCRIPT LOG"
timeout=900
mem=1024
root=/
while getopts t:m:r: opt; do
	case $opt in
	t) timeout=$OPTARG ;;
	m) mem=$OPTARG ;;
	r) root=$(realpath "$OPTARG") ;;
	*) die "$usage" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 3 ] || die "$usage"
build=$(realpath "$1")
script=$(realpath "$2")
log=$3
case $script in
"$KH_REPO"/tests/*) ;;
*) die "$script: guest scripts live under $KH_REPO/tests" ;;
esac
case $build/ in
/tmp/*) die "$build is under /tmp, which the guest covers with a tmpfs; set KHEADERS_CACHE elsewhere" ;;
esac

if grep -qx CONFIG_ARM64=y "$build/.config" 2>/dev/null; then
	arch=arm64 qemu=qemu-system-aarch64
	[ "$root" != / ] || die "an arm64 kernel needs an arm64 root: -r \$(scripts/build-guest-root.sh arm64)"
	busybox=$root/bin/busybox
	# The guest sees the build directory at /kh-build.
	guest_build=/kh-build
	machine=(-machine virt -cpu cortex-a57)
	console=ttyAMA0
else
	arch=x86_64 qemu=qemu-system-x86_64
	[ "$root" = / ] || die "an x86_64 kernel runs with the host's root; -r is for arm64"
	busybox=$(command -v busybox) || die "busybox not found: apt-get install busybox-static"
	guest_build=$build
	machine=(-machine pc)
	console="ttyS0 tsc=unstable"
fi
need_tools "$qemu" timeout
image=$build/$(kernel_image "$arch")
[ -f "$image" ] || die "no kernel in $build: run scripts/build-kernel.sh"
[ -x "$build/usr/gen_init_cpio" ] || die "$build/usr/gen_init_cpio missing (CONFIG_BLK_DEV_INITRD off?)"
[ -d "$build/modroot/lib/modules" ] || die "$build/modroot missing: run scripts/build-kernel.sh"
# The guest bind-mounts the test kernel's modules over /lib/modules, which
# must exist in the shared root (a container image may lack it).
[ -d "$root/lib/modules" ] || mkdir -p "$root/lib/modules" ||
	die "$root/lib/modules is missing and cannot be created"
file "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	die "$busybox is not a static busybox (apt-get install busybox-static)"
# share_9p ID PATH TAG: QEMU options sharing PATH read-only as TAG (a
# comma in an option value is written twice).
share_9p() {
	printf '%s\n' -fsdev "local,id=$1,path=${2//,/,,},readonly=on,security_model=none,multidevs=remap" \
		-device "virtio-9p-pci,fsdev=$1,mount_tag=$3"
}
mapfile -t shares < <(share_9p root "$root" host0)
if [ "$guest_build" != "$build" ]; then
	mapfile -t -O ${#shares[@]} shares < <(share_9p build "$build" build0)
fi

# The initramfs holds busybox, /init, and the repository's tests/ and the
# device-side scripts/kheaders-install (as /kh, copied to the guest's
# /tmp/kh: the repository may be anywhere, /tmp included); everything else
# is the host's.
initrd=$build/kh-initramfs.cpio
{
	cat <<CPIO
dir /bin 755 0 0
dir /dev 755 0 0
nod /dev/console 600 0 0 c 5 1
dir /proc 755 0 0
dir /sys 755 0 0
dir /host 755 0 0
file /bin/busybox $busybox 755 0 0
file /init $KH_REPO/tests/guest/init 755 0 0
dir /kh 755 0 0
dir /kh/scripts 755 0 0
file /kh/scripts/kheaders-install $KH_REPO/scripts/kheaders-install 755 0 0
CPIO
	(cd "$KH_REPO" && find tests -type d) | sed 's|^\(.*\)$|dir /kh/\1 755 0 0|'
	(cd "$KH_REPO" && find tests -type f) | sed "s|^\\(.*\\)\$|file /kh/\\1 $KH_REPO/\\1 755 0 0|"
} | "$build/usr/gen_init_cpio" - >"$initrd" || die "cannot make the initramfs"

cmdline="console=$console panic=-1 kh.script=${script#"$KH_REPO"/} kh.modules=$guest_build/modroot/lib/modules kh.build=$guest_build"
start=$(date +%s.%N)
rc=0
timeout --kill-after=10 "$timeout" "$qemu" \
	"${machine[@]}" -accel tcg,thread=multi -smp 2 -m "$mem" \
	-display none -monitor none -serial stdio -no-reboot \
	-kernel "$image" -initrd "$initrd" -append "$cmdline" "${shares[@]}" \
	</dev/null >"$log" 2>&1 &
pid=$!
# The guest scripts print a KTAP result for each check (a benchmark a
# KH-BENCH line); show the count and the last one.
steps() {
	local last
	last=$(grep -aE '^(not )?ok [0-9]+ ' "$log" | tail -n 1 | cut -d' ' -f3- | tr -d '\r')
	printf '%s checks done%s' "$(grep -acE '^((not )?ok [0-9]+|KH-BENCH) ' "$log")" \
		"${last:+, last: ${last:0:50}}"
}
watch_progress "$pid" "guest ${script##*/} (timeout ${timeout} s)" steps
wait "$pid" || rc=$?
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
log "guest ran for ${elapsed%.*} s (qemu exit $rc), console log: $log"

why=
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	why="guest timed out after $timeout s"
elif ! grep -q '^KH-BOOTED' "$log"; then
	why="guest did not boot"
elif grep -q '^KH-GUEST-ERROR' "$log"; then
	why=$(grep -m1 '^KH-GUEST-ERROR' "$log")
elif ! grep -q '^KH-DONE' "$log"; then
	why="guest did not finish its script (panic or crash?)"
fi
if [ -n "$why" ]; then
	echo "---- last 60 lines of $log ----" >&2
	tail -n 60 "$log" | tr -d '\r' >&2
	echo "----" >&2
	die "$why"
fi

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The kheaders filesystem, in the test guest: same tree as the archive,
# module build from the mount, read-only everywhere, rmmod refused while
# mounted, several mounts, 8 concurrent readers on a cold cache, and the
# memory and time it costs.  Prints KH-* lines; tests/test-guest-fs.sh
# (and tests/test-guest-debug.sh, with KH_FS_LIGHT=1: no timing runs)
# judges them.

repo=$(cd "$(dirname "$0")/../.." && pwd)
light=${KH_FS_LIGHT:-0}
mnt=/tmp/khfs
ref=/tmp/khref

# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"


# Unreclaimable kernel memory: unreclaimable slab and vmalloc, in kB.
mem() {
	awk -v tag="$1" '
		/^SUnreclaim:/ { su = $2 } /^VmallocUsed:/ { vm = $2 }
		/^SReclaimable:/ { sr = $2 } /^Cached:/ { c = $2 }
		END { printf "KH-MEM %s sunreclaim=%d vmalloc=%d sreclaimable=%d cached=%d\n", tag, su, vm, sr, c }
	' /proc/meminfo
}

drop_caches() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
}

# Modes, owners, mtimes, sizes and link targets of every entry; the size
# of a directory is the filesystem's own business.
listing() {
	(cd "$1" && find . \( -type d -printf '%M %U %G - %T@ %p\n' \) -o \
		-printf '%M %U %G %s %T@ %p -> %l\n' | sort)
}

# The slab caches that grew most since the snapshot in $1.
slab_growth() {
	[ -r /proc/slabinfo ] || return 0
	awk 'NR == FNR { if (FNR > 2) before[$1] = $3 * $4; next }
		FNR > 2 { d = $3 * $4 - before[$1]; if (d > 0) printf "%d %s\n", d / 1024, $1 }' \
		"$1" /proc/slabinfo | sort -rn | head -n 6 |
		while read -r kb cache; do echo "KH-SLAB $2 $cache +${kb} kB"; done
}

# stats TAG: the filesystem's decode counters (debugfs kheaders/stats).
stats() {
	echo "KH-STATS $1 $(tr '\n' ' ' </sys/kernel/debug/kheaders/stats)"
}

# The same module source built twice at once would clash; one copy each.
build_module() {
	rm -rf "$2" && cp -r "$repo/tests/modules/kh_hello" "$2" &&
		make -s -C "$1" M="$2" modules >"$2.log" 2>&1
	rc=$?
	[ $rc = 0 ] || tail -n 20 "$2.log"
	return $rc
}

step modprobe modprobe kheaders
grep -qw kheaders /proc/filesystems
echo "KH-STEP registered rc=$?"
mkdir -p $mnt $mnt-2 $ref /tmp/khbad
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
t0=$(now)
step extract-ref tar -xf /proc/kheaders.tar.xz -C $ref
echo "KH-TIME extract $t0 $(now)"

drop_caches
mem before-mount
cat /proc/slabinfo >/tmp/slab-before 2>/dev/null
t0=$(now)
step mount mount -t kheaders none $mnt
t1=$(now)
echo "KH-TIME mount $t0 $t1"
mem after-mount
stats after-mount
grep " $mnt " /proc/mounts | sed 's/^/KH-MOUNTS /'

# Every file once, cold, one reader: each chunk decoded once, when the
# first file in it is read; that decode fills the other files' pages.
t0=$(now)
find $mnt -type f -print0 | xargs -0 cat >/dev/null
echo "KH-STEP cat-all rc=$?"
t1=$(now)
echo "KH-TIME cat-all $t0 $t1"
stats cat-all-cold
mem after-cat-all
slab_growth /tmp/slab-before after-cat-all
t0=$(now)
find $mnt -type f -print0 | xargs -0 cat >/dev/null
echo "KH-TIME cat-all-warm $t0 $(now)"
drop_caches
mem after-drop-caches

step diff diff -r --no-dereference $ref $mnt
listing $ref >/tmp/list-ref
listing $mnt >/tmp/list-mnt
step listing cmp /tmp/list-ref /tmp/list-mnt || diff /tmp/list-ref /tmp/list-mnt | head -n 20
echo "KH-ENTRIES $(wc -l </tmp/list-mnt)"
# Blocks as for a file stored in full: du counts them, and tar --sparse
# (which takes a file with fewer blocks than bytes for a sparse one)
# copies the bytes.
f=$mnt/include/linux/kernel.h
echo "KH-BLOCKS $(stat -c '%s %b %B' "$f") du=$(du -sk "$mnt/include/linux" | cut -f1)"
tar --sparse -cf - -C $mnt include/linux/kernel.h | tar -xOf - | cmp -s - "$f"
echo "KH-STEP sparse-copy rc=$?"

# Read-only: every change fails with EROFS, for root.
f=$mnt/Makefile
d=$mnt/include
erofs() {
	what=$1
	shift
	msg=$("$@" 2>&1)
	rc=$?
	echo "KH-EROFS $what rc=$rc $(echo "$msg" | head -n 1)"
}
erofs create touch $mnt/new-file
erofs write sh -c "echo x >>$f"
erofs truncate truncate -s 0 $f
erofs unlink rm -f $f
erofs mkdir mkdir $d/new-dir
erofs rmdir rmdir $mnt/scripts
erofs rename mv $f $mnt/Makefile.old
erofs chmod chmod 0777 $f
erofs chown chown 1:1 $f
erofs symlink ln -s Makefile $mnt/link
erofs link ln $f $mnt/hardlink
erofs utime touch -d @0 $f
erofs remount-rw mount -o remount,rw $mnt
echo "KH-SHA-AFTER $(sha256sum <$f | cut -c1-64) $(sha256sum <$ref/Makefile | cut -c1-64)"

# Bad mount options: refused, with a message that names the option.
erofs badopt mount -t kheaders -o bogus=1 none /tmp/khbad
dmesg | grep "kheaders: .*bogus" | tail -n 1 | sed 's/^/KH-DMESG-BADOPT /'

# A second mount shows the same tree; rmmod waits for both to go.
step mount-2 mount -t kheaders none $mnt-2
step same-2 cmp $mnt/Makefile $mnt-2/Makefile
if grep -q '^kheaders ' /proc/modules; then
	msg=$(rmmod kheaders 2>&1)
	echo "KH-RMMOD-MOUNTED rc=$? $msg"
fi

# The module build from the mount, and its insmod.
step build-mnt build_module $mnt /tmp/hello-mnt
step insmod insmod /tmp/hello-mnt/kh_hello.ko
dmesg | grep 'kh_hello:' | tail -n 1 | sed 's/^/KH-DMESG /'
step rmmod-hello rmmod kh_hello

# Eight readers at once on a cold cache, each in its own order, every
# file checksummed against the extracted copy.
step umount-2 umount $mnt-2
step umount-1 umount $mnt
drop_caches
step mount-readers mount -t kheaders none $mnt
(cd $ref && find . -type f | sort | xargs sha256sum) >/tmp/sums-ref
i=0
while [ $i -lt 8 ]; do
	(
		cd $mnt || exit 1
		case $((i % 4)) in
		0) find . -type f | sort ;;
		1) find . -type f | sort -r ;;
		2) find . -type f | shuf --random-source=/tmp/sums-ref ;;
		3) find . -type f | sort -t/ -k3 ;;
		esac | xargs sha256sum | sort -k2 >/tmp/sums-$i
	) &
	i=$((i + 1))
done
wait
i=0 good=0
while [ $i -lt 8 ]; do
	sort -k2 /tmp/sums-ref | cmp -s - /tmp/sums-$i && good=$((good + 1))
	i=$((i + 1))
done
echo "KH-FS-READERS $good/8 $(wc -l </tmp/sums-ref) files"
stats readers-cold

if [ "$light" = 0 ]; then
	# Module build time, from the mount against from the extracted copy
	# on tmpfs, both warm, alternated; and once on a fresh mount with a
	# cold cache.
	for run in 1 2; do
		t0=$(now)
		build_module $ref /tmp/hello-ref
		echo "KH-TIME build-ref-$run $t0 $(now) rc=$?"
		t0=$(now)
		build_module $mnt /tmp/hello-mnt
		echo "KH-TIME build-mnt-$run $t0 $(now) rc=$?"
	done
	umount $mnt
	drop_caches
	mount -t kheaders none $mnt
	t0=$(now)
	build_module $mnt /tmp/hello-mnt
	echo "KH-TIME build-mnt-cold $t0 $(now) rc=$?"
	stats build-mnt-cold
fi

mem before-umount
step umount umount $mnt
if [ -e "/lib/modules/$(uname -r)/kernel/kernel/kheaders.ko" ]; then
	step rmmod-kheaders rmmod kheaders
	# The filesystem's code stays, as a library nothing uses now.
	echo "KH-FS-MODULE after-rmmod $(grep -c '^kheaders_fs ' /proc/modules)"
	step rmmod-kheaders-fs modprobe -r kheaders_fs
fi
mem after-umount

if [ "$light" = 0 ]; then
	sh "$repo/tests/guest/install.sh"
fi

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The kheaders filesystem, in the test guest: same tree as the archive,
# module build from the mount, read-only everywhere, rmmod refused while
# mounted, several mounts, 8 concurrent readers on a cold cache, and the
# memory and time it costs; then scripts/kheaders-install (install.sh).
# Prints KTAP (tests/guest/ktap.sh), and KH-MEM, KH-TIME and KH-STATS
# lines for the figures the host logs.

repo=$(cd "$(dirname "$0")/../.." && pwd)
mnt=/tmp/khfs
ref=/tmp/khref
KT_AREA=fs

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

# read_all DIR: read every file below DIR.
read_all() { find "$1" -type f -print0 | xargs -0 cat >/dev/null; }

# sparse_copy_same DIR FILE: tar --sparse (which takes a file with fewer
# blocks than bytes for a sparse one) copies DIR/FILE's bytes.
sparse_copy_same() { tar --sparse -cf - -C "$1" "$2" | tar -xOf - | cmp - "$1/$2"; }

# decoded_once: chunks were decoded, and none more than once.
decoded_once() {
	n=$(stat_of decodes) d=$(stat_of chunks_decoded)
	echo "$n decodes of $d chunks"
	[ "${n:-0}" -gt 0 ] && [ "$n" = "$d" ]
}

# blocks_cover FILE DIR: FILE's blocks cover its bytes, and du counts
# DIR's.
blocks_cover() {
	size=$(stat -c %s "$1") held=$(($(stat -c '%b * %B' "$1"))) du=$(du -sk "$2" | cut -f1)
	echo "size $size, blocks hold $held bytes; du $du kB"
	[ "$size" -gt 0 ] && [ "$held" -ge "$size" ] && [ "$du" -gt 0 ]
}

# build_module TREE DIR: kh_hello, copied to DIR, built against TREE.
build_module() {
	rm -rf "$2" && cp -r "$repo/tests/modules/kh_hello" "$2" &&
		make -s -C "$1" M="$2" modules >"$2.log" 2>&1
	rc=$?
	[ $rc = 0 ] || tail -n 20 "$2.log"
	return $rc
}

kt_check "modprobe kheaders" modprobe kheaders
kt_check "the filesystem type is registered" grep -w kheaders /proc/filesystems
mkdir -p $mnt $mnt-2 $ref /tmp/khbad
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
t0=$(now)
kt_check "the archive unpacks (the reference tree)" tar -xf /proc/kheaders.tar.xz -C $ref
echo "KH-TIME extract $t0 $(now)"

drop_caches
mem before-mount
cat /proc/slabinfo >/tmp/slab-before 2>/dev/null
t0=$(now)
kt_check "mount -t kheaders" mount -t kheaders none $mnt
t1=$(now)
echo "KH-TIME mount $t0 $t1"
mem after-mount
stats after-mount
kt_eq "nothing is decoded at mount" "$(stat_of decodes)" 0
kt_match "the mount is read-only" "$(grep " $mnt " /proc/mounts)" "^none $mnt kheaders ro[ ,]"

# Every file once, cold, one reader: each chunk decoded once, when the
# first file in it is read; that decode fills the other files' pages.
t0=$(now)
kt_check "every file reads" read_all $mnt
t1=$(now)
echo "KH-TIME cat-all $t0 $t1"
stats cat-all-cold
kt_check "a cold walk by one reader decodes every chunk it needs once" decoded_once
mem after-cat-all
slab_growth /tmp/slab-before after-cat-all
t0=$(now)
find $mnt -type f -print0 | xargs -0 cat >/dev/null
echo "KH-TIME cat-all-warm $t0 $(now)"
drop_caches
mem after-drop-caches

kt_check "the mount holds the unpacked archive's files" diff -r --no-dereference $ref $mnt
listing $ref >/tmp/list-ref
listing $mnt >/tmp/list-mnt
kt_check "every entry's mode, owner, size, mtime and link target match tar's ($(wc -l </tmp/list-mnt) entries)" \
	diff /tmp/list-ref /tmp/list-mnt
# Blocks as for a file stored in full: du counts them, and tar --sparse
# copies the bytes.
f=$mnt/include/linux/kernel.h
kt_check "a file's blocks cover its bytes, and du counts them" blocks_cover "$f" $mnt/include/linux
kt_check "tar --sparse copies a file's bytes" sparse_copy_same $mnt include/linux/kernel.h

# Read-only: every change fails with EROFS, for root.
f=$mnt/Makefile
d=$mnt/include
# mount(8) words EROFS from a remount as "write-protected".
erofs() {
	what=$1
	shift
	kt_fails "$what fails with EROFS" 'Read-only file system|is write-protected' "$@"
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
kt_eq "the file is unchanged after the attempts" "$(sha $f)" "$(sha $ref/Makefile)"

# Bad mount options: refused, with a message that names the option.
# EINVAL: util-linux 2.38 says "bad option"; later ones pass on the
# kernel's own words.
kt_fails "an unknown mount option is refused with EINVAL" 'bad option|Invalid argument|Unknown parameter' \
	mount -t kheaders -o bogus=1 none /tmp/khbad
kt_match "the kernel log names the bad option" "$(dmesg | grep 'kheaders: .*bogus' | tail -n 1)" \
	"kheaders: Unknown parameter 'bogus'"

# A second mount shows the same tree; rmmod waits for both to go.
kt_check "a second mount" mount -t kheaders none $mnt-2
kt_check "the second mount shows the same files" cmp $mnt/Makefile $mnt-2/Makefile
if kheaders_is_module; then
	kt_fails "rmmod kheaders is refused while mounted" 'in use' rmmod kheaders
fi

# The module build from the mount, and its insmod.
rel=$(uname -r)
kt_check "a module builds from the mount" build_module $mnt /tmp/hello-mnt
kt_check "insmod kh_hello.ko" insmod /tmp/hello-mnt/kh_hello.ko
kt_match "the module ran, built for and running on this release" \
	"$(dmesg | grep 'kh_hello:' | tail -n 1)" "kh_hello: built for $rel, running on $rel\$"
kt_check "rmmod kh_hello" rmmod kh_hello

# Eight readers at once on a cold cache, each in its own order, every
# file checksummed against the extracted copy.
kt_check "umount the second mount" umount $mnt-2
kt_check "umount the first" umount $mnt
drop_caches
kt_check "mount again, cold" mount -t kheaders none $mnt
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
kt_eq "8 concurrent cold readers, every checksum right ($(wc -l </tmp/sums-ref) files each)" $good/8 8/8
stats readers-cold

mem before-umount
kt_check "umount" umount $mnt
if kheaders_is_module; then
	kt_check "rmmod kheaders once unmounted" rmmod kheaders
	# The filesystem's code stays, as a library nothing uses now.
	kt_check "kheaders_fs.ko was loaded with kheaders.ko, and stays" grep '^kheaders_fs ' /proc/modules
	kt_check "then kheaders_fs.ko unloads too" modprobe -r kheaders_fs
fi
mem after-umount

sh "$repo/tests/guest/install.sh"

# shellcheck shell=bash
# What the guest scripts must have printed, shared by the guest tests.
# Sourced after tests/lib.sh.  $out holds the guest's console log.

out=${out:-}
printed() { grep -qxF "$1" <<<"$out"; }
# printed_re ERE...: the guest printed a line matching each ERE.
printed_re() {
	local re
	for re in "$@"; do
		grep -qE "$re" <<<"$out" || { echo "  no guest line matches $re"; return 1; }
	done
}
# not_printed_re ERE: the guest printed no line matching ERE.
not_printed_re() { ! grep -E "$1" <<<"$out" | sed 's/^/  printed: /' | grep .; }

# guest_helpers BUILD: build the host programs the guest scripts run
# (they run in the guest from the shared host root); end the test if not.
guest_helpers() {
	if ! { gcc -O2 -Wall -pthread -o "$1/kh_readers" "$KH_REPO/tests/guest/kh_readers.c" &&
		gcc -O2 -Wall -o "$1/kh_failnth" "$KH_REPO/tests/guest/kh_failnth.c"; }; then
		bad "guest helpers build"
		summary
		exit
	fi
}

# boot_guest DESC BUILD SCRIPT LOG [run-guest.sh options]: run SCRIPT in a
# guest and put its console log in $out; if it did not run to the end,
# report that and end the test (run-guest.sh has shown the log).
boot_guest() {
	local desc=$1 build=$2 script=$3 log=$4
	shift 4
	if ! "$KH_REPO/scripts/run-guest.sh" "$@" "$build" "$script" "$log"; then
		bad "$desc"
		summary
		exit
	fi
	ok "$desc"
	out=$(tr -d '\r' <"$log")
}

# judge_workflow NAME BUILD FLAVOR: tests/guest/workflow.sh's output.
judge_workflow() {
	local name=$1 build=$2 flavor=$3 s want release t
	release=$(cat "$build/include/config/kernel.release")
	if [ "$flavor" = y ]; then
		check "$name: kheaders is built in" printed "KH-MODE builtin"
		check "$name: guest step present-at-boot exits 0" printed "KH-STEP present-at-boot rc=0"
	else
		check "$name: kheaders is a module" printed "KH-MODE module"
		check "$name: guest step absent-before-modprobe exits 0" printed "KH-STEP absent-before-modprobe rc=0"
	fi
	for s in modprobe extract build insmod rmmod-hello; do
		check "$name: guest step $s exits 0" printed "KH-STEP $s rc=0"
	done
	if [ "$flavor" = m ]; then
		check "$name: guest step rmmod-kheaders exits 0" printed "KH-STEP rmmod-kheaders rc=0"
		check "$name: files gone after rmmod" printed "KH-STEP gone-after-rmmod rc=0"
	fi
	want=$(sha256sum <"$build/kernel/kheaders_data.tar.xz" | cut -c1-64)
	check "$name: /proc/kheaders.tar.xz is the built archive" printed "KH-SHA proc $want"
	check "$name: /sys/kernel/kheaders.tar.xz is the built archive" printed "KH-SHA sys $want"
	check "$name: both files are mode 0444" printed "KH-MODES 444 444"
	check "$name: module vermagic names the running release" \
		grep -q "^KH-VERMAGIC $release " <<<"$out"
	check "$name: module loaded and ran on the same release" \
		grep -q "^KH-DMESG .*kh_hello: built for $release, running on $release\$" <<<"$out"
	t=$(awk '$1 == "KH-TIME" && $2 == "build" { printf "%.1f", $4 - $3 }' <<<"$out")
	log "$name: module build in the guest took ${t:-?} s"
}

# judge_stress NAME BUILD: tests/guest/stress.sh's output.
judge_stress() {
	local name=$1 build=$2 n what line want
	want=$(sha256sum <"$build/kernel/kheaders_data.tar.xz" | cut -c1-64)
	check "$name: modprobe" printed "KH-STEP modprobe rc=0"
	check "$name: 8 concurrent readers: every byte and return value right" printed "KH-STEP readers rc=0"
	grep '^KH-READERS' <<<"$out"
	for n in proc sys; do
		for what in write truncate user-write user-chmod; do
			line=$(grep "^KH-DENIED $n $what " <<<"$out")
			check "$name: $n: $what is refused (${line#* rc=})" grep -q "rc=[1-9]" <<<"$line"
		done
		check "$name: $n: root's write fails with 'Permission denied'" \
			grep -q "^KH-DENIED $n write rc=[1-9].*Permission denied" <<<"$out"
		check "$name: $n: a user's chmod fails with 'Operation not permitted'" \
			grep -q "^KH-DENIED $n user-chmod rc=[1-9].*Operation not permitted" <<<"$out"
		check "$name: $n: mode stays 0444" printed "KH-MODE $n 444"
		check "$name: $n: an unprivileged user reads the whole archive" printed "KH-USER-SHA $n $want"
	done
	check "$name: rmmod while readers hold both files open" printed "KH-STEP rmmod-under-readers rc=0"
	check "$name: open readers never see wrong bytes after rmmod" \
		printed_re '^KH-STEP holder1 rc=0$' '^KH-STEP holder2 rc=0$'
	grep '^KH-HOLDER' <<<"$out"
	check "$name: 100 modprobe/rmmod cycles" printed "KH-CYCLES 100/100"
	check "$name: module not left loaded" not_printed_re '^KH-STILL-LOADED'
}

# judge_clean NAME [EXTRA_REGEX]: no oops, warning or checker report.
judge_clean() {
	local re='BUG:|Oops|WARNING: CPU|Kernel panic|Call Trace|cut here|^KH-DMESG .*(BUG|WARNING|Oops)'
	[ -n "${2:-}" ] && re="$re|$2"
	if grep -qE "$re" <<<"$out"; then
		bad "$1: kernel log is free of reports"
		grep -E -m8 "$re" <<<"$out"
	else
		ok "$1: kernel log is free of reports"
	fi
}

# judge_fs NAME BUILD [light]: tests/guest/fs.sh's output.
judge_fs() {
	local name=$1 build=$2 light=${3:-} s what line
	for s in modprobe registered extract-ref mount cat-all diff listing mount-2 \
		same-2 build-mnt insmod rmmod-hello umount-2 umount-1 mount-readers umount; do
		check "$name: fs step $s exits 0" printed "KH-STEP $s rc=0"
	done
	check "$name: fs: the mount is read-only" grep -q '^KH-MOUNTS none /tmp/khfs kheaders ro[ ,]' <<<"$out"
	check "$name: fs: every entry's mode, owner, size, mtime and link target match tar's" \
		printed "KH-STEP listing rc=0"
	grep '^KH-ENTRIES' <<<"$out"
	# shellcheck disable=SC2016 # awk, not shell
	check "$name: fs: a file's blocks cover its bytes, and du counts them" \
		awk '$1 == "KH-BLOCKS" { sub("du=", "", $5); ok = $2 > 0 && $3 * $4 >= $2 && $5 > 0 }
			END { exit !ok }' <<<"$out"
	check "$name: fs: tar --sparse copies a file's bytes" printed "KH-STEP sparse-copy rc=0"
	for what in create write truncate unlink mkdir rmdir rename chmod chown symlink link utime remount-rw; do
		line=$(grep "^KH-EROFS $what " <<<"$out")
		# mount(8) words EROFS from a remount as "write-protected".
		check "$name: fs: $what fails with EROFS" grep -qE "rc=[1-9].*(Read-only file system|is write-protected)" <<<"$line"
	done
	check "$name: fs: file unchanged after the attempts" \
		grep -qE '^KH-SHA-AFTER ([0-9a-f]{64}) \1$' <<<"$out"
	check "$name: fs: unknown mount option refused" grep -q '^KH-EROFS badopt rc=[1-9]' <<<"$out"
	check "$name: fs: the kernel log names the bad option" \
		grep -q "^KH-DMESG-BADOPT .*kheaders: Unknown parameter 'bogus'" <<<"$out"
	check "$name: fs: module built from the mount loads and runs" \
		grep -q '^KH-DMESG .*kh_hello: built for .*, running on ' <<<"$out"
	check "$name: fs: 8 concurrent cold readers, every checksum right" grep -q '^KH-FS-READERS 8/8 ' <<<"$out"
	check "$name: fs: nothing is decoded at mount" decoded_none after-mount
	check "$name: fs: a cold walk by one reader decodes every chunk it needs once" \
		decoded_once cat-all-cold
	grep '^KH-STATS' <<<"$out" | sed "s/^/  $name: /"
	if [ -e "$build/modroot/lib/modules/$(cat "$build/include/config/kernel.release")/kernel/kernel/kheaders.ko" ]; then
		check "$name: fs: rmmod refused while mounted" grep -q '^KH-RMMOD-MOUNTED rc=[1-9].*in use' <<<"$out"
		check "$name: fs: rmmod works after umount" printed "KH-STEP rmmod-kheaders rc=0"
		check "$name: fs: kheaders_fs.ko was loaded with kheaders.ko, and stays" \
			printed "KH-FS-MODULE after-rmmod 1"
		check "$name: fs: then kheaders_fs.ko unloads too" printed "KH-STEP rmmod-kheaders-fs rc=0"
	fi
	[ "$light" = light ] && return
	judge_install "$name"
	fs_figures "$name"
}

# fs_stat TAG FIELD: FIELD of the guest's "KH-STATS TAG chunks N decodes N
# chunks_decoded N pages_filled N" line.
fs_stat() {
	grep -m1 "^KH-STATS $1 " <<<"$out" | tr ' ' '\n' | grep -A1 -x "$2" | sed -n 2p
}
# decoded_none TAG: no chunk decoded by then.
decoded_none() {
	[ "$(fs_stat "$1" decodes)" = 0 ] || { echo "  KH-STATS $1: $(fs_stat "$1" decodes) decodes"; return 1; }
}
# decoded_once TAG: chunks were decoded, and none more than once.
decoded_once() {
	local n d
	n=$(fs_stat "$1" decodes) d=$(fs_stat "$1" chunks_decoded)
	if [ -z "$n" ] || [ "$n" = 0 ] || [ "$n" != "$d" ]; then
		echo "  KH-STATS $1: ${n:-no} decodes of ${d:-no} chunks"
		return 1
	fi
}

# judge_install NAME: tests/guest/install.sh's output.
judge_install() {
	local name=$1 rel
	rel=$(grep -m1 '^KH-BOOTED ' <<<"$out" | cut -d' ' -f2)
	check "$name: kheaders-install refuses a non-root user" \
		grep -q '^KH-INST not-root rc=[1-9].*must be run as root' <<<"$out"
	check "$name: kheaders-install mounts the filesystem and links build to it" \
		printed_re '^KH-INST mount rc=0 ' "^KH-INST link /run/kheaders/$rel\$" '^KH-INST mounted 1$'
	check "$name: kheaders-install replaces the dangling build link of modules_install" \
		printed "KH-INST dangling-replaced yes"
	check "$name: kheaders-install again is a no-op" grep -q '^KH-INST mount-again rc=0 .*already set up' <<<"$out"
	check "$name: a module builds from /lib/modules/RELEASE/build" printed "KH-INST build-from-link rc=0"
	check "$name: --remove unmounts, unlinks and unloads the module it loaded" \
		printed_re '^KH-INST mount-remove rc=0' '^KH-INST after-remove link=no mounted=0 loaded=no$'
	check "$name: --extract unpacks a root-owned tree, links build to it, unloads kheaders" \
		printed_re '^KH-INST extract rc=0' "^KH-INST link /usr/src/kheaders-$rel\$" \
			'^KH-INST loaded-after-extract no$' '^KH-INST tree-owner 0 755$'
	check "$name: the unpacked tree is the archive's, with the installer's marker" printed "KH-INST tree-same rc=0"
	check "$name: no temporary directory left" printed "KH-INST leftovers 0"
	check "$name: --extract again is a no-op" grep -q '^KH-INST extract-again rc=0 .*already set up' <<<"$out"
	check "$name: --remove deletes the tree and the link" \
		printed_re '^KH-INST extract-remove rc=0' '^KH-INST after-extract-remove link=no tree=no$'
	check "$name: kheaders-install refuses a world-writable directory" \
		grep -q '^KH-INST unsafe-dir rc=[1-9].*owned by root and writable only by root' <<<"$out"
	check "$name: kheaders-install leaves a foreign build link alone" \
		grep -q '^KH-INST foreign-link rc=[1-9].*not from kheaders-install' <<<"$out"
}

# fs_figures NAME: the memory and time figures of tests/guest/fs.sh.
fs_figures() {
	awk -v name="$1" '
	function t(k) { return T[k "e"] - T[k "s"] }
	$1 == "KH-MEM" {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); M[$2, kv[1]] = kv[2] }
		order[++n] = $2
	}
	$1 == "KH-TIME" { T[$2 "s"] = $3; T[$2 "e"] = $4 }
	END {
		for (i = 1; i <= n; i++) {
			k = order[i]
			printf "%s: fs memory %-17s unreclaimable %6d kB (slab %d + vmalloc %d), reclaimable slab %d kB, page cache %d kB\n",
				name, k, M[k, "sunreclaim"] + M[k, "vmalloc"], M[k, "sunreclaim"], M[k, "vmalloc"],
				M[k, "sreclaimable"], M[k, "cached"]
		}
		b = M["before-mount", "sunreclaim"] + M["before-mount", "vmalloc"]
		printf "%s: fs unreclaimable added: by mount %d kB, after reading every file %d kB\n", name,
			M["after-mount", "sunreclaim"] + M["after-mount", "vmalloc"] - b,
			M["after-cat-all", "sunreclaim"] + M["after-cat-all", "vmalloc"] - b
		printf "%s: fs times (s): mount %.2f, cat every file cold %.1f, warm %.1f\n", name,
			t("mount"), t("cat-all"), t("cat-all-warm")
		r1 = t("build-ref-1"); r2 = t("build-ref-2"); m1 = t("build-mnt-1"); m2 = t("build-mnt-2")
		if (r1 > 0 && r2 > 0)
			printf "%s: fs module build (s): tmpfs copy %.1f %.1f, mount %.1f %.1f, ratio of sums %.2f; fresh mount, cold %.1f (tar -x to tmpfs takes %.1f)\n",
				name, r1, r2, m1, m2, (m1 + m2) / (r1 + r2), t("build-mnt-cold"), t("extract")
	}' <<<"$out" | while IFS= read -r l; do log "$l"; done
}

# judge_arm64 NAME BUILD: tests/guest/arm64.sh's output, after the
# workflow's.
judge_arm64() {
	local name=$1 build=$2 rel s
	rel=$(cat "$build/include/config/kernel.release")
	for s in fs-modprobe fs-mount fs-build fs-insmod fs-rmmod fs-umount fs-rmmod-kheaders \
		inst-mount inst-mount-build inst-mount-insmod inst-mount-rmmod inst-mount-remove \
		inst-extract inst-extract-build inst-extract-insmod inst-extract-rmmod \
		inst-extract-remove pair-build pair-install pair-depmod pair-provider \
		pair-consumer pair-rmmod pair-clean; do
		check "$name: guest step $s exits 0" printed "KH-STEP $s rc=0"
	done
	for s in fs inst-mount inst-extract; do
		check "$name: $s: the module built there ran on this release" \
			grep -q "^KH-DMESG $s .*kh_hello: built for $rel, running on $rel\$" <<<"$out"
	done
	check "$name: kheaders-install links build to the mount" printed "KH-INST-LINK mount /run/kheaders/$rel"
	check "$name: kheaders-install --extract links build to the tree" \
		printed "KH-INST-LINK extract /usr/src/kheaders-$rel"
	check "$name: modules_install put both modules in /lib/modules" printed "KH-PAIR installed 2"
	check "$name: kh_consumer got kh_provider_value(2) = 2 * 31 + 2" printed "KH-PAIR value 64"
	check "$name: kh_provider is held by kh_consumer" printed "KH-PAIR holder yes"
	check "$name: make clean removed every object and module" printed "KH-PAIR after-clean 0"
	judge_arm64_dkms "$name"
	check "$name: negative control: the build machine's programs fail on the device" \
		grep -qE '^KH-NEG rc=[1-9][0-9]* exec-format-errors=[1-9]' <<<"$out"
	awk -v name="$name" '$1 == "KH-TIME" { printf "%s: guest %s took %.1f s\n", name, $2, $4 - $3 }' <<<"$out" |
		while IFS= read -r l; do log "$l"; done
}

# le64 HEX: the unsigned value of 16 hex digits in little-endian order.
le64() {
	local h=$1 i v=
	for i in 14 12 10 8 6 4 2 0; do v=$v${h:$i:2}; done
	printf '%d' "0x$v"
}

# judge_arm64_dkms NAME: LiME's dump (tests/guest/arm64.sh), read back:
# one header per System RAM range of /proc/iomem, the first naming the
# first range, and the byte count they add up to.
judge_arm64_dkms() {
	local name=$1 s hdr start end want=0 r
	for s in dkms-build dkms-insmod dkms-rmmod; do
		check "$name: LiME: guest step $s exits 0" printed "KH-STEP $s rc=0"
	done
	hdr=$(sed -n 's/^KH-LIME header //p' <<<"$out")
	check "$name: LiME: the dump starts with its magic and format version 1" \
		grep -qx '454d694c01000000.*' <<<"$hdr"
	while read -r r; do
		start=$((16#${r%-*})) end=$((16#${r#*-}))
		want=$((want + end - start + 1 + 32))
	done < <(sed -n 's/^KH-LIME ram //p' <<<"$out")
	r=$(sed -n 's/^KH-LIME ram //p' <<<"$out" | head -n 1)
	check "$name: LiME: the first header names the first System RAM range ($r)" \
		test "${#hdr}" -eq 64 -a -n "$r" -a \
		"$(le64 "${hdr:16:16}")-$(le64 "${hdr:32:16}")" = "$((16#${r%-*}))-$((16#${r#*-}))"
	check "$name: LiME: the dump holds every System RAM byte and a header per range ($want bytes)" \
		printed "KH-LIME bytes $want"
}

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fast tier: scripts/kheaders-install as root against hostile and unusual
# input, in a private mount namespace where the kernel's side is played by
# small stand-ins: /proc is a tmpfs holding mounts, modules, filesystems
# and (while "loaded") kheaders.tar.xz; modprobe, rmmod, uname and the
# kheaders mount are shell scripts that keep that state.  /run, /usr/src
# and /lib/modules are fresh tmpfs mounts for every case.

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
	skip "kheaders-install: needs root and unshare"
	summary
	exit
fi
if [ -z "${KH_IN_NAMESPACE:-}" ]; then
	exec env KH_IN_NAMESPACE=1 unshare -m --propagation private "$0" "$@"
fi
need_tools tar xz busybox
# The signals ignored here (before the stand-ins take /proc's place).
sigign=$(awk '$1 == "SigIgn:" { print $2 }' /proc/self/status)

inst=$KH_REPO/scripts/kheaders-install
work=$(mktemp -d)
k=$work/kernel # the stand-ins' state
mkdir -p "$k" "$work/bin" "$work/bb"
real_mount=$(command -v mount) real_umount=$(command -v umount)

# --- archives ------------------------------------------------------------
# kit VERSION DIR: a module build tree as the archive holds it; its
# owner in the archive is not root, and one file is mode 0777.
kit() {
	mkdir -p "$2/include/config" "$2/include/linux" "$2/scripts/basic"
	echo "# kernel Makefile" >"$2/Makefile"
	echo CONFIG_MODULES=y >"$2/include/config/auto.conf"
	: >"$2/Module.symvers"
	printf '#!/bin/sh\n' >"$2/scripts/basic/fixdep"
	chmod 755 "$2/scripts/basic/fixdep"
	echo "#define KH_VERSION $1" >"$2/include/linux/kh.h"
	echo "open to all" >"$2/wide-open"
	chmod 0777 "$2/wide-open"
}
pack() {
	tar -C "$1" --owner=1234 --group=1234 --numeric-owner -cJf "$2" .
}
kit 1 "$work/kit1" && pack "$work/kit1" "$work/v1.tar.xz"
kit 2 "$work/kit2" && pack "$work/kit2" "$work/v2.tar.xz"
mkdir -p "$work/hdr/include/linux" && echo '#define KH 1' >"$work/hdr/include/linux/kh.h"
pack "$work/hdr" "$work/headers-only.tar.xz"

# Hostile archives: kit v1 plus one member a headers tree never needs,
# made with Python's tarfile, which writes any member type and name.
# The victim is /usr/src/victim, on the same filesystem as the tree, so
# that a hard link to it can be made; hard links reach it from one and
# from two levels below /usr/src, where the archive may be unpacked.
python3 - "$work/kit1" "$work" <<'PY'
import io, os, sys, tarfile
kit, out = sys.argv[1], sys.argv[2]
def member(name, type, **kw):
    t = tarfile.TarInfo(name)
    t.type = type
    t.mode = kw.pop("mode", 0o644)
    for k, v in kw.items():
        setattr(t, k, v)
    return t
cases = {
    "chardev": [member("./include/mem", tarfile.CHRTYPE, devmajor=1, devminor=1)],
    "blockdev": [member("./include/disk", tarfile.BLKTYPE, devmajor=7, devminor=0)],
    "fifo": [member("./include/config/pipe", tarfile.FIFOTYPE)],
    "setuid": [member("./scripts/suid", tarfile.REGTYPE, mode=0o4755)],
    "setgid": [member("./scripts/sgid", tarfile.REGTYPE, mode=0o2755)],
    "setgid-dir": [member("./include/sgid", tarfile.DIRTYPE, mode=0o2755)],
    "sticky-dir": [member("./include/sticky", tarfile.DIRTYPE, mode=0o1777)],
    "hardlink-out": [member("./include/victim.h", tarfile.LNKTYPE, linkname="../../victim")],
    "hardlink-out-1": [member("./include/victim.h", tarfile.LNKTYPE, linkname="../victim")],
    "hardlink-in": [member("./include/again.h", tarfile.LNKTYPE, linkname="./Makefile")],
    "symlink-abs": [member("./include/victim.h", tarfile.SYMTYPE, linkname="/usr/src/victim")],
    "symlink-up": [member("./include/victim.h", tarfile.SYMTYPE, linkname="../../../victim")],
    "symlink-trick": [member("./include/here", tarfile.SYMTYPE, linkname="."),
                      member("./include/up.h", tarfile.SYMTYPE, linkname="here/../../../victim")],
    "symlink-dotdir": [member("./top", tarfile.SYMTYPE, linkname="."),
                       member("./out", tarfile.SYMTYPE, linkname="top/..")],
    "marker-file": [member("./.kheaders-install", tarfile.REGTYPE)],
    "marker-symlink": [member("./.kheaders-install", tarfile.SYMTYPE, linkname="/usr/src/victim")],
    "marker-symlink-up": [member("./.kheaders-install", tarfile.SYMTYPE, linkname="../../victim")],
    "marker-hardlink": [member("./.kheaders-install", tarfile.LNKTYPE, linkname="../../victim")],
    "marker-hardlink-1": [member("./.kheaders-install", tarfile.LNKTYPE, linkname="../victim")],
}
for name, extra in cases.items():
    with tarfile.open(os.path.join(out, "bad-%s.tar.xz" % name), "w:xz", format=tarfile.GNU_FORMAT) as t:
        t.add(kit, arcname=".")
        for m in extra:
            t.addfile(m, io.BytesIO(b"") if m.isreg() else None)
PY
bad_archives="chardev blockdev fifo setuid setgid setgid-dir sticky-dir hardlink-out hardlink-out-1 hardlink-in
	symlink-abs symlink-up symlink-trick symlink-dotdir marker-file marker-symlink
	marker-symlink-up marker-hardlink marker-hardlink-1"

# --- stand-ins -------------------------------------------------------------
cat >"$work/bin/uname" <<EOF
#!/bin/sh
[ "\$1" = -r ] && exec cat "$k/release"
exec $(command -v uname) "\$@"
EOF
cat >"$work/bin/modprobe" <<EOF
#!/bin/sh
[ "\$1" = kheaders ] && [ ! -e "$k/no-module" ] || exit 1
cp "$k/archive" /proc/kheaders.tar.xz
echo "kheaders 16384 0 - Live 0x0" >>/proc/modules
echo modprobe >>"$k/log"
EOF
cat >"$work/bin/rmmod" <<EOF
#!/bin/sh
[ ! -e "$k/rmmod-fails" ] || exit 1
if grep -q ' kheaders ' /proc/mounts; then echo "rmmod: in use" >&2; exit 1; fi
rm -f /proc/kheaders.tar.xz
: >/proc/modules
echo rmmod >>"$k/log"
EOF
# mount -t kheaders: a bind mount of the unpacked archive, recorded in
# /proc/mounts with the options it was given.
cat >"$work/bin/mount" <<EOF
#!/bin/sh
if [ "\$1" = -t ] && [ "\$2" = kheaders ]; then
	echo "mount \$*" >>"$k/log"
	[ "\$3" = -o ] && opts=\$4 || opts=rw
	eval "dst=\\\${\$#}"
	$real_mount --bind "$k/tree" "\$dst" || exit 1
	echo "none \$dst kheaders \$opts 0 0" >>/proc/mounts
	exit 0
fi
exec $real_mount "\$@"
EOF
cat >"$work/bin/umount" <<EOF
#!/bin/sh
$real_umount "\$1" || exit 1
awk -v m="\$1" '\$2 != m' /proc/mounts >/proc/mounts.new && mv /proc/mounts.new /proc/mounts
EOF
chmod 755 "$work"/bin/*
for t in tar xz; do ln -s "$(command -v busybox)" "$work/bb/$t"; done
# A busybox userland: every applet of Debian's busybox-static (which has
# neither cksum nor flock) and nothing else; and one without sha256sum.
mkdir -p "$work/bball" "$work/bbless"
for t in $(busybox --list); do
	ln -s "$(command -v busybox)" "$work/bball/$t"
	[ "$t" = sha256sum ] || ln -s "$(command -v busybox)" "$work/bbless/$t"
done

# fresh: empty system directories and an unloaded module, for release
# $1 (default 6.12.0-kh) with archive $2 (default v1) and, unless $3 is
# "nofs", the kheaders filesystem available.
fresh() {
	local d
	for d in /run /usr/src /lib/modules /proc; do
		"$real_umount" -l "$d" 2>/dev/null
		"$real_mount" -t tmpfs -o mode=0755 none "$d"
	done
	rm -rf "${k:?}"/*
	printf '%s\n' "${1-6.12.0-kh}" >"$k/release"
	cp "$work/${2:-v1}.tar.xz" "$k/archive"
	mkdir "$k/tree" && tar -xJf "$k/archive" -C "$k/tree"
	: >/proc/mounts
	: >/proc/modules
	echo "nodev	proc" >/proc/filesystems
	[ "${3:-}" = nofs ] || printf 'nodev\tkheaders\n' >>/proc/filesystems
}
rel=6.12.0-kh
build=/lib/modules/$rel/build

# run ARGS...: the installer with the stand-ins first in PATH; its output
# in $out, its status in $rc.
run() {
	out=$(PATH=$work/bin:$PATH sh "$inst" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/  | /'
}
# Named predicates over the last run and the state it left.
rc_is() { [ "$rc" = "$1" ] || { echo "  status $rc, not $1"; return 1; }; }
refused() {
	if [ "$rc" = 0 ] || ! grep -q -- "$1" <<<"$out"; then
		echo "  not refused with '$1'"
		return 1
	fi
}
said() { grep -q -- "$1" <<<"$out" || { echo "  did not say '$1'"; return 1; }; }
links_to() { [ "$(readlink "$build")" = "$1" ] || { echo "  build -> $(readlink "$build"), not $1"; return 1; }; }
no_link() { if [ -e "$build" ] || [ -L "$build" ]; then echo "  $build exists"; return 1; fi; }
loaded() { grep -q '^kheaders ' /proc/modules; }
unloaded() { ! loaded || { echo "  kheaders is still loaded"; return 1; }; }
no_leftovers() {
	local left
	left=$(find /usr/src /run/kheaders "/lib/modules/$rel" -mindepth 1 -maxdepth 1 \
		\( -name '.kheaders-*' -o -name lock -o -name 'build.*' \) 2>/dev/null)
	[ -z "$left" ] || { echo "  left behind: $left"; return 1; }
}
# has_version TREE N: TREE holds archive vN's kh.h and its marker.
has_version() {
	if ! grep -qx "#define KH_VERSION $2" "$1/include/linux/kh.h" ||
		[ "$(cat "$1/.kheaders-install")" != "sha256 $(sha256sum <"$work/v$2.tar.xz" | cut -d' ' -f1)" ]; then
		echo "  $1 is not from archive v$2"
		return 1
	fi
}
all() { local c; for c in "$@"; do eval "$c" || return 1; done; }
# run_with DIRS ARGS...: like run, with PATH=$work/bin:DIRS only.  The
# shell is /bin/sh: busybox's own sh runs its applets before PATH, which
# would bypass the stand-ins.
run_with() {
	local dirs=$1
	shift
	out=$(PATH=$work/bin:$dirs /bin/sh "$inst" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/  | /'
}
victim_untouched() {
	if [ "$(cat /usr/src/victim)" != original ] || [ "$(stat -c %h:%a /usr/src/victim)" != 1:644 ]; then
		echo "  /usr/src/victim was written, linked or changed"
		return 1
	fi
}

t=/usr/src/kheaders-$rel

# --- 1. ancestors ------------------------------------------------------------
fresh
mkdir -p /usr/src/u/x && chown 65534 /usr/src/u
run --extract -d /usr/src/u/x
check "install: refuses a directory under a user-owned one, naming it" \
	all "refused '/usr/src/u must be a directory owned by root'" no_link \
	"[ ! -e /usr/src/u/x/kheaders-$rel ]" unloaded

fresh
mkdir -p /usr/src/t/x && chmod 1777 /usr/src/t
run --extract -d /usr/src/t/x
check "install: accepts a root-only directory under a sticky one" \
	all "rc_is 0" "links_to /usr/src/t/x/kheaders-$rel"
run --extract -d /usr/src/t
check "install: refuses a sticky world-writable directory for its own" \
	refused "/usr/src/t must be a directory owned by root"

fresh
mkdir -m 0775 /usr/src/g
run --extract -d /usr/src/g
check "install: refuses a group-writable directory" refused "/usr/src/g must be"

fresh
mkdir -p /usr/src/real/sub && ln -s real /usr/src/via
out=$(cd /usr/src/real && PATH=$work/bin:$PATH sh "$inst" --extract -d sub 2>&1)
rc=$?
check "install: a relative -d gives an absolute, working build link" \
	all "rc_is 0" "links_to /usr/src/real/sub/kheaders-$rel" "[ -f $build/Makefile ]"
run --remove -d /usr/src/real/sub
run --extract -d /usr/src/via
check "install: a -d through a symbolic link is resolved" \
	all "rc_is 0" "links_to /usr/src/real/kheaders-$rel"

fresh
mkdir -p "/lib/modules/$rel" && chown 65534 "/lib/modules/$rel"
run --extract
check "install: refuses a /lib/modules/RELEASE that is not root's" \
	all "refused '/lib/modules/$rel must be'" no_link "[ ! -e $t ]"

# --- 2. only what it made --------------------------------------------------
fresh
mkdir -p "$t" && echo mine >"$t/notes"
run --extract
check "install: leaves an existing tree it did not make" \
	all "refused 'was not made by kheaders-install'" "grep -qx mine $t/notes" no_link
run --remove
check "install: --remove leaves an existing tree it did not make" \
	all "refused 'was not made by kheaders-install'" "grep -qx mine $t/notes"

fresh
run --extract
run --remove
check "install: --remove deletes the tree it made, and the link" \
	all "rc_is 0" "[ ! -e $t ]" no_link no_leftovers unloaded

# --- 3. signals and concurrency ------------------------------------------------
# A tar that holds the extraction open until told to go on.
mkdir -p "$work/slow"
cat >"$work/slow/tar" <<EOF
#!/bin/sh
$(command -v tar) "\$@" || exit
: >"$k/extracting"
while [ ! -e "$k/go" ]; do sleep 0.1; done
EOF
chmod 755 "$work/slow/tar"
# start_session STANDINS FLAG ARGS: the installer in the background, in
# a session of its own as a service manager runs it, with the stand-ins
# of STANDINS first in PATH; returns once they have made FLAG in $k.
start_session() {
	local dir=$1 flag=$2
	shift 2
	# set -m: a background job of a shell without job control would
	# start with SIGINT ignored, and could not trap it.
	(set -m; PATH=$dir:$work/bin:$PATH exec setsid sh "$inst" "$@" >"$work/bg.out" 2>&1) &
	bg=$!
	for _ in $(seq 100); do [ -e "$k/$flag" ] && return; sleep 0.1; done
	echo "  the installer did not get that far"
}
# start_slow ARGS: the installer stopped mid-extraction.
start_slow() { start_session "$work/slow" extracting "$@"; }
# sig_ignored SIG: SIG was ignored when this test started (under nohup,
# or SIGINT in a background job): a shell started with it ignored cannot
# trap it, so the case cannot run.
sig_ignored() {
	(( (16#${sigign:-0} >> ($(kill -l "$1") - 1)) & 1 ))
}
for sig in HUP INT TERM; do
	if sig_ignored "$sig"; then
		skip "install: SIG$sig during extraction (SIG$sig is ignored where the tests run)"
		continue
	fi
	fresh
	start_slow --extract
	kill -s "$sig" "$bg"
	: >"$k/go"
	wait "$bg"
	rc=$?
	want=$((128 + $(kill -l "$sig")))
	check "install: SIG$sig during extraction cleans up and unloads" \
		all "rc_is $want" "[ ! -e $t ]" no_link no_leftovers unloaded
done

fresh
start_slow --extract
run --extract
check "install: a second run meanwhile is refused, naming the first" \
	refused "another kheaders-install (pid $bg) is running"
: >"$k/go"
wait "$bg"
rc=$?
check "install: the first run then completes cleanly" \
	all "rc_is 0" "links_to $t" no_leftovers "has_version $t 1" \
	"[ \"\$(ls -A $t | sort | tr '\n' ' ')\" = '.kheaders-install Makefile Module.symvers include scripts wide-open ' ]"

# An rm -rf that stops, as a long delete would, once it has deleted the
# marker (as it may do first).
mkdir -p "$work/slowrm"
cat >"$work/slowrm/rm" <<EOF
#!/bin/sh
real=$(command -v rm)
if [ "\$1" = -rf ]; then
	for d in "\$@"; do
		[ -d "\$d" ] && [ -n "\$(find "\$d" -name .kheaders-install)" ] || continue
		find "\$d" -name .kheaders-install -exec "\$real" -f {} +
		: >"$k/removing"
		while [ ! -e "$k/go" ]; do sleep 0.1; done
	done
fi
exec "\$real" "\$@"
EOF
chmod 755 "$work/slowrm/rm"

for sig in TERM KILL; do
	fresh
	run --extract
	start_session "$work/slowrm" removing --remove
	kill -s "$sig" -- -"$bg"
	wait "$bg"
	run --remove
	check "install: --remove stopped mid-delete by SIG$sig to its group: the next --remove finishes it" \
		all "rc_is 0" "[ ! -e $t ]" no_link no_leftovers unloaded
	run --extract
	check "install: ... and a later install works" all "rc_is 0" "has_version $t 1" "links_to $t"
done

fresh
start_slow --extract
kill -s KILL -- -"$bg"
wait "$bg"
run --extract
check "install: SIGKILL mid-extraction: the next run breaks the lock, sweeps, installs, unloads" \
	all "rc_is 0" "said 'broke the lock of pid $bg'" "has_version $t 1" "links_to $t" \
	no_leftovers unloaded

# --- 4. validate before installing -------------------------------------------
fresh
run --extract
cp "$work/v2.tar.xz" "$k/archive"
run --extract
check "install: a different archive with the same release replaces the tree" \
	all "rc_is 0" "said replacing" "has_version $t 2" "links_to $t" no_leftovers unloaded
touch -d @0 "$t/.kheaders-install"
run --extract
check "install: the same archive again is a no-op" \
	all "rc_is 0" "said 'already set up'" "[ \$(stat -c %Y $t/.kheaders-install) = 0 ]" unloaded

fresh "$rel" headers-only nofs
run
check "install: a headers-only archive is refused (extract)" \
	all "refused 'headers only'" "[ ! -e $t ]" no_link no_leftovers unloaded
fresh "$rel" headers-only
run
check "install: a headers-only archive is refused (mount), and unmounted" \
	all "refused 'headers only'" no_link "! grep -q kheaders /proc/mounts" unloaded

# Hostile archives, through GNU tar and busybox tar: refused before the
# tree goes live, naming the member (or by tar itself, which GNU tar
# does for a hard link out of the tree); nothing outside is written.
# A tar that drops setuid, setgid and sticky bits itself (GNU tar with
# --no-same-permissions; busybox for directories) may let the tree go
# live, without them.
refused_or_no_bits() {
	if [ "$rc" != 0 ]; then
		refused 'refusing it' && [ ! -e "$t" ] && no_link
	elif [ -n "$(find "$t" -perm -4000 -o -perm -2000 -o -perm -1000)" ]; then
		echo "  $t went live with setuid, setgid or sticky members"
		return 1
	fi
}
for tars in gnu busybox; do
	for a in $bad_archives; do
		fresh "$rel" "bad-$a" nofs
		echo original >/usr/src/victim
		if [ "$tars" = gnu ]; then run --extract; else run_with "$work/bb:$PATH" --extract; fi
		case $a in
		setuid | setgid | setgid-dir | sticky-dir)
			check "install ($tars tar): an archive with $a is refused, or goes live without the bit" \
				all refused_or_no_bits no_leftovers unloaded victim_untouched ;;
		*)
			check "install ($tars tar): an archive with $a is refused before it goes live" \
				all "refused 'refusing it\|unpacking .* failed'" "[ ! -e $t ]" no_link \
				no_leftovers unloaded victim_untouched ;;
		esac
	done
done

# --- 5. tar and mount options --------------------------------------------------
fresh
out=$(PATH=$work/bb:$work/bin:$PATH sh "$inst" --extract 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/  | /'
check "install: works with busybox tar and xz (as on many devices)" \
	all "rc_is 0" "has_version $t 1" "links_to $t"
check "install: unpacked files are root's, not the archive's owner" \
	all "[ -f $t/Makefile ]" "[ -z \"\$(find $t ! -uid 0)\" ]"
fresh
run --extract
check "install: modes are not taken as they are from the archive" \
	all "rc_is 0" "[ \$(stat -c %a $t/wide-open) = 755 ]"
fresh
run
check "install: mounts read-only, nosuid, nodev" \
	all "rc_is 0" "grep -q 'mount -t kheaders -o ro,nosuid,nodev' $k/log" \
	"links_to /run/kheaders/$rel" "[ -f $build/Makefile ]" loaded

# Only busybox: its sha256sum stands in for cksum, which it lacks; a
# missing tool is named before anything is done.
fresh "$rel" v1 nofs
run_with "$work/bball" --extract
check "install: a busybox-only userland (no cksum, no flock) unpacks" \
	all "rc_is 0" "has_version $t 1" "links_to $t" no_leftovers unloaded
run_with "$work/bball" --remove
check "install: ... and removes" all "rc_is 0" "[ ! -e $t ]" no_link no_leftovers
fresh
run_with "$work/bball"
check "install: a busybox-only userland mounts" all "rc_is 0" "links_to /run/kheaders/$rel" loaded
fresh "$rel" v1 nofs
run_with "$work/bbless" --extract
check "install: a missing sha256sum is named, and nothing is done" \
	all "refused 'needs sha256sum, not found'" "[ ! -e $t ]" no_link no_leftovers unloaded

# A group-writable /usr/src (root:src 2775, as older Debian releases
# made it): mount mode never writes there, so it neither checks it nor
# refuses; unpacking there is refused, saying how to go on.
fresh
chown 0:50 /usr/src && chmod 2775 /usr/src
run
check "install: mount mode works with a group-writable /usr/src" \
	all "rc_is 0" "links_to /run/kheaders/$rel" "[ -f $build/Makefile ]"
run --remove
check "install: ... and --remove undoes the mount" \
	all "rc_is 0" no_link "! grep -q kheaders /proc/mounts" unloaded
run --extract
check "install: --extract into a group-writable /usr/src is refused, saying how to go on" \
	all "refused '/usr/src must be a directory owned by root and writable only by root; fix its owner and mode'" \
	no_link unloaded
fresh
run --extract
chown 0:50 /usr/src && chmod 2775 /usr/src
run --remove
check "install: a tree of ours under a /usr/src made group-writable since is left, saying why" \
	all "refused '/usr/src must be a directory owned by root'" "has_version $t 1"

# --- 6. release strings ---------------------------------------------------------
for r in '' . .. a/b 'a b' 'a*b'; do
	fresh "$r"
	run --extract
	check "install: refuses the release '$r'" \
		all "refused 'is not a plain name'" "[ -z \"\$(find /lib/modules /usr/src -mindepth 1)\" ]"
done
fresh 6.12.0-kh
echo "none /run/kheaders/6a12a0-kh kheaders ro 0 0" >>/proc/mounts
run
check "install: another mount whose path matches as a regex is not taken as ours" \
	all "rc_is 0" "grep -q 'mount -t kheaders' $k/log" "[ -f $build/Makefile ]"

# --- 7. module state ---------------------------------------------------------------
fresh
PATH=$work/bin:$PATH modprobe kheaders
run --extract
check "install: leaves kheaders loaded when it was loaded before" all "rc_is 0" loaded
fresh
: >"$k/rmmod-fails"
run --extract
check "install: a failing final rmmod is a warning, not a failure" \
	all "rc_is 0" "said 'could not unload'" "links_to $t"

# --- 8. boot -------------------------------------------------------------------------
fresh
run
"$real_umount" -l /run && "$real_mount" -t tmpfs -o mode=0755 none /run
: >/proc/mounts
PATH=$work/bin:$PATH rmmod kheaders
run
check "install: after a reboot it mounts again and the link works" \
	all "rc_is 0" "links_to /run/kheaders/$rel" "[ -f $build/Makefile ]"
unit=$KH_REPO/scripts/kheaders-install.service
if command -v systemd-analyze >/dev/null; then
	exe=$(sed -n 's/^ExecStart=//p' "$unit")
	"$real_mount" -t tmpfs none "${exe%/*}" && cp "$inst" "$exe"
	check "install: systemd accepts the boot unit" systemd-analyze verify "$unit"
else
	skip "systemd-analyze not installed"
fi

"$real_umount" -l /proc
rm -rf "$work"
summary

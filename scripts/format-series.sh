#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Turn the overlay into a patch series against a pristine Linux tree: a
# cover letter and one patch per step, as "git format-patch" writes them,
# each applying with "git am".  The end result is what scripts/apply.sh
# makes of the same tree.
#
# usage: scripts/format-series.sh [--from ID] [--signoff ID] LINUX_TREE OUTDIR
#   --from ID     the author, "Name <email>"; by default the submitter's
#                 git identity (git config user.name and user.email)
#   --signoff ID  a second Signed-off-by after the author's, for whoever
#                 passes the patches on; the author always signs off
#                 (Developer's Certificate of Origin)
#   LINUX_TREE    a pristine Linux 6.12 (or 6.1) source tree; left untouched
#   OUTDIR        where the series goes (made if missing; old patches removed)
#
# There is no default identity: without one it writes nothing.  The
# author is also the M: line of the MAINTAINERS entry.
#
# The steps:
#   1. the kit, packed after modpost, and the module serving it;
#   2. the filesystem;
#   3. the documentation.
# Step 1 replaces mainline's kheaders in one go, since mainline's rules
# call the generator it replaces.  Step 1 has no IKHEADERS_FS yet; the
# MAINTAINERS entry lists only the files there are at each step.

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage="usage: $0 [--from 'Name <email>'] [--signoff 'Name <email>'] LINUX_TREE OUTDIR"
from='' signoff=''
while [ $# -gt 0 ]; do
	case $1 in
	--from) [ $# -ge 2 ] || die "$usage"; from=$2; shift 2 ;;
	--signoff) [ $# -ge 2 ] || die "$usage"; signoff=$2; shift 2 ;;
	-*) die "$usage" ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || die "$usage"
need_tools git
if [ -z "$from" ]; then
	name=$(git -C "$KH_REPO" config user.name || :)
	email=$(git -C "$KH_REPO" config user.email || :)
	if [ -z "$name" ] || [ -z "$email" ]; then
		die "no author: pass --from 'Name <email>', or set git config user.name and user.email"
	fi
	from="$name <$email>"
fi
# is_identity ID: ID reads "Name <user@host>".
is_identity() { [[ $1 =~ ^[^\<\>@]*[^\<\>@\ ]\ \<[^\<\>@\ ]+@[^\<\>@\ ]+\>$ ]]; }
is_identity "$from" || die "--from '$from' is not of the form 'Name <email>'"
[ -z "$signoff" ] || is_identity "$signoff" ||
	die "--signoff '$signoff' is not of the form 'Name <email>'"
author_name=${from% <*}
author_email=${from##*<}
author_email=${author_email%>}

src=$(cd "$1" && pwd) || die "$1 is not a directory"
out=$2
if [ ! -f "$src/Makefile" ] || [ ! -f "$src/MAINTAINERS" ]; then
	die "$src does not look like a Linux source tree"
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The final state, from apply.sh, in a hard-linked copy (apply.sh
# replaces files, never writes through links).
# (Copied outright when $TMPDIR is on another filesystem.)
cp -al "$src" "$work/final" 2>/dev/null || cp -a "$src" "$work/final"
"$KH_REPO/scripts/apply.sh" "$work/final" >/dev/null
# The MAINTAINERS entry is the author's (apply.sh's names no maintainer).
awk -v m="M:	$from" '{ print } /^KHEADERS: / { print m }' "$work/final/MAINTAINERS" \
	>"$work/MAINTAINERS" && mv -f "$work/MAINTAINERS" "$work/final/MAINTAINERS"
# Every file the overlay adds or changes: apply.sh replaces a file by a
# new one, which is no longer a link to the pristine tree's.  (It
# removes none of Linux's.)
changed=$(cd "$work/final" && find . -type f -links 1 -printf '%P\n' | sort |
	while IFS= read -r f; do
		cmp -s "$src/$f" "$f" 2>/dev/null || printf '%s\n' "$f"
	done)

# The series is made in a copy whose base commit holds only those files.
tree=$work/linux
cp -al "$src" "$tree" 2>/dev/null || cp -a "$src" "$tree"
g() { git -C "$tree" -c user.name="$author_name" -c user.email="$author_email" "$@"; }
export GIT_AUTHOR_DATE="2026-11-29 00:00:00 +0000" GIT_COMMITTER_DATE="2026-11-29 00:00:00 +0000"
g init -q
while IFS= read -r f; do
	if [ -f "$tree/$f" ]; then
		# A private copy, so that git never writes through a hard link.
		cp --remove-destination "$src/$f" "$tree/$f"
		g add -f -- "$f"
	fi
done <<<"$changed"
g commit -q -m "base: the files the series changes, as Linux has them"

# take FILE...: FILE as the overlay leaves it (gone if it removes it).
take() {
	local f
	for f in "$@"; do
		grep -qxF "$f" <<<"$changed" || die "$f is not changed by the overlay"
		if [ -f "$work/final/$f" ]; then
			mkdir -p "$(dirname "$tree/$f")"
			cp --remove-destination "$work/final/$f" "$tree/$f"
		else
			rm -f "$tree/$f"
		fi
		g add -A -f -- "$f"
	done
}
# maintainers: MAINTAINERS with our entry's F: lines cut to what exists.
maintainers() {
	awk -v dir="$tree" '
	/^KHEADERS: / { ours = 1 }
	ours && /^$/ { ours = 0 }
	ours && /^F:\t/ {
		pat = substr($0, 4)
		cmd = "cd \"" dir "\" && ls -d " pat " >/dev/null 2>&1"
		if (system(cmd) != 0)
			next
	}
	{ print }' "$work/final/MAINTAINERS" >"$tree/MAINTAINERS"
	g add -f MAINTAINERS
}
# commit SUBJECT: commit what is staged, the message body on stdin.
commit() {
	{
		echo "$1"
		echo
		cat
		echo
		echo "Signed-off-by: $from"
		[ -z "$signoff" ] || [ "$signoff" = "$from" ] || echo "Signed-off-by: $signoff"
	} >"$work/msg"
	g commit -q -F "$work/msg"
}

mapfile -t kfiles < <(grep -E '^kernel/' <<<"$changed")
mapfile -t doc_files < <(grep -E '^Documentation/' <<<"$changed")
fs_files=(kernel/kheaders_fmt.c kernel/kheaders_fmt.h kernel/kheaders_mkindex.c
	kernel/kheaders_super.c kernel/kheaders_fs_time.h include/uapi/linux/magic.h)
is_fs_file() {
	local x
	for x in "${fs_files[@]}"; do
		[ "$x" != "$1" ] || return 0
	done
	return 1
}

# 1. Everything but the filesystem and the documentation.
for f in "${kfiles[@]}" Makefile scripts/Makefile.modfinal scripts/Makefile.vmlinux \
	 scripts/link-vmlinux.sh init/Kconfig; do
	is_fs_file "$f" || take "$f"
done
# No filesystem yet: Kconfig.kheaders ends before IKHEADERS_FS.
awk '/^config IKHEADERS_FS$/ { exit } { print }' "$work/final/kernel/Kconfig.kheaders" |
	sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$tree/kernel/Kconfig.kheaders"
g add -f kernel/Kconfig.kheaders
maintainers
commit "kheaders: carry the module build kit, packed after modpost" <<'EOF'
The kheaders archive holds only headers, so a device without a
linux-headers package still cannot build a module for the kernel it
runs.  Pack what "make -C DIR M=... modules" needs with them: the
Makefiles and Kbuild scripts, .config and the generated configuration
and headers, the module linker script, Module.symvers, and fixdep,
modpost and the other programs a module build runs, built again with
the kernel's own compiler so that a cross-built kernel carries programs
that run on its device.

Module.symvers exists only once modpost has run, after every object,
so the archive is packed after modpost, where Kbuild already links what
needs modpost's output: Makefile.modfinal includes kernel/Makefile.kheaders
for CONFIG_IKHEADERS=m and links kernel/kheaders_data.o into kheaders.ko;
Makefile.vmlinux does for =y, and link-vmlinux.sh links the object as it
links .vmlinux.export.o.  kheaders.o reaches the archive through weak
symbols, which modpost does not report.  With =y and modules, "make
bzImage" builds the modules too, as for TRIM_UNUSED_KSYMS, so that the
image's archive is the same whatever goals built it.

With CONFIG_DEBUG_INFO_BTF_MODULES a module built from the archive gets
BTF, which today needs a full vmlinux in the build tree: the archive
carries resolve_btfids, built for the kernel's architecture too, and
its copy of Makefile.modfinal runs kheaders_btf.sh, which splits the
module's BTF against the running kernel's /sys/kernel/btf/vmlinux once
its SHA-256 is the one recorded for vmlinux's .BTF at packing time.
Another kernel's BTF stops the build; without pahole the module is
built without BTF, and the build says so.

The generator lists every input it read in a dependency file, so Kbuild
alone decides when the archive is stale and a no-op make packs nothing.
The archive is reproducible: fixed owners, modes, order and dates
(KBUILD_BUILD_TIMESTAMP), comments stripped without changing a token.

The archive is served read-only at /proc/kheaders.tar.xz and, as
before, /sys/kernel/kheaders.tar.xz.
EOF

# 2. The filesystem.
take "${fs_files[@]}"
cp --remove-destination "$work/final/kernel/Kconfig.kheaders" "$tree/kernel/Kconfig.kheaders"
g add -f kernel/Kconfig.kheaders
maintainers
commit "kheaders: mount the archive as a read-only filesystem" <<'EOF'
Unpacking the archive takes tens of megabytes on a device that may have
little room.  With CONFIG_IKHEADERS_FS, "mount -t kheaders none DIR"
shows its tree without unpacking it, as a module build directory.

Metadata comes from an index made at build time, so mounting decodes
nothing; the archive is stored as a series of xz streams of at most
256 KiB of tar each, cut on 64 KiB boundaries of the files, and a read
decodes one stream with the kernel's xz decoder.  Every page of every
file in a decoded stream goes into the page cache, where it can be
reclaimed, so no stream is decoded twice while its pages stay.

The filesystem is kheaders_fs.ko, a library that kheaders.ko registers
its archive with, as the owner of the filesystem type: a mount pins the
module that holds the data, and "rmmod kheaders" works once unmounted.
The index format is defined once, in kheaders_fmt.h, for the kernel's
parser and the build-time kheaders_mkindex.
EOF

# 3. The documentation.
take "${doc_files[@]}"
maintainers
commit "Documentation: kheaders: the archive, the filesystem, their ABI" <<'EOF'
Describe what the archive holds and why, how Kbuild builds it, the
filesystem and what it costs, and how a device makes the tree its
/lib/modules/$(uname -r)/build; document /proc/kheaders.tar.xz,
/sys/kernel/kheaders.tar.xz, the filesystem type and its debugfs file
under Documentation/ABI.
EOF

# Nothing of the overlay is left out.
left=$(cd "$tree" && while IFS= read -r f; do
	if [ -f "$work/final/$f" ]; then
		cmp -s "$f" "$work/final/$f" || echo "$f"
	elif [ -e "$f" ]; then
		echo "$f"
	fi
done <<<"$changed")
[ -z "$left" ] || die "the series leaves out: $left"

rm -f "$out"/*.patch
g format-patch -q --cover-letter -o "$out" HEAD~3 >/dev/null
cover=$(ls "$out"/0000-*.patch)
# The cover letter: what the series does, and why it is shaped so.
blurb=$(cat <<'EOF'
kheaders carries the kernel's headers inside the kernel, but a device
without a linux-headers package (a phone, a board, a CI image that
switches kernels) still cannot build a module with them.  This series
packs the whole module build kit instead, with the programs a module
build runs built for the kernel's own architecture; adds a read-only
filesystem that serves the archive's tree without unpacking it; and
documents both.  Then, on the device:

  modprobe kheaders
  mkdir -p $HOME/headers && tar -xf /proc/kheaders.tar.xz -C $HOME/headers
  make -C $HOME/headers M=$(pwd) modules

Why it is shaped as it is:

- The archive holds Module.symvers, which exists only once modpost has
  run, so it is packed after modpost, where Kbuild already links what
  needs modpost's output: Makefile.modfinal (=m) and Makefile.vmlinux
  (=y) include kernel/Makefile.kheaders, with the smallest hook each:
  the include, and one prerequisite for the object that carries the
  data.  A generic "more objects for module X" hook in Makefile.modfinal
  was considered: it would be an interface with one user, and the rules
  that make the object would still have to be included there; these
  lines name the one file they include, and do nothing without
  CONFIG_IKHEADERS.  The generator lists its inputs in a dependency
  file, so a no-op make packs nothing.

- What the archive holds is one table, kernel/kheaders.manifest: the
  source and generated files, and the programs a module build runs,
  each under the options it needs.  kernel/Makefile builds the "kit"
  programs it names for the kernel's architecture, and gen_kheaders.sh
  packs what it names, so the two cannot drift apart.  As in mainline
  since 6.17, the lists of files to pack are kept with filechk, so a
  file added or removed in either tree repacks the archive, and one
  never packed (an editor's swap file) does not.

- One top-level Makefile hunk is left: with CONFIG_IKHEADERS=y and
  modules, KBUILD_MODULES is set, so that "make bzImage" builds the
  modules too.  The archive built into the image must hold the whole
  Module.symvers, the in-tree modules' exports included, or a module
  built against it that uses one of them fails at modpost; and it must
  be the same whatever goals built the tree.  Mainline does the same
  for CONFIG_TRIM_UNUSED_KSYMS, for the same reason: the image depends
  on what the modules export.  Packing vmlinux.symvers alone was
  considered and rejected for that failure.  =m, the default, needs
  no such hunk.

- With CONFIG_DEBUG_INFO_BTF_MODULES, a module built from the archive
  gets BTF, which today needs a full vmlinux in the build tree: the
  archive carries resolve_btfids for the kernel's architecture, and its
  copy of Makefile.modfinal splits the module's BTF against the running
  kernel's /sys/kernel/btf/vmlinux once its SHA-256 is the one recorded
  when the archive was packed.  The kernel tree's own Makefile.modfinal
  is unchanged.

- /proc/kheaders.tar.xz comes back beside /sys/kernel/kheaders.tar.xz.
  Mainline moved the file to sysfs in 2019, weeks after adding it, to
  keep /proc for processes; but tools and device scripts written for
  the first path (bcc's, until mid-2019) and the instructions users
  follow still ask for it.  Both are read-only views of the same bytes,
  each documented under Documentation/ABI/testing.

Tested on Linux 6.12 and 6.1: x86-64 with gcc and with clang, arm64
cross-built with gcc and in the shape of Android's GKI kernels (clang
19, ThinLTO, kCFI, shadow call stack, module BTF), each booted and the
workflow above run; the archive is checked against what
scripts/package/install-extmod-build copies on seven architectures.
EOF
)
kh_subject="kheaders: a module build kit in the kernel" kh_blurb=$blurb awk '
	/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, ENVIRON["kh_subject"]) }
	/\*\*\* BLURB HERE \*\*\*/ { print ENVIRON["kh_blurb"]; next }
	{ print }' "$cover" >"$cover.new"
mv "$cover.new" "$cover"
ls "$out"/*.patch

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Full tier: build the same 6.12 tree and config a second time, in another
# (longer) build directory, as another user, with another umask,
# collation, time zone, -j level and build user/host name, later in time;
# the two kheaders archives must be byte-identical.  The second build reads
# the first one's ccache: a hit needs the same source, headers and flags,
# so it cannot hide a build path that leaks into a host tool.

set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

build=$(harness_build 6.12 m 0) || { bad "6.12-m: kernel build"; summary; exit; }
tree=$(patched_tree 6.12)
other=$KH_CACHE/build/repro/a/much/longer/build-directory
uid=65534

rm -rf "$other"
mkdir -p "$other"
cp "$build/.config" "$other/.config"
chown -R "$uid:$uid" "$other"
# The other user must reach the source tree: let it traverse (not list)
# the directories above the cache.
d=$KH_CACHE
while [ "$d" != / ]; do
	chmod o+x "$d"
	d=$(dirname "$d")
done
chmod o+rx "$KH_CACHE/build" "$KH_CACHE/build/repro"
cache=$(ccache -k cache_dir)
d=$cache
while [ "$d" != / ]; do
	chmod o+x "$d"
	d=$(dirname "$d")
done
chmod -R o+rX "$cache"
# ccache hashes these locale variables (and its own settings): passed on
# as they are here, or the second build would miss every object.  The
# collation, which ccache does not hash, changes (unless LC_ALL is set).
keep=()
for v in LANG LC_ALL LC_CTYPE LC_MESSAGES CCACHE_SLOPPINESS CCACHE_DEPEND; do
	[ -z "${!v+set}" ] || keep+=("$v=${!v}")
done
log "second build as uid $uid in $other (umask 077, LC_COLLATE=POSIX, TZ=Asia/Tokyo, -j3)"
# shellcheck disable=SC2016 # expanded by the inner bash
if setpriv --reuid="$uid" --regid="$uid" --clear-groups env -i \
	PATH="$PATH" HOME="$other" TZ=Asia/Tokyo LC_COLLATE=POSIX "${keep[@]}" \
	CCACHE_DIR="$cache" CCACHE_READONLY=1 CCACHE_TEMPDIR="$other/.ccache-tmp" \
	KBUILD_BUILD_USER=someone KBUILD_BUILD_HOST=elsewhere \
	bash -c 'umask 077 && exec make -C "$1" O="$2" -j3 "${@:3}" olddefconfig bzImage modules' \
		_ "$tree" "$other" "${KH_MAKE_VARS[@]}" >"$KH_CACHE/build/repro/build.log" 2>&1; then
	ok "second build as another user"
else
	tail -n 30 "$KH_CACHE/build/repro/build.log"
	bad "second build as another user"
	summary
	exit
fi

a=$build/kernel/kheaders_data.tar.xz
b=$other/kernel/kheaders_data.tar.xz
if cmp "$a" "$b"; then
	ok "archives from the two builds are byte-identical ($(stat -c %s "$a") bytes)"
else
	bad "archives from the two builds are byte-identical"
	diff <(tar -tvf "$a") <(tar -tvf "$b") | head -n 10
	mkdir -p "$other.x/a" "$other.x/b"
	tar -xf "$a" -C "$other.x/a" && tar -xf "$b" -C "$other.x/b"
	diff -rq "$other.x/a" "$other.x/b" | head -n 10
	rm -rf "$other.x"
fi
check "archive holds no build-machine path" xz_text_lacks "$b" "$KH_CACHE" "$other"
summary

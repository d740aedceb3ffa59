#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Debian 12's eBPF tools in the test guest, on a kernel with kprobes and
# the bpf() syscall but no BTF, so that they must compile against headers:
#   0. Without kheaders.ko, bcc finds no headers and says so (when
#      kheaders is a module: built in, it cannot be out of reach).
#   1. bcc's execsnoop finds no /lib/modules/RELEASE/build, loads kheaders,
#      unpacks /sys/kernel/kheaders.tar.xz into /tmp/kheaders-RELEASE and
#      unloads kheaders again; the parent PID it prints comes from
#      task_struct as laid out by the archive's headers.
#   2. bpftrace does the same unpacking on its own (leaving kheaders
#      loaded) and runs a one-liner that casts curtask to struct
#      task_struct (from <linux/sched.h>).
#   3. With scripts/kheaders-install's /lib/modules/RELEASE/build, bcc takes
#      the headers from there and unpacks nothing.
# Prints KTAP (tests/guest/ktap.sh).

repo=$(cd "$(dirname "$0")/../.." && pwd)
rel=$(uname -r)
tree=/tmp/kheaders-$rel
KT_AREA=bpf
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

# tree_facts: whether a tool left an unpacked tree, its owner, and whether
# it holds the header the tools include.
tree_facts() {
	if [ -d "$tree" ]; then
		echo "tree=yes owner=$(stat -c %u "$tree") sched_h=$(yes_no -f "$tree/include/linux/sched.h")"
	else
		echo "tree=no"
	fi
}

mount -t debugfs none /sys/kernel/debug
mount -t tracefs none /sys/kernel/tracing 2>/dev/null
# The host's /lib/modules is read-only here; the copy has no build or
# source link, as on a device that has no headers package.
private_modules
rm -f "/lib/modules/$rel/build" "/lib/modules/$rel/source"
# kheaders-install mounts under /run, or (with no kheaders filesystem,
# as on the =y kernel) unpacks into /usr/src: writable ones, as a device
# has.
mount -t tmpfs -o mode=0755 none /run
mount -t tmpfs -o mode=0755 none /usr/src
kt_eq "no BTF, no build link, kheaders not loaded at the start" \
	"btf=$(yes_no -e /sys/kernel/btf/vmlinux) build-link=$(yes_no -e "/lib/modules/$rel/build") loaded=$(loaded)" \
	"btf=no build-link=no loaded=no"

# execsnoop_marker NAME: run execsnoop, and once it is tracing, exec
# /bin/echo with a marker from a shell whose PID is known; check that
# execsnoop saw that exec, succeeding, with that parent PID (which it
# reads out of task_struct, as laid out by the headers it compiled with).
execsnoop_marker() {
	log=/tmp/execsnoop-$1.log
	t0=$(now)
	PYTHONUNBUFFERED=1 execsnoop-bpfcc >"$log" 2>&1 &
	snoop=$!
	if ! wait_for "$log" '^PCOMM' 600; then
		kill $snoop 2>/dev/null
		tail -n 20 "$log" | kt_diag
		kt_fail "bcc ($1): execsnoop compiled and started tracing"
		return 1
	fi
	kt_pass "bcc ($1): execsnoop compiled and started tracing"
	echo "KH-TIME bcc-$1 $t0 $(now)"
	sleep 2
	# The last command is a builtin, so /bin/echo runs in a child of this sh.
	sh -c "echo \$\$ >/tmp/parent-$1; /bin/echo kh-marker-$1 >/dev/null; true"
	wait_for "$log" "kh-marker-$1" 30
	# Not SIGINT: a background job of a script starts with it ignored.
	kill $snoop
	wait $snoop
	line=$(grep -m1 "^echo .*kh-marker-$1" "$log")
	kt_eq "bcc ($1): execsnoop saw the exec, and read its parent PID out of task_struct" \
		"$(echo "$line" | awk '{ print "comm=" $1, "ppid=" $3, "ret=" $4 }')" \
		"comm=echo ppid=$(cat "/tmp/parent-$1") ret=0" || tail -n 20 "$log" | kt_diag
}

# 0. Control: with kheaders.ko out of reach, bcc finds no headers at all
# (nothing else on this system supplies them).
if kheaders_is_module; then
	ko=$(modinfo -n kheaders)
	mv "$ko" "$ko.away"
	kt_fails "bcc: without kheaders it finds no kernel headers and fails" \
		'[Uu]nable to find kernel headers' timeout 300 execsnoop-bpfcc
	mv "$ko.away" "$ko"
else
	kt_skip "bcc: without kheaders it finds no kernel headers and fails" "kheaders is built in"
fi

# 1. bcc unpacks the archive itself.
execsnoop_marker kheaders
kt_eq "bcc: unpacked the archive into /tmp/kheaders-RELEASE and unloaded kheaders" \
	"$(tree_facts) loaded=$(loaded)" "tree=yes owner=0 sched_h=yes loaded=no"

# 2. bpftrace unpacks it again (it reuses a tree that is there).
rm -rf "$tree"
bt=/tmp/bpftrace.log
# Our sleeps run under a name of their own: wait_for's "sleep 1" (and any
# other sleep) must not be the one the probe catches.
sleeper=/tmp/kh-sleeper
cp /bin/sleep "$sleeper"
# shellcheck disable=SC2016 # bpftrace's own $t, not the shell's
bpftrace -e '#include <linux/sched.h>
kprobe:hrtimer_nanosleep /comm == "kh-sleeper"/ {
	$t = (struct task_struct *)curtask;
	printf("KH-BT pid=%d tgid=%d comm=%s\n", pid, $t->tgid, $t->comm);
	exit();
}' >"$bt" 2>&1 &
trace=$!
t0=$(now)
if wait_for "$bt" '^Attaching' 600; then
	# Sleep until the probe fires (bpftrace attaches just after it says so).
	i=0
	while [ $i -lt 60 ] && kill -0 $trace 2>/dev/null; do
		"$sleeper" 0.5 &
		echo $! >>/tmp/sleepers
		wait $!
		i=$((i + 1))
	done
fi
kill $trace 2>/dev/null
wait $trace
kt_eq "bpftrace: the one-liner ran" $? 0 || tail -n 20 "$bt" | kt_diag
echo "KH-TIME bpftrace $t0 $(now)"
# What it printed for a sleep the guest started: that PID, its tgid (the
# same) and its comm, read out of task_struct.
pid=$(sed -n 's/^KH-BT pid=\([0-9]*\) .*/\1/p' "$bt" | head -n 1)
kt_eq "bpftrace: task_struct's tgid and comm are those of a sleep it traced" \
	"$(grep -m1 '^KH-BT ' "$bt") $(grep -cx "${pid:-none}" /tmp/sleepers)" \
	"KH-BT pid=$pid tgid=$pid comm=kh-sleeper 1"
kt_eq "bpftrace: unpacked the archive into /tmp/kheaders-RELEASE itself" \
	"$(tree_facts)" "tree=yes owner=0 sched_h=yes"
# bpftrace, unlike bcc, leaves kheaders loaded.
echo "bpftrace left kheaders loaded: $(loaded)" | kt_diag
[ "$(loaded)" = no ] || rmmod kheaders

# 3. bcc with the headers at /lib/modules/RELEASE/build.
rm -rf "$tree"
kt_check "kheaders-install" sh "$repo/scripts/kheaders-install"
kt_match "kheaders-install links /lib/modules/RELEASE/build" \
	"$(readlink "/lib/modules/$rel/build")" "^/(run|usr/src)/kheaders(/|-)$rel\$"
execsnoop_marker build-link
kt_eq "bcc: with the build link, it unpacked nothing" "$(tree_facts)" "tree=no"
kt_check "kheaders-install --remove" sh "$repo/scripts/kheaders-install" --remove
kt_eq "kheaders-install --remove unloads kheaders" "$(loaded)" no

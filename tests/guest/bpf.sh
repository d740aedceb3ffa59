#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Debian 12's eBPF tools in the test guest, on a kernel with kprobes and
# the bpf() syscall but no BTF, so that they must compile against headers:
#   0. Without kheaders.ko, bcc finds no headers and says so.
#   1. bcc's execsnoop finds no /lib/modules/RELEASE/build, loads kheaders,
#      unpacks /sys/kernel/kheaders.tar.xz into /tmp/kheaders-RELEASE and
#      unloads kheaders again; the parent PID it prints comes from
#      task_struct as laid out by the archive's headers.
#   2. bpftrace does the same unpacking on its own (leaving kheaders
#      loaded) and runs a one-liner that casts curtask to struct
#      task_struct (from <linux/sched.h>).
#   3. With scripts/kheaders-install's /lib/modules/RELEASE/build, bcc takes
#      the headers from there and unpacks nothing.
# Prints KH-* lines for tests/test-guest-bpf.sh.

repo=$(cd "$(dirname "$0")/../.." && pwd)
rel=$(uname -r)
tree=/tmp/kheaders-$rel
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

# tree_facts: whether a tool left an unpacked tree, its owner, and whether
# it holds the header the tools include.
tree_facts() {
	if [ -d "$tree" ]; then
		echo "tree=yes owner=$(stat -c %u "$tree") sched_h=$([ -f "$tree/include/linux/sched.h" ] && echo yes || echo no)"
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
mount -t tmpfs -o mode=0755 none /run
echo "KH-BPF btf=$([ -e /sys/kernel/btf/vmlinux ] && echo yes || echo no) build-link=$([ -e "/lib/modules/$rel/build" ] && echo yes || echo no) loaded=$(loaded)"

# execsnoop_marker NAME: run execsnoop, and once it is tracing, exec
# /bin/echo with a marker from a shell whose PID is known; print what
# execsnoop saw for it and what the parent really was.
execsnoop_marker() {
	log=/tmp/execsnoop-$1.log
	PYTHONUNBUFFERED=1 execsnoop-bpfcc >"$log" 2>&1 &
	snoop=$!
	if ! wait_for "$log" '^PCOMM' 600; then
		echo "KH-BCC $1 not-ready"
		kill $snoop 2>/dev/null
		tail -n 20 "$log"
		return 1
	fi
	sleep 2
	# The last command is a builtin, so /bin/echo runs in a child of this sh.
	sh -c "echo \$\$ >/tmp/parent-$1; /bin/echo kh-marker-$1 >/dev/null; true"
	wait_for "$log" "kh-marker-$1" 30
	# Not SIGINT: a background job of a script starts with it ignored.
	kill $snoop
	wait $snoop
	line=$(grep -m1 "^echo .*kh-marker-$1" "$log")
	echo "KH-BCC $1 seen=$(echo "$line" | awk '{ print $1, "ppid=" $3, "ret=" $4 }') parent=$(cat "/tmp/parent-$1")"
	grep -q "kh-marker-$1" "$log" || tail -n 20 "$log"
}

# 0. Control: with kheaders.ko out of reach, bcc finds no headers at all
# (nothing else on this system supplies them).
ko=$(modinfo -n kheaders)
mv "$ko" "$ko.away"
msg=$(timeout 300 execsnoop-bpfcc 2>&1)
echo "KH-BCC no-kheaders rc=$? $(echo "$msg" | grep -m1 -i 'kernel headers')"
mv "$ko.away" "$ko"

# 1. bcc unpacks the archive itself.
timed_step bcc-kheaders execsnoop_marker kheaders
echo "KH-BPF after-bcc $(tree_facts) loaded=$(loaded)"

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
		echo "KH-SLEEP $!"
		wait $!
		i=$((i + 1))
	done
fi
kill $trace 2>/dev/null
wait $trace
echo "KH-STEP bpftrace rc=$?"
echo "KH-TIME bpftrace $t0 $(now)"
if grep -q '^KH-BT ' "$bt"; then
	grep '^KH-BT ' "$bt"
else
	tail -n 20 "$bt"
fi
echo "KH-BPF after-bpftrace $(tree_facts)"
# bpftrace, unlike bcc, leaves kheaders loaded.
echo "KH-BPF loaded-after-bpftrace $(loaded)"
[ "$(loaded)" = no ] || rmmod kheaders

# 3. bcc with the headers at /lib/modules/RELEASE/build.
rm -rf "$tree"
step install sh "$repo/scripts/kheaders-install"
echo "KH-BPF build-link=$(readlink "/lib/modules/$rel/build")"
timed_step bcc-build-link execsnoop_marker build-link
echo "KH-BPF after-bcc-build-link $(tree_facts)"
step remove sh "$repo/scripts/kheaders-install" --remove
echo "KH-BPF after-remove loaded=$(loaded)"

#!/bin/sh
rel=$(uname -r)
mount -t debugfs none /sys/kernel/debug
mkdir -p /tmp/lm && cp -a /lib/modules/. /tmp/lm/ && mount --bind /tmp/lm /lib/modules
rm -f "/lib/modules/$rel/build" "/lib/modules/$rel/source"
echo "KH-DBG start $(cut -d' ' -f1 /proc/uptime)"
PYTHONUNBUFFERED=1 strace -f -tt -o /tmp/st.log -e trace=execve,openat,bpf,perf_event_open,wait4 execsnoop-bpfcc >/tmp/es.log 2>&1 &
p=$!
i=0
while [ $i -lt 20 ]; do
	sleep 20
	echo "KH-DBG t=$(cut -d' ' -f1 /proc/uptime)"
	ps -eo pid,ppid,stat,wchan:30,time,args | grep -v '\[' | tail -n 15
	tail -n 5 /tmp/es.log
	tail -n 8 /tmp/st.log
	grep -q '^PCOMM' /tmp/es.log && break
	i=$((i+1))
done
kill $p

#!/bin/bash
# PID 1 of the test VM. The host root file system is mounted read-only over
# virtio-9p; results go to the 'wbres' 9p share, which also holds the list of
# tests to run (tests.txt). The kernel command line gives wb.out=DIR and
# wb.timeout=SECS.
set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=1777 tmpfs /run
# The host's /tmp (where a checkout may live) disappears under the guest's
# tmpfs: keep the host root reachable at /run/host.
mkdir -p /run/host && mount --bind / /run/host
for d in /tmp /dev/shm; do mount -t tmpfs -o mode=1777 tmpfs "$d"; done
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t bpf bpffs /sys/fs/bpf
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null || true
mkdir -p /run/wbres && mount -t 9p -o trans=virtio,version=9p2000.L wbres /run/wbres
ip link set lo up 2>/dev/null || true
ulimit -l unlimited

arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^wb\.$1=//p"; }
out=$(arg out)
tmo=$(arg timeout)
res=/run/wbres
tests=$(cat "$res/tests.txt")

echo "wb-guest: $(uname -r), $(nproc) CPUs, tests: $(echo $tests | wc -w)"
# test_progs writes into its directory: run it from a tmpfs copy.
mkdir -p /tmp/tp
out=/run/host$out
(cd "$out" && find . -maxdepth 1 \( -type f -o -type l \) ! -name '*.o' ! -name '*.d' \
	! -name '*.skel.h' ! -name '*.log' -exec cp -a {} /tmp/tp/ \;
 cp -a "$out"/*.bpf.o /tmp/tp/ 2>/dev/null; cp -a "$out/tools" /tmp/tp/ 2>/dev/null) || true
cd /tmp/tp
dmesg >"$res/dmesg-boot.txt"
for t in $tests; do
	echo "wb-guest: running $t"
	t0=$(date +%s%N)
	case $t in
	test_*) timeout -k 10 "$tmo" "./$t" >"$res/$t.log" 2>&1 ;;
	*) timeout -k 10 "$tmo" ./test_progs -v -a "$t" >"$res/$t.log" 2>&1 ;;
	esac
	rc=$?
	t1=$(date +%s%N)
	# A standalone binary's exit code is its result: written as test_progs would
	case $t in
	test_*) printf 'METRIC passes=%s\n#0 %s:%s\n' "$(grep -c ': Pass$' "$res/$t.log")" "$t" \
		"$([ $rc = 0 ] && echo OK || echo FAIL)" >>"$res/$t.log" ;;
	esac
	echo "$rc $(((t1 - t0) / 1000000))" >"$res/$t.rc"
	echo "wb-guest: $t exit $rc"
done
# Give the irq_work/RCU/workqueue tails a moment, then collect the log.
sleep 2
echo scan >/sys/kernel/debug/kmemleak 2>/dev/null && sleep 5 &&
	cat /sys/kernel/debug/kmemleak >"$res/kmemleak.txt" 2>/dev/null
dmesg >"$res/dmesg.txt"
echo done >"$res/done"
sync
echo "wb-guest: done"
echo o >/proc/sysrq-trigger
sleep 10

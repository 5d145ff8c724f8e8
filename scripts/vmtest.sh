#!/usr/bin/env bash
# make vmtest: the series' tests the way BPF CI runs them: the kernel
# configured exactly as the tree's vmtest.sh configures it (the selftests'
# config + config.vm + config.x86_64 on the Kconfig defaults: lockdep,
# CONFIG_BOOTPARAM_HARDLOCKUP_PANIC=y, ...; build/kernel-full, the same
# build 'WB_VARIANT=full make kernel' makes), booted with vmtest.sh's 8
# vCPUs, the kernel log checked for splats. Under TCG there is no PMU, so
# the perf-based hard-lockup detector is not armed here (it is on BPF CI's
# KVM hosts); the soft-lockup detector and RCU stall checks are.
#
# VMTEST_TREE=1 runs the tree's own tools/testing/selftests/bpf/vmtest.sh
# instead, with a rootfs built here (-l; vmtest.sh cannot download one on
# this network): it also builds the whole selftests suite (about 12 min
# more on 2 cores). Its two local adaptations, both outside the tree:
#  - the rootfs: Debian bookworm (debootstrap, minbase) with a busybox-style
#    init that runs /etc/rcS.d/S* as the libbpf CI images do;
#  - qemu: vmtest.sh passes -enable-kvm -cpu host; when KVM cannot boot a
#    kernel (probe from vm.sh) a wrapper earlier in PATH drops both.
# Its kernel is built in build/kernel-full (KBUILD_OUTPUT=), through ccache
# (a gcc wrapper earlier in PATH); the selftests with clang-22.
# usage: make vmtest [VMTEST_TREE=1 [VMTEST_CMD="./test_progs -a map_kptr"]]
. "$(dirname "$0")/lib.sh"
need_tree
if [ "${VMTEST_TREE:-0}" != 1 ]; then
	t0=$(now)
	export WB_VARIANT=full WB_SMP=${WB_SMP:-8}
	"$WB_ROOT/scripts/kernel.sh"
	"$WB_ROOT/scripts/selftests.sh"
	set +e
	"$WB_ROOT/scripts/vm.sh"
	rc=$?
	set -e
	result "vmtest (selftests config, $WB_SMP vCPUs) exited $rc after $(elapsed "$t0")"
	exit "$rc"
fi
need debootstrap zstd qemu-system-x86_64 sudo mkfs.ext4 clang-22
dir=$WB_OUT/vmtest
# Bump the name when the recipe below changes: the rootfs is built once.
rootfs=$dir/rootfs-2.tar.zst
kbuild=$(kernel_out full)
mkdir -p "$dir" "$kbuild"
t0=$(now)
if [ ! -f "$rootfs" ]; then
	log "building the rootfs with debootstrap (once)"
	rm -rf "$dir/root"
	debootstrap --variant=minbase --include=busybox,libelf1,zlib1g,libzstd1,libcap2,iproute2,kmod,procps,ethtool,iptables,openssl,python3 \
		bookworm "$dir/root" http://deb.debian.org/debian >"$dir/debootstrap.log" 2>&1 ||
		die "debootstrap failed (see $dir/debootstrap.log)"
	# vmtest.sh's startup script is the only rcS.d entry (Debian's expect
	# 'start'); it ends with poweroff, a busybox applet here.
	rm -rf "$dir/root/etc/rcS.d"
	mkdir -p "$dir/root/etc/rcS.d"
	for a in poweroff reboot halt; do ln -sf /bin/busybox "$dir/root/sbin/$a"; done
	cat >"$dir/root/sbin/init" <<'EOS'
#!/bin/sh
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp; mount -t bpf bpf /sys/fs/bpf; mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null; ip link set lo up
for s in /etc/rcS.d/S*; do [ -x "$s" ] && "$s"; done
poweroff -f
EOS
	chmod +x "$dir/root/sbin/init"
	tar -C "$dir/root" -c . | zstd -q -T0 -o "$rootfs"
	rm -rf "$dir/root" "$dir"/rootfs.tar.zst
fi
# vmtest.sh makes its disk image from the tarball once; -i redoes it.
img_opt=()
[ "$rootfs" -nt "$dir/out/root.img" ] && img_opt=(-i)
mkdir -p "$dir/bin"
cat >"$dir/bin/gcc" <<'EOS'
#!/bin/sh
# No CCACHE_BASEDIR: its relative paths in the selftests' .d files break
# make's dependencies.
CCACHE_BASEDIR= exec ccache /usr/bin/gcc "$@"
EOS
chmod +x "$dir/bin/gcc"
probe=$(ls "$WB_OUT"/.kvm-probe-* 2>/dev/null | head -1)
if [ -z "$probe" ] || [ "$(cat "$probe")" != kvm ]; then
	cat >"$dir/bin/qemu-system-x86_64" <<'EOS'
#!/bin/bash
# KVM cannot boot a kernel here: run vmtest.sh's qemu under TCG, with one
# host thread for all vCPUs as vm.sh (multi-threaded TCG: an "Oops: int3"
# in code being patched, seen at boot in sched_clock_cpu with 8 vCPUs).
# A guest panic (init gone) ends qemu: panic=-1 and -no-reboot.
args=() app=0
for a in "$@"; do
	if [ $app = 1 ]; then args+=("$a panic=-1"); app=0; continue; fi
	case $a in
	-enable-kvm) ;;
	host) args+=(max) ;;
	-append) args+=("$a"); app=1 ;;
	*) args+=("$a") ;;
	esac
done
exec /usr/bin/qemu-system-x86_64 -accel "tcg,thread=${WB_TCG_THREAD:-single}" -no-reboot "${args[@]}"
EOS
	chmod +x "$dir/bin/qemu-system-x86_64"
fi
cmd=${VMTEST_CMD:-./test_progs -a $(wb_tests | grep -v '^wb_' | paste -sd, -)}
log "running vmtest.sh -l $rootfs -- $cmd (builds its own kernel and selftests)"
cd "$WB_TREE/tools/testing/selftests/bpf"
# KBUILD_OUTPUT: the kernel is built out of tree; an in-tree build would make
# every later 'make kernel' (O=build/kernel-*) refuse the unclean source tree.
# Run vmtest.sh as from a shell: under 'make vmtest' MAKELEVEL=1 reaches the
# selftests' lib.mk, which then leaves OUTPUT empty and builds into /.
unset MAKELEVEL MAKEFLAGS MFLAGS
set +e
PATH=$dir/bin:/usr/lib/llvm-22/bin:$PATH KBUILD_OUTPUT=$kbuild ./vmtest.sh -l "$rootfs" "${img_opt[@]}" -d "$dir/out" -j "$WB_JOBS" -- $cmd 2>&1 |
	tee "$dir/vmtest.log" | grep --line-buffered -E '^(#[0-9]|Summary|Output directory|Logs saved|  (LD|BZIMAGE|BINARY) )'
rc=${PIPESTATUS[0]}
set -e
# The guest's splats (vmtest.sh itself only says how it exited).
if ! python3 "$WB_ROOT/scripts/report.py" --splats-in "$dir/vmtest.log" >&2; then
	echo "[$stage] FAIL: the guest's kernel log has the splats above" >&2
	[ "$rc" != 0 ] || rc=1
fi
result "vmtest.sh exited $rc after $(elapsed "$t0") (full log: $dir/vmtest.log)"
exit "$rc"

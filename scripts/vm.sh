#!/usr/bin/env bash
# Boot build/kernel-$WB_VARIANT in qemu with the host root file system shared
# read-only over virtio-9p, run the requested tests with test_progs in the
# guest, then print the table (scripts/report.py). Exits non-zero on any
# failed or missing test and on any kernel splat in the guest log.
. "$(dirname "$0")/lib.sh"
need qemu-system-x86_64 python3 timeout
kout=$(kernel_out)
sout=$(selftests_out)
img=$kout/arch/x86/boot/bzImage
[ -f "$img" ] || die "no kernel image $img; run 'make kernel'"
[ -x "$sout/test_progs" ] || die "no $sout/test_progs; run 'make selftests'"

mapfile -t tests < <(wb_tests)
# WB_TESTS=@ALL: every test this test_progs has (make regress).
if [ "${tests[*]}" = @ALL ]; then
	mapfile -t tests < <("$sout/test_progs" -l) || die "'$sout/test_progs -l' failed"
fi
run=$WB_OUT/run-$WB_VARIANT
rm -rf "$run"
mkdir -p "$run/res"
# The guest reads the tests from the results share (a long list would not
# fit on the kernel command line).
printf '%s\n' "${tests[@]}" >"$run/res/tests.txt"
# Guest timeout: per test and for the whole VM (boot + all tests). The
# debug kernel (KASAN, lockdep) runs kptr_release in ~10 min under TCG.
per_test=${WB_TEST_TIMEOUT:-600}
[[ $WB_VARIANT != *debug ]] || per_test=${WB_TEST_TIMEOUT:-1500}
vm_timeout=${WB_VM_TIMEOUT:-$((120 + ${#tests[@]} * per_test))}
mem=${WB_VM_MEM:-4G}
[ "$WB_VARIANT" = lean ] || mem=${WB_VM_MEM:-8G}

# KVM only if it really boots a kernel: probe once per host kernel + qemu.
accel=tcg
probe=$WB_OUT/.kvm-probe-$(uname -r)-$(qemu-system-x86_64 --version | head -1 | awk '{print $4}')
if [ -w /dev/kvm ] && [ "${WB_ACCEL:-}" != tcg ]; then
	if [ ! -f "$probe" ]; then
		log "probing whether KVM boots a kernel (once)"
		if timeout 30 qemu-system-x86_64 -accel kvm -cpu host -m 256M -nographic -no-reboot \
			-kernel "$img" -append "console=ttyS0 panic=-1 init=/nonexistent" 2>&1 |
			grep -q 'Linux version'; then echo kvm >"$probe"; else echo tcg >"$probe"; fi
	fi
	accel=$(cat "$probe")
fi
[ -n "${WB_ACCEL:-}" ] && accel=$WB_ACCEL
cpu=max
[ "$accel" = kvm ] && cpu=host
# TCG runs the vCPUs in one host thread by default: with one thread per
# vCPU (MTTCG) a BPF trampoline patched on one vCPU while another runs it
# hit "Oops: int3" in map_kptr_race (fentry/bpf_map_put), once in ~7 runs;
# never seen with thread=single. WB_TCG_THREAD=multi brings MTTCG back.
accel_opt=$accel
[ "$accel" = tcg ] && accel_opt="tcg,thread=${WB_TCG_THREAD:-single}"
# WB_ICOUNT=1 (make bench): the guest clock counts instructions, one ns
# each (-icount shift=0, which needs TCG with one thread); sleep=off: an
# idle guest does not skip clock time either.
icount=()
if [ "${WB_ICOUNT:-0}" = 1 ]; then
	[ "$accel" = tcg ] || die "WB_ICOUNT=1 needs TCG (WB_ACCEL=tcg); KVM guests run at real speed"
	accel_opt=tcg,thread=single
	icount=(-icount shift=0,sleep=off)
fi
smp=${WB_SMP:-2}

cmdline="console=ttyS0 root=/dev/root rootfstype=9p ro panic=-1 nokaslr"
cmdline+=" rootflags=trans=virtio,version=9p2000.L,cache=loose,msize=262144"
cmdline+=" init=$WB_ROOT/scripts/guest-init.sh"
cmdline+=" wb.out=$sout wb.timeout=$per_test ${WB_CMDLINE:-}"

log "booting $WB_VARIANT kernel ($accel_opt${icount:+ ${icount[*]}}, $smp vCPUs, $mem) for ${#tests[@]} test(s), timeout ${vm_timeout}s"
t0=$(now)
set +e
timeout -k 10 "$vm_timeout" qemu-system-x86_64 -accel "$accel_opt" -cpu "$cpu" -smp "$smp" -m "$mem" "${icount[@]}" \
	-nographic -no-reboot -nodefaults -serial "file:$run/console.log" \
	-kernel "$img" -append "$cmdline" \
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root \
	-fsdev local,id=res,path="$run/res",security_model=none \
	-device virtio-9p-pci,fsdev=res,mount_tag=wbres ${WB_QEMU_ARGS:-} </dev/null >"$run/qemu.log" 2>&1 &
qemu=$!
# A wedged guest kernel (seen: an endless double fault after 7.3.4's
# tracing_multi_bench_attach WARNs, in make regress) never reaches its own
# per-test timeout: kill it once no result has changed for that timeout
# plus 2 minutes. Not under -icount, whose guest clock is not the host's.
stall=$((per_test + 120)) wedged=0
while [ ${#icount[@]} = 0 ] && kill -0 $qemu 2>/dev/null; do
	sleep 1
	(($(date +%s) - $(stat -c %Y "$run/res" "$run/res"/* | sort -n | tail -1) > stall)) || continue
	kill $qemu
	wedged=1
	break
done
wait $qemu
rc=$?
set -e
log "guest ran for $(elapsed "$t0") (qemu exit $rc)"
[ $rc = 124 ] || [ $rc = 137 ] || [ $wedged = 1 ] && timed_out=1 || timed_out=0
if [ $timed_out = 1 ]; then
	[ $wedged = 1 ] && why="was wedged (no test result for ${stall}s)" ||
		why="did not finish within ${vm_timeout}s"
	echo "[$stage] guest $why and was killed; last console lines:" >&2
	tail -n 40 "$run/console.log" | sed 's/^/    /' >&2
fi
[ -s "$run/qemu.log" ] && [ ! -f "$run/res/done" ] && sed 's/^/    qemu: /' "$run/qemu.log" >&2
python3 "$WB_ROOT/scripts/report.py" --run "$run" --variant "$WB_VARIANT" --accel "$accel" \
	--timed-out $timed_out \
	--absent "$(wb_absent_tests | paste -sd,)" ${WB_REPORT_TSV:+--tsv "$WB_REPORT_TSV"} "${tests[@]}"

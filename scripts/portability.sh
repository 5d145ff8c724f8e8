#!/usr/bin/env bash
# make portability: the series' tests where there is no NMI source (BPF CI
# also runs aarch64 and s390x, which have no tp_btf/nmi_handler).
#  1. Their BPF objects build little and big endian (s390 is bpfeb) with the
#     selftests' flags and -mcpu=v2/v3/v4 (no_alu32, default, cpuv4), as BPF
#     CI builds them. With -D__TARGET_ARCH_arm64 or s390 they need that
#     architecture's vmlinux.h (bpf_experimental.h reads its thread_info or
#     lowcore), which only a kernel built for it gives: not here.
#  2. A run of them built as on such an architecture (WB_NO_NMI=1: the NMI
#     programs are not loaded, bpf_testmod cannot raise NMIs): every NMI
#     subtest must skip with its reason, every other one must pass.
#  3. The series' kernel/bpf objects built for ppc64le (clang), where
#     this_cpu_*() are not NMI-safe (no ARCH_HAS_NMI_SAFE_THIS_CPU_OPS) and
#     patch 3 takes the hash map's spare with xchg() and cmpxchg() instead.
. "$(dirname "$0")/lib.sh"
need_tree
need clang-22
t0=$(now)
out=$(selftests_out)
src=$WB_TREE/tools/testing/selftests/bpf
[ -f "$out/tools/include/vmlinux.h" ] ||
	die "no selftests build in $out; run 'make selftests' first"
# The BPF_CFLAGS below include the tree's copy of the selftests (selftests.sh)
[ -d "$(cat "$out/.wb-src" 2>/dev/null)" ] ||
	die "the selftests copy of $out is gone (the tree was recreated); run 'make selftests' first"
progs="kptr_release kptr_release_ctx htab_spare_nmi"
objdir=$WB_OUT/portability
mkdir -p "$objdir"
# The flags the selftests' build used for its BPF objects (its build log),
# with another architecture and endianness.
cflags=$(grep -m1 -o 'BPF_CFLAGS="[^"]*"' "$out/build.log" | sed 's/^BPF_CFLAGS="//; s/"$//' || true)
[ -n "$cflags" ] || die "no BPF_CFLAGS in $out/build.log; run 'make selftests' again"
read -ra flags <<<"$(sed 's/-D__TARGET_ARCH_[a-z0-9_]*//; s/-mlittle-endian//' <<<"$cflags") -O2"
built=0
for target in bpfel:-mlittle-endian bpfeb:-mbig-endian; do
	IFS=: read -r t endian <<<"$target"
	for cpu in v2 v3 v4; do
		for p in $progs; do
			clang-22 "${flags[@]}" -D__TARGET_ARCH_x86 "$endian" --target="$t" -mcpu="$cpu" \
				-c "$src/progs/$p.c" -o "$objdir/$p.$t.$cpu.bpf.o" ||
				die "$p.c does not build for $t (-mcpu=$cpu)"
			built=$((built + 1))
		done
	done
done
log "$progs: built for bpfel and bpfeb (s390 is big endian), -mcpu=v2, v3, v4 -> $objdir"
ppc=$objdir/kernel-ppc64le
kobjs=(hashtab arraymap syscall helpers btf cpumask bpf_local_storage)
kobjs=("${kobjs[@]/#/kernel/bpf/}")
need_space "$WB_OUT" 2 "the ppc64le build of kernel/bpf objects"
log "building ${#kobjs[@]} kernel/bpf objects for ppc64le (clang-22) -> $ppc"
make -C "$WB_TREE" O="$ppc" ARCH=powerpc LLVM=-22 ppc64le_defconfig >"$ppc.log" 2>&1 ||
	die "ppc64le_defconfig failed, see $ppc.log"
grep -q '^CONFIG_BPF_SYSCALL=y' "$ppc/.config" ||
	die "ppc64le_defconfig has no CONFIG_BPF_SYSCALL: the objects would not be built"
! grep -q '^CONFIG_ARCH_HAS_NMI_SAFE_THIS_CPU_OPS=y' "$ppc/.config" ||
	die "ppc64le now has NMI-safe this_cpu ops: pick an architecture without them"
make -C "$WB_TREE" O="$ppc" ARCH=powerpc LLVM=-22 -j"$WB_JOBS" \
	"${kobjs[@]/%/.o}" >>"$ppc.log" 2>&1 ||
	die "the kernel/bpf objects do not build for ppc64le, see $ppc.log"
! grep -q 'warning:' "$ppc.log" || die "the ppc64le build warns, see $ppc.log"
log "running the tests built as without NMIs (WB_NO_NMI=1)"
export WB_NO_NMI=1 WB_TESTS=${WB_TESTS:-$(series_tests)}
"$WB_ROOT/scripts/selftests.sh"
vmlog=$WB_OUT/portability/vm.log
set +e
"$WB_ROOT/scripts/vm.sh" 2>&1 | tee "$vmlog"
rc=${PIPESTATUS[0]}
set -e
res=$WB_OUT/run-$WB_VARIANT/res
skips=$(grep -c '^#[0-9]*/[0-9]* .*:SKIP' "$res/kptr_release.log" || true)
reasons=$(grep -o ':SKIP:.*' "$res/kptr_release.log" | sort | uniq -c | sed 's/^ *//; s/ :SKIP:/x "/; s/$/"/' | paste -sd';' - || true)
[ "$rc" = 0 ] || die "the run without NMIs failed (exit $rc, see $vmlog)"
[ "$skips" -gt 0 ] || die "no subtest skipped without NMIs: the NMI subtests did not notice"
result "BPF objects: $built builds (bpfel, bpfeb x v2, v3, v4) OK; kernel/bpf for ppc64le (no NMI-safe this_cpu ops) OK; without NMIs: $(tail -1 "$vmlog"), $skips NMI subtests skipped ($reasons) in $(elapsed "$t0")"

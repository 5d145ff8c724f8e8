#!/usr/bin/env bash
# make bench: build the base kernel (wb-base), the patched kernel (the tree's
# HEAD) and the bench-only alternative (HEAD + config/bench-alt.patch: no
# slots, kptrs left in place where the series defers) with the same lean
# config, boot each WB_BENCH_BOOTS times (default 2) with the workbench
# benchmark (selftests/prog_tests/wb_bench.c) and print them side by side
# (scripts/bench-report.py), with the selftests' own bench tool's map
# benchmarks as it prints them, then the instructions the series adds to
# the map update/delete paths: statically (scripts/zerocost.sh) and traced
# one op at a time (scripts/optrace.sh, also 'make optrace').
# The guests run under QEMU's -icount shift=0,sleep=off: the guest clock
# counts instructions, so the figures are guest instructions per op, the
# same on every host and under any host load; two guests run at once.
# WB_BENCH_CLOCK=wall (a KVM host): real nanoseconds, one guest at a time.
# WB_BENCH_BASE=REV: the base side at REV of the tree instead of wb-base
# (the commit before a patch: what that patch alone adds).
# The trees are scratch worktrees in build/bench/{base,patched,alt}/linux.
. "$(dirname "$0")/lib.sh"
need_tree
[ -z "$(git -C "$WB_TREE" status --porcelain --untracked-files=no)" ] ||
	log "note: the tree has uncommitted changes; the patched side is its HEAD without them"
t0=$(now)
boots=${WB_BENCH_BOOTS:-2}
sides=(base patched alt)
case ${WB_BENCH_CLOCK:-icount} in
icount)	export WB_ICOUNT=1 WB_ACCEL=tcg; jobs=2 unit=insn ;;
wall)	jobs=1 unit=ns ;;
*)	die "WB_BENCH_CLOCK=${WB_BENCH_CLOCK} (icount or wall)" ;;
esac
for side in "${sides[@]}"; do
	top=$(side_tree "$side")
	(
		export WB_TREE=$top/linux WB_OUT=$top/build WB_VARIANT=lean WB_TESTS=wb_bench \
			WB_BENCH_TOOL=1
		"$WB_ROOT/scripts/kernel.sh"
		"$WB_ROOT/scripts/selftests.sh"
	)
done
# One guest per side and boot, $jobs at a time; each in its own run
# directory (side_vm).
boot() {
	local side=$1 b=$2 out=$WB_OUT/bench/$1/boot$2
	mkdir -p "$out"
	if ! side_vm "$side" "$out" >"$out/vm.out" 2>&1; then
		tail -30 "$out/vm.out" >&2
		echo "[$stage] ERROR: the benchmark failed on the $side kernel (boot $b), see $out/vm.out" >&2
		return 1
	fi
	log "$side, boot $b: $(tail -1 "$out/vm.out")"
}
pids=() failed=0
for b in $(seq "$boots"); do
	for side in "${sides[@]}"; do
		boot "$side" "$b" & pids+=($!)
		if [ "${#pids[@]}" -ge "$jobs" ]; then
			wait "${pids[0]}" || failed=1
			pids=("${pids[@]:1}")
		fi
	done
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
[ "$failed" = 0 ] || die "a benchmark guest failed (see above)"
logs=()
for side in "${sides[@]}"; do
	: >"$WB_OUT/bench/$side/wb_bench.log"
	for b in $(seq "$boots"); do
		sed "s/^BENCH /BENCH boot$b:/; s/^BENCHTOOL /BENCHTOOL boot$b: /" \
			"$WB_OUT/bench/$side/boot$b/run-lean/res/wb_bench.log" \
			>>"$WB_OUT/bench/$side/wb_bench.log"
	done
	logs+=("$side=$WB_OUT/bench/$side/wb_bench.log")
done
report=$WB_OUT/bench/report.txt
python3 "$WB_ROOT/scripts/bench-report.py" --unit "$unit" "${logs[@]}" | tee "$report"
"$WB_ROOT/scripts/zerocost.sh" "$WB_OUT/bench/base/build/kernel-lean/vmlinux" \
	"$WB_OUT/bench/patched/build/kernel-lean/vmlinux" "$WB_OUT/bench/patched/linux" | tee -a "$report"
if [ "${WB_BENCH_CLOCK:-icount}" = icount ]; then
	"$WB_ROOT/scripts/optrace.sh"
	cat "$WB_OUT/optrace/report.txt" >>"$report"
fi
result "bench ($unit, $boots boots per kernel) done in $(elapsed "$t0"); table in $report"

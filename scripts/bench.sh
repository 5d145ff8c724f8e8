#!/usr/bin/env bash
# make bench: build the base kernel (wb-base) and the patched kernel (the
# tree's HEAD) with the same lean config, run the workbench benchmark
# (selftests/prog_tests/wb_bench.c) on each in turn, WB_BENCH_ROUNDS times
# (default 3), and print them side by side (scripts/bench-report.py),
# followed by the instructions the series adds to the map update/delete
# paths (scripts/zerocost.sh).
# Both trees are scratch worktrees in build/bench/{base,patched}/linux.
. "$(dirname "$0")/lib.sh"
need_tree
[ -z "$(git -C "$WB_TREE" status --porcelain --untracked-files=no)" ] ||
	log "note: the tree has uncommitted changes; the patched side is its HEAD without them"
t0=$(now)
rounds=${WB_BENCH_ROUNDS:-3}
# One thread per vCPU: with thread=single TCG round-robins the vCPUs and
# a CPU that just left an NMI can wait a whole time slice for its irq_work.
export WB_TCG_THREAD=${WB_TCG_THREAD:-multi}
for side in base patched; do
	top=$(side_tree $side)
	(
		export WB_TREE=$top/linux WB_OUT=$top/build WB_VARIANT=lean WB_TESTS=wb_bench
		"$WB_ROOT/scripts/kernel.sh"
		"$WB_ROOT/scripts/selftests.sh"
	)
	: >"$top/wb_bench.log"
done
# Boot base and patched in turn, $rounds times: drift on the host (other
# load, frequency) then hits both sides alike.
for r in $(seq "$rounds"); do
	for side in base patched; do
		top=$WB_OUT/bench/$side
		WB_TREE=$top/linux WB_OUT=$top/build WB_VARIANT=lean WB_TESTS=wb_bench \
			"$WB_ROOT/scripts/vm.sh" >"$top/vm.out" 2>&1 ||
			{ cat "$top/vm.out" >&2; die "the benchmark failed on the $side kernel (round $r)"; }
		cat "$top/build/run-lean/res/wb_bench.log" >>"$top/wb_bench.log"
		log "round $r/$rounds, $side: $(tail -1 "$top/vm.out")"
	done
done
report=$WB_OUT/bench/report.txt
python3 "$WB_ROOT/scripts/bench-report.py" \
	"$WB_OUT/bench/base/wb_bench.log" "$WB_OUT/bench/patched/wb_bench.log" | tee "$report"
"$WB_ROOT/scripts/zerocost.sh" "$WB_OUT/bench/base/build/kernel-lean/vmlinux" \
	"$WB_OUT/bench/patched/build/kernel-lean/vmlinux" "$WB_OUT/bench/patched/linux" | tee -a "$report"
result "bench done in $(elapsed "$t0"); table in $report"

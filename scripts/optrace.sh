#!/usr/bin/env bash
# make optrace: where each instruction the series adds to a map op on a
# value without kptrs comes from. Boots the base and the patched kernel of
# 'make bench' (build/bench/{base,patched}) with the wb_bench test under
# QEMU -icount with a gdbstub; gdb (scripts/optrace.py) single-steps a few
# calls of one map function on the bench's plain map of one type, and
# scripts/optrace-report.py prints both totals and the per-function
# difference. Traces mask the guest's interrupts (QEMU's single-step
# default): an op alone, no ticks, to the instruction.
# WB_OPTRACE_OPS="hash_update lru_update": a subset (default: all below).
. "$(dirname "$0")/lib.sh"
need gdb qemu-system-x86_64 nm python3
t0=$(now)
out=$WB_OUT/optrace
mkdir -p "$out"
# name: function map_type map_flags update_flags skip loop
#   map_type: 1 hash, 5 percpu hash, 9 LRU; map_flags 64: BPF_F_ZERO_SEED
#   (the bench's hash maps: the same chains on both kernels); skip: calls
#   to let pass (the fill of 512 keys); loop=1: from one call to the next,
#   i.e. one iteration of the bench's insert + lookup + delete loop.
declare -A ops=(
	[hash_update]="htab_map_update_elem 1 64 0 512 0"
	[hash_insert_delete]="htab_map_delete_elem 1 64 - 0 1"
	[lru_update]="htab_lru_map_update_elem 9 64 0 512 0"
	[lru_insert_delete]="htab_lru_map_delete_elem 9 64 - 0 1"
	[pcpu_hash_update]="htab_percpu_map_update_elem 5 64 0 512 0"
)
# Arrays and the no-prealloc hash are not traced: gdb's stop handling loses
# the guest on them ("target is running"); their cost is in 'make bench'
# (exact for arrays) and scripts/zerocost.sh.
order=(hash_update hash_insert_delete lru_update lru_insert_delete pcpu_hash_update)
[ -n "${WB_OPTRACE_OPS:-}" ] && read -ra order <<<"$WB_OPTRACE_OPS"
for side in base patched; do
	for d in kernel-lean selftests-lean; do
		[ -e "$WB_OUT/bench/$side/build/$d" ] ||
			die "$WB_OUT/bench/$side/build/$d missing; run 'make bench' first"
	done
done

# trace SIDE PORT OP: one guest, one op.
trace() {
	local side=$1 port=$2 op=$3 run=$out/$1-$3 f mt mf fl skip loop
	read -r f mt mf fl skip loop <<<"${ops[$op]}"
	mkdir -p "$run"
	WB_ICOUNT=1 WB_ACCEL=tcg WB_QEMU_ARGS="-gdb tcp:127.0.0.1:$port" \
		side_vm "$side" "$run" >"$run/vm.out" 2>&1 &
	local vm=$! extra=()
	[ "$fl" = - ] || extra=(OPTRACE_FLAGS="$fl")
	sleep 2
	env OPTRACE_PORT="$port" OPTRACE_FUNC="$f" OPTRACE_MAP_TYPE="$mt" OPTRACE_MAP_FLAGS="$mf" \
		OPTRACE_VALUE_SIZE=16 OPTRACE_SKIP="$skip" OPTRACE_LOOP="$loop" OPTRACE_COUNT=3 \
		"${extra[@]}" \
		OPTRACE_OUT="$run/trace.txt" timeout 300 gdb -q -batch -nx -x "$WB_ROOT/scripts/optrace.py" \
		"$WB_OUT/bench/$side/build/kernel-lean/vmlinux" >"$run/gdb.out" 2>&1 &
	local gdb=$!
	# A guest that ends (e.g. the bench failed) leaves gdb waiting: stop it.
	while kill -0 "$gdb" 2>/dev/null; do
		kill -0 "$vm" 2>/dev/null || { sleep 5; kill "$gdb" 2>/dev/null; }
		sleep 1
	done
	wait "$gdb" || true
	wait "$vm" || true
	grep -q '^TRACE' "$run/trace.txt" 2>/dev/null || {
		log "no trace of $op on the $side kernel: $(grep -m1 -E 'FAIL|Error|error' "$run/vm.out" || echo 'gdb saw no call'); see $run/gdb.out and $run/vm.out"
		return 1
	}
}

report=$out/report.txt
: >"$report"
port=$((20000 + RANDOM % 20000)) nfail=0
for op in "${order[@]}"; do
	[ -n "${ops[$op]:-}" ] || die "unknown op '$op' (known: ${order[*]})"
	log "$op: tracing base and patched"
	trace base "$port" "$op" & b=$!
	trace patched $((port + 1)) "$op" & p=$!
	failed=0
	wait "$b" || failed=1
	wait "$p" || failed=1
	if [ "$failed" = 1 ]; then
		echo "$op: NO TRACE (see the log above)" | tee -a "$report"
		nfail=$((nfail + 1))
		continue
	fi
	{
		echo "$op (${ops[$op]%% *})"
		python3 "$WB_ROOT/scripts/optrace-report.py" \
			"$WB_OUT/bench/base/build/kernel-lean/vmlinux" "$out/base-$op/trace.txt" \
			"$WB_OUT/bench/patched/build/kernel-lean/vmlinux" "$out/patched-$op/trace.txt"
	} | tee -a "$report"
done
result "$((${#order[@]} - nfail)) of ${#order[@]} op(s) traced in $(elapsed "$t0"); per-function differences in $report"
[ "$nfail" = 0 ] || exit 1

#!/usr/bin/env bash
# make regress: every test_progs test on the base kernel (wb-base) and on
# the patched kernel (the tree's HEAD), same kernel config, then the tests
# that fail or skip on base (with the first failing line) and every test
# whose result the series changes (scripts/regress-report.py).
#
# WB_VARIANT picks the kernel config: lean (default: test_progs built
# against it lacks what the lean config leaves out, and those tests fail
# on both sides) or full (tools/testing/selftests/bpf/config + config.vm +
# config.x86_64 on the Kconfig defaults, what vmtest.sh uses; ~1.5 h on 2 cores).
# Both sides run in parallel, one TCG vCPU thread each.
# The trees are the scratch worktrees make bench uses.
. "$(dirname "$0")/lib.sh"
need_tree
export WB_VARIANT
t0=$(now)
for side in base patched; do
	top=$(side_tree $side)
	(
		export WB_TREE=$top/linux WB_OUT=$top/build
		"$WB_ROOT/scripts/kernel.sh"
		FULL=1 "$WB_ROOT/scripts/selftests.sh"
	)
done
log "building both sides took $(elapsed "$t0"); running every test on both kernels"
# run_side SIDE: every test on one kernel. A test that kills the guest
# (seen on both kernels under TCG: "Oops: int3" in a test that patches
# kernel text while the other vCPU runs it) ends a pass; it is kept as a
# FAIL row and the next pass boots again with the tests after it, up to
# WB_REGRESS_PASSES passes. Each pass's kernel log is its own row.
run_side() {
	local side=$1 top=$WB_OUT/bench/$1 tests=@ALL pass=1 res crash rest
	res=$top/build/run-$WB_VARIANT/res
	: >"$top/regress.tsv"
	: >"$top/regress.out"
	while :; do
		WB_TREE=$top/linux WB_OUT=$top/build FULL=1 WB_TESTS="$tests" \
			WB_TEST_TIMEOUT=${WB_TEST_TIMEOUT:-300} WB_VM_TIMEOUT=${WB_VM_TIMEOUT:-21600} \
			WB_REPORT_TSV=$top/pass.tsv "$WB_ROOT/scripts/vm.sh" >>"$top/regress.out" 2>&1 || true
		[ -s "$top/pass.tsv" ] || return 0
		crash=$(while read -r t; do [ -f "$res/$t.rc" ] || { echo "$t"; break; }; done <"$res/tests.txt")
		sed "s/^kernel-log\t/kernel-log (pass $pass)\t/" "$top/pass.tsv" |
			awk -F'\t' -v c="$crash" 'BEGIN { OFS = FS }
			     $1 == c { f = 1; $6 = "the guest died during this test"; print; next }
			     !f || $1 ~ /^kernel-log/' \
			>>"$top/regress.tsv"
		rm -rf "$top/res-pass$pass"
		cp -r "$res" "$top/res-pass$pass"
		[ -n "$crash" ] || return 0
		rest=$(sed "0,/^$crash\$/d" "$res/tests.txt" | paste -sd' ')
		echo "[regress] $side: the guest died in $crash (pass $pass); booting again for the tests after it" |
			tee -a "$top/regress.out" >&2
		pass=$((pass + 1))
		[ -n "$rest" ] && [ "$pass" -le "${WB_REGRESS_PASSES:-5}" ] || return 0
		tests=$rest
	done
}
t1=$(now)
pids=()
for side in base patched; do
	run_side $side &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
for side in base patched; do
	[ -s "$WB_OUT/bench/$side/regress.tsv" ] ||
		{ tail -20 "$WB_OUT/bench/$side/regress.out" >&2; die "no results from the $side kernel"; }
done
report=$WB_OUT/bench/regress.txt
python3 "$WB_ROOT/scripts/regress-report.py" "$WB_OUT/bench/base/regress.tsv" \
	"$WB_OUT/bench/patched/regress.tsv" | tee "$report"
result "regression run ($WB_VARIANT) done in $(elapsed "$t0") (tests $(elapsed "$t1")); report in $report"
grep -q '^NEW FAILURES: 0$' "$report"

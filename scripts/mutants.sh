#!/usr/bin/env bash
# make mutants: show that the series' tests can fail. For each mutation in
# config/mutants.list (one per mechanism: slot claim and hand-back, defer
# branch and context predicate, second stage, recycle and eviction
# release, teardown barrier, percpu slot index, graph roots, size check,
# ...), apply it alone to a scratch worktree of the tree (build/mutants/linux,
# never exported), build the kernel, run the series' tests and record which
# assertion killed it, or SURVIVED. Fails if a mutant survives or does not
# apply or build. Not part of CI: ~1.5-2 min per mutant, 8-9 min for one
# that locks the guest up.
# MUTANTS="a b" runs only those; WB_TESTS overrides the tests; WB_VARIANT=debug
# or rt builds that kernel (mutants marked "[debug]" or "[rt]" need it, and are
# not run on another).
. "$(dirname "$0")/lib.sh"
need_tree
need python3
list=$WB_ROOT/config/mutants.list
top=$WB_OUT/mutants
wt=$top/linux
rev=$(git -C "$WB_TREE" rev-parse HEAD)
tests=${WB_TESTS:-$(series_tests)}
mapfile -t all < <(python3 "$WB_ROOT/scripts/mutate.py" "$list" --names)
want=${MUTANTS:-}
t0=$(now)
# Same layout as linux/ + build/ (tree at X/linux, build in X/build): ccache
# hits for every file the mutation does not touch.
scratch_worktree "$wt" "$rev"
python3 "$WB_ROOT/scripts/mutate.py" "$list" --check "$wt" ||
	die "config/mutants.list does not match the tree at $(git -C "$wt" log -1 --format=%h)"
table=$top/table.tsv
: >"$table"
killed=0 survived=0 errors=0 notrun=0 i=0
for entry in "${all[@]}"; do
	name=${entry%%$'\t'*} what=${entry#*$'\t'}
	[ -z "$want" ] || [[ " $want " == *" $name "* ]] || continue
	if [[ $what =~ ^\[([a-z]+)\]\  && ${BASH_REMATCH[1]} != "$WB_VARIANT" ]]; then
		notrun=$((notrun + 1))
		v=${BASH_REMATCH[1]}
		log "$name: not run, needs the $v kernel (WB_VARIANT=$v MUTANTS=$name make mutants)"
		continue
	fi
	i=$((i + 1))
	t1=$(now)
	log "[$i] $name: $what"
	scratch_worktree "$wt" "$rev"
	python3 "$WB_ROOT/scripts/mutate.py" "$list" --apply "$name" "$wt"
	git -C "$wt" diff --stat | tail -1 >&2
	mlog=$top/$name.log
	set +e
	(export WB_TREE=$wt WB_OUT=$top/build WB_VARIANT=$WB_VARIANT WB_TESTS="$tests" \
		WB_TEST_TIMEOUT=${WB_TEST_TIMEOUT:-300}
	 "$WB_ROOT/scripts/kernel.sh" && "$WB_ROOT/scripts/selftests.sh" || exit 99
	 "$WB_ROOT/scripts/vm.sh") >"$mlog" 2>&1
	rc=$?
	set -e
	if [ "$rc" = 99 ]; then
		res=ERROR by="build failed (see $mlog)"
		errors=$((errors + 1))
	elif [ "$rc" = 0 ]; then
		res=SURVIVED by="all of: $tests"
		survived=$((survived + 1))
	else
		res=killed
		killed=$((killed + 1))
		by=$(python3 "$WB_ROOT/scripts/mutate.py" --killed-by "$mlog")
		[ -n "$by" ] || by="exit $rc (see $mlog)"
	fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$what" "$res" "$by" "$(elapsed "$t1")" >>"$table"
	log "[$i] $name: $res ($by) in $(elapsed "$t1")"
done
scratch_worktree "$wt" "$rev"
echo
printf '| mutant | what it breaks | result | killed by (subtests: first failed assertion) | time |\n|---|---|---|---|---|\n'
sed 's/\t/ | /g; s/^/| /; s/$/ |/' "$table"
echo
line="$i mutants of $(git -C "$WB_TREE" log -1 --format=%h "$rev"): $killed killed, $survived survived, $errors errors in $(elapsed "$t0")"
[ "$notrun" = 0 ] || line+=" ($notrun not run: for another kernel)"
if [ "$survived" != 0 ] || [ "$errors" != 0 ] || [ "$i" = 0 ]; then
	result "FAIL: $line"
	exit 1
fi
result "$line"

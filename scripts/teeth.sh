#!/usr/bin/env bash
# Show that the series' NMI test has teeth: build the tree with the key
# branch of bpf_obj_release_kptrs() removed (the destructor then runs inline
# in NMI, as if the series only restored the pre-a3a81d247651 behaviour),
# run the NMI exerciser on it, and expect it to fail on "dtor calls in NMI".
# The broken variant lives in build/teeth/linux (a git worktree); it is never
# exported or committed.
. "$(dirname "$0")/lib.sh"
need_tree
# Same layout as linux/ + build/ (tree at X/linux, build in X/build) so that
# ccache hits for every file the sed does not touch.
wt=$WB_OUT/teeth/linux
scratch_worktree "$wt" HEAD
f=$wt/kernel/bpf/syscall.c
grep -q '^		if (!in_nmi()) {$' "$f" ||
	die "no 'if (!in_nmi())' branch in bpf_obj_release_kptrs() at $(git -C "$wt" log -1 --format=%s); is the series applied?"
sed -i 's|^		if (!in_nmi()) {$|		if (true) { /* teeth: in_nmi() branch removed */|' "$f"
git -C "$wt" diff --stat >&2
tests=${WB_TESTS:-kptr_release}
log=$WB_OUT/teeth.log
export WB_TREE=$wt WB_OUT=$WB_OUT/teeth/build WB_VARIANT=teeth WB_TESTS=$tests
"$WB_ROOT/scripts/kernel.sh"
"$WB_ROOT/scripts/selftests.sh"
set +e
"$WB_ROOT/scripts/vm.sh" | tee "$log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" != 0 ] && grep -q 'dtor calls in NMI' "$log"; then
	grep -E 'dtor calls in NMI.*(FAIL|unexpected)|SPLAT' "$log" | head -5 >&2
	result "teeth OK: without the in_nmi() branch the NMI test fails ('dtor calls in NMI')"
	exit 0
fi
result "teeth MISSING: the NMI test did not fail on 'dtor calls in NMI' without the in_nmi() branch (exit $rc)"
exit 1

#!/usr/bin/env bash
# Show that the series' NMI test has teeth: build the tree with the context
# predicate of bpf_obj_release_fields() (bpf_kptr_must_defer()) always false
# (the destructor then runs inline in NMI, as if the series only restored
# the pre-a3a81d247651 behaviour), run the tests on it, and expect them to
# fail on "dtor calls in NMI".
# The broken variant lives in build/teeth/linux (a git worktree); it is never
# exported or committed.
. "$(dirname "$0")/lib.sh"
need_tree
# Same layout as linux/ + build/ (tree at X/linux, build in X/build) so that
# ccache hits for every file the sed does not touch.
wt=$WB_OUT/teeth/linux
scratch_worktree "$wt" HEAD
f=$wt/include/linux/bpf.h
pred='	return in_nmi() || in_hardirq() || irqs_disabled();'
grep -qxF "$pred" "$f" ||
	die "no '$pred' (bpf_kptr_must_defer()) at $(git -C "$wt" log -1 --format=%s); is the series applied?"
sed -i "s/^$pred\$/	return false; \/* teeth: never defer *\//" "$f"
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
	result "teeth OK: without the deferral the NMI tests fail ('dtor calls in NMI')"
	exit 0
fi
result "teeth MISSING: the NMI test did not fail on 'dtor calls in NMI' without the deferral (exit $rc)"
exit 1

#!/usr/bin/env bash
# Run the series' tests as they are now (those config/tests.list tags
# "series", with HEAD's selftests and bpf_testmod) on a kernel with v1 of the series
# (series/ as of $WB_V1_REF in this repo), to show which of them v1 fails.
# The v1 tree is a scratch worktree in build/against-v1/linux, never
# exported. The run is expected to fail: it prints the table (and, for a
# guest that deadlocked, its console) and ends with one RESULT line.
. "$(dirname "$0")/lib.sh"
need_tree
need git
ref=${WB_V1_REF:-9fc342b}
top=$WB_OUT/against-v1
wt=$top/linux
sel=tools/testing/selftests/bpf
scratch_worktree "$wt" "$WB_BASE_TAG"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$WB_ROOT" archive "$ref" series | tar -x -C "$tmp" ||
	die "no series/ at $ref in $WB_ROOT (set WB_V1_REF to the commit that holds v1)"
mapfile -t v1 < <(find "$tmp/series" -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' | sort)
[ ${#v1[@]} -gt 0 ] || die "series/ at $ref holds no patches"
git -C "$wt" am -q "${v1[@]}" || die "v1 (series/ at $ref) does not apply on $WB_BASE_TAG"
log "v1: ${#v1[@]} patches from series/ at $ref"
# The tests of HEAD, on top. v1 has no destructor classes: bpf_testmod's
# registration drops its BTF_DTOR_TASK (the hardirq counter still counts).
git -C "$WB_TREE" archive HEAD "$sel/prog_tests" "$sel/progs" "$sel/test_kmods" "$sel/Makefile" |
	tar -x -C "$wt"
sed -i '/\.ctx\s*= BTF_DTOR_TASK,/d' "$wt/$sel/test_kmods/bpf_testmod.c"
git -C "$wt" add -A "$sel"
git -C "$wt" -c user.name=wb -c user.email=wb@localhost commit -qm "HEAD's selftests (scratch)"
export WB_TREE=$wt WB_OUT=$top/build WB_VARIANT=${WB_VARIANT:-lean}
export WB_TESTS=${WB_TESTS:-$(series_tests)}
# A deadlocked guest is only stopped by the VM timeout: keep it short.
export WB_TEST_TIMEOUT=${WB_TEST_TIMEOUT:-240}
"$WB_ROOT/scripts/kernel.sh"
"$WB_ROOT/scripts/selftests.sh"
set +e
"$WB_ROOT/scripts/vm.sh" 2>&1 | tee "$top/run.log"
rc=${PIPESTATUS[0]}
set -e
result "v2's tests on v1 ($ref): vm.sh exit $rc; table and failing asserts above, log $top/run.log"

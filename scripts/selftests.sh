#!/usr/bin/env bash
# Build test_progs and the test kernel modules (bpf_testmod.ko, ...) from the
# tree's tools/testing/selftests/bpf against build/kernel-$WB_VARIANT.
#
# The build runs in a copy of the selftests directory inside the tree
# (tools/testing/selftests/.wb-bpf-<variant>, excluded from git), so that the
# workbench's own tests (selftests/ in this repo) can be added and, by
# default, prog_tests/ and progs/ pruned to what the requested tests need.
# FULL=1 keeps every test (make selftests-full). WB_NO_NMI=1 builds them as
# on an architecture without tp_btf/nmi_handler and without a way for
# bpf_testmod to raise NMIs (the NMI subtests must skip, the others run).
. "$(dirname "$0")/lib.sh"
need_tree
need clang-22 llc-22 llvm-strip-22 ld.lld-22 rsync python3 gcc ccache
kout=$(kernel_out)
[ -f "$kout/vmlinux" ] && [ -f "$kout/Module.symvers" ] ||
	die "no kernel build in $kout; run 'make kernel' (WB_VARIANT=$WB_VARIANT) first"
src=$WB_TREE/tools/testing/selftests/bpf
out=$(selftests_out)
# One copy per build: test_kmods/ is built in place, and a bpf_testmod.ko
# built against another kernel (e.g. KASAN) must never be picked up.
dst=$WB_TREE/tools/testing/selftests/.wb-bpf-${out##*/selftests-}
grep -qxF '/tools/testing/selftests/.wb-bpf*/' "$(git -C "$WB_TREE" rev-parse --path-format=absolute --git-common-dir)/info/exclude" ||
	echo '/tools/testing/selftests/.wb-bpf*/' >>"$(git -C "$WB_TREE" rev-parse --path-format=absolute --git-common-dir)/info/exclude"
# Make's .d files in $out name the copy's paths: start over if it moved.
[ "$(cat "$out/.wb-src" 2>/dev/null)" = "$dst" ] || rm -rf "$out"
mkdir -p "$out"
echo "$dst" >"$out/.wb-src"

t0=$(now)
# Mirror the selftests sources; protect what the build generates in place.
# Files git ignores are not sources: an in-tree build (make vmtest) leaves
# objects and modules for another kernel there.
ignored=$(mktemp)
git -C "$src" ls-files -o -i --exclude-standard --directory | sed 's|^|/|' >"$ignored"
rsync -a --delete --filter='P prog_tests/tests.h' --filter='P /test_kmods/*.o' \
	--filter='P /test_kmods/*.ko' --filter='P /test_kmods/*.mod*' \
	--filter='P /test_kmods/.*' --filter='P /test_kmods/Module.symvers' \
	--filter='P /test_kmods/modules.order' --exclude-from="$ignored" "$src/" "$dst/"
rm -f "$ignored"
cp -p "$WB_ROOT"/selftests/prog_tests/*.c "$dst/prog_tests/"
cp -p "$WB_ROOT"/selftests/progs/*.c "$dst/progs/"
if [ "${WB_NO_NMI:-0}" = 1 ]; then
	nmi_if='#if defined(CONFIG_X86_LOCAL_APIC) && defined(register_nmi_handler)'
	grep -qxF "$nmi_if" "$dst/test_kmods/bpf_testmod.c" &&
		grep -qxF '#ifndef __x86_64__' "$dst/prog_tests/kptr_release.c" ||
		die "WB_NO_NMI=1: bpf_testmod.c or kptr_release.c no longer has the x86 conditions it flips"
	sed -i "s|^$nmi_if\$|#if 0 /* WB_NO_NMI */|" "$dst/test_kmods/bpf_testmod.c"
	for t in $(series_tests); do
		[ ! -f "$dst/prog_tests/$t.c" ] ||
			sed -i 's|^#ifndef __x86_64__$|#if 1 /* WB_NO_NMI */|' "$dst/prog_tests/$t.c"
	done
fi

overrides=()
# test_* names in the run list are standalone binaries (config/tests.list)
bins=()
for t in $(wb_tests); do
	case $t in test_*) bins+=("$out/$t") ;; esac
done
if [ "${FULL:-0}" = 1 ]; then
	what="all tests"
	overrides+=(BPF_STRICT_BUILD=0)
else
	mapfile -t tests < <(wb_tests)
	[ ${#tests[@]} -gt 0 ] || die "no tests requested (WB_TESTS empty and config/tests.list empty)"
	deps=$(python3 "$WB_ROOT/scripts/selftests-deps.py" "$dst" "${tests[@]}") || die "cannot resolve the requested tests"
	eval "$deps"
	# WB_BENCH_TOOL=1 (make bench): the selftests' bench tool too, with
	# the BPF objects its Makefile rules name.
	if [ "${WB_BENCH_TOOL:-0}" = 1 ]; then
		PROGS+=" $(sed -n 's|^\$(OUTPUT)/bench_[a-z_]*\.o:.*|&|p; s|^[[:space:]]*\$(OUTPUT)/\([a-z_]*\)\.skel\.h.*|\1.skel.h|p' "$dst/Makefile" |
			grep -o '[a-z_]*\.skel\.h' | sed 's/\.skel\.h$/.c/' | sort -u | paste -sd' ' -)"
	fi
	# shellcheck disable=SC2153 # set by eval
	for f in "$dst"/prog_tests/*.c; do
		case " $PROG_TESTS " in *" ${f##*/} "*) ;; *) rm -f "$f" ;; esac
	done
	for f in "$dst"/progs/*.c; do
		case " $PROGS " in *" ${f##*/} "*) ;; *) rm -f "$f" ;; esac
	done
	overrides+=(LSKELS="$LSKELS" LSKELS_SIGNED="$LSKELS_SIGNED" LSKELS_EXTRA="$LSKELS_EXTRA"
		    LINKED_SKELS="$LINKED_SKELS")
	what="${#tests[@]} test(s): $(wc -w <<<"$PROG_TESTS") prog_tests, $(wc -w <<<"$PROGS") BPF objects"
fi
# tests.h lists the kept tests; regenerate it when the set changes.
set_id=$(ls "$dst/prog_tests" | md5sum | cut -c1-12)
[ "$(cat "$out/.wb-set" 2>/dev/null)" = "$set_id" ] || rm -f "$dst/prog_tests/tests.h"

log "building test_progs + test kmods for $what (-j$WB_JOBS)"
# No ccache here: its CCACHE_BASEDIR path rewriting breaks the .d files of
# rules that cd into the output directory.
if ! CCACHE_BASEDIR= make -C "$dst" -j"$WB_JOBS" O="$kout" OUTPUT="$out" VMLINUX_BTF="$kout/vmlinux" \
	CC=gcc HOSTCC=gcc CLANG=clang-22 LLC=llc-22 LLVM_STRIP=llvm-strip-22 \
	SKIP_LLVM=1 "${overrides[@]}" "$out/test_progs" "${bins[@]}" ${WB_BENCH_TOOL:+"$out/bench"} >"$out/build.log" 2>&1; then
	grep -E -B3 -A8 'error:|Error [0-9]|No rule' "$out/build.log" | head -80 >&2
	die "selftests build failed (full log: $out/build.log)"
fi
echo "$set_id" >"$out/.wb-set"
for f in "$out/test_progs" "$out/bpf_testmod.ko" "${bins[@]}"; do
	[ -f "$f" ] || die "$f was not built (see $out/build.log)"
done
result "selftests ($what) built in $(elapsed "$t0") -> $out"

#!/usr/bin/env bash
# Show that every failure mode of the workbench fails loudly and names its
# cause. Each case runs a stage in a way that must fail and checks the
# message. Cases on the real tree (unexported, warn) need it clean and
# restore it; the others use scratch copies under build/wb-selftest/.
# usage: scripts/wb-selftest.sh [case...]   (default: all)
#   cases: base-version base-fallback unexported abbrev no-apply compile-error warn hang wedged disk-full
. "$(dirname "$0")/lib.sh"
tmp=$WB_OUT/wb-selftest
mkdir -p "$tmp"
pass=0 fail=0
expect() { # expect NAME PATTERN -- CMD...: CMD must fail and print PATTERN
	local name=$1 pat=$2 rc
	shift 3
	log "case $name: $*"
	set +e
	"$@" >"$tmp/$name.log" 2>&1
	rc=$?
	set -e
	if [ $rc != 0 ] && grep -qE "$pat" "$tmp/$name.log"; then
		grep -E -m3 -A3 "$pat" "$tmp/$name.log" | sed 's/^/      /' >&2
		log "case $name: OK (exit $rc, says /$pat/)"
		pass=$((pass + 1))
	else
		tail -n 15 "$tmp/$name.log" | sed 's/^/      /' >&2
		log "case $name: NOT AS EXPECTED (exit $rc, wanted /$pat/; log $tmp/$name.log)"
		fail=$((fail + 1))
	fi
}
real_tree_clean() {
	need_tree
	[ -z "$(unexported_work)" ] || die "case $1 edits the real tree, which holds unexported work; export it first"
}
# A one-file patch on the base, made with git itself.
mkpatch() { # mkpatch OUT FILE SED-EXPR SUBJECT
	local d=$tmp/mk
	rm -rf "$d" && mkdir -p "$d"
	git -C "$WB_TREE" show "$WB_BASE_TAG:$2" >"$d/a"
	sed "$3" "$d/a" >"$d/b"
	diff -u --label "a/$2" --label "b/$2" "$d/a" "$d/b" >"$d/diff" || true
	{ printf 'From: %s <%s>\nSubject: [PATCH] %s\n\n%s\n\nSigned-off-by: %s <%s>\n---\n' \
		"$(git config user.name)" "$(git config user.email)" "$4" "$4" \
		"$(git config user.name)" "$(git config user.email)"; cat "$d/diff"; } >"$1"
}

cases=${*:-base-version base-fallback unexported abbrev no-apply compile-error warn hang wedged disk-full}
for c in $cases; do
	case $c in
	base-version)
		sed 's/^LINUX_VERSION=.*/LINUX_VERSION=7.3.99/' "$WB_ROOT/config/base.env" >"$tmp/base-version.env"
		expect "$c" 'unknown base version' -- env WB_BASE_ENV="$tmp/base-version.env" "$WB_ROOT/scripts/base.sh" ;;
	base-fallback)
		# Not a failure: the run goes on, but says loudly which package it used.
		sed 's/^LINUX_PKG_VERSION=.*/LINUX_PKG_VERSION=7.3.4-0~gone/' "$WB_ROOT/config/base.env" >"$tmp/fb.env"
		expect "$c" 'FALLING BACK TO' -- bash -c "WB_BASE_ENV='$tmp/fb.env' '$WB_ROOT/scripts/base.sh' && exit 3" ;;
	unexported)
		real_tree_clean "$c"
		echo demo >"$WB_TREE/Documentation/wb-demo.rst"
		git -C "$WB_TREE" add Documentation/wb-demo.rst
		git -C "$WB_TREE" commit -qm "demo: an unexported commit"
		echo dirty >>"$WB_TREE/Documentation/wb-demo.rst"
		expect "$c" 'not exported: [0-9]{4}-demo-an-unexported-commit' -- "$WB_ROOT/scripts/tree.sh"
		git -C "$WB_TREE" reset -q --hard HEAD~1 ;;
	abbrev)
		# Not a failure either: the export must not follow git's abbreviation
		# setting (it changes on its own when git repacks a new tree).
		real_tree_clean "$c"
		expect "$c" 'tree clean' -- bash -c "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.abbrev \
			GIT_CONFIG_VALUE_0=7 '$WB_ROOT/scripts/status.sh' && exit 3" ;;
	no-apply|compile-error)
		need_tree
		ser=$tmp/series-$c
		rm -rf "$ser" && mkdir -p "$ser"
		mkpatch "$ser/0001-bpf-break-the-build.patch" kernel/bpf/arraymap.c \
			'0,/^static void array_map_free(/s//static void array_map_free(int broken,/' \
			"bpf: demo patch that does not compile"
		if [ "$c" = no-apply ]; then
			mkpatch "$ser/0002-bpf-wrong-context.patch" kernel/bpf/hashtab.c \
				's/^static void htab_mem_dtor(/static void htab_mem_dtor_renamed(/' "bpf: demo patch on a wrong base"
			sed -i 's/^ static void htab_mem_dtor(/ static void htab_mem_dtor_gone(/; s/^-static void htab_mem_dtor(/-static void htab_mem_dtor_gone(/' \
				"$ser/0002-bpf-wrong-context.patch"
			expect "$c" '0002-bpf-wrong-context.patch does not apply' -- \
				env WB_SERIES="$ser" WB_TREE="$tmp/tree" FORCE=1 "$WB_ROOT/scripts/tree.sh"
		else
			WB_SERIES="$ser" WB_TREE="$tmp/tree" FORCE=1 "$WB_ROOT/scripts/tree.sh" >/dev/null 2>&1 || true
			git -C "$tmp/tree" config branch.main.description \
				"$(printf 'bpf: demo series\n\nA series whose only patch breaks the build.')"
			WB_SERIES="$ser" WB_TREE="$tmp/tree" "$WB_ROOT/scripts/export.sh"
			mkdir -p "$tmp/out/kernel-lean"
			cp "$(kernel_out lean)/.config" "$tmp/out/kernel-lean/.config"
			expect "$c" "commit 1/1 'bpf: demo patch that does not compile'.*does not compile kernel/bpf/" -- \
				env WB_SERIES="$ser" WB_TREE="$tmp/tree" WB_OUT="$tmp/out" "$WB_ROOT/scripts/check-series.sh"
		fi ;;
	warn)
		real_tree_clean "$c"
		f=tools/testing/selftests/bpf/test_kmods/bpf_testmod.c
		sed -i '/^bpf_kfunc_call_test_acquire(unsigned long \*scalar_ptr)/,/^}/ s/^\trefcount_inc(&prog_test_struct.cnt);/\tWARN_ON(1);\n&/' "$WB_TREE/$f"
		git -C "$WB_TREE" diff --quiet && die "case warn: could not plant WARN_ON(1) in $f"
		expect "$c" 'SPLAT: WARNING:' -- bash -c "WB_TESTS=map_kptr '$WB_ROOT/scripts/selftests.sh' && WB_TESTS=map_kptr '$WB_ROOT/scripts/vm.sh'"
		git -C "$WB_TREE" checkout -q -- "$f" ;;
	hang)
		expect "$c" 'did not finish within 8s' -- env WB_TESTS=wb_nmi_smoke WB_VM_TIMEOUT=8 "$WB_ROOT/scripts/vm.sh" ;;
	wedged)
		# qemu -S: the vCPUs never start, as a guest kernel that stops
		# making progress without panicking; its own per-test timeout (1 s) never fires.
		expect "$c" 'guest was wedged \(no test result for 121s\)' -- \
			env WB_TESTS=wb_nmi_smoke WB_TEST_TIMEOUT=1 WB_VM_TIMEOUT=600 WB_QEMU_ARGS=-S "$WB_ROOT/scripts/vm.sh" ;;
	disk-full)
		# The kernel build's output on a 64 MiB tmpfs.
		mkdir -p "$tmp/small"
		mount -t tmpfs -o size=64m wb-small "$tmp/small" ||
			die "case disk-full: cannot mount a tmpfs on $tmp/small (needs root)"
		expect "$c" 'needs about 4 GiB free on .*only 0 GiB left' -- env WB_OUT="$tmp/small" "$WB_ROOT/scripts/kernel.sh"
		umount "$tmp/small" ;;
	*) die "unknown case '$c'" ;;
	esac
done
result "$pass failure mode(s) behaved, $fail did not"
[ "$fail" = 0 ]

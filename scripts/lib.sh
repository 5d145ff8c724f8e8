# shellcheck shell=bash
# Common helpers for the workbench stages; sourced, never run.
set -euo pipefail

WB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WB_TREE=${WB_TREE:-$WB_ROOT/linux}
WB_OUT=${WB_OUT:-$WB_ROOT/build}
WB_SERIES=${WB_SERIES:-$WB_ROOT/series}
WB_VARIANT=${WB_VARIANT:-lean}
WB_JOBS=${WB_JOBS:-$(($(nproc) + 1))}
# WB_BASE_ENV selects another pin file (used to test the version checks).
# shellcheck source=../config/base.env
. "${WB_BASE_ENV:-$WB_ROOT/config/base.env}"

export CCACHE_BASEDIR=$WB_ROOT CCACHE_NOHASHDIR=true CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}
export LLVM_SUFFIX=-22

stage=${stage:-$(basename "$0" .sh)}
log()  { printf '[%s] %s\n' "$stage" "$*" >&2; }
die()  { printf '[%s] ERROR: %s\n' "$stage" "$*" >&2; exit 1; }
# result LINE: the one-line outcome every stage ends with.
result() { printf '[%s] RESULT: %s\n' "$stage" "$*" >&2; }
need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null ||
			die "'$c' not found; run 'make deps' (scripts/deps.sh) to install the toolchain"
	done
}
# need_space DIR GIB WHAT: stop before a stage fills the disk half way.
need_space() {
	local dir=$1 gib=$2 what=$3 avail
	mkdir -p "$dir"
	avail=$(df -Pk "$dir" | awk 'NR == 2 { print int($4 / 1048576) }')
	[ "$avail" -ge "$gib" ] ||
		die "$what needs about $gib GiB free on $(df -P "$dir" | awk 'NR == 2 { print $6 }'), only $avail GiB left; free space (e.g. 'make clean', old clones, build/bench) and rerun"
}
now() { date +%s; }
elapsed() { local s=$(($(now) - $1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# kmake TREE OUT ARGS...: kbuild with the one set of compiler flags every
# kernel build here uses (the same CC/HOSTCC keeps ccache and make happy).
kmake() {
	local tree=$1 out=$2
	shift 2
	make -C "$tree" O="$out" CC="ccache gcc" HOSTCC="ccache gcc" -j"$WB_JOBS" "$@"
}

kernel_out() { echo "$WB_OUT/kernel-${1:-$WB_VARIANT}"; }
# FULL=1: every test; WB_NO_NMI=1: built as where no NMI can be raised.
selftests_out() {
	local o=$WB_OUT/selftests-${1:-$WB_VARIANT}
	[ "${FULL:-0}" = 1 ] && o+=-full
	[ "${WB_NO_NMI:-0}" = 1 ] && o+=-nonmi
	echo "$o"
}

need_tree() {
	[ -e "$WB_TREE/.git" ] || die "no kernel tree at $WB_TREE; run 'make tree' first"
}

# --- series <-> tree ---------------------------------------------------------
WB_BASE_TAG=wb-base
WB_SUBJECT_PREFIX=${WB_SUBJECT_PREFIX:-PATCH bpf-next v2}

series_patches() {
	find "$WB_SERIES" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' \
		! -name '0000-cover-letter.patch' | sort
}

# export_series DIR: write the tree's commits as `git format-patch
# --cover-letter` mails into DIR. Deterministic: zero commit ids, no
# signature, the cover letter's text from the branch description, and a
# fixed abbreviation for the "index" lines (git's default follows its
# estimate of the object count: 7 digits in a tree just made, 9 once it
# has been repacked, which made an unchanged tree look unexported).
export_series() {
	local dir=$1 n addr=()
	n=$(git -C "$WB_TREE" rev-list --count "$WB_BASE_TAG..HEAD")
	[ "$n" -gt 0 ] || return 0
	git -C "$WB_TREE" diff "$WB_BASE_TAG..HEAD" >"$dir/.series.diff"
	mapfile -t addr < <(series_recipients "$dir/.series.diff" | sed 's/^\(To\|Cc\): /--\L\1=/')
	rm -f "$dir/.series.diff"
	git -C "$WB_TREE" -c core.abbrev=9 format-patch -q --zero-commit --no-signature \
		--cover-letter --cover-from-description=subject "${addr[@]}" \
		--subject-prefix="$WB_SUBJECT_PREFIX" -o "$dir" "$WB_BASE_TAG..HEAD" >/dev/null
	# format-patch dates the cover letter "now": use the last patch's date.
	sed -i "0,/^Date: .*/s//Date: $(git -C "$WB_TREE" log -1 --format=%aD HEAD)/" \
		"$dir/0000-cover-letter.patch"
}

# series_recipients PATCH...: 'To: ADDR' and 'Cc: ADDR' lines for the
# series, as b4 prep --auto-to-cc computes them: get_maintainer.pl's
# maintainers (To) and its reviewers and lists (Cc), no one twice.
series_recipients() {
	local gm=("$WB_TREE/scripts/get_maintainer.pl" --nogit --nogit-fallback
		  --nogit-chief-penguins --norolestats)
	(cd "$WB_TREE" && "${gm[@]}" --nol "$@" | sed 's/^/To: /'
	 "${gm[@]}" --nom "$@" | grep -vxFf <("${gm[@]}" --nol "$@") | sed 's/^/Cc: /')
}

# The tree remembers what it was last synced with (made from, or exported
# to) in .git/wb-exported/; work is unexported when the tree's own export
# differs from that snapshot.
snapshot_dir() { echo "$WB_TREE/.git/wb-exported"; }
snapshot_series() {
	rm -rf "$(snapshot_dir)"
	mkdir -p "$(snapshot_dir)"
	export_series "$(snapshot_dir)"
}

# diff_patches A B: one line per patch file that differs between two dirs.
diff_patches() {
	local a=$1 b=$2 f
	for f in "$a"/*.patch; do
		[ -e "$f" ] || continue
		cmp -s "$f" "$b/${f##*/}" || echo "${f##*/} ($(sed -n 's/^Subject: //p' "$f" | head -1))"
	done
	for f in "$b"/*.patch; do
		[ -e "$f" ] && [ ! -e "$a/${f##*/}" ] && echo "${f##*/} (gone)"
	done
	return 0
}

# unexported_work: print what the tree holds that was never exported (one
# line each); print nothing when everything is in series/.
unexported_work() {
	local tmp
	git -C "$WB_TREE" status --porcelain --untracked-files=normal | sed 's/^/uncommitted: /'
	tmp=$(mktemp -d)
	export_series "$tmp"
	diff_patches "$tmp" "$(snapshot_dir)" | sed 's/^/not exported: /'
	rm -rf "$tmp"
}

# series_changed: print the patches in which series/ differs from the
# snapshot the tree was made from (git pull, checkout, hand edits).
series_changed() { diff_patches "$WB_SERIES" "$(snapshot_dir)"; }

# The tests a run builds and runs: $WB_TESTS or config/tests.list, less
# the absent ones (wb_absent_tests).
wb_tests() {
	if [ -n "${WB_TESTS:-}" ]; then
		printf '%s\n' $WB_TESTS
	else
		local absent
		absent=" $(wb_absent_tests | paste -sd' ') "
		sed 's/#.*//' "$WB_ROOT/config/tests.list" | awk 'NF { print $1 }' |
			while read -r t; do
				case $absent in *" $t "*) ;; *) echo "$t" ;; esac
			done
	fi
}

# series_tests: the tests config/tests.list tags "series", in its order, on
# one line (as WB_TESTS takes them).
series_tests() {
	sed 's/#.*//' "$WB_ROOT/config/tests.list" | awk '$2 == "series" { print $1 }' | paste -sd" "
}

# wb_absent_tests: the tests config/tests.list tags "series" that the tree
# does not define and that none of the tree's commits on the base added
# (the base itself, or bisecting before the patch that adds them). One
# the tree's commits added and lost stays in wb_tests, and fails.
wb_absent_tests() {
	[ -z "${WB_TESTS:-}" ] || return 0
	local pt=tools/testing/selftests/bpf/prog_tests t re
	for t in $(series_tests); do
		re="^void (serial_)?test_$t\("
		grep -qE "$re" "$WB_TREE/$pt"/*.c 2>/dev/null && continue
		[ -n "$(git -C "$WB_TREE" log --format=%h -E -G"$re" \
			"$WB_BASE_TAG..HEAD" -- "$pt" 2>/dev/null)" ] && continue
		echo "$t"
	done
}

# scratch_worktree DIR REV: a detached worktree of the tree at DIR, reset to
# REV (a previous run's edits are dropped). Used for trees that are built
# and run but never exported (mutants, bench). Keep DIR at X/linux with the
# build in X/build: ccache then hits for every file that is the same.
scratch_worktree() {
	local dir=$1 rev
	rev=$(git -C "$WB_TREE" rev-parse "$2")
	git -C "$WB_TREE" worktree prune
	# A worktree of a tree since recreated ('FORCE=1 make tree') is stale
	if [ -e "$dir/.git" ] && ! git -C "$dir" rev-parse -q --verify HEAD >/dev/null 2>&1; then
		log "$dir is a worktree of an earlier tree: making it anew"
		rm -rf "$dir"
	fi
	if [ ! -e "$dir/.git" ]; then
		git -C "$WB_TREE" worktree add -q --detach "$dir" "$rev"
	else
		git -C "$dir" am --abort >/dev/null 2>&1 || true
		git -C "$dir" reset -q --hard "$rev"
	fi
}

# side_vm SIDE RUN: boot SIDE's kernel (make bench: $WB_OUT/bench/SIDE) with
# the wb_bench test, run directory RUN; the caller's environment (WB_ICOUNT,
# WB_QEMU_ARGS, ...) reaches vm.sh.
side_vm() {
	local top=$WB_OUT/bench/$1 run=$2
	mkdir -p "$run"
	ln -sfn "$top/build/kernel-lean" "$run/kernel-lean"
	ln -sfn "$top/build/selftests-lean" "$run/selftests-lean"
	WB_TREE=$top/linux WB_OUT=$run WB_VARIANT=lean WB_TESTS=wb_bench "$WB_ROOT/scripts/vm.sh"
}

# side_tree base|patched|alt: one side of a base vs patched comparison
# (make bench, make regress): the scratch worktree at wb-base (or at
# WB_BENCH_BASE, a revision of the tree: what one patch adds) or at the
# tree's HEAD; alt is HEAD with config/bench-alt.patch (make bench only).
# Prints its top directory (tree in TOP/linux, build in TOP/build).
side_tree() {
	local top=$WB_OUT/bench/$1 rev=HEAD
	[ "$1" = base ] && rev=${WB_BENCH_BASE:-$WB_BASE_TAG}
	scratch_worktree "$top/linux" "$rev"
	if [ "$1" = alt ]; then
		git -C "$top/linux" apply "$WB_ROOT/config/bench-alt.patch" ||
			die "config/bench-alt.patch does not apply to the tree's HEAD; update it"
	fi
	log "$1: $(git -C "$top/linux" log -1 --format='%h %s')"
	echo "$top"
}

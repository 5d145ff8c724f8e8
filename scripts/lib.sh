# shellcheck shell=bash
# Common helpers for the workbench stages; sourced, never run.
set -euo pipefail

WB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WB_TREE=${WB_TREE:-$WB_ROOT/linux}
WB_OUT=${WB_OUT:-$WB_ROOT/build}
WB_SERIES=${WB_SERIES:-$WB_ROOT/series}
WB_VARIANT=${WB_VARIANT:-lean}
WB_JOBS=${WB_JOBS:-$(($(nproc) + 1))}
# shellcheck source=../config/base.env
. "$WB_ROOT/config/base.env"

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
now() { date +%s; }
elapsed() { local s=$(($(now) - $1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

kernel_out() { echo "$WB_OUT/kernel-${1:-$WB_VARIANT}"; }
selftests_out() { echo "$WB_OUT/selftests-${1:-$WB_VARIANT}"; }

need_tree() {
	[ -d "$WB_TREE/.git" ] || die "no kernel tree at $WB_TREE; run 'make tree' first"
}

# --- series <-> tree ---------------------------------------------------------
WB_BASE_TAG=wb-base
WB_SUBJECT_PREFIX=${WB_SUBJECT_PREFIX:-PATCH bpf-next}

series_patches() {
	find "$WB_SERIES" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' \
		! -name '0000-cover-letter.patch' | sort
}

# export_series DIR: write the tree's commits as `git format-patch
# --cover-letter` mails into DIR. Deterministic: zero commit ids, no
# signature, the cover letter's text from the branch description.
export_series() {
	local dir=$1 n
	n=$(git -C "$WB_TREE" rev-list --count "$WB_BASE_TAG..HEAD")
	[ "$n" -gt 0 ] || return 0
	git -C "$WB_TREE" format-patch -q --zero-commit --no-signature \
		--cover-letter --cover-from-description=subject \
		--subject-prefix="$WB_SUBJECT_PREFIX" -o "$dir" "$WB_BASE_TAG..HEAD" >/dev/null
}

# unexported_work: print what the tree holds that series/ does not (one
# line each); print nothing when series/ is up to date.
unexported_work() {
	local tmp f
	git -C "$WB_TREE" status --porcelain --untracked-files=normal | sed 's/^/uncommitted: /'
	tmp=$(mktemp -d)
	export_series "$tmp"
	for f in "$tmp"/*.patch; do
		[ -e "$f" ] || continue
		cmp -s "$f" "$WB_SERIES/$(basename "$f")" ||
			echo "not exported: $(basename "$f") ($(sed -n 's/^Subject: //p' "$f" | head -1))"
	done
	for f in "$WB_SERIES"/*.patch; do
		[ -e "$f" ] || continue
		[ -e "$tmp/$(basename "$f")" ] || echo "only in series/: $(basename "$f") (dropped or renamed in the tree)"
	done
	rm -rf "$tmp"
}

# The tests a run builds and runs: $WB_TESTS or config/tests.list.
wb_tests() {
	if [ -n "${WB_TESTS:-}" ]; then
		printf '%s\n' $WB_TESTS
	else
		sed 's/#.*//' "$WB_ROOT/config/tests.list" | awk 'NF { print $1 }'
	fi
}

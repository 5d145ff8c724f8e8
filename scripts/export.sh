#!/usr/bin/env bash
# Regenerate series/ from the scratch tree (git format-patch --cover-letter).
# Re-exporting an unchanged tree changes no byte.
. "$(dirname "$0")/lib.sh"
need_tree
if [ -n "$(git -C "$WB_TREE" status --porcelain)" ]; then
	git -C "$WB_TREE" status --short | head -20 | sed "s/^/[$stage]   /" >&2
	die "the tree has uncommitted changes (above); commit them in $WB_TREE (git commit -s) before exporting"
fi
tmp=$(mktemp -d)
export_series "$tmp"
mkdir -p "$WB_SERIES"
rm -f "$WB_SERIES"/[0-9][0-9][0-9][0-9]-*.patch
cp "$tmp"/*.patch "$WB_SERIES"/ 2>/dev/null || true
rm -rf "$tmp"
snapshot_series
n=$(series_patches | wc -l)
what="$n patch(es)$( [ "$n" -gt 0 ] && echo ' + cover letter')"
if [ "$WB_SERIES" -ef "$WB_ROOT/series" ]; then
	result "series/: $what; review with 'git -C $WB_ROOT diff --stat series/'"
else
	result "$WB_SERIES: $what"
fi

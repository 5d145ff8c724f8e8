#!/usr/bin/env bash
# Say whether the scratch tree holds work that series/ does not have.
. "$(dirname "$0")/lib.sh"
if [ ! -d "$WB_TREE/.git" ]; then
	result "no tree (run 'make tree')"
	exit 0
fi
left=$(unexported_work)
n=$(git -C "$WB_TREE" rev-list --count "$WB_BASE_TAG..HEAD")
if [ -n "$left" ]; then
	printf '%s\n' "$left"
	result "tree has unexported work ($n commit(s) on $WB_BASE_TAG); run 'make export'"
	exit 1
fi
changed=$(series_changed)
if [ -n "$changed" ]; then
	printf '%s\n' "$changed" | sed 's|^|series/ differs from the tree: |'
	result "series/ changed since the tree was made; run 'make tree'"
	exit 1
fi
result "tree clean: $n commit(s) on $WB_BASE_TAG, all exported to series/"

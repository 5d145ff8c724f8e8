#!/usr/bin/env bash
# Create the scratch kernel tree: a git repo holding the pinned base as one
# commit (tag wb-base) and one commit per patch in series/ (git am).
# Refuses to replace a tree whose commits or changes are not in series/.
. "$(dirname "$0")/lib.sh"
need git

if [ -d "$WB_TREE/.git" ] && [ "${FORCE:-0}" != 1 ]; then
	left=$(unexported_work)
	if [ -n "$left" ] && [ "${WB_KEEP_UNEXPORTED:-0}" = 1 ]; then
		result "keeping $WB_TREE as it is: it holds work not in series/ (make status lists it)"
		exit 0
	fi
	if [ -n "$left" ]; then
		printf '%s\n' "$left" | sed "s/^/[$stage]   /" >&2
		die "$WB_TREE holds work that series/ does not have (listed above); run 'make export' and commit series/, or throw it away with 'make tree FORCE=1'"
	fi
	if [ -z "$(series_changed)" ]; then
		result "tree $WB_TREE is up to date with series/ ($(git -C "$WB_TREE" rev-list --count "$WB_BASE_TAG..HEAD") patch(es)); FORCE=1 recreates it"
		exit 0
	fi
	log "series/ changed since the tree was made; recreating it"
fi
if [ -e "$WB_TREE" ] && [ "${FORCE:-0}" != 1 ] && [ ! -d "$WB_TREE/.git" ]; then
	die "$WB_TREE exists but is not a git tree; move it away"
fi

base=$("$WB_ROOT/scripts/base.sh" | tail -1)
t0=$(now)
need_space "$(dirname "$WB_TREE")" 3 "the kernel tree"
log "copying base into $WB_TREE"
rm -rf "$WB_TREE"
cp -a "$base" "$WB_TREE"
rm -f "$WB_TREE/.wb-base"
cd "$WB_TREE"
git init -q -b main
# Commits here are scratch: mails take their author from the patches and
# check-series demands the sender's identity. Without a global identity
# (a bare CI machine), give this repo a tool identity so git am works.
git config user.email >/dev/null || git config user.email "workbench@localhost"
git config user.name >/dev/null || git config user.name "scratch tree"
# Deterministic base commit so that commit ids are reproducible.
export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
# Debian's .gitignore ignores everything new at the top level ("/*"),
# which would hide new files from 'make status'; drop that packaging block.
sed -i '/^# Debian packaging: ignore everything at the top level/,/^!\/debian\/$/d' .gitignore
sed -i '${/^#$/d}' .gitignore
git add -A -f
git commit -q -m "Linux $LINUX_VERSION ($LINUX_PKG $(cut -d' ' -f1 "$base/.wb-base"))" \
	-m "Base from $LINUX_TARBALL, sha256 $(cut -d' ' -f2 "$base/.wb-base"); only Debian's top-level ignore-all block is dropped from .gitignore."
git tag -f "$WB_BASE_TAG" >/dev/null
unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE
# The workbench's pruned selftests copy lives inside the tree (relative
# paths in the selftests Makefile); keep it out of git status.
echo "/tools/testing/selftests/.wb-bpf*/" >>.git/info/exclude

cover=$WB_SERIES/0000-cover-letter.patch
if [ -f "$cover" ]; then
	tmp=$(mktemp -d)
	git mailinfo "$tmp/msg" "$tmp/patch" <"$cover" >"$tmp/info"
	subj=$(sed -n 's/^Subject: //p' "$tmp/info")
	# Drop the shortlog and diffstat format-patch appends to the blurb.
	awk '/^[^ ].* \([0-9]+\):$/ { exit } { print }' "$tmp/msg" >"$tmp/body"
	printf '%s\n\n%s\n' "$subj" "$(cat "$tmp/body")" >"$tmp/desc"
	git config branch.main.description "$(cat "$tmp/desc")"
	rm -rf "$tmp"
fi

n=0
while read -r p; do
	[ -n "$p" ] || continue
	if ! git am -q --committer-date-is-author-date "$p" >/tmp/wb-am.log 2>&1; then
		log "patch $(basename "$p") does not apply on $(git log -1 --format=%s):"
		grep -vE '^(hint:|When you have|If you prefer|To restore)' /tmp/wb-am.log | sed 's/^/    /' >&2
		git apply --check --verbose "$p" 2>&1 | grep -E -A12 'error: while searching|error: patch failed|does not exist' | head -40 | sed 's/^/    /' >&2 || true
		git am --abort || true
		die "$(basename "$p") does not apply (failing hunk above); the tree stops at the previous patch"
	fi
	n=$((n + 1))
done < <(series_patches)
snapshot_series
result "tree $WB_TREE: base $LINUX_VERSION + $n patch(es) in $(elapsed "$t0")"

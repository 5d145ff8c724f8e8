#!/usr/bin/env bash
# Upstream-readiness checks on series/ (not on the scratch tree, which may
# hold unexported work):
#  1. mails: cover letter present, subjects "[PATCH bpf-next v2 N/M]",
#     numbered 1..M, no template text, To/Cc as get_maintainer.pl computes
#     them for the series (b4 prep --auto-to-cc), git send-email --dry-run
#     accepts them;
#  2. identity: From: and Signed-off-by: are the sender's git identity;
#  3. scripts/checkpatch.pl --strict is clean on every patch;
#  4. bisectability: every commit compiles kernel/bpf/ (lean config), in a
#     separate worktree so the scratch tree is untouched;
#  5. the workbench's edits of the series still apply to its last commit:
#     config/bench-alt.patch (make bench), config/mutants.list (make mutants).
. "$(dirname "$0")/lib.sh"
need_tree
need git perl
mapfile -t patches < <(series_patches)
m=${#patches[@]}
if [ "$m" = 0 ]; then
	result "series/ is empty (base only): nothing to check"
	exit 0
fi
fail=0
bad() { printf '[%s]   FAIL %s\n' "$stage" "$*" >&2; fail=$((fail + 1)); }

# 1. mail format
cover=$WB_SERIES/0000-cover-letter.patch
prefix_re="\\[${WB_SUBJECT_PREFIX}( v[0-9]+)? "
if [ ! -f "$cover" ]; then
	bad "0000-cover-letter.patch missing (export with 'make export')"
else
	# format-patch pads N to the width of M (01/10), as b4 does
	grep -qE "^Subject: ${prefix_re}0*0/$m\\]" "$cover" || bad "cover letter subject is not [$WB_SUBJECT_PREFIX 0/$m]"
	grep -q '\*\*\* \(SUBJECT\|BLURB\) HERE \*\*\*' "$cover" && bad "cover letter still has the format-patch template (set the branch description)"
fi
i=0
for p in "${patches[@]}"; do
	i=$((i + 1))
	grep -qE "^Subject: ${prefix_re}0*$i/$m\\]" "$p" || bad "${p##*/}: subject is not [$WB_SUBJECT_PREFIX $i/$m]"
done
# To/Cc: what get_maintainer.pl computes for the series, on every mail
want=$(series_recipients "${patches[@]}" | sort)
[ -n "$want" ] || bad "get_maintainer.pl found no recipients for the series"
for p in "$cover" "${patches[@]}"; do
	have=$(python3 -c 'import email.policy, email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
for h in ("To", "Cc"):
    for a in (m[h].addresses if m[h] else ()):
        print("%s: %s" % (h, a))' "$p" | sort)
	[ "$have" = "$want" ] || { bad "${p##*/}: To/Cc differ from get_maintainer.pl's (make export):"
		diff <(echo "$want") <(echo "$have") | sed 's/^/        /' | head -10 >&2; }
done
if git send-email --help >/dev/null 2>&1; then
	git send-email --dry-run --confirm=never --suppress-cc=all --to=bpf@vger.kernel.org \
		--smtp-server=/bin/true "$cover" "${patches[@]}" >"$WB_OUT/send-email.log" 2>&1 ||
		bad "git send-email --dry-run rejected the series (see $WB_OUT/send-email.log)"
else
	bad "git send-email is not installed (apt-get install git-email; make deps does it)"
fi

# 2. identity: no invented names
me="$(git config user.name) <$(git config user.email)>"
[ "$me" != " <>" ] || die "no git identity (git config user.name/user.email): the sender's identity signs the series"
for p in "${patches[@]}"; do
	from=$(git mailinfo /dev/null /dev/null <"$p" | sed -n 's/^Author: //p;s/^Email: /</p' | paste -sd' ')
	from="$from>"
	[ "$from" = "$me" ] || bad "${p##*/}: author '$from' is not the sender '$me'"
	grep -qxF "Signed-off-by: $me" "$p" || bad "${p##*/}: no 'Signed-off-by: $me'"
	while read -r l; do
		[ "$l" = "Signed-off-by: $me" ] || bad "${p##*/}: other sign-off: $l"
	done < <(grep '^Signed-off-by:' "$p")
done

# 3. checkpatch --strict. Its "does MAINTAINERS need updating?" warning on
#    new files is a heuristic; check instead that get_maintainer.pl finds a
#    list for each new file.
for p in "${patches[@]}"; do
	# /usr/bin first: spdxcheck.py needs python3-ply, which pyenv pythons lack.
	out=$(cd "$WB_TREE" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --no-summary --quiet \
		--ignore FILE_PATH_CHANGES "$p" 2>&1) ||
		{ bad "${p##*/}: checkpatch --strict:"; printf '%s\n' "$out" | sed 's/^/        /' >&2; }
	while read -r f; do
		(cd "$WB_TREE" && ./scripts/get_maintainer.pl --no-git --no-rolestats -f "$(dirname "$f")" 2>/dev/null) |
			grep -q '@vger.kernel.org' || bad "${p##*/}: no MAINTAINERS entry covers new file $f"
	done < <(sed -n 's|^+++ b/||p' "$p" | while read -r f; do
		grep -q "^--- /dev/null" < <(grep -B1 -F "+++ b/$f" "$p") && echo "$f"; done)
done

# 4. every commit compiles kernel/bpf/
kcfg=$(kernel_out lean)/.config
[ -f "$kcfg" ] || die "bisectability check needs a configured lean kernel; run 'make kernel' first"
wt=$WB_OUT/bisect-tree
obj=$WB_OUT/bisect-obj
scratch_worktree "$wt" "$WB_BASE_TAG"
git -C "$wt" clean -qfdx
mkdir -p "$obj"
cp "$kcfg" "$obj/.config"
kmake "$wt" "$obj" -s olddefconfig >/dev/null
t0=$(now)
i=0 applied=0
for p in "${patches[@]}"; do
	i=$((i + 1))
	if ! git -C "$wt" am -q --committer-date-is-author-date "$p" >"$obj/am.log" 2>&1; then
		bad "${p##*/} does not apply ($(head -3 "$obj/am.log" | tr '\n' ' '))"
		break
	fi
	applied=$i
	subj=$(git -C "$wt" log -1 --format=%s)
	log "[$i/$m] building kernel/bpf/ at: $subj"
	if ! kmake "$wt" "$obj" kernel/bpf/ >"$obj/build-$i.log" 2>&1; then
		bad "commit $i/$m '$subj' (${p##*/}) does not compile kernel/bpf/:"
		grep -E -A5 'error:' "$obj/build-$i.log" | head -30 | sed 's/^/        /' >&2
	fi
done
log "bisect build of $m commit(s) took $(elapsed "$t0")"

# 5. what make bench and make mutants apply to the series' last commit
if [ "$applied" = "$m" ]; then
	git -C "$wt" apply --check "$WB_ROOT/config/bench-alt.patch" ||
		bad "config/bench-alt.patch does not apply to the series (make bench would stop): redo its edit on the tree's HEAD and regenerate it with git diff"
	python3 "$WB_ROOT/scripts/mutate.py" "$WB_ROOT/config/mutants.list" --check "$wt" ||
		bad "config/mutants.list does not match the series (make mutants would stop): update the mutants named above"
fi

if [ "$fail" -gt 0 ]; then
	result "$fail problem(s) in series/ (listed above)"
	exit 1
fi
result "series/ OK: $m patch(es) + cover letter, sender '$me', checkpatch --strict clean, every commit builds kernel/bpf/, bench-alt.patch and mutants.list apply"

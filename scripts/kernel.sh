#!/usr/bin/env bash
# Configure and build the kernel of the scratch tree out of tree, in
# build/kernel-$WB_VARIANT (lean: config/lean.config; debug: + debug.config).
. "$(dirname "$0")/lib.sh"
need_tree
need gcc ccache pahole make flex bison bc
out=$(kernel_out)
mkdir -p "$out"
frags=("$WB_TREE/kernel/configs/kvm_guest.config"
       "$WB_ROOT/config/lean.config")
# full: the selftests' own config on top (config + config.vm +
# config.<arch>, what vmtest.sh uses). Like vmtest.sh it starts from the
# Kconfig defaults, not tinyconfig (its CONFIG_EXPERT=y would keep
# tinyconfig's SHMEM=n and lose TMPFS), and it wins where it disagrees with
# lean.config; only lean options it does not mention are checked below.
extra=()
case $WB_VARIANT in
lean) ;;
full)	sel=$WB_TREE/tools/testing/selftests/bpf
	extra=("$sel/config" "$sel/config.vm" "$sel/config.$(uname -m)") ;;
*)	frags+=("$WB_ROOT/config/$WB_VARIANT.config") ;;
esac
for f in "${frags[@]}" "${extra[@]}"; do [ -f "$f" ] || die "config fragment $f missing (WB_VARIANT=$WB_VARIANT?)"; done


t0=$(now)
log "configuring $WB_VARIANT: $([ ${#extra[@]} = 0 ] && echo tinyconfig || echo defaults) + ${frags[*]##*/} ${extra[*]##*/}"
cfgdir=$(mktemp -d)
if [ ${#extra[@]} = 0 ]; then
	kmake "$WB_TREE" "$out" -s KCONFIG_CONFIG="$cfgdir/.config" tinyconfig >/dev/null
else
	: >"$cfgdir/.config"
fi
"$WB_TREE/scripts/kconfig/merge_config.sh" -m -O "$cfgdir" "$cfgdir/.config" "${frags[@]}" "${extra[@]}" >"$cfgdir/merge.log" 2>&1 ||
	{ cat "$cfgdir/merge.log" >&2; die "merge_config.sh failed"; }
kmake "$WB_TREE" "$out" -s KCONFIG_CONFIG="$cfgdir/.config" olddefconfig >/dev/null
# Every option a fragment asks for must survive olddefconfig.
overridden=$(cat /dev/null "${extra[@]}" | { grep -oE '^(# )?CONFIG_[A-Z0-9_]+' || true; } | sed 's/^# //' | sort -u)
lost=$(cat "${frags[@]:1}" | grep -E '^(CONFIG_[A-Z0-9_]+=|# CONFIG_[A-Z0-9_]+ is not set)' |
	{ grep -vwF -f <(echo "${overridden:-NONE}") || true; } |
	while read -r l; do grep -qxF "$l" "$cfgdir/.config" || { [ "${l#\# }" != "$l" ] && ! grep -q "^${l:2:-11}=" "$cfgdir/.config"; } || echo "$l"; done)
if [ -n "$lost" ]; then
	printf '%s\n' "$lost" | sed "s/^/[$stage]   dropped: /" >&2
	die "olddefconfig dropped the options above (unmet dependencies); fix config/*.config"
fi
cmp -s "$cfgdir/.config" "$out/.config" || cp "$cfgdir/.config" "$out/.config"
rm -rf "$cfgdir"

log "building vmlinux, bzImage and modules with -j$WB_JOBS (ccache)"
if ! kmake "$WB_TREE" "$out" bzImage modules >"$out/build.log" 2>&1; then
	grep -E -B2 -A6 'error:|Error [0-9]' "$out/build.log" | head -60 >&2
	die "kernel build failed (full log: $out/build.log)"
fi
grep -E 'warning:' "$out/build.log" | sort -u | head -20 >&2 || true
result "kernel $WB_VARIANT $(make -s -C "$WB_TREE" kernelversion)$(git -C "$WB_TREE" describe --always --dirty 2>/dev/null | sed 's/^/ @ /') built in $(elapsed "$t0") -> $out/arch/x86/boot/bzImage"

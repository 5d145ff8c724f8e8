#!/usr/bin/env bash
# Configure and build the kernel of the scratch tree out of tree, in
# build/kernel-$WB_VARIANT (lean: config/lean.config; debug: + debug.config;
# rt: + rt.config; rt-debug: both; full: the selftests' config, as vmtest.sh
# builds it).
. "$(dirname "$0")/lib.sh"
need_tree
need gcc ccache pahole make flex bison bc
out=$(kernel_out)
need_space "$WB_OUT" 4 "the $WB_VARIANT kernel build"
mkdir -p "$out"
frags=("$WB_TREE/kernel/configs/kvm_guest.config"
       "$WB_ROOT/config/lean.config")
case $WB_VARIANT in
lean) ;;
# full: exactly what vmtest.sh configures (the selftests' config +
# config.vm + config.<arch> on the Kconfig defaults), so that 'make vmtest'
# builds in the same directory and reuses this build.
full)	sel=$WB_TREE/tools/testing/selftests/bpf
	frags=("$sel/config" "$sel/config.vm" "$sel/config.$(uname -m)") ;;
# rt: PREEMPT_RT needs EXPERT, under which tinyconfig's size trade-offs
# would stay; so rt.config goes on the configured lean kernel, whose values
# EXPERT then keeps.
rt)	late=$WB_ROOT/config/rt.config ;;
rt-debug) frags+=("$WB_ROOT/config/debug.config"); late=$WB_ROOT/config/rt.config ;;
*)	frags+=("$WB_ROOT/config/$WB_VARIANT.config") ;;
esac
for f in "${frags[@]}"; do [ -f "$f" ] || die "config fragment $f missing (WB_VARIANT=$WB_VARIANT?)"; done

t0=$(now)
cfgdir=$(mktemp -d)
if [ "$WB_VARIANT" = full ]; then
	log "configuring $WB_VARIANT as vmtest.sh does: Kconfig defaults + ${frags[*]##*/}"
	cat "${frags[@]}" >"$cfgdir/.config"
else
	log "configuring $WB_VARIANT: tinyconfig + ${frags[*]##*/}"
	kmake "$WB_TREE" "$out" -s KCONFIG_CONFIG="$cfgdir/.config" tinyconfig >/dev/null
	"$WB_TREE/scripts/kconfig/merge_config.sh" -m -O "$cfgdir" "$cfgdir/.config" "${frags[@]}" >"$cfgdir/merge.log" 2>&1 ||
		{ cat "$cfgdir/merge.log" >&2; die "merge_config.sh failed"; }
fi
kmake "$WB_TREE" "$out" -s KCONFIG_CONFIG="$cfgdir/.config" olddefconfig >/dev/null
if [ -n "${late:-}" ]; then
	log "then ${late##*/} on the configured lean kernel"
	"$WB_TREE/scripts/kconfig/merge_config.sh" -m -O "$cfgdir" "$cfgdir/.config" "$late" >>"$cfgdir/merge.log" 2>&1 ||
		{ cat "$cfgdir/merge.log" >&2; die "merge_config.sh failed on $late"; }
	kmake "$WB_TREE" "$out" -s KCONFIG_CONFIG="$cfgdir/.config" olddefconfig >/dev/null
	frags+=("$late")
fi
# Every option our fragments ask for must survive olddefconfig (full is
# the selftests' config, checked as little as vmtest.sh checks it).
lost=
[ "$WB_VARIANT" = full ] ||
	lost=$(cat "${frags[@]:1}" | grep -E '^(CONFIG_[A-Z0-9_]+=|# CONFIG_[A-Z0-9_]+ is not set)' |
	tac | awk '{ o = $0; sub(/^# /, "", o); sub(/[= ].*/, "", o) } !seen[o]++' |
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

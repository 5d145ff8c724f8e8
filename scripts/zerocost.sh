#!/usr/bin/env bash
# What the series adds to the map update/delete paths, from the code:
# disassemble the same functions in the base and the patched vmlinux and
# list the instructions each one gained (scripts/zerocost.py).
# usage: zerocost.sh BASE_VMLINUX PATCHED_VMLINUX PATCHED_TREE [FUNCTION...]
. "$(dirname "$0")/lib.sh"
need objdump python3
[ $# -ge 3 ] || die "usage: $0 BASE_VMLINUX PATCHED_VMLINUX PATCHED_TREE [FUNCTION...]"
base=$1 patched=$2 tree=$3
shift 3
for f in "$base" "$patched"; do [ -f "$f" ] || die "$f missing; run 'make bench' (or build both kernels) first"; done
funcs=("$@")
[ ${#funcs[@]} -gt 0 ] || funcs=(array_map_update_elem bpf_percpu_array_update
	htab_map_update_elem htab_map_delete_elem htab_lru_map_update_elem
	htab_lru_map_delete_elem htab_map_update_elem_in_place alloc_htab_elem
	free_htab_elem htab_elem_free __htab_map_lookup_elem)
# The tests in front of every release: arrays test for a record, hash maps
# for the fields a reused element may hold (htab_recycle()) and for a
# record (the test base had in check_and_cancel_fields()).
guards=("kernel/bpf/arraymap.c:static __always_inline void array_release_value(:if (!IS_ERR_OR_NULL(array->map.record))"
	"kernel/bpf/hashtab.c:static bool htab_recycle(:if (!btf_record_has_field(htab->map.record, HTAB_RECYCLE_FIELDS))"
	"kernel/bpf/hashtab.c:static bool check_and_cancel_fields(:if (IS_ERR_OR_NULL(htab->map.record))")
python3 "$WB_ROOT/scripts/zerocost.py" "$base" "$patched" "$tree" "${funcs[@]}" -- "${guards[@]}"

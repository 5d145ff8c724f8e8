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
# The tests in front of every release: arrays test for a record; hash maps
# test htab->release_fields where a batch is set up or an element recycled,
# and the record (inline) before the release helpers, as base did out of
# line in check_and_cancel_fields().
guards=("kernel/bpf/arraymap.c:static __always_inline void array_release_value(:if (IS_ERR_OR_NULL(array->map.record))"
	"kernel/bpf/hashtab.c:static __always_inline bool htab_recycle(:return likely(!htab->release_fields) || htab_release_elem(htab, elem, batch);"
	"kernel/bpf/hashtab.c:static __always_inline void check_and_cancel_fields(:if (IS_ERR_OR_NULL(htab->map.record))"
	"kernel/bpf/hashtab.c:static __always_inline bool htab_release_value(:if (IS_ERR_OR_NULL(htab->map.record))"
	"kernel/bpf/hashtab.c:static __always_inline void htab_kptr_batch_init(:if (unlikely(htab->release_fields))"
	"kernel/bpf/hashtab.c:static __always_inline void htab_release_batch(:if (unlikely(htab->release_fields))"
	"kernel/bpf/hashtab.c:static __always_inline struct htab_elem *prealloc_lru_pop(:struct bpf_lru_node *node = unlikely(htab->release_fields) ?")
python3 "$WB_ROOT/scripts/zerocost.py" "$base" "$patched" "$tree" "${funcs[@]}" -- "${guards[@]}"

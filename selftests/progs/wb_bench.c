// SPDX-License-Identifier: GPL-2.0
/* Workbench benchmark (base vs patched): map update/delete cost with and
 * without a referenced kptr in the value, and NMI-to-destructor latency.
 * Runs unchanged on the base tree: it uses nothing the series adds.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "bpf_misc.h"
#include "bpf_experimental.h"
#include "../test_kmods/bpf_testmod_kfunc.h"

char _license[] SEC("license") = "GPL";

#define NR_KEYS 1024	/* maps hold NR_KEYS; keys 0..NR_KEYS/2-1 are used */
#define NR_LAT 8	/* values released per NMI in the latency run */
#define MAX_SAMPLES 4096

struct plain {
	__u64 a;
	__u64 b;
};

struct withk {
	__kptr struct bpf_testmod_ctx *ctx;
	__u64 b;
};

#define MAP(name, map_type, flags, val)			\
struct {						\
	__uint(type, map_type);				\
	__uint(map_flags, flags);			\
	__uint(max_entries, NR_KEYS);			\
	__type(key, int);				\
	__type(value, struct val);			\
} name SEC(".maps")

MAP(array_p, BPF_MAP_TYPE_ARRAY, 0, plain);
MAP(array_k, BPF_MAP_TYPE_ARRAY, 0, withk);
MAP(pcpu_array_p, BPF_MAP_TYPE_PERCPU_ARRAY, 0, plain);
MAP(pcpu_array_k, BPF_MAP_TYPE_PERCPU_ARRAY, 0, withk);
MAP(hash_p, BPF_MAP_TYPE_HASH, 0, plain);
MAP(hash_k, BPF_MAP_TYPE_HASH, 0, withk);
MAP(hash_np_p, BPF_MAP_TYPE_HASH, BPF_F_NO_PREALLOC, plain);
MAP(hash_np_k, BPF_MAP_TYPE_HASH, BPF_F_NO_PREALLOC, withk);
MAP(lru_p, BPF_MAP_TYPE_LRU_HASH, 0, plain);
MAP(lru_k, BPF_MAP_TYPE_LRU_HASH, 0, withk);
MAP(pcpu_hash_p, BPF_MAP_TYPE_PERCPU_HASH, 0, plain);
MAP(pcpu_hash_k, BPF_MAP_TYPE_PERCPU_HASH, 0, withk);

int nr_ops;
int nr_fill;
__u64 elapsed_ns;
int errs;

/* Put a fresh object into @v; the one it replaces (if any) is released. */
static __always_inline void stash(struct withk *v)
{
	struct bpf_testmod_ctx *ctx;
	int err = 0;

	if (!v) {
		errs++;
		return;
	}
	ctx = bpf_testmod_ctx_create(&err);
	if (!ctx) {
		errs++;
		return;
	}
	ctx = bpf_kptr_xchg(&v->ctx, ctx);
	if (ctx)
		bpf_testmod_ctx_release(ctx);
}

/*
 * fill_X: insert keys 0..nr_fill-1 (hash maps; arrays have them).
 * upd_X: overwrite nr_ops values; with a kptr (_k maps) every op first
 *        puts a fresh object into the value, so the update replaces it.
 * del_X: insert, (stash,) delete, nr_ops times (hash maps).
 * lkp_X: look up nr_ops values: code the series does not touch, a control
 *        for how fast each kernel image runs in the guest.
 */
/* A syscall program timing nr_ops runs of its body into elapsed_ns. */
#define TIMED(prog, val, ...)							\
SEC("syscall") int prog(void *c)						\
{										\
	struct val zero = {};							\
	__u64 t0 = bpf_ktime_get_ns();						\
	int i, key = NR_KEYS / 2;						\
										\
	(void)zero;								\
	bpf_for(i, 0, nr_ops) {							\
		__VA_ARGS__							\
	}									\
	elapsed_ns = bpf_ktime_get_ns() - t0;					\
	return 0;								\
}

#define BENCH(name, val, has_kptr)						\
SEC("syscall") int fill_##name(void *c)					\
{										\
	struct val zero = {};							\
	int i;									\
										\
	bpf_for(i, 0, nr_fill)							\
		if (bpf_map_update_elem(&name, &i, &zero, BPF_ANY))		\
			errs++;							\
	return 0;								\
}										\
TIMED(upd_##name, val,								\
	key = i & (NR_KEYS / 2 - 1);						\
	if (has_kptr)								\
		stash((void *)bpf_map_lookup_elem(&name, &key));		\
	if (bpf_map_update_elem(&name, &key, &zero, BPF_ANY))			\
		errs++;								\
)										\
TIMED(del_##name, val, /* key NR_KEYS / 2 is never filled */		\
	if (bpf_map_update_elem(&name, &key, &zero, BPF_NOEXIST))		\
		errs++;								\
	if (has_kptr)								\
		stash((void *)bpf_map_lookup_elem(&name, &key));		\
	if (bpf_map_delete_elem(&name, &key))					\
		errs++;								\
)										\
TIMED(lkp_##name, val,								\
	key = i & (NR_KEYS / 2 - 1);						\
	if (!bpf_map_lookup_elem(&name, &key))					\
		errs++;								\
)

BENCH(array_p, plain, 0)
BENCH(array_k, withk, 1)
BENCH(pcpu_array_p, plain, 0)
BENCH(pcpu_array_k, withk, 1)
BENCH(hash_p, plain, 0)
BENCH(hash_k, withk, 1)
BENCH(hash_np_p, plain, 0)
BENCH(hash_np_k, withk, 1)
BENCH(lru_p, plain, 0)
BENCH(lru_k, withk, 1)
BENCH(pcpu_hash_p, plain, 0)
BENCH(pcpu_hash_k, withk, 1)

/* --- NMI-to-destructor latency -------------------------------------- */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NR_LAT);
	__type(key, int);
	__type(value, struct withk);
} lat_array SEC(".maps");

/* object -> bpf_ktime_get_ns() just before the NMI released it */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4 * NR_LAT);
	__type(key, __u64);
	__type(value, __u64);
} lat_t0 SEC(".maps");

int lat_armed;
__u64 lat_nmi_runs;
__u32 lat_nr;
__u32 lat_dtor_in_nmi;
__u64 lat_ns[MAX_SAMPLES];

__u32 lat_lingering;

/*
 * Refill the values for the next NMI. An object the last NMI did not
 * release (the base kernel only cancels fields in update) is released by
 * stash() here, from the syscall: forget its timestamp first, it is no
 * NMI-to-destructor sample, but count it.
 */
SEC("syscall")
int lat_fill(void *c)
{
	struct withk *v;
	__u64 obj;
	int i;

	bpf_for(i, 0, NR_LAT) {
		v = bpf_map_lookup_elem(&lat_array, &i);
		if (!v)
			continue;
		obj = (__u64)v->ctx;
		if (obj && !bpf_map_delete_elem(&lat_t0, &obj))
			lat_lingering++;
		stash(v);
	}
	lat_armed = 1;
	return 0;
}

SEC("tp_btf/nmi_handler")
int BPF_PROG(lat_nmi, void *handler, s64 delta_ns, int handled)
{
	struct withk zero = {}, *v;
	__u64 obj, now;
	int i;

	if (!bpf_in_nmi() || !__sync_val_compare_and_swap(&lat_armed, 1, 0))
		return 0;
	lat_nmi_runs++;
	bpf_for(i, 0, NR_LAT) {
		v = bpf_map_lookup_elem(&lat_array, &i);
		if (!v)
			continue;
		obj = (__u64)v->ctx;
		now = bpf_ktime_get_ns();
		bpf_map_update_elem(&lat_t0, &obj, &now, BPF_ANY);
		bpf_map_update_elem(&lat_array, &i, &zero, BPF_ANY);
	}
	return 0;
}

SEC("fentry/bpf_testmod_ctx_release_dtor")
int BPF_PROG(lat_dtor, void *p)
{
	__u64 obj = (__u64)p, *t0, now = bpf_ktime_get_ns();
	__u32 n;

	t0 = bpf_map_lookup_elem(&lat_t0, &obj);
	if (!t0)
		return 0;
	if (bpf_in_nmi())
		lat_dtor_in_nmi++;
	n = lat_nr;
	if (n < MAX_SAMPLES) {
		lat_ns[n] = now - *t0;
		lat_nr = n + 1;
	}
	bpf_map_delete_elem(&lat_t0, &obj);
	return 0;
}

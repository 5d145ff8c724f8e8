// SPDX-License-Identifier: GPL-2.0
/* Workbench benchmark (base vs patched vs the bench-only alternative): map
 * update/delete cost with a plain value, with an NMI-safe kptr (bpf_cpumask)
 * and with an NMI-unsafe one (bpf_testmod_ctx) in the value, and the
 * NMI-to-destructor latency next to its floor. Runs unchanged on the base
 * tree: it uses nothing the series adds (bpf_testmod_raise_nmi() is weak).
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

int bpf_testmod_raise_nmi(int nr) __ksym __weak;
struct bpf_cpumask *bpf_cpumask_create(void) __ksym;
void bpf_cpumask_release(struct bpf_cpumask *cpumask) __ksym;
struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
void bpf_task_release(struct task_struct *p) __ksym;

struct plain {
	__u64 a;
	__u64 b;
};

struct withk {
	__kptr struct bpf_testmod_ctx *ctx;
	__u64 b;
};

struct withc {
	__kptr struct bpf_cpumask *mask;
	__u64 b;
};

/* Hash maps use the zero seed: both kernels walk the same chains (RHASH has none) */
#define MAP(name, map_type, flags, val)			\
struct {						\
	__uint(type, map_type);				\
	__uint(map_flags, flags);			\
	__uint(max_entries, NR_KEYS);			\
	__type(key, int);				\
	__type(value, struct val);			\
} name SEC(".maps")

MAP(array_p, BPF_MAP_TYPE_ARRAY, 0, plain);
MAP(array_c, BPF_MAP_TYPE_ARRAY, 0, withc);
MAP(array_k, BPF_MAP_TYPE_ARRAY, 0, withk);
MAP(pcpu_array_p, BPF_MAP_TYPE_PERCPU_ARRAY, 0, plain);
MAP(pcpu_array_c, BPF_MAP_TYPE_PERCPU_ARRAY, 0, withc);
MAP(pcpu_array_k, BPF_MAP_TYPE_PERCPU_ARRAY, 0, withk);
MAP(hash_p, BPF_MAP_TYPE_HASH, BPF_F_ZERO_SEED, plain);
MAP(hash_c, BPF_MAP_TYPE_HASH, BPF_F_ZERO_SEED, withc);
MAP(hash_k, BPF_MAP_TYPE_HASH, BPF_F_ZERO_SEED, withk);
MAP(hash_np_p, BPF_MAP_TYPE_HASH, BPF_F_NO_PREALLOC | BPF_F_ZERO_SEED, plain);
MAP(hash_np_c, BPF_MAP_TYPE_HASH, BPF_F_NO_PREALLOC | BPF_F_ZERO_SEED, withc);
MAP(hash_np_k, BPF_MAP_TYPE_HASH, BPF_F_NO_PREALLOC | BPF_F_ZERO_SEED, withk);
MAP(lru_p, BPF_MAP_TYPE_LRU_HASH, BPF_F_ZERO_SEED, plain);
MAP(lru_c, BPF_MAP_TYPE_LRU_HASH, BPF_F_ZERO_SEED, withc);
MAP(lru_k, BPF_MAP_TYPE_LRU_HASH, BPF_F_ZERO_SEED, withk);
MAP(pcpu_hash_p, BPF_MAP_TYPE_PERCPU_HASH, BPF_F_ZERO_SEED, plain);
MAP(pcpu_hash_c, BPF_MAP_TYPE_PERCPU_HASH, BPF_F_ZERO_SEED, withc);
MAP(pcpu_hash_k, BPF_MAP_TYPE_PERCPU_HASH, BPF_F_ZERO_SEED, withk);
MAP(rhash_p, BPF_MAP_TYPE_RHASH, BPF_F_NO_PREALLOC, plain);
MAP(rhash_c, BPF_MAP_TYPE_RHASH, BPF_F_NO_PREALLOC, withc);
MAP(rhash_k, BPF_MAP_TYPE_RHASH, BPF_F_NO_PREALLOC, withk);

int nr_ops;
int nr_fill;
__u64 elapsed_ns;
int errs;

/* Put a fresh object into @v; the one it replaces (if any) is released. */
static __always_inline void stash_k(struct withk *v)
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

static __always_inline void stash_c(struct withc *v)
{
	struct bpf_cpumask *mask;

	if (!v) {
		errs++;
		return;
	}
	mask = bpf_cpumask_create();
	if (!mask) {
		errs++;
		return;
	}
	mask = bpf_kptr_xchg(&v->mask, mask);
	if (mask)
		bpf_cpumask_release(mask);
}

static __always_inline void stash_p(struct plain *v)
{
}

/*
 * fill_X: insert keys 0..nr_fill-1 (hash maps; arrays have them).
 * upd_X: overwrite nr_ops values; with a kptr (_c, _k maps) every op first
 *        puts a fresh object into the value, so the update replaces it: the
 *        base kernel leaves it there and the next stash releases it, the
 *        series releases it in the update: one destructor per op either way.
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

#define BENCH(name, val, suffix)						\
SEC("syscall") int fill_##name##_##suffix(void *c)				\
{										\
	struct val zero = {};							\
	int i;									\
										\
	bpf_for(i, 0, nr_fill)							\
		if (bpf_map_update_elem(&name##_##suffix, &i, &zero, BPF_ANY))	\
			errs++;							\
	return 0;								\
}										\
TIMED(upd_##name##_##suffix, val,						\
	key = i & (NR_KEYS / 2 - 1);						\
	stash_##suffix(bpf_map_lookup_elem(&name##_##suffix, &key));		\
	if (bpf_map_update_elem(&name##_##suffix, &key, &zero, BPF_ANY))	\
		errs++;								\
)										\
TIMED(del_##name##_##suffix, val, /* key NR_KEYS / 2 is never filled */	\
	if (bpf_map_update_elem(&name##_##suffix, &key, &zero, BPF_NOEXIST))	\
		errs++;								\
	stash_##suffix(bpf_map_lookup_elem(&name##_##suffix, &key));		\
	if (bpf_map_delete_elem(&name##_##suffix, &key))			\
		errs++;								\
)										\
TIMED(lkp_##name##_##suffix, val,						\
	key = i & (NR_KEYS / 2 - 1);						\
	if (!bpf_map_lookup_elem(&name##_##suffix, &key))			\
		errs++;								\
)

#define BENCH3(name)	\
	BENCH(name, plain, p) BENCH(name, withc, c) BENCH(name, withk, k)

BENCH3(array)
BENCH3(pcpu_array)
BENCH3(hash)
BENCH3(hash_np)
BENCH3(lru)
BENCH3(pcpu_hash)
BENCH3(rhash)

/* --- NMI-to-destructor latency -------------------------------------- */

struct latv {
	__kptr struct bpf_testmod_ctx *ctx;	/* destructor in task context */
	__kptr struct task_struct *task;	/* destructor anywhere but NMI */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NR_LAT);
	__type(key, int);
	__type(value, struct latv);
} lat_array SEC(".maps");

/* object -> bpf_ktime_get_ns() just before the NMI released it */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4 * NR_LAT);
	__type(key, __u64);
	__type(value, __u64);
} lat_t0 SEC(".maps");

int lat_pid;
int lat_armed;
__u64 lat_nmi_runs;
__u32 lat_dtor_in_nmi;
__u32 lat_lingering;
__u64 lat_task, lat_task_t0;
int lat_task_armed, lat_floor_armed;
/* samples: ctx destructors (every one), first task destructor, floor */
__u32 lat_nr, lat_task_nr, lat_floor_nr;
__u64 lat_ns[MAX_SAMPLES], lat_task_ns[MAX_SAMPLES], lat_floor_ns[MAX_SAMPLES];

SEC("syscall")
int lat_raise_nmi(void *c)
{
	if (!bpf_ksym_exists(bpf_testmod_raise_nmi))
		return -95;	/* EOPNOTSUPP: the base tree's bpf_testmod */
	return bpf_testmod_raise_nmi(1);
}

/*
 * Refill the values for the next NMI. An object the last NMI did not
 * release (the base kernel only cancels fields in update) is released by
 * the stash here, from the syscall: forget its timestamp first, it is no
 * NMI-to-destructor sample, but count it.
 */
SEC("syscall")
int lat_fill(void *c)
{
	struct task_struct *task;
	struct latv *v;
	__u64 obj;
	int i;

	lat_task_armed = 0;
	bpf_for(i, 0, NR_LAT) {
		v = bpf_map_lookup_elem(&lat_array, &i);
		if (!v)
			continue;
		obj = (__u64)v->ctx;
		if (obj && !bpf_map_delete_elem(&lat_t0, &obj))
			lat_lingering++;
		stash_k((struct withk *)v);
		task = bpf_task_from_pid(lat_pid);
		if (!task) {
			errs++;
			continue;
		}
		lat_task = (__u64)task;
		task = bpf_kptr_xchg(&v->task, task);
		if (task)
			bpf_task_release(task);
	}
	lat_armed = 1;
	return 0;
}

SEC("tp_btf/nmi_handler")
int BPF_PROG(lat_nmi, void *handler, s64 delta_ns, int handled)
{
	struct latv zero = {}, *v;
	__u64 obj, now;
	int i;

	if (!bpf_in_nmi() || !__sync_val_compare_and_swap(&lat_armed, 1, 0))
		return 0;
	lat_nmi_runs++;
	lat_task_t0 = bpf_ktime_get_ns();
	lat_task_armed = 1;
	lat_floor_armed = 1;
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

static __always_inline void sample(__u64 *ns, __u32 *nr, __u64 t0)
{
	__u32 n = *nr;

	if (n < MAX_SAMPLES) {
		ns[n] = bpf_ktime_get_ns() - t0;
		*nr = n + 1;
	}
}

SEC("fentry/bpf_testmod_ctx_release_dtor")
int BPF_PROG(lat_dtor, void *p)
{
	__u64 obj = (__u64)p, *t0;

	t0 = bpf_map_lookup_elem(&lat_t0, &obj);
	if (!t0)
		return 0;
	if (bpf_in_nmi())
		lat_dtor_in_nmi++;
	sample(lat_ns, &lat_nr, *t0);
	bpf_map_delete_elem(&lat_t0, &obj);
	return 0;
}

SEC("fentry/bpf_task_release_dtor")
int BPF_PROG(lat_task_dtor, void *p)
{
	if ((__u64)p != lat_task || !__sync_val_compare_and_swap(&lat_task_armed, 1, 0))
		return 0;
	if (bpf_in_nmi())
		lat_dtor_in_nmi++;
	sample(lat_task_ns, &lat_task_nr, lat_task_t0);
	return 0;
}

/*
 * The floor: the entry of the series' irq_work function, what any irq_work
 * queued from NMI costs (self-IPI, interrupt entry, irq_work_run()). Not
 * loaded where the function does not exist (base).
 */
SEC("fentry/bpf_kptr_free_irq_work_fn")
int BPF_PROG(lat_floor, void *work)
{
	if (__sync_val_compare_and_swap(&lat_floor_armed, 1, 0))
		sample(lat_floor_ns, &lat_floor_nr, lat_task_t0);
	return 0;
}

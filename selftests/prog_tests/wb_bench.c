// SPDX-License-Identifier: GPL-2.0
/* Workbench benchmark, run by `make bench` on the base, the patched and the
 * bench-only alternative kernel (same config). Prints "BENCH <key> <value>"
 * lines that scripts/bench-report.py puts side by side. Under `make bench`
 * the guest runs with QEMU's -icount shift=0: bpf_ktime_get_ns() then
 * counts guest instructions, and every "ns" below is an instruction.
 *
 * - ops: per map update / delete from a BPF program, for array, percpu
 *   array, hash, no-prealloc hash, LRU hash, percpu hash and rhash, with a
 *   plain value, a value holding a bpf_cpumask (NMI-safe destructor) and
 *   one holding a bpf_testmod_ctx (NMI-unsafe) that every operation
 *   replaces; lookups, which the series does not touch, as a control;
 *   WB_BENCH_RUNS runs each (default 5).
 * - mem: map_mem_usage (fdinfo memlock) of those maps at 1k and 64k
 *   entries, every entry present.
 * - lat: from the NMI program's update that releases a kptr to the entry
 *   of its destructor (bpf_testmod_ctx: task context; task: irq_work), and
 *   the floor: to the entry of the irq_work function. NMIs from
 *   bpf_testmod_raise_nmi() (absent on the base tree: no lat there).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
#include <test_progs.h>
#include "wb_bench.skel.h"

#define NR_KEYS		1024
#define NR_OPS		20000
#define LAT_ROUNDS	40
#define NR_LAT_VALUES	8	/* NR_LAT in progs/wb_bench.c */
#define MAX_SAMPLES	4096	/* as in progs/wb_bench.c */

struct flavour {
	const char *name;
	bool hash;
};

static const struct flavour flavours[] = {
	{ "array", false }, { "pcpu_array", false }, { "hash", true },
	{ "hash_np", true }, { "lru", true }, { "pcpu_hash", true }, { "rhash", true },
};

/* map name suffix and value name: plain, bpf_cpumask, bpf_testmod_ctx */
static const char * const vsuffix[] = { "p", "c", "k" };
static const char * const vname[] = { "plain", "cpumask", "ctx" };

/* lookup: a control, the series does not touch it (see progs/wb_bench.c) */
static const struct {
	const char *prog, *name;
} ops[] = {
	{ "upd", "update" }, { "del", "delete" }, { "lkp", "lookup" },
};

/* The latency floor's fentry target exists only where the series is. */
static struct wb_bench *wb_bench_load(int max_entries)
{
	struct wb_bench *skel = wb_bench__open();
	struct bpf_map *map;

	if (!ASSERT_OK_PTR(skel, "open"))
		return NULL;
	if (libbpf_find_vmlinux_btf_id("bpf_kptr_free_irq_work_fn", BPF_TRACE_FENTRY) < 0)
		bpf_program__set_autoload(skel->progs.lat_floor, false);
	if (max_entries)
		bpf_object__for_each_map(map, skel->obj)
			if (!bpf_map__is_internal(map) && strncmp(bpf_map__name(map), "lat_", 4))
				bpf_map__set_max_entries(map, max_entries);
	if (!ASSERT_OK(wb_bench__load(skel), "load")) {
		wb_bench__destroy(skel);
		return NULL;
	}
	return skel;
}

static int run_prog(struct wb_bench *skel, const char *name)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct bpf_program *prog;

	prog = bpf_object__find_program_by_name(skel->obj, name);
	if (!ASSERT_OK_PTR(prog, name))
		return -1;
	if (!ASSERT_OK(bpf_prog_test_run_opts(bpf_program__fd(prog), &opts), name))
		return -1;
	return 0;
}

static void bench_ops(void)
{
	const char *env = getenv("WB_BENCH_RUNS");
	int runs = env ? atoi(env) : 5;
	struct wb_bench *skel;
	int f, k, r, op, errs = 0;
	char name[64];

	skel = wb_bench_load(0);
	if (!skel)
		return;
	for (f = 0; f < ARRAY_SIZE(flavours); f++) {
		for (k = 0; k < ARRAY_SIZE(vsuffix); k++) {
			const char *suffix = vsuffix[k];

			skel->bss->nr_fill = NR_KEYS / 2;
			snprintf(name, sizeof(name), "fill_%s_%s", flavours[f].name, suffix);
			if (flavours[f].hash && run_prog(skel, name))
				goto out;
			skel->bss->nr_ops = NR_OPS;
			for (op = 0; op < ARRAY_SIZE(ops); op++) {
				if (!flavours[f].hash && !strcmp(ops[op].prog, "del"))
					continue;
				for (r = 0; r < runs; r++) {
					snprintf(name, sizeof(name), "%s_%s_%s", ops[op].prog,
						 flavours[f].name, suffix);
					skel->bss->errs = 0;
					if (run_prog(skel, name))
						goto out;
					printf("BENCH %s/%s/%s %.1f\n", ops[op].name,
					       flavours[f].name, vname[k],
					       (double)skel->bss->elapsed_ns / NR_OPS);
					if (skel->bss->errs)
						printf("BENCH errors/%s %d\n", name, skel->bss->errs);
					errs += skel->bss->errs;
				}
			}
		}
	}
	ASSERT_EQ(errs, 0, "map operation errors");
out:
	wb_bench__destroy(skel);
}

static long long memlock(int map_fd)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", map_fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static void bench_mem(int entries)
{
	struct wb_bench *skel;
	struct bpf_map *map;
	char name[64];
	int f, k;

	skel = wb_bench_load(entries);
	if (!skel)
		return;
	skel->bss->nr_fill = entries;
	for (f = 0; f < ARRAY_SIZE(flavours); f++) {
		for (k = 0; k < ARRAY_SIZE(vsuffix); k++) {
			const char *suffix = vsuffix[k];

			snprintf(name, sizeof(name), "fill_%s_%s", flavours[f].name, suffix);
			if (flavours[f].hash && run_prog(skel, name))
				goto out;
			snprintf(name, sizeof(name), "%s_%s", flavours[f].name, suffix);
			map = bpf_object__find_map_by_name(skel->obj, name);
			if (!ASSERT_OK_PTR(map, name))
				goto out;
			printf("BENCH mem/%s/%s/%d %lld\n", flavours[f].name, vname[k],
			       entries, memlock(bpf_map__fd(map)));
		}
	}
	ASSERT_EQ(skel->bss->errs, 0, "fill errors");
out:
	wb_bench__destroy(skel);
}

static void print_samples(const char *key, __u64 *ns, __u32 nr)
{
	__u32 i;

	for (i = 0; i < nr && i < MAX_SAMPLES; i++)
		printf("BENCH %s %llu\n", key, (unsigned long long)ns[i]);
}

/*
 * Round 0 warms up (the guest translates the irq_work, destructor and
 * trampoline code the first time it runs): its samples are dropped.
 */
static void bench_lat(void)
{
	struct bpf_link *links[4] = {};
	int i, n, err, fd = -1, want;
	struct wb_bench *skel;
	cpu_set_t set, old;

	skel = wb_bench_load(0);
	if (!skel)
		return;
	fd = bpf_program__fd(skel->progs.lat_raise_nmi);
	/* the NMI hits this CPU: stay on it */
	ASSERT_OK(sched_getaffinity(0, sizeof(old), &old), "getaffinity");
	CPU_ZERO(&set);
	CPU_SET(sched_getcpu(), &set);
	if (!ASSERT_OK(sched_setaffinity(0, sizeof(set), &set), "pin"))
		goto out;
	skel->bss->lat_pid = getpid();
	links[0] = bpf_program__attach(skel->progs.lat_nmi);
	links[1] = bpf_program__attach(skel->progs.lat_dtor);
	links[2] = bpf_program__attach(skel->progs.lat_task_dtor);
	if (bpf_program__autoload(skel->progs.lat_floor))
		links[3] = bpf_program__attach(skel->progs.lat_floor);
	for (i = 0; i < 3; i++)
		if (!ASSERT_OK_PTR(links[i], "attach"))
			goto out;
	for (i = 0; i <= LAT_ROUNDS; i++) {
		if (run_prog(skel, "lat_fill"))
			goto out;
		LIBBPF_OPTS(bpf_test_run_opts, opts);
		err = bpf_prog_test_run_opts(fd, &opts) ?: opts.retval;
		if (err == -EOPNOTSUPP) {
			printf("BENCH lat/unsupported 1\n");
			goto out;
		}
		if (!ASSERT_OK(err, "bpf_testmod_raise_nmi"))
			goto out;
		/* the work item of the ctx destructors */
		want = i ? i : 1;
		for (n = 0; n < 100 && skel->bss->lat_nr < NR_LAT_VALUES * want; n++)
			usleep(1000);
		if (!i)
			skel->bss->lat_nr = skel->bss->lat_task_nr = skel->bss->lat_floor_nr = 0;
	}
	usleep(10000);
	printf("BENCH lat/nmi_runs %llu\n", (unsigned long long)skel->bss->lat_nmi_runs);
	printf("BENCH lat/dtor_in_nmi %u\n", skel->bss->lat_dtor_in_nmi);
	printf("BENCH lat/not_released_in_nmi %u\n", skel->bss->lat_lingering);
	ASSERT_GT(skel->bss->lat_nmi_runs, 0, "NMI program runs");
	print_samples("lat/floor", skel->bss->lat_floor_ns, skel->bss->lat_floor_nr);
	print_samples("lat/task", skel->bss->lat_task_ns, skel->bss->lat_task_nr);
	print_samples("lat/ctx", skel->bss->lat_ns, skel->bss->lat_nr);
out:
	for (i = 0; i < ARRAY_SIZE(links); i++)
		bpf_link__destroy(links[i]);
	if (fd >= 0)
		sched_setaffinity(0, sizeof(old), &old);
	wb_bench__destroy(skel);
}

/*
 * The selftests' own bench tool (built by make bench next to test_progs),
 * for the map benchmarks that run the paths the series touches, and a
 * lookup benchmark as a control. Printed as the tool prints its results
 * (the per-iteration lines left out).
 */
static void bench_tool(void)
{
	static const char * const cmds[] = {
		"htab-mem --use-case overwrite -p 2",
		"htab-mem --use-case overwrite --preallocated -p 2",
		"htab-mem --use-case add_del_on_diff_cpu -p 2",
		"bpf-hashmap-full-update",
		"bpf-hashmap-lookup --key_size 4 --nr_entries 1000 --max_entries 1000 --nr_loops 100000",
	};
	char cmd[256], line[512];
	int i, n;
	FILE *f;

	if (access("./bench", X_OK)) {
		printf("%s:SKIP:no ./bench (built by make bench)\n", __func__);
		test__skip();
		return;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		snprintf(cmd, sizeof(cmd), "./bench -w1 -d3 %s 2>&1", cmds[i]);
		f = popen(cmd, "r");
		if (!ASSERT_OK_PTR(f, cmds[i]))
			continue;
		n = 0;
		while (fgets(line, sizeof(line), f) && n < 64)
			if (line[0] != '\n' && strncmp(line, "Iter ", 5))
				n += printf("BENCHTOOL %s: %s", cmds[i], line) > 0;
		ASSERT_OK(pclose(f), cmds[i]);
		ASSERT_GT(n, 0, "bench output");
	}
}

void serial_test_wb_bench(void)
{
	if (test__start_subtest("ops"))
		bench_ops();
	if (test__start_subtest("mem_1k"))
		bench_mem(1024);
	if (test__start_subtest("mem_64k"))
		bench_mem(65536);
	if (test__start_subtest("lat"))
		bench_lat();
	if (test__start_subtest("tool"))
		bench_tool();
}

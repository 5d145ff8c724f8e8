// SPDX-License-Identifier: GPL-2.0
/* Workbench benchmark, run by `make bench` on the base and the patched
 * kernel (same config). Prints "BENCH <key> <value>" lines that
 * scripts/bench-report.py puts side by side. Timings come from a TCG guest:
 * compare base and patched with each other, never with real hardware.
 *
 * - ops: ns per map update / delete from a BPF program, for array, percpu
 *   array, hash, no-prealloc hash, LRU hash and percpu hash, with a plain
 *   value and with a value holding a bpf_testmod_ctx kptr that every
 *   operation replaces; lookups, which the series does not touch, as a
 *   control; WB_BENCH_RUNS runs each (default 7).
 * - mem: map_mem_usage (fdinfo memlock) of those maps at 1k and 64k
 *   entries, every entry present.
 * - lat: time from the NMI program's update that releases a kptr to the
 *   start of its destructor, NMIs from sysrq-l.
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
#define MAX_SAMPLES	4096	/* as in progs/wb_bench.c */

struct flavour {
	const char *name;
	bool hash;
};

static const struct flavour flavours[] = {
	{ "array", false }, { "pcpu_array", false }, { "hash", true },
	{ "hash_np", true }, { "lru", true }, { "pcpu_hash", true },
};

/* lookup: a control, the series does not touch it (see progs/wb_bench.c) */
static const struct {
	const char *prog, *name;
} ops[] = {
	{ "upd", "update" }, { "del", "delete" }, { "lkp", "lookup" },
};

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
	int runs = env ? atoi(env) : 7;
	struct wb_bench *skel;
	int f, k, r, op, errs = 0;
	char name[64];

	skel = wb_bench__open_and_load();
	if (!ASSERT_OK_PTR(skel, "open_and_load"))
		return;
	for (f = 0; f < ARRAY_SIZE(flavours); f++) {
		for (k = 0; k < 2; k++) {
			const char *suffix = k ? "k" : "p";

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
					       flavours[f].name, k ? "kptr" : "plain",
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

	skel = wb_bench__open();
	if (!ASSERT_OK_PTR(skel, "open"))
		return;
	bpf_object__for_each_map(map, skel->obj)
		if (!bpf_map__is_internal(map) && strncmp(bpf_map__name(map), "lat_", 4))
			bpf_map__set_max_entries(map, entries);
	if (!ASSERT_OK(wb_bench__load(skel), "load"))
		goto out;
	skel->bss->nr_fill = entries;
	for (f = 0; f < ARRAY_SIZE(flavours); f++) {
		for (k = 0; k < 2; k++) {
			const char *suffix = k ? "k" : "p";

			snprintf(name, sizeof(name), "fill_%s_%s", flavours[f].name, suffix);
			if (flavours[f].hash && run_prog(skel, name))
				goto out;
			snprintf(name, sizeof(name), "%s_%s", flavours[f].name, suffix);
			map = bpf_object__find_map_by_name(skel->obj, name);
			if (!ASSERT_OK_PTR(map, name))
				goto out;
			printf("BENCH mem/%s/%s/%d %lld\n", flavours[f].name, k ? "kptr" : "plain",
			       entries, memlock(bpf_map__fd(map)));
		}
	}
	ASSERT_EQ(skel->bss->errs, 0, "fill errors");
out:
	wb_bench__destroy(skel);
}

static void bench_lat(void)
{
	struct bpf_link *nmi = NULL, *dtor = NULL;
	int i, n, prev = 0, sysrq = -1, printk = -1;
	__u64 first;
	char old_printk[64] = "";
	struct wb_bench *skel;
	cpu_set_t set, old;

	skel = wb_bench__open_and_load();
	if (!ASSERT_OK_PTR(skel, "open_and_load"))
		return;
	/* sysrq-l from CPU 0 NMIs CPU 1; keep its backtraces off the slow console */
	ASSERT_OK(sched_getaffinity(0, sizeof(old), &old), "getaffinity");
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (!ASSERT_OK(sched_setaffinity(0, sizeof(set), &set), "pin to CPU 0"))
		goto out;
	printk = open("/proc/sys/kernel/printk", O_RDWR);
	if (printk >= 0 && read(printk, old_printk, sizeof(old_printk) - 1) > 0)
		ASSERT_EQ(pwrite(printk, "1", 1, 0), 1, "console loglevel 1");
	sysrq = open("/proc/sysrq-trigger", O_WRONLY);
	if (!ASSERT_GE(sysrq, 0, "open sysrq-trigger"))
		goto out;
	nmi = bpf_program__attach(skel->progs.lat_nmi);
	dtor = bpf_program__attach(skel->progs.lat_dtor);
	if (!ASSERT_OK_PTR(nmi, "attach lat_nmi") || !ASSERT_OK_PTR(dtor, "attach lat_dtor"))
		goto out;
	/*
	 * Round 0 warms up: the guest translates the irq_work, destructor and
	 * trampoline code the first time it runs (~1 ms under TCG). Its
	 * samples are printed apart and left out of the percentiles.
	 */
	for (i = 0; i <= LAT_ROUNDS; i++) {
		if (run_prog(skel, "lat_fill"))
			break;
		if (!ASSERT_EQ(write(sysrq, "l", 1), 1, "sysrq-l"))
			break;
		for (n = 0; n < 100 && skel->bss->lat_armed; n++)
			usleep(1000);
		if (i) {
			/* the first destructor of this NMI's batch (LIFO) */
			usleep(1000);
			for (n = prev, first = ~0ULL; n < skel->bss->lat_nr && n < MAX_SAMPLES; n++)
				first = first < skel->bss->lat_ns[n] ? first : skel->bss->lat_ns[n];
			if (first != ~0ULL)
				printf("BENCH lat/first_us %.1f\n", first / 1000.0);
			prev = skel->bss->lat_nr;
			continue;
		}
		usleep(10000);
		for (n = 0; n < skel->bss->lat_nr && n < MAX_SAMPLES; n++)
			printf("BENCH lat/warmup_us %.1f\n", skel->bss->lat_ns[n] / 1000.0);
		skel->bss->lat_nr = 0;
		prev = 0;
	}
	usleep(10000);
	n = skel->bss->lat_nr;
	printf("BENCH lat/nmi_runs %llu\n", (unsigned long long)skel->bss->lat_nmi_runs);
	printf("BENCH lat/samples %d\n", n);
	printf("BENCH lat/dtor_in_nmi %u\n", skel->bss->lat_dtor_in_nmi);
	printf("BENCH lat/not_released_in_nmi %u\n", skel->bss->lat_lingering);
	ASSERT_GT(skel->bss->lat_nmi_runs, 0, "NMI program runs");
	/* every sample: bench-report.py takes percentiles over all runs */
	for (i = 0; i < n && i < MAX_SAMPLES; i++)
		printf("BENCH lat/us %.1f\n", skel->bss->lat_ns[i] / 1000.0);
out:
	bpf_link__destroy(nmi);
	bpf_link__destroy(dtor);
	if (sysrq >= 0)
		close(sysrq);
	if (printk >= 0) {
		if (old_printk[0])
			ASSERT_GT(pwrite(printk, old_printk, strlen(old_printk), 0), 0, "restore printk");
		close(printk);
	}
	sched_setaffinity(0, sizeof(old), &old);
	wb_bench__destroy(skel);
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
}

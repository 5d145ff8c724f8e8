#!/usr/bin/env python3
"""Side-by-side tables of wb_bench runs, one column per kernel.

usage: bench-report.py [--unit insn|ns] NAME=LOG...   (the first is the base)

Reads the "BENCH bootN:<key> <value>" lines of each log (scripts/bench.sh
prefixes each boot's lines). Map operations: the minimum over every run of
every boot (interference - ticks, RCU callbacks - only ever adds work), the
change against the first kernel, and the determinism check: how far apart
the per-boot minima of the same kernel are. Memory: per entry. Latency:
percentiles over the samples of all boots.
"""
import re
import sys

args = sys.argv[1:]
unit = "insn"
if args[:1] == ["--unit"]:
    unit, args = args[1], args[2:]
sides, tool = [], []
for a in args:
    name, path = a.split("=", 1)
    vals = {}
    with open(path, errors="replace") as f:
        text = f.read()
    for m in re.finditer(r"^BENCH (boot\d+):(\S+) (\S+)$", text, re.M):
        vals.setdefault(m.group(2), {}).setdefault(m.group(1), []).append(float(m.group(3)))
    sides.append((name, vals))
    tool.append((name, re.findall(r"^BENCHTOOL (boot\d+): (.*)$", text, re.M)))
keys = list(dict.fromkeys(k for _, v in sides for k in v))
what = "guest instructions (QEMU -icount shift=0)" if unit == "insn" else "ns (wall clock)"


def allv(vals, k):
    return [x for runs in vals.get(k, {}).values() for x in runs]


out = []
ops = [k for k in keys if k.startswith(("update/", "delete/", "lookup/"))]
if ops:
    out.append(f"Map operations from a BPF program: {what} per op, minimum over all runs")
    out.append("and boots; +x: change against %s; spread: largest difference between the" % sides[0][0])
    out.append("per-boot minima of one kernel (determinism). Values: plain, cpumask (bpf_cpumask,")
    out.append("NMI-safe destructor), ctx (bpf_testmod_ctx, task-context destructor; one")
    out.append("destructor call per op on every kernel). lookup/: untouched code, a control.")
    hdr = "%-28s" % "op/map/value" + "".join("%25s" % n for n, _ in sides) + "%8s" % "spread"
    out.append(hdr)
    for k in ops:
        base = allv(sides[0][1], k)
        row = "%-28s" % k
        spread = 0.0
        for i, (n, vals) in enumerate(sides):
            v = allv(vals, k)
            if not v:
                row += "%25s" % "-"
                continue
            mins = [min(r) for r in vals[k].values()]
            spread = max(spread, max(mins) - min(mins))
            if i == 0 or not base:
                row += "%25.1f" % min(v)
            else:
                d = min(v) - min(base)
                row += "%25s" % ("%.1f (%+.1f %+.1f%%)" % (min(v), d, 100 * d / min(base)))
        out.append(row + "%8.1f" % spread)
    out.append("")

mem = [k for k in keys if k.startswith("mem/")]
if mem:
    out.append("Map memory (map_mem_usage = fdinfo memlock), bytes per entry, every entry")
    out.append("present (percpu maps: all possible CPUs); +x: against %s" % sides[0][0])
    out.append("%-30s" % "map/value/entries" + "".join("%18s" % n for n, _ in sides))
    for k in mem:
        entries = int(k.rsplit("/", 1)[1])
        base = allv(sides[0][1], k)
        row = "%-30s" % k
        for i, (n, vals) in enumerate(sides):
            v = allv(vals, k)
            if not v:
                row += "%18s" % "-"
            elif i == 0 or not base:
                row += "%18.1f" % (min(v) / entries)
            else:
                row += "%18s" % ("%.1f (%+.1f)" % (min(v) / entries, (min(v) - min(base)) / entries))
        out.append(row)
    out.append("")


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * q))]


lat = [k for k in ("lat/floor", "lat/task", "lat/ctx") if k in keys]
if lat or "lat/unsupported" in keys:
    out.append(f"NMI-to-destructor latency, {what}: from the NMI program's update to the")
    out.append("destructor's entry. task: first task destructor of the NMI's batch (runs in the")
    out.append("irq_work); ctx: every bpf_testmod_ctx destructor (task context: the work item);")
    out.append("floor: to the entry of the irq_work function (what any irq_work from NMI costs).")
    out.append("%-34s" % "" + "".join("%14s" % n for n, _ in sides))
    for k in lat:
        for name, q in (("p50", 0.5), ("p99", 0.99), ("max", 1.0)):
            row = "%-34s" % ("%s %s" % (k, name))
            for n, vals in sides:
                v = allv(vals, k)
                row += "%14s" % ("%.0f" % pct(v, q) if v else "-")
            out.append(row)
        row = "%-34s" % ("%s samples" % k)
        out.append(row + "".join("%14d" % len(allv(vals, k)) for _, vals in sides))
    for k in ("lat/nmi_runs", "lat/dtor_in_nmi", "lat/not_released_in_nmi", "lat/unsupported"):
        row = "%-34s" % k
        out.append(row + "".join("%14s" % ("%d" % sum(allv(vals, k)) if allv(vals, k) else "-")
                                 for _, vals in sides))
if any(lines for _, lines in tool):
    out.append("")
    out.append("The selftests' bench tool (./bench -w1 -d3), as it prints; under -icount a")
    out.append("\"second\" is 10^9 guest instructions, so k/s and events/s are per 10^9 instructions.")
    for n, lines in tool:
        for boot, line in lines:
            out.append("%-8s %s %s" % (n, boot, line))
print("\n".join(out))

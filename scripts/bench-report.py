#!/usr/bin/env python3
"""Side-by-side table of two wb_bench runs (base, patched).

usage: bench-report.py BASE_LOG PATCHED_LOG

Reads the "BENCH <key> <value>" lines test_progs printed in each guest
(a log may hold several boots); repeated keys are runs of the same
measurement (median, min-max shown), lat/us are latency samples
(percentiles over all of them), other lat/ keys are counts (summed).
"""
import re
import statistics
import sys


def load(path):
    vals = {}
    with open(path, errors="replace") as f:
        for m in re.finditer(r"^BENCH (\S+) (\S+)$", f.read(), re.M):
            vals.setdefault(m.group(1), []).append(float(m.group(2)))
    return vals


base, patched = load(sys.argv[1]), load(sys.argv[2])
keys = list(dict.fromkeys(list(base) + list(patched)))


def med(v):
    return statistics.median(v) if v else None


def cell(v, fmt="%.1f"):
    if not v:
        return "-"
    if len(v) == 1:
        return fmt % v[0]
    return (fmt + " (" + fmt + "-" + fmt + ")") % (med(v), min(v), max(v))


out = []
ops = [k for k in keys if k.startswith(("update/", "delete/", "lookup/"))]
if ops:
    n = max(len(base.get(k, [])) for k in ops)
    out.append("Map operations from a BPF program, ns/op, median (min-max) of %d runs." % n)
    out.append("TCG guest: compare columns, not absolute numbers. lookup/ is code the series")
    out.append("does not touch: its ratio is how much faster or slower the patched image runs")
    out.append("in the guest regardless of the series; 'vs lookup' divides by it.")
    out.append("%-26s %-26s %-26s %6s %9s" % ("op/map/value", "base", "patched", "ratio",
                                              "vs lookup"))
    for k in ops:
        b, p = base.get(k), patched.get(k)
        ctl = "lookup/" + k.split("/", 1)[1]
        cb, cp = base.get(ctl), patched.get(ctl)
        ratio = med(p) / med(b) if b and p else None
        norm = ratio / (med(cp) / med(cb)) if ratio and cb and cp else None
        out.append("%-26s %-26s %-26s %6s %9s" % (k, cell(b), cell(p),
                                                  "%.3f" % ratio if ratio else "-",
                                                  "%.3f" % norm if norm else "-"))
    out.append("")

mem = [k for k in keys if k.startswith("mem/")]
if mem:
    out.append("Map memory (map_mem_usage = fdinfo memlock), bytes, every entry present")
    out.append("%-28s %12s %12s %10s %10s" % ("map/value/entries", "base", "patched",
                                              "delta", "B/entry"))
    for k in mem:
        b, p = med(base.get(k)), med(patched.get(k))
        entries = int(k.rsplit("/", 1)[1])
        if b is None or p is None:
            out.append("%-28s %12s %12s" % (k, b, p))
            continue
        out.append("%-28s %12d %12d %10d %10.1f" % (k, b, p, p - b, (p - b) / entries))
    out.append("")

def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * q))]


lat = [k for k in keys if k.startswith("lat/") and k not in ("lat/us", "lat/warmup_us", "lat/first_us")]
if lat:
    out.append("NMI-to-destructor latency, from the NMI program's update to the destructor's")
    out.append("entry (bpf_ktime_get_ns in the guest; NMIs from sysrq-l; counts summed over boots)")
    out.append("%-28s %12s %12s" % ("", "base", "patched"))
    for k in lat:
        b, p = base.get(k), patched.get(k)
        out.append("%-28s %12s %12s" % (k, "%d" % sum(b) if b else "-", "%d" % sum(p) if p else "-"))
    for name, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0)):
        b, p = base.get("lat/us"), patched.get("lat/us")
        out.append("%-28s %12s %12s" % ("lat/%s_us" % name, "%.1f" % pct(b, q) if b else "-",
                                         "%.1f" % pct(p, q) if p else "-"))
    for name, q in (("p50", 0.5), ("p99", 0.99), ("max", 1.0)):
        b, p = base.get("lat/first_us"), patched.get("lat/first_us")
        out.append("%-28s %12s %12s" % ("lat/first_of_batch_%s_us" % name,
                                         "%.1f" % pct(b, q) if b else "-",
                                         "%.1f" % pct(p, q) if p else "-"))
    b, p = base.get("lat/warmup_us"), patched.get("lat/warmup_us")
    out.append("%-28s %12s %12s" % ("lat/warmup_max_us (excluded)", "%.1f" % max(b) if b else "-",
                                     "%.1f" % max(p) if p else "-"))
print("\n".join(out))

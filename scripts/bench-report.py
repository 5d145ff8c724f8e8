#!/usr/bin/env python3
"""Side-by-side table of two wb_bench runs (base, patched).

usage: bench-report.py BASE_LOG PATCHED_LOG

Reads the "BENCH <key> <value>" lines test_progs printed in each guest;
repeated keys are runs of the same measurement (median, min-max shown).
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
ops = [k for k in keys if k.startswith(("update/", "delete/"))]
if ops:
    n = max(len(base.get(k, [])) for k in ops)
    out.append("Map operations from a BPF program, ns/op, median (min-max) of %d runs; "
               "TCG guest: compare columns, not absolute numbers" % n)
    out.append("%-28s %-26s %-26s %7s" % ("op/map/value", "base", "patched", "ratio"))
    for k in ops:
        b, p = base.get(k), patched.get(k)
        ratio = "%.3f" % (med(p) / med(b)) if b and p else "-"
        out.append("%-28s %-26s %-26s %7s" % (k, cell(b), cell(p), ratio))
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

lat = [k for k in keys if k.startswith("lat/")]
if lat:
    out.append("NMI-to-destructor latency (bpf_ktime_get_ns in the guest; NMIs from sysrq-l)")
    out.append("%-28s %12s %12s" % ("", "base", "patched"))
    for k in lat:
        b, p = base.get(k), patched.get(k)
        out.append("%-28s %12s %12s" % (k, cell(b, "%g"), cell(p, "%g")))
print("\n".join(out))

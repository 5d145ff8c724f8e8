#!/usr/bin/env python3
"""Compare instruction traces of one map op on two kernels (scripts/optrace.sh).

usage: optrace-report.py BASE_VMLINUX BASE_TRACE NEW_VMLINUX NEW_TRACE

Prints the instructions of the shortest trace of each file, per function, and
the difference: where every instruction the series adds or saves is.
"""
import bisect
import subprocess
import sys
from collections import Counter


def symbols(vmlinux):
    out = subprocess.run(["nm", "-n", vmlinux], capture_output=True, text=True,
                         check=True).stdout
    addrs, names = [], []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tTwW":
            addrs.append(int(f[0], 16))
            names.append(f[2])
    return addrs, names


def first_trace(path):
    traces, cur = [], None
    for line in open(path):
        if line.startswith("TRACE"):
            cur = []
            traces.append(cur)
        elif cur is not None:
            cur.append(int(line, 16))
    if not traces:
        sys.exit(f"{path}: no trace (did the guest reach the op?)")
    # Interference only adds instructions (a first call may fault a page in,
    # an LRU pop may shrink a list): the shortest trace is the op itself.
    return min(traces, key=len), sorted(len(t) for t in traces)


def per_function(vmlinux, pcs):
    addrs, names = symbols(vmlinux)
    c = Counter()
    for pc in pcs:
        i = bisect.bisect_right(addrs, pc) - 1
        c[names[i] if i >= 0 else "?"] += 1
    return c


def main():
    bv, bt, nv, nt = sys.argv[1:5]
    (b, blens), (n, nlens) = first_trace(bt), first_trace(nt)
    cb, cn = per_function(bv, b), per_function(nv, n)
    print(f"  total: base {len(b)}, patched {len(n)} ({len(n) - len(b):+d})"
          f"   [traces: base {blens}, patched {nlens}]")
    for f in sorted(set(cb) | set(cn), key=lambda f: -(cn[f] + cb[f])):
        if cb[f] != cn[f]:
            print(f"    {f:40s} {cb[f]:6d} {cn[f]:6d} {cn[f] - cb[f]:+6d}")


main()

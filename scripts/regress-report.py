#!/usr/bin/env python3
"""Compare two full test_progs runs (report.py --tsv rows): base, patched.

usage: regress-report.py BASE_TSV PATCHED_TSV

Prints the totals, the tests that fail or skip on base with their first
failing line, every test whose result differs, and a last line
"NEW FAILURES: N" (tests that pass or skip on base, or that only the
series adds, and fail patched; tests that pass or skip on base and are
missing patched; a kernel-log that is clean on base and not patched).
"""
import sys


def load(path):
    rows = {}
    with open(path, errors="replace") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) >= 6:
                rows[p[0]] = {"status": p[1], "sub": "/".join(p[2:5]), "note": p[5]}
    return rows


base, patched = load(sys.argv[1]), load(sys.argv[2])
tests = sorted(set(base) | set(patched))
for name, rows in (("base", base), ("patched", patched)):
    counts = {}
    for r in rows.values():
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    print("%-8s %d tests: %s" % (name, len(rows), ", ".join(
        "%d %s" % (n, s) for s, n in sorted(counts.items()))))

print("\nFailing or skipped on base (result, subtests ok/fail/skip, first failing line):")
for t in tests:
    b = base.get(t)
    if b and b["status"] != "PASS":
        print("  %-40s %-4s %-9s %s" % (t, b["status"], b["sub"], b["note"]))

print("\nResults the series changes (base -> patched):")
new = 0
for t in tests:
    b, p = base.get(t), patched.get(t)
    bs, ps = b["status"] if b else "absent", p["status"] if p else "absent"
    if bs == ps and (not b or b["sub"] == p["sub"]):
        continue
    if (ps == "FAIL" and bs != "FAIL") or (ps == "absent" and bs != "FAIL"):
        new += 1
    print("  %-40s %s %s -> %s %s  %s" % (t, bs, b["sub"] if b else "", ps,
                                         p["sub"] if p else "", p["note"] if p else ""))
print("\nNEW FAILURES: %d" % new)

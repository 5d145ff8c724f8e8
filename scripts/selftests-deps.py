#!/usr/bin/env python3
"""Resolve the sources a pruned test_progs build needs.

usage: selftests-deps.py SELFTESTS_DIR TEST...

Prints shell assignments: PROG_TESTS (prog_tests/*.c files), PROGS
(progs/*.c files) and make overrides for the Makefile's fixed lists
(LSKELS, LSKELS_SIGNED, LSKELS_EXTRA, LINKED_SKELS) restricted to what is
kept. A test name that no prog_tests file defines is an error, but for
test_* names: standalone binaries, which selftests.sh builds beside
test_progs.
"""
import os
import re
import shlex
import sys

src, tests = sys.argv[1], sys.argv[2:]
bins = [t for t in tests if t.startswith("test_")]
tests = [t for t in tests if t not in bins]
pt_dir, pg_dir = os.path.join(src, "prog_tests"), os.path.join(src, "progs")


def read(path):
    with open(path, errors="replace") as f:
        return f.read()


def make_list(text, name):
    m = re.search(r"^%s\s*:?=\s*((?:.*\\\n)*.*)$" % re.escape(name), text, re.M)
    return m.group(1).replace("\\\n", " ").split() if m else []


mk = read(os.path.join(src, "Makefile"))
linked_deps = {m.group(1): m.group(2).split()
               for m in re.finditer(r"^(\S+\.skel\.h)-deps\s*:=\s*(.*)$", mk, re.M)}

defs = {}
for f in sorted(os.listdir(pt_dir)):
    if f.endswith(".c"):
        for m in re.finditer(r"^void (?:serial_)?test_(\w+)\(", read(os.path.join(pt_dir, f)), re.M):
            defs.setdefault(m.group(1), f)

missing = [t for t in tests if t not in defs]
missing += [b for b in bins if not os.path.exists(os.path.join(src, b + ".c"))]
if missing:
    sys.exit("unknown test(s): %s (no 'void test_NAME(void)' in %s, no %s/test_NAME.c)"
             % (" ".join(missing), pt_dir, src))

prog_tests = sorted({defs[t] for t in tests})
progs, todo = set(), []
for f in prog_tests:
    text = read(os.path.join(pt_dir, f))
    for m in re.finditer(r'"(\w+)\.(skel|lskel|subskel)\.h"|"(\w+)\.bpf\.o"', text):
        name = m.group(1) or m.group(3)
        deps = linked_deps.get(name + ".skel.h")
        todo += [d[:-len(".bpf.o")] + ".c" for d in deps] if deps else [name + ".c"]
while todo:
    c = todo.pop()
    if c in progs or not os.path.exists(os.path.join(pg_dir, c)):
        continue
    progs.add(c)
    todo += re.findall(r'^#include\s+"(\w+\.c)"', read(os.path.join(pg_dir, c)), re.M)

out = {"PROG_TESTS": prog_tests, "PROGS": sorted(progs)}
for var in ("LSKELS", "LSKELS_SIGNED", "LSKELS_EXTRA"):
    out[var] = [c for c in make_list(mk, var) if c in progs]
out["LINKED_SKELS"] = [s for s in make_list(mk, "LINKED_SKELS")
                       if all(d[:-len(".bpf.o")] + ".c" in progs for d in linked_deps.get(s, ["-"]))]
for k, v in out.items():
    print("%s=%s" % (k, shlex.quote(" ".join(v))))

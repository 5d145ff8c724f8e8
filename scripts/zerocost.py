#!/usr/bin/env python3
"""Instructions a patched vmlinux adds to functions of a base vmlinux.

usage: zerocost.py BASE_VMLINUX PATCHED_VMLINUX PATCHED_TREE FUNCTION... \
           -- FILE:CONTEXT:LINE...

objdump -d each function (the symbol must exist: static functions that
were inlined are reported as such) and count its instructions in both
kernels. Then list, with objdump -l, the instructions of each patched
function that come from the guard lines: in FILE, the first line whose
stripped text is LINE after the first line that starts with CONTEXT.
"""
import os
import re
import subprocess
import sys


def symbols(vmlinux):
    """Text symbols: name -> (address, size), and the sorted addresses."""
    out = subprocess.run(["nm", "-S", vmlinux], capture_output=True, text=True,
                         check=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "tT":
            syms.setdefault(parts[3], (int(parts[0], 16), int(parts[1], 16)))
    return syms, sorted({a for a, _ in syms.values()})


def crosses_page(syms, name):
    """TCG chains translated blocks only within a 4K page: a hot function
    that straddles one runs slower in the guest, whatever its code."""
    a, n = syms[name]
    return "x" if a // 4096 != (a + max(n, 1) - 1) // 4096 else ""


def disasm(vmlinux, syms, addrs, name, lines=None):
    """Instructions of @name; with @lines=(file, first, last), only those
    objdump -l attributes to that source range."""
    if name not in syms:
        return None
    start = syms[name][0]
    i = addrs.index(start)
    end = addrs[i + 1] if i + 1 < len(addrs) else start + 4096
    cmd = ["objdump", "-d", "--no-show-raw-insn", "--start-address=%#x" % start,
           "--stop-address=%#x" % end, vmlinux]
    if lines:
        cmd.insert(1, "-l")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    insns = []
    inside = not lines
    for line in out.splitlines():
        line = line.strip()
        if lines:
            m = re.match(r"^(/\S+):(\d+)", line)
            if m:
                inside = (m.group(1).endswith(lines[0]) and
                          lines[1] <= int(m.group(2)) <= lines[2])
                continue
        if not line or line.endswith(":") or line.startswith(("Disassembly", "vmlinux")):
            continue
        if "file format" in line or not inside:
            continue
        line = re.sub(r"^[0-9a-f]+:\s*", "", line)
        # jump/call targets and rip-relative offsets move with the layout
        line = re.sub(r"\b[0-9a-f]{8,16}\b", "ADDR", line)
        line = re.sub(r"<([^>+]+)\+0x[0-9a-f]+>", r"<\1+X>", line)
        line = re.sub(r"-?0x[0-9a-f]+\(%rip\)", "X(%rip)", line)
        line = re.sub(r"\s+", " ", line)
        if line in ("int3", "nop") or line.startswith(("nop", "cs nop", "data16")):
            continue
        insns.append(line)
    return insns


def guard_lines(tree, markers):
    """(file, line) of each FILE:TEXT marker: the line of FILE that starts
    with TEXT (after indentation) and follows the line matching CONTEXT."""
    found = []
    for m in markers:
        path, context, text = m.split(":", 2)
        with open(os.path.join(tree, path)) as f:
            lines = f.read().splitlines()
        after = next((i for i, l in enumerate(lines) if l.startswith(context)), None)
        if after is None:
            sys.exit("zerocost: no line starting with %r in %s" % (context, path))
        i = next((j for j in range(after, len(lines)) if lines[j].strip() == text), None)
        if i is None:
            sys.exit("zerocost: no %r after %r in %s" % (text, context, path))
        found.append((path, i + 1, i + 1))
    return found


def main():
    base, patched, tree = sys.argv[1], sys.argv[2], sys.argv[3]
    args = sys.argv[4:]
    sep = args.index("--") if "--" in args else len(args)
    funcs, markers = args[:sep], args[sep + 1:]
    bs, ba = symbols(base)
    ps, pa = symbols(patched)
    guards = guard_lines(tree, markers)
    print("Map update/delete paths: instructions per function (objdump of the lean")
    print("vmlinux, base vs patched; nops/int3 padding dropped). 'guard' = instructions")
    print("objdump -l attributes to the tests the series puts in front of a release,")
    print("which is all of the series a map without referenced kptrs executes there:")
    for g in guards:
        print("    %s:%d" % g[:2])
    print("'4K' marks a function that straddles a 4K page in that image (TCG runs it")
    print("slower: it cannot chain translated blocks across pages).")
    print("%-32s %6s %8s %6s %6s %8s" % ("function", "base", "patched", "net", "guard",
                                        "4K b/p"))
    details = []
    for f in funcs:
        b = disasm(base, bs, ba, f)
        p = disasm(patched, ps, pa, f)
        if b is None or p is None:
            print("%-32s %s" % (f, "inlined/absent in %s" % ("base" if b is None else "patched")))
            continue
        t = []
        for g in guards:
            t += disasm(patched, ps, pa, f, g)
        print("%-32s %6d %8d %+6d %6d %8s" % (f, len(b), len(p), len(p) - len(b), len(t),
                                            "%s/%s" % (crosses_page(bs, f) or "-",
                                                       crosses_page(ps, f) or "-")))
        if t:
            details.append((f, t))
    for f, t in details:
        print("\n%s, guard instructions:" % f)
        for line in t:
            print("    " + line)


main()

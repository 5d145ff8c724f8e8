#!/usr/bin/env python3
"""Turn a VM run directory into the results table.

usage: report.py --run DIR --variant V --accel A --timed-out 0|1 TEST...

Reads DIR/res/TEST.log (test_progs -v output), DIR/res/TEST.rc ("exit ms"),
DIR/res/dmesg.txt, DIR/res/kmemleak.txt and DIR/console.log. Prints one row
per test (subtests passed/failed/skipped, duration, METRIC lines), a
"kernel-log" row for splats, the splats themselves, and a last line
"N passed, N failed, N skipped". Exits 1 if anything failed.
"""
import argparse
import os
import re
import sys

SPLAT = re.compile(
    r"WARNING:|BUG:|kernel BUG at|Oops:|general protection fault|Kernel panic|"
    r"INFO: task .* blocked for more than|rcu: INFO: .*detected stall|"
    r"detected stalls on CPUs|Watchdog detected hard LOCKUP|soft lockup|"
    r"KASAN:|UBSAN:|unreferenced object|possible recursive locking|"
    r"inconsistent lock state|circular locking|suspicious RCU usage")
SPLAT_END = re.compile(r"---\[ end trace|^\S*\s*$")
RESULT = re.compile(r"^#(\d+)(?:/(\d+))?\s+(\S+?):(OK|SKIP|FAIL)\b")
METRIC = re.compile(r"\bMETRIC (\w+)=(\S+)")


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return None


def failing_lines(res, test):
    """A failed test's log lines that say why: its failed asserts first,
    then anything else that looks like an error."""
    lines = (read(os.path.join(res, test + ".log")) or "").splitlines()
    asserts = [l for l in lines if ":FAIL:" in l]
    return asserts + [l for l in lines if l not in asserts and
                      re.search(r"FAIL|[Ee]rror|unexpected", l)]


def strip_ts(line):
    return re.sub(r"^\[\s*\d+\.\d+\]\s?", "", line)


def splats(text):
    """Yield (first line, excerpt) for each splat in a kernel log."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if SPLAT.search(lines[i]):
            start = max(0, i - 1 if "cut here" in lines[i - 1] else i)
            end = i + 1
            while end < len(lines) and end - i < 60:
                if "---[ end trace" in lines[end]:
                    end += 1
                    break
                if end > i + 1 and SPLAT.search(lines[end]) and "cut here" not in lines[end - 1]:
                    break
                end += 1
            yield strip_ts(lines[i]).strip(), lines[start:end]
            i = end
        else:
            i += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--variant", default="lean")
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--timed-out", default="0")
    ap.add_argument("--tsv", help="also write test, result, sub-ok/fail/skip, note rows here")
    ap.add_argument("--absent", default="",
                    help="comma-separated tests the series adds that this tree does not have")
    ap.add_argument("tests", nargs="+")
    a = ap.parse_args()
    res = os.path.join(a.run, "res")

    rows, npass, nfail, nskip = [], 0, 0, 0
    for t in a.tests:
        log, rc = read(os.path.join(res, t + ".log")), read(os.path.join(res, t + ".rc"))
        ok = fail = skip = 0
        top, note = None, ""
        metrics = []
        if log is None or rc is None:
            status, note, dur = "FAIL", "not run (guest died or timed out)", "-"
        else:
            code, ms = (rc.split() + ["0", "0"])[:2]
            dur = "%.1fs" % (int(ms) / 1000.0)
            for line in log.splitlines():
                m = RESULT.match(line)
                if m and m.group(3).split("/")[0] == t:
                    if m.group(2):
                        ok += m.group(4) == "OK"
                        fail += m.group(4) == "FAIL"
                        skip += m.group(4) == "SKIP"
                    else:
                        top = m.group(4)
                mm = METRIC.search(line)
                if mm:
                    metrics.append("%s=%s" % mm.groups())
            if top is None:
                status, note = "FAIL", "no result line (test not built or crashed; exit %s)" % code
            elif top == "FAIL" or code != "0" or fail:
                status = "FAIL"
                note = "exit %s" % code if code != "0" else ""
            elif top == "SKIP":
                status = "SKIP"
                note = "the test skipped itself (see config/tests.list)"
            else:
                status = "PASS"
            if top and not (ok or fail or skip):
                ok, fail, skip = int(top == "OK"), int(top == "FAIL"), int(top == "SKIP")
        npass += status == "PASS"
        nfail += status == "FAIL"
        nskip += status == "SKIP"
        rows.append((t, status, ok, fail, skip, dur, " ".join(metrics) or note))

    # Not run, not passed: counted as skipped so the summary shows them.
    for t in filter(None, a.absent.split(",")):
        nskip += 1
        rows.append((t, "ABSENT", "", "", "", "-", "not in this tree (config/tests.list: added by the series)"))

    # Kernel log: dmesg from the guest if it finished, else the console.
    dmesg = read(os.path.join(res, "dmesg.txt"))
    source = "dmesg"
    if dmesg is None:
        dmesg, source = read(os.path.join(a.run, "console.log")) or "", "console"
    dmesg += "\n" + (read(os.path.join(res, "kmemleak.txt")) or "")
    found = list(splats(dmesg))
    if a.timed_out == "1":
        found.append(("guest timed out", []))
    klog = "FAIL" if found else "PASS"
    npass += klog == "PASS"
    nfail += klog == "FAIL"
    rows.append(("kernel-log", klog, "", "", "", "-",
                 "%d splat(s) in %s" % (len(found), source) if found else "no splats (%s)" % source))

    if a.tsv:
        with open(a.tsv, "w") as f:
            for r in rows:
                note = r[6]
                if r[1] == "FAIL" and r[0] != "kernel-log":
                    bad = failing_lines(res, r[0])
                    note = (bad[0].strip() if bad else note)[:160]
                f.write("\t".join(str(x) for x in r[:5]) + "\t" + note.replace("\t", " ") + "\n")
    print()
    print("Results: %s kernel, %s, %s" % (a.variant, a.accel, a.run))
    hdr = ("test", "result", "sub-ok", "sub-fail", "sub-skip", "time", "notes")
    fmt = "%-22s %-6s %6s %8s %8s %7s  %s"
    print(fmt % hdr)
    print("-" * 78)
    for r in rows:
        print(fmt % r)
    print("-" * 78)
    for first, excerpt in found:
        print("\nSPLAT: %s" % first)
        for line in excerpt:
            print("    " + line)
    for t, status, *_ in rows:
        if status == "FAIL" and t != "kernel-log":
            bad = failing_lines(res, t)
            if bad:
                print("\n%s: failing lines (full log: %s)" % (t, os.path.join(res, t + ".log")))
                for l in bad[:25]:
                    print("    " + l)
    print()
    print("%d passed, %d failed, %d skipped" % (npass, nfail, nskip))
    return 1 if nfail else 0


def print_splats(path):
    """report.py --splats-in FILE: print the splats of any kernel log."""
    found = list(splats(read(path) or ""))
    for first, excerpt in found:
        print("SPLAT: %s" % first)
        for line in excerpt[:25]:
            print("    " + line)
    return 1 if found else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--splats-in"]:
        sys.exit(print_splats(sys.argv[2]))
    sys.exit(main())

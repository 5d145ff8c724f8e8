#!/usr/bin/env python3
"""Read config/mutants.list (format in its header) for scripts/mutants.sh.

  mutate.py LIST --names          one 'NAME<TAB>what it breaks' per mutant
  mutate.py LIST --check TREE     every mutant applies to TREE (exit 1 if not)
  mutate.py LIST --apply NAME TREE  apply one mutant to TREE
  mutate.py --killed-by VMLOG     what failed in a vm.sh run (tests, splat)
"""
import os
import re
import sys


def parse(path):
    muts, cur = [], None
    for n, line in enumerate(open(path).read().split('\n'), 1):
        if line.startswith('== '):
            name, file = line[3:].split()
            cur = {'name': name, 'file': file, 'what': '', 'hunks': [], 'line': n}
            muts.append(cur)
        elif not line or line.startswith('#'):
            continue
        elif cur is None:
            sys.exit(f'{path}:{n}: entry before the first "== NAME FILE"')
        elif line.startswith(': '):
            cur['what'] = line[2:]
        elif line[0] in '-+':
            # a '-' line after '+' lines starts the mutant's next hunk
            if not cur['hunks'] or (line[0] == '-' and cur['hunks'][-1]['new']):
                cur['hunks'].append({'old': [], 'new': []})
            cur['hunks'][-1]['old' if line[0] == '-' else 'new'].append(line[1:])
        else:
            sys.exit(f'{path}:{n}: unknown line {line!r}')
    for m in muts:
        if not m['hunks'] or not all(h['old'] for h in m['hunks']) or not m['what']:
            sys.exit(f'{path}:{m["line"]}: {m["name"]} needs ": what" and "-" lines')
    return muts


def apply(m, tree, write=True):
    path = f'{tree}/{m["file"]}'
    src = open(path).read()
    for i, h in enumerate(m['hunks'], 1):
        old, new = '\n'.join(h['old']) + '\n', '\n'.join(h['new']) + '\n' if h['new'] else ''
        if src.count(old) != 1:
            return (f'{m["name"]}: the code of hunk {i} occurs {src.count(old)} times in '
                    f'{m["file"]} (not once); update config/mutants.list to the series')
        src = src.replace(old, new)
    if write:
        open(path, 'w').write(src)
    return None


def killed_by(vmlog):
    """From a vm.sh output: failed subtests (tests without subtests by
    name), each test's first failed assertion, the first kernel splat, a
    guest timeout."""
    log = open(vmlog, errors='replace').read() if os.path.exists(vmlog) else ''
    fails, firsts = [], []
    for sect in re.split(r'^(?=\S+: failing lines)', log, flags=re.M)[1:]:
        subs = re.findall(r'^\s*#\d+/\d+\s+\S+?/(\S+):FAIL', sect, re.M)
        tops = re.findall(r'^\s*#\d+\s+(\S+):FAIL', sect, re.M)
        fails += subs or tops or [sect.split(':', 1)[0]]
        m = re.search(r'^\s*\w+:FAIL:(.*?)(?: unexpected .*)?$', sect, re.M)
        if m:
            firsts.append(m.group(1).strip())
    out = ','.join(fails)
    if firsts:
        out += ': ' + '; '.join(dict.fromkeys(firsts))
    if re.search(r'^kernel-log\s+FAIL', log, re.M):
        m = re.search(r'(WARNING:.*|BUG:.*|Oops:.*|circular locking.*|hard LOCKUP.*|'
                      r'soft lockup.*|Kernel panic.*)', log)
        out += '%skernel log: %s' % ('; ' if out else '', m.group(1)[:70] if m else 'splat')
    if 'did not finish within' in log:
        out += '%sguest timed out' % ('; ' if out else '')
    return out


def main():
    if sys.argv[1] == '--killed-by':
        print(killed_by(sys.argv[2]))
        return
    muts = parse(sys.argv[1])
    if sys.argv[2] == '--names':
        for m in muts:
            print(f'{m["name"]}\t{m["what"]}')
    elif sys.argv[2] == '--check':
        errs = [e for e in (apply(m, sys.argv[3], False) for m in muts) if e]
        print('\n'.join(errs), file=sys.stderr)
        sys.exit(1 if errs else 0)
    elif sys.argv[2] == '--apply':
        m = [m for m in muts if m['name'] == sys.argv[3]]
        err = apply(m[0], sys.argv[4]) if m else f'no mutant {sys.argv[3]}'
        if err:
            sys.exit(err)
    else:
        sys.exit(__doc__)


main()

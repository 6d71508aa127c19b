# SPDX-License-Identifier: GPL-2.0
"""The coverage a kselftest run reached in the driver under test.

On a kernel with CONFIG_GCOV_KERNEL, /init prints at the end of each boot
the gcov counters of every profiled object, gzipped and in base64,
between "INIT: gcov begin PATH" and "INIT: gcov end". PATH is the .gcda's
path in the host's build directory, next to the .gcno the compiler
wrote. For each object this runs the cross gcov on each boot's counters
and adds the boots up: per source file, the lines and branches run, and
the labels (a function's error and exit paths) whose code never ran.

A label counts as reached when the first line after it that has code
ran: gcov counts lines, not the jump to the label, so a label the
success path falls through to is reached by that path too.

Prints the table; writes coverage.json and coverage.txt to the results
directory, and adds the table to its summary.txt. Exit 0; 3 (infrastructure) when a boot that reached its end
printed no counters on a kernel that has gcov, or counters that do not
decode, or gcov cannot read them.
"""
import argparse
import base64
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from . import scan_console

BEGIN = 'INIT: gcov begin '
END = 'INIT: gcov end'
LABEL = re.compile(r'^([A-Za-z_]\w*):')


def dumps(text):
    """The (gcda path, bytes) blocks of one console; ValueError on a
    block that does not decode."""
    out = []
    path, chunks = None, []
    for line in text.splitlines():
        line = line.rstrip('\r')
        if line.startswith(BEGIN):
            path, chunks = line[len(BEGIN):].strip(), []
        elif line == END and path is not None:
            try:
                data = gzip.decompress(base64.b64decode(''.join(chunks),
                                                        validate=True))
            except (ValueError, OSError, EOFError) as e:
                raise ValueError('the counters of %s do not decode: %s'
                                 % (path, e)) from e
            out.append((path, data))
            path = None
        elif path is not None and re.fullmatch(r'[A-Za-z0-9+/=]+', line):
            chunks.append(line)
    if path is not None:
        raise ValueError('the counters of %s have no end marker' % path)
    return out


def run_gcov(gcda, data, gcov):
    """gcov's JSON for one object's counters @data (the .gcno is the one
    next to @gcda on the host)."""
    gcno = gcda[:-len('.gcda')] + '.gcno'
    if not os.path.isfile(gcno):
        raise ValueError('no %s for the counters of %s' % (gcno, gcda))
    with tempfile.TemporaryDirectory() as tmp:
        base = os.path.join(tmp, os.path.basename(gcda)[:-len('.gcda')])
        shutil.copyfile(gcno, base + '.gcno')
        with open(base + '.gcda', 'wb') as f:
            f.write(data)
        p = subprocess.run([gcov, '--json-format', '--stdout',
                            '--branch-probabilities', '-o', tmp, base + '.gcda'],
                           cwd=tmp, capture_output=True, text=True, check=False)
    if p.returncode or 'mismatch' in p.stderr or 'cannot open' in p.stderr:
        raise ValueError('%s on %s: %s' % (gcov, gcda,
                                            p.stderr.strip() or p.returncode))
    return [json.loads(l) for l in p.stdout.splitlines() if l.startswith('{')]


def add(total, docs, keep):
    """Add gcov's @docs to @total: {source: {'lines': {n: count},
    'branches': {(n, i): count}}} for the sources @keep accepts."""
    for doc in docs:
        for f in doc.get('files', []):
            if not keep(f['file']):
                continue
            t = total.setdefault(f['file'], {'lines': {}, 'branches': {}})
            for l in f.get('lines', []):
                n = l['line_number']
                t['lines'][n] = t['lines'].get(n, 0) + l['count']
                for i, b in enumerate(l.get('branches', [])):
                    k = (n, i)
                    t['branches'][k] = t['branches'].get(k, 0) + b['count']


def labels(source, lines):
    """The labels of @source as (name, line, reached), by the counts
    @lines of the first line with code after each."""
    try:
        with open(source, encoding='utf-8', errors='replace') as f:
            text = f.read().splitlines()
    except OSError:
        return []
    out = []
    for i, l in enumerate(text, 1):
        m = LABEL.match(l)
        if not m or m.group(1) == 'default':
            continue
        nxt = next((n for n in range(i, len(text) + 1) if n in lines), None)
        if nxt is not None:
            out.append((m.group(1), i, lines[nxt] > 0))
    return out


def summary(total, name):
    """Per source (named by @name) and in all: lines, branches, labels."""
    rows = []
    for src in sorted(total, key=name):
        t = total[src]
        lab = labels(src, t['lines'])
        rows.append({
            'file': name(src),
            'lines': len(t['lines']),
            'lines_run': sum(1 for c in t['lines'].values() if c),
            'branches': len(t['branches']),
            'branches_run': sum(1 for c in t['branches'].values() if c),
            'labels': len(lab),
            'labels_unreached': ['%s:%d' % (n, l) for n, l, r in lab if not r],
        })
    return rows


def pct(a, b):
    """@a of @b as a percentage for the table."""
    return '%5.1f%%' % (100.0 * a / b) if b else '    -'


def table(rows, group):
    """The printed table, with a total of the files @group matches."""
    out = ['%-40s %14s %14s %8s' % ('coverage (lines, branches run)', 'lines',
                                    'branches', 'labels')]
    sel = [r for r in rows if re.search(group, r['file'])]
    for r in rows + ([dict(file='in all: ' + group,
                           lines=sum(r['lines'] for r in sel),
                           lines_run=sum(r['lines_run'] for r in sel),
                           branches=sum(r['branches'] for r in sel),
                           branches_run=sum(r['branches_run'] for r in sel),
                           labels=sum(r['labels'] for r in sel),
                           labels_unreached=[x for r in sel
                                             for x in r['labels_unreached']])]
                     if len(sel) > 1 else []):
        out.append('%-40s %6s %7s %6s %7s %3d/%-4d' % (
            r['file'], pct(r['lines_run'], r['lines']),
            '%d/%d' % (r['lines_run'], r['lines']),
            pct(r['branches_run'], r['branches']),
            '%d/%d' % (r['branches_run'], r['branches']),
            r['labels'] - len(r['labels_unreached']), r['labels']))
    for r in rows:
        if r['labels_unreached']:
            out.append('  %s: labels not reached: %s' % (
                r['file'], ', '.join(r['labels_unreached'])))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('results')
    ap.add_argument('logs', nargs='+')
    ap.add_argument('--kernel-config', required=True,
                    help="the VM kernel's .config: gcov or not")
    ap.add_argument('--prefix', default='',
                    help='the tree path the sources are named with')
    ap.add_argument('--group', default=r'vfio_ap_\w+\.c$',
                    help='the files the total adds up')
    ap.add_argument('--gcov', default='s390x-linux-gnu-gcov')
    args = ap.parse_args()
    with open(args.kernel_config, encoding='utf-8') as f:
        if 'CONFIG_GCOV_KERNEL=y\n' not in f.read():
            print('coverage: none (the VM kernel has no CONFIG_GCOV_KERNEL)')
            return 0
    total = {}
    ended = 0
    try:
        for log in args.logs:
            text = scan_console.read(log)
            blocks = dumps(text)
            if 'INIT: done' not in text.splitlines() and not blocks:
                continue	# the boot stopped early: nothing to count
            ended += 1
            if not blocks:
                raise ValueError('%s reached its end and printed no gcov '
                                 'counters' % log)
            for gcda, data in blocks:
                objdir = os.path.dirname(gcda)
                add(total, run_gcov(gcda, data, args.gcov),
                    lambda src, d=objdir: src.endswith('.c') and
                    os.path.dirname(os.path.join(d, src)) == d)
    except (OSError, ValueError) as e:
        print('coverage: %s' % e)
        return 3
    if not ended:
        print('coverage: none (no boot reached its end)')
        return 0
    rows = summary(total, lambda s: args.prefix + os.path.basename(s))
    lines = table(rows, args.group)
    print('\n'.join(lines))
    with open(os.path.join(args.results, 'coverage.txt'), 'w',
              encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    with open(os.path.join(args.results, 'coverage.json'), 'w',
              encoding='utf-8') as f:
        json.dump(rows, f, indent=1)
        f.write('\n')
    # The verdict's summary shows it too.
    summ = os.path.join(args.results, 'summary.txt')
    if os.path.isfile(summ):
        with open(summ, 'a', encoding='utf-8') as f:
            f.write('\n'.join(lines) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())

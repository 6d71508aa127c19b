# SPDX-License-Identifier: GPL-2.0
"""The verdict of a differential run (tools/testing/diff.sh).

Reads the VM's console: the lines of vfio_ap_diff ("diff: ...") and
/init's markers ("INIT: ..."), and the kernel reports, judged as in a
kselftest run: an allowlisted report is shown, a report the findings
file lists for the real driver is known, any other fails the run.
With --divergences and --kunit-py it also judges the KUnit
differential of the real vfio_ap_ops.c: the KTAP between /init's kunit
markers (kunit.ktap), parsed by the tree's kunit.py (kunit.json), and
its "divergence NAME: N of M" lines against the list's "test: kunit"
entries. Writes
summary.txt and result.json into the results directory and prints the
summary.

With --stale report (ci/gate), a divergence entry that no longer shows
is a FIXED line and passes.

Exit: 0 passed, 1 a difference (or a stale divergence entry), 2 a new
kernel report, 3 the run did not complete (infrastructure), 4 a hang.
"""
import argparse
import json
import os
import re
import sys

from . import counts
from . import findings
from . import ktap
from . import scan_console


def load_divergences(path, series, test):
    """The names of @path's entries for @series and @test ('' is the
    sequence test), from its blocks of "key: value" lines."""
    entries, cur = [], None
    with open(path, encoding='utf-8') as f:
        for line in f:
            m = re.match(r'^([a-z]+): ?(.*)$', line)
            if not m:
                continue
            if m.group(1) == 'name':
                cur = {'name': m.group(2).strip()}
                entries.append(cur)
            elif cur is not None:
                cur[m.group(1)] = m.group(2).strip()
    return [e['name'] for e in entries
            if e.get('test', '') == test and
            e.get('series', series) == series]


def kunit_parse(text, results, kunit_py):
    """The KTAP /init printed between the kunit markers, parsed by the
    tree's kunit.py into kunit.json (kunit.ktap, kunit.txt): the KTAP,
    the JSON test tree (or the ValueError that says why there is none)
    and the number of problems kunit.py found in the KTAP."""
    k = ''.join(block for _, block in ktap.blocks(text))
    try:
        return (k, *ktap.parse(k, os.path.join(results, 'kunit'), kunit_py))
    except ValueError as e:
        return k, e, 0


def judge_kunit(k, tree, problems, listed):
    """The KUnit differential: its cases from kunit.py's JSON @tree, and
    the "divergence NAME: N of M" lines of the KTAP @k against the
    listed names. @problems that kunit.py found in the KTAP fail it."""
    out = {'ran': False, 'passed': 0, 'failed': 0, 'lines': []}
    if isinstance(tree, ValueError):
        out['lines'].append('FAIL kunit: no results (%s)' % tree)
        out['failed'] = 1
        return out
    out['ran'] = True
    if problems:
        out['failed'] += 1
        out['lines'].append('FAIL kunit: kunit.py found %d errors in the '
                            'KTAP (kunit.txt)' % problems)
    cases = ktap.cases(tree)
    for c in cases:
        if c['status'] == 'PASS':
            out['passed'] += 1
        else:
            out['failed'] += 1
            out['lines'].append('FAIL kunit %s: %s' % (c['name'],
                                                       c['status']))
    if not cases:
        out['failed'] += 1
        out['lines'].append('FAIL kunit: no test case ran')
    # kunit_info() lines: "# CASE: divergence NAME: N of M".
    shown = {m.group(1): int(m.group(2)) for m in re.finditer(
        r'^\s*# \S+: divergence (\S+): (\d+) of \d+$', k, re.M)}
    for name in listed:
        if shown.get(name, 0):
            out['passed'] += 1
            out['lines'].append('kunit divergence %s shows (%d times)'
                                % (name, shown[name]))
        else:
            out['failed'] += 1
            out['lines'].append('FAIL kunit divergence %s no longer shows'
                                % name)
    for name, n in sorted(shown.items()):
        if n and name not in listed:
            out['failed'] += 1
            out['lines'].append('FAIL kunit divergence %s (%d times) is '
                                'not in the divergence list' % (name, n))
    # Not a "N passed, N failed" line: the differential's counts line
    # holds these, and make test adds up such lines.
    out['lines'].append('kunit differential: %d of %d checks as expected'
                        % (out['passed'], out['passed'] + out['failed']))
    return out


STALE = re.compile(r'FAIL ((kunit )?divergence \S+ .*no longer shows|seed \d+: stale)')


def fixed(lines):
    """@lines with each stale divergence line ("FAIL divergence NAME no
    longer shows", the KUnit ones too) made a "FIXED" line: with --stale
    report, a series that fixes what a divergence entry records."""
    return [('FIXED ' + l[len('FAIL '):]) if STALE.match(l) else l
            for l in lines]


def judge(text, allow, entries, stale_report=False):
    """The verdict as a dict: exit code, counts and lines."""
    diff = [l[len('diff: '):] for l in text.splitlines()
            if l.startswith('diff: ')]
    nfixed = 0
    if stale_report:
        nfixed = sum(1 for l in diff if STALE.match(l))
        diff = fixed(diff)
    exitline = re.search(r'^INIT: diff exit (\d+)$', text, re.M)
    ok = next((l for l in diff if l.startswith('ok ')), None)
    fail = [l for l in diff if l.startswith('FAIL ')]
    ops = re.search(r'^ok seed \d+: (\d+) operations', ok or '')
    reports = scan_console.judged(text, allow)
    findings.mark_known(entries, reports)
    new = [r for r in reports if not r['allowed'] and not r['known']]
    hang = any(scan_console.detector_of(r['title']) == 'hang'
               for r in new) or 'HOST: watchdog fired' in text
    if hang:
        rc = 4
    elif new:
        rc = 2
    elif fail:
        rc = 1
    elif not exitline or not ok or \
            exitline.group(1) not in ('0', '1' if nfixed else '0'):
        rc = 3
    else:
        rc = 0
    # The counts: the random run, and each divergence entry on its own
    # sequence. The run passes when nothing but stale entries failed.
    shown = [l for l in diff if re.match(r'divergence \S+ shows', l)]
    stale = [l for l in fail if re.match(r'FAIL (divergence \S+ no longer|'
                                         r'seed \d+: stale)', l)]
    run_ok = rc == 0 or (rc == 1 and len(stale) == len(fail))
    return {
        'exit': rc,
        'passed': int(run_ok) + len(shown),
        'failed': int(not run_ok) + len([l for l in stale
                                         if 'no longer' in l]),
        'operations': int(ops.group(1)) if ops else 0,
        'diff': diff,
        'reports': [{'title': r['title'], 'count': r['count'],
                     'allowed': r['allowed'],
                     'known': r['known'].where if r['known'] else None}
                    for r in reports],
    }


def summary(v, desc):
    verdicts = {0: 'passed', 1: 'failed: the drivers differ',
                2: 'failed: a new kernel report',
                3: 'failed: the run did not complete (infrastructure)',
                4: 'failed: hang or timeout'}
    out = ['differential: %s' % desc, '']
    out += ['  ' + l for l in v['diff']]
    out.append('')
    for r in v['reports']:
        how = ('allowed: %s' % r['allowed'] if r['allowed'] else
               'known: %s' % r['known'] if r['known'] else 'NEW')
        out.append('report: %s (x%d) -- %s' % (r['title'], r['count'], how))
    out.append('verdict: %s (exit %d)' % (verdicts[v['exit']], v['exit']))
    out.append(counts.line('differential(%s)' % v['series'], v['passed'],
                           v['failed']))
    return '\n'.join(out) + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('results')
    ap.add_argument('--allowlist', required=True)
    ap.add_argument('--findings')
    ap.add_argument('--desc', default='')
    ap.add_argument('--series', default='?',
                    help='the kernel series, for the counts line')
    ap.add_argument('--divergences',
                    help='the divergence list, for the KUnit differential')
    ap.add_argument('--stale', choices=('fail', 'report'), default='fail',
                    help='a divergence entry that no longer shows fails '
                    'the run (the default), or is reported as FIXED')
    ap.add_argument('--kunit-py',
                    help="the tree's kunit.py: with --divergences, judge "
                    'the KUnit differential of the console')
    args = ap.parse_args()
    try:
        text = scan_console.read(os.path.join(args.results, 'console.log'))
        allow = scan_console.load_allowlist(args.allowlist)
        entries = findings.load(args.findings) if args.findings else []
    except (OSError, ValueError, re.error) as e:
        print('judge.diff: %s' % e, file=sys.stderr)
        return 3
    v = judge(text, allow, entries, args.stale == 'report')
    v['series'] = args.series
    if args.divergences and args.kunit_py:
        try:
            listed = load_divergences(args.divergences, args.series,
                                      'kunit')
            k = judge_kunit(*kunit_parse(text, args.results,
                                         args.kunit_py), listed)
        except OSError as e:
            print('judge.diff: %s' % e, file=sys.stderr)
            return 3
        if args.stale == 'report':
            gone = sum(1 for l in k['lines'] if STALE.match(l))
            k['lines'] = fixed(k['lines'])
            k['failed'] -= gone
        v['kunit'] = k
        v['diff'] += k['lines']
        v['passed'] += k['passed']
        v['failed'] += k['failed']
        if k['failed'] and v['exit'] == 0:
            v['exit'] = 1 if k['ran'] else 3
    s = summary(v, args.desc)
    with open(os.path.join(args.results, 'summary.txt'), 'w') as f:
        f.write(s)
    with open(os.path.join(args.results, 'result.json'), 'w') as f:
        json.dump(v, f, indent=1)
    sys.stdout.write(s)
    counts.record('differential(%s)' % v['series'], v['passed'], v['failed'],
                  quiet=True)
    return v['exit']


if __name__ == '__main__':
    sys.exit(main())

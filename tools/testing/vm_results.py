#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a VM console log into results and a verdict.

The verdict is computed here from the TAP and the console, never from
run_kselftest.sh's exit status (on 6.1 it is 0 even when tests fail).
Subtests that a plan ("1..N") announced but that never reported, as
happens when the kselftest timeout kills a test, count as failed.

A run the host stopped after its first detection (VM_STOP_GRACE, the
"VAR-HOST: stopped" line) is judged on what it found; the tests it cut
short are neither passed nor failed.

Writes into RESULTS_DIR: tap.txt, junit.xml, summary.txt, reports.txt and
detection.json: the first detection, the detector that made it and, when
the console was timestamped (console.times), the seconds from the start
of the tests. Exit codes:
  0 all passed, clean console     1 a test failed
  2 a kernel report appeared      3 infrastructure failed
  4 hang or timeout
Usage: vm_results.py CONSOLE_LOG RESULTS_DIR --lock-order F [--series X.Y]
       [--allowlist F] [--wall S] [--driver DESCRIPTION]
The lock-order file (tools/testing/lock-order/) gives the hierarchy that
the lockdep edges are checked against and the documented edges counted.
"""

import argparse
import json
import os
import re
import sys
from xml.sax.saxutils import escape, quoteattr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import datafile  # noqa: E402
import findings  # noqa: E402
import scan_console  # noqa: E402

NAME = re.compile(r'^# selftests: (\S+): (\S+)$')
TAP_FAIL = re.compile(r'^(?:# )*not ok \d+ (?:selftests: \S+ )?(\S+)')
STRESS_RUN = re.compile(r'^# #\s+RUN\s+stress\.')
OUTER = re.compile(r'^(not )?ok (\d+) selftests: (\S+): (\S+)(.*)$')
INNER = re.compile(r'^# (not )?ok (\d+) (\S+)(.*)$')
PLAN = re.compile(r'^# 1\.\.(\d+)')


def section(lines, begin, end):
    try:
        a = lines.index(begin)
    except ValueError:
        return None
    try:
        b = lines.index(end, a)
    except ValueError:
        b = len(lines)
    return lines[a + 1:b]


ASSERT = re.compile(r'^# # \S+\.c:\d+:[^:]+:(.+)$')


def parse_tap(lines):
    """[{name, status, subtests: [(name, status, detail)]}] from the runner.

    A failing subtest's detail is its first assertion message when it
    printed one, else the TAP line's directive."""
    suites = []
    cur = {'subtests': [], 'plan': None}
    first_assert = None
    for line in lines:
        m = ASSERT.match(line)
        if m and first_assert is None and 'Expected' in m.group(1):
            first_assert = m.group(1).strip()
            continue
        m = NAME.match(line)
        if m:
            cur['name'] = '%s:%s' % (m.group(1), m.group(2))
            continue
        m = PLAN.match(line)
        if m:
            cur['plan'] = int(m.group(1))
            continue
        m = INNER.match(line)
        if m:
            detail = m.group(4).strip()
            status = 'skip' if '# SKIP' in detail else \
                     'fail' if m.group(1) else 'pass'
            if status == 'fail' and first_assert:
                detail = first_assert
            first_assert = None
            cur['subtests'].append((m.group(3), status, detail))
            continue
        m = OUTER.match(line)
        if m:
            name = '%s:%s' % (m.group(3), m.group(4))
            subs = cur['subtests']
            if cur['plan'] is not None and len(subs) < cur['plan']:
                for k in range(len(subs), cur['plan']):
                    subs.append(('subtest %d' % (k + 1), 'fail',
                                 'no result: killed or timed out'))
            outer = 'skip' if '# SKIP' in m.group(5) else \
                    'fail' if m.group(1) else 'pass'
            if outer == 'fail' and all(s[1] != 'fail' for s in subs):
                subs.append(('(exit status)', 'fail', m.group(5).strip()))
            suites.append({'name': name, 'status': outer, 'subtests': subs})
            cur = {'subtests': [], 'plan': None}
    if cur['subtests'] or 'name' in cur:
        # Cut short by the host: what it reported, nothing more.
        suites.append({'name': cur.get('name', 'unnamed'), 'status': 'incomplete',
                       'subtests': cur['subtests']})
    return suites


def first_detection(lines, reports):
    """The earliest detection, (line, detector, title), or None: a report
    the allowlist lets through, a failing test or the host watchdog."""
    cands = [(r['line'], scan_console.detector_of(r['title']), r['title'])
             for r in reports if not r['allowed']]
    for i, line in enumerate(lines):
        m = TAP_FAIL.match(line)
        if m and '# SKIP' not in line:
            cands.append((i + 1, 'test', 'test failed: %s' % m.group(1)))
            break
    for i, line in enumerate(lines):
        if line.startswith('VAR-HOST: watchdog'):
            cands.append((i + 1, 'hang', 'host watchdog'))
    return min(cands) if cands else None


def detection_json(lines, reports, results):
    """first_detection() as a dict, with its time when the console was
    timestamped (console.times): since the tests and since the stress began."""
    first = first_detection(lines, reports)
    if not first:
        return None
    line, detector, title = first
    det = {'detector': detector, 'title': title, 'line': line, 'seconds': None,
           'stress_seconds': None}
    try:
        with open(os.path.join(results, 'console.times'), encoding='utf-8') as f:
            times = [float(t) for t in f.read().split()]
        at = times[min(line, len(times)) - 1]
        det['seconds'] = round(at - times[lines.index('VAR: tests begin')], 1)
        # Seconds since the stress began, when it had.
        stress = next((i for i, l in enumerate(lines) if STRESS_RUN.match(l)), None)
        if stress is not None and stress < line:
            det['stress_seconds'] = round(at - times[stress], 1)
    except (OSError, ValueError, IndexError):
        pass
    return det


def lockdep_edges(lines):
    """Direct forward edges between classes, from /proc/lockdep."""
    edges = set()
    src = None
    for line in lines or []:
        m = re.match(r'^[0-9a-f]+ (?:OPS:\s*\d+ )?FD:\s*\d+ BD:\s*\d+ \S+: (.+)$', line)
        if m:
            src = m.group(1).strip()
            continue
        m = re.match(r'^ -> \[[0-9a-f]+\] (.+)$', line)
        if m and src:
            edges.add((src, m.group(1).strip()))
    return edges


# What the kernel prints when lockdep stops recording: after a lockdep
# report of its own, or when a report (KASAN, BUG) taints the kernel.
LOCKDEP_OFF = re.compile(r'Disabling lock debugging due to kernel taint|'
                         r'turning off the locking correctness validator')


def lockdep_off(lines):
    """The 1-based console line where lockdep stopped recording, or None."""
    for i, line in enumerate(lines):
        if LOCKDEP_OFF.search(line):
            return i + 1
    return None


def load_lock_order(path, series=None):
    """The hierarchy ("class" lines, highest first) and the documented
    edges ("edge A -> B") of a lock-order file. A line that ends in
    "@SERIES" (e.g. "@6.1") holds only for that kernel series: it is
    dropped for another, and when @series is None."""
    hierarchy, documented = [], []
    for n, line in datafile.lines(path):
        m = re.fullmatch(r'(.*?)\s+@(\d+\.\d+)', line)
        if m:
            if m.group(2) != series:
                continue
            line = m.group(1)
        kind, _, rest = line.partition(' ')
        if kind == 'class':
            hierarchy.append(rest.strip())
        elif kind == 'edge' and ' -> ' in rest:
            documented.append(tuple(x.strip() for x in rest.split(' -> ', 1)))
        else:
            raise ValueError('%s:%d: not a class or edge line' % (path, n))
    if len(set(hierarchy)) != len(hierarchy):
        raise ValueError('%s: a class appears twice for series %s' % (path, series))
    for e in documented:
        if e[0] not in hierarchy or e[1] not in hierarchy or \
           hierarchy.index(e[0]) >= hierarchy.index(e[1]):
            raise ValueError('%s: edge %s -> %s goes up the hierarchy' % (path, e[0], e[1]))
    return hierarchy, documented


def lockdep_report(edges, hierarchy, documented):
    ours = set(hierarchy)
    rank = {c: i for i, c in enumerate(hierarchy)}
    seen = [e for e in documented if e in edges]
    bad = sorted(e for e in edges
                 if e[0] in ours and e[1] in ours and rank[e[0]] >= rank[e[1]])
    return seen, bad


def junit(suites, reports, path):
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>']
    for s in suites:
        fails = sum(1 for t in s['subtests'] if t[1] == 'fail')
        skips = sum(1 for t in s['subtests'] if t[1] == 'skip')
        out.append('  <testsuite name=%s tests="%d" failures="%d" skipped="%d">' %
                   (quoteattr(s['name']), len(s['subtests']), fails, skips))
        for name, status, detail in s['subtests']:
            out.append('    <testcase classname=%s name=%s>' %
                       (quoteattr(s['name']), quoteattr(name)))
            if status == 'fail':
                out.append('      <failure message=%s/>' % quoteattr(detail or 'failed'))
            elif status == 'skip':
                out.append('      <skipped message=%s/>' % quoteattr(detail))
            out.append('    </testcase>')
        out.append('  </testsuite>')
    out.append('  <testsuite name="kernel-console" tests="%d" failures="%d">' %
               (max(1, len(reports)),
                sum(1 for r in reports if not r['allowed'] and not r.get('known'))))
    if not reports:
        out.append('    <testcase classname="kernel-console" name="no reports"/>')
    for r in reports:
        out.append('    <testcase classname="kernel-console" name=%s>' % quoteattr(r['title']))
        if r.get('known'):
            out.append('      <skipped message=%s/>' %
                       quoteattr('known finding, %s' % r['known'].where))
        elif not r['allowed']:
            out.append('      <failure message=%s/>' %
                       quoteattr('x%d, console line %d' % (r['count'], r['line'])))
        out.append('    </testcase>')
    out.append('  </testsuite>')
    out.append('</testsuites>')
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(out) + '\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('log')
    ap.add_argument('results')
    ap.add_argument('--allowlist')
    ap.add_argument('--wall', type=float, default=0.0)
    ap.add_argument('--driver', default='')
    ap.add_argument('--lock-order', required=True)
    ap.add_argument('--series', help='the kernel series, for @SERIES lines '
                    'of the lock-order file')
    ap.add_argument('--findings')
    args = ap.parse_args()
    try:
        with open(args.log, encoding='utf-8', errors='replace') as f:
            text = f.read()
        allow = scan_console.load_allowlist(args.allowlist) if args.allowlist else []
        hierarchy, documented = load_lock_order(args.lock_order, args.series)
        known_findings = findings.load(args.findings) if args.findings else []
    except (OSError, ValueError) as e:
        print('vm_results: %s' % e, file=sys.stderr)
        return 3
    lines = [l.rstrip('\r') for l in text.splitlines()]
    markers = [l for l in lines if l.startswith('VAR: ') or l.startswith('VAR-HOST: ')]

    reports = scan_console.judged(text, allow)
    tap = section(lines, 'VAR: tests begin', 'VAR: tests end') or []
    suites = parse_tap(tap)
    tests_run = {t[0] for s in suites for t in s['subtests']}
    failures = [{'title': 'test failed: %s: %s' % (t[0], t[2]), 'allowed': None}
                for s in suites for t in s['subtests'] if t[1] == 'fail']
    stale = findings.judge(known_findings, reports + failures, tests_run)
    known_failures = [f for f in failures if f['known']]
    ld = section(lines, 'VAR: lockdep begin', 'VAR: lockdep end')
    seen, bad = lockdep_report(lockdep_edges(ld), hierarchy, documented)

    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, 'tap.txt'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(tap) + '\n')
    junit(suites, reports, os.path.join(args.results, 'junit.xml'))
    with open(os.path.join(args.results, 'reports.txt'), 'w', encoding='utf-8') as f:
        for r in reports:
            f.write('%s: %s (x%d, line %d)\n' % ('ALLOWED' if r['allowed'] else 'REPORT',
                                                r['title'], r['count'], r['line']))

    infra = []
    if 'VAR: boot ok' not in markers:
        infra.append('the VM did not boot to /init')
    infra += [m[5:] for m in markers if m.startswith('VAR: insmod') and m.endswith('failed')]
    stopped = any(m.startswith('VAR-HOST: stopped') for m in markers)
    known = [r for r in reports if r.get('known')]
    real = [r for r in reports if not r['allowed'] and not r.get('known')]
    # A known deadlock's hung-task report panics the VM: what is left
    # of the tests is not run, and says so.
    known_stop = not real and any(r['title'].startswith('task hung') for r in known)
    if 'VAR: boot ok' in markers and 'VAR: tests end' not in markers and \
       not stopped and not known_stop:
        infra.append('the tests did not finish')
    if not suites and 'VAR: tests end' in markers:
        infra.append('no TAP results')
    failed_checks = [m[5:] for m in markers if m.startswith('VAR: unload') and m.endswith('failed')]
    watchdog = any(m.startswith('VAR-HOST: watchdog') for m in markers)
    hung = [r for r in real if r['title'].startswith('task hung')]

    det = detection_json(lines, reports, args.results)
    with open(os.path.join(args.results, 'detection.json'), 'w', encoding='utf-8') as f:
        json.dump(det, f)
        f.write('\n')

    npass = sum(1 for s in suites for t in s['subtests'] if t[1] == 'pass')
    nfail = sum(1 for s in suites for t in s['subtests'] if t[1] == 'fail') + \
        len(failed_checks) - len(known_failures)
    nskip = sum(1 for s in suites for t in s['subtests'] if t[1] == 'skip')

    if hung or watchdog:
        code, verdict = 4, 'hang' + (' (host watchdog)' if watchdog and not hung else '')
    elif real:
        code, verdict = 2, 'kernel report'
    elif infra:
        code, verdict = 3, 'infrastructure: ' + '; '.join(infra)
    elif nfail or bad:
        code, verdict = 1, 'test failed'
    elif stale:
        code, verdict = 1, 'stale finding'
    else:
        code, verdict = 0, 'passed' + (' (known findings)' if known or known_failures else '')
    if bad and code == 0:
        code, verdict = 1, 'forbidden lock order'

    rows = ['driver: %s' % args.driver] if args.driver else []
    rows.append('%-28s %6s %6s %6s %6s' % ('suite', 'tests', 'pass', 'fail', 'skip'))
    for s in suites:
        st = s['subtests']
        rows.append('%-28s %6d %6d %6d %6d' % (
            s['name'], len(st), sum(1 for t in st if t[1] == 'pass'),
            sum(1 for t in st if t[1] == 'fail'), sum(1 for t in st if t[1] == 'skip')))
    if failed_checks or any(m.startswith('VAR: unload') for m in markers):
        ok = sum(1 for m in markers if m.startswith('VAR: unload') and m.endswith(' ok'))
        rows.append('%-28s %6d %6d %6d %6d' % ('module-unload', ok + len(failed_checks),
                                                 ok, len(failed_checks), 0))
    rows.append('')
    rows.append('kernel reports: %d%s' % (len(real), ''.join('\n  %s (x%d)' % (r['title'], r['count']) for r in real)))
    if known or known_failures:
        rows.append('known findings: %d%s%s' % (len(known) + len(known_failures), ''.join(
            '\n  %s (x%d): %s' % (r['title'], r['count'], r['known'].where) for r in known),
            ''.join('\n  %s: %s' % (f['title'], f['known'].where) for f in known_failures)))
    if stale:
        rows.append('stale findings: %d%s' % (len(stale), ''.join(
            '\n  %s: %s fired %s, but not in this run of %s' %
            (e.where, e.title, e.fires, e.trigger) for e in stale)))
    if known_stop and 'VAR: tests end' not in markers:
        rows.append('stopped by a known finding: the remaining tests did not run')
    allowed = [r for r in reports if r['allowed']]
    if allowed:
        rows.append('allowed reports: %d%s' % (len(allowed), ''.join(
            '\n  %s (x%d): allowlisted' % (r['title'], r['count']) for r in allowed)))
    if ld is not None:
        rows.append('lock-order coverage: %d/%d documented edges (%.0f%%)' %
                    (len(seen), len(documented), 100.0 * len(seen) / len(documented)))
        for e in documented:
            rows.append('  %s %s -> %s' % ('seen   ' if e in seen else 'missing', e[0], e[1]))
        for e in bad:
            rows.append('  FORBIDDEN %s -> %s' % e)
        off = lockdep_off(lines)
        if off:
            rows.append('  lockdep stopped recording at console line %d: lock edges '
                        'taken after it are not in this graph' % off)
    if det:
        rows.append('first detection: %s: %s%s%s' % (
            det['detector'], det['title'],
            '' if det['seconds'] is None else ', %.1f s into the tests' % det['seconds'],
            '' if det['stress_seconds'] is None else
            ' (%.1f s into the stress)' % det['stress_seconds']))
    if stopped:
        rows.append('stopped by the host after the first detection')
    rows.append('wall time: %.1f s' % args.wall)
    rows.append('verdict: %s (exit %d)' % (verdict, code))
    rows.append('vm: %d passed, %d failed, %d skipped' %
                (npass, nfail + len(real) + len(stale), nskip))
    summary = '\n'.join(rows) + '\n'
    with open(os.path.join(args.results, 'summary.txt'), 'w', encoding='utf-8') as f:
        f.write(summary)
    sys.stdout.write(summary)
    return code


if __name__ == '__main__':
    sys.exit(main())

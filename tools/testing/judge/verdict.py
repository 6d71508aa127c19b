# SPDX-License-Identifier: GPL-2.0
"""Turn the console logs of a run's boots into results and a verdict.

The verdict is computed here from the TAP and the console, never from
run_kselftest.sh's exit status (on 6.1 it is 0 even when tests fail).
Subtests that a plan ("1..N") announced but that never reported, as
happens when the kselftest timeout kills a test, count as failed.

A run is one boot, or several when known findings ended a boot's useful
results early (resume.py): the results are merged, every boot's reports
and failures are judged, and the lockdep graphs are joined. A run the
host stopped after its first detection (VM_STOP_GRACE, the "HOST:
stopped" line) is judged on what it found; the tests it cut short are
neither passed nor failed.

Writes into RESULTS_DIR: tap.txt, junit.xml, summary.txt, reports.txt,
lockgraph.dot and .svg (lockgraph.py; when lockdep's graph was dumped, or
from the edges of a lock cycle's report) and
detection.json: the run's first detection that is not a known finding,
the detector that made it and, when the console was timestamped
(console.times), the seconds of tests before it. Exit codes:
  0 all passed, clean console     1 a test failed
  2 a kernel report appeared      3 infrastructure failed
  4 hang or timeout
Usage: python3 -m judge.verdict RESULTS_DIR CONSOLE_LOG... --lock-order F
       [--series X.Y] [--allowlist F] [--findings F] [--wall S]
       [--driver DESCRIPTION] [--stale fail|report] [--next-boot F]
The lock order (the model's: driver/vfio_ap_locks.c's kernel-doc; the
real driver's: tools/testing/lock-order/upstream.txt) gives the hierarchy
that the lockdep edges are checked against and the documented edges
counted.
With --stale=report (ci/gate), a stale finding is listed as fixed and
does not fail the run. With --next-boot, nothing is written but F:
"defer=0|1" and "ran=TESTS" lines for the next boot's selftest.defer= and
/selftest-ran, or nothing when another boot would add nothing.
"""

import argparse
import json
import os
import re
import sys

from . import boot_log
from . import counts
from . import datafile
from . import findings
from . import junit
from . import lockgraph
from . import resume
from . import scan_console

TAP_FAIL = re.compile(r'^(?:# )*not ok \d+ (?:selftests: \S+ )?(\S+)')
STRESS_RUN = re.compile(r'^# #\s+RUN\s+stress\.')
# QEMU's own death on its stderr, which is the console: a failed glib or
# C assertion, or cpu_abort(). An emulator bug, not the guest's.
QEMU_DIED = re.compile(r'^(?:Bail out! ERROR:(.*)|qemu: fatal: (.*)|'
                       r'qemu-system-\w+: (.*Assertion .* failed\.))')
# The title of the detection a run ended by boot.sh's wall-clock watchdog
# has: no report, the VM ran out of time (make replay counts it as none).
HOST_WATCHDOG = 'host watchdog'


def first_detection(boot, failures=()):
    """The earliest detection of @boot, (line, detector, title), or None:
    a report that neither the allowlist nor a known finding lets through,
    a failing test that is not a known finding, or the host watchdog.

    @failures: judge()'s failures, which mark the known ones; the reports
    of @boot must have been through judge() too."""
    cands = [(r['line'], scan_console.detector_of(r['title']), r['title'])
             for r in boot.reports if not r['allowed'] and not r.get('known')]
    known = {f['test'] for f in failures
             if f['boot'] == boot.number and f.get('known') and f['test']}
    cands += [(t.line, 'test', 'test failed: %s' % t.name) for t in boot.tests
              if t.status == 'fail' and t.name not in known]
    cands += [(i + 1, 'hang', HOST_WATCHDOG) for i, line in enumerate(boot.lines)
              if line.startswith('HOST: watchdog')]
    return min(cands) if cands else None


STALL_TEST = re.compile(r'^\s+test (\S+) \(process \d*\)')


def report_test(boot, line):
    """The test of the report at console line @line of @boot: the one a
    stall watcher's report names (the stuck task's own; the harness may
    have moved on to others since it killed it), else the test running
    then."""
    for l in boot.lines[line:line + 2]:
        m = STALL_TEST.match(l)
        if m and m.group(1) != 'unknown':
            return m.group(1)
    return boot.test_at(line)


def stall_stack(boot, line, limit=24):
    """The call trace of the stall report at console line @line of @boot
    (a hung task, a task that cannot die, an RCU stall): the frame lines
    from its first "Call Trace:" on, at most @limit."""
    lines = boot.lines[line - 1:line + 80]
    start = next((i for i, l in enumerate(lines) if 'Call Trace:' in l), None)
    out = []
    for l in lines[start + 1:] if start is not None else []:
        if not scan_console.FRAME.search(l) or len(out) == limit:
            break
        out.append(l.strip())
    return out


def console_times(boot):
    """The host times of @boot's console lines (console.times next to its
    log), or None."""
    try:
        with open(os.path.join(os.path.dirname(os.path.abspath(boot.path)),
                               'console.times'), encoding='utf-8') as f:
            return [float(t) for t in f.read().split()]
    except (OSError, ValueError):
        return None


def detection_json(boots, failures):
    """The run's first detection (first_detection() of the first boot that
    has one) as a dict, with its boot and, when the consoles were
    timestamped, its time: seconds of tests before it, earlier boots'
    included, and seconds since the stress began when it had."""
    for b in boots:
        first = first_detection(b, failures)
        if first:
            break
    else:
        return None
    line, detector, title = first
    det = {'detector': detector, 'title': title, 'boot': b.number, 'line': line,
           'test': report_test(b, line), 'seconds': None, 'stress_seconds': None}
    try:
        before = 0.0
        for e in boots[:boots.index(b)]:
            t = console_times(e)
            before += t[-1] - t[e.lines.index('INIT: tests begin')]
        times = console_times(b)
        at = times[min(line, len(times)) - 1]
        det['seconds'] = round(before + at - times[b.lines.index('INIT: tests begin')], 1)
        # Seconds since the stress began, when it had.
        stress = next((i for i, l in enumerate(b.lines) if STRESS_RUN.match(l)), None)
        if stress is not None and stress < line:
            det['stress_seconds'] = round(at - times[stress], 1)
    except (TypeError, ValueError, IndexError):
        pass
    return det


def load_lock_order(path, series=None):
    """The hierarchy ("class" lines, highest first) and the documented
    edges ("edge A -> B") of a lock-order file, or of the "DOC: vfio_ap_ref
    lock hierarchy" kernel-doc of a C file (the model's is in
    driver/vfio_ap_locks.c). A line that ends in "@SERIES" (e.g. "@6.1")
    holds only for that kernel series: it is dropped for another, and when
    @series is None."""
    hierarchy, documented = [], []
    entries = datafile.doc_table(path, 'vfio_ap_ref lock hierarchy') \
        if path.endswith('.c') else datafile.lines(path)
    for n, line in entries:
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


def junit_suites(merged, failures, reports):
    """The JUnit suites (junit.xml()): one case per merged test, and the
    kernel reports."""
    suites = {}
    for m in merged.values():
        suites.setdefault(m.test.suite, []).append(m)
    extra = {}
    for f in failures:
        if merged.get(f['test']) and merged[f['test']].test is not f['result']:
            extra.setdefault(f['test'], []).append(f)
    out = []
    for name, tests in suites.items():
        cases = []
        for m in tests:
            t = m.test
            msgs = ['%s (boot %d)' % (t.detail or 'failed', m.boot)] \
                if t.status == 'fail' else []
            msgs += ['%s (boot %d)' % (f['result'].detail, f['boot'])
                     for f in extra.get(t.name, [])]
            cases.append(junit.Case(t.name, failure='; '.join(msgs) if msgs else None,
                                    skipped=t.detail if t.status == 'skip' else None))
        out.append((name, cases))
    console = [junit.Case(
        r['title'],
        failure=None if r['known'] or r['allowed'] else
        'x%d, boot %d console line %d' % (r['count'], r['boot'], r['line']),
        skipped='known finding, %s' % r['known'].where if r['known'] else None)
        for r in reports]
    out.append(('kernel-console', console or [junit.Case('no reports')]))
    return out


def judge(boots, entries, hierarchy, documented):
    """Every boot's reports and failures, each marked known or not
    (findings.mark_known()) and tagged with its boot. A failure is a
    failing test, or an edge of a boot's lockdep graph that goes up the
    hierarchy ("forbidden lock order: A -> B"), first seen in that boot.

    The test a VM stopped in is known when the boot's last report before
    the stop is: the VM stopped at a known finding."""
    reports, failures = [], []
    for b in boots:
        for r in b.reports:
            r['boot'] = b.number
        reports += b.reports
        failures += [{'title': 'test failed: %s: %s' % (t.name, t.detail),
                      'allowed': None, 'boot': b.number, 'test': t.name, 'result': t}
                     for t in b.tests if t.status == 'fail']
    bad_seen = set()
    for b in boots:
        for e in lockdep_report(b.edges, hierarchy, documented)[1]:
            if e not in bad_seen:
                bad_seen.add(e)
                failures.append({'title': 'forbidden lock order: %s -> %s' % e,
                                 'allowed': None, 'boot': b.number, 'test': None,
                                 'result': None})
    findings.mark_known(entries, reports + failures)
    for b in boots:
        if not b.stopped:
            continue
        mine = [r for r in b.reports if not r['allowed']]
        last = max(mine, key=lambda r: r['line'], default=None)
        known = last['known'] if last and all(r['known'] for r in mine) else None
        title = 'test failed: %s: %s' % (b.stopped.name, b.stopped.detail)
        if known:
            title += ' after %s' % last['title']
        failures.append({'title': title, 'allowed': None, 'boot': b.number,
                         'test': b.stopped.name, 'result': b.stopped, 'known': known})
    return reports, failures


def folded(items):
    """Reports or failures with the same title and verdict as one line:
    [(first item, total count, [boots])]."""
    out = {}
    for r in items:
        key = (r['title'], r['known'].where if r.get('known') else None)
        if key not in out:
            out[key] = [r, 0, []]
        out[key][1] += r.get('count', 1)
        if r['boot'] not in out[key][2]:
            out[key][2].append(r['boot'])
    return list(out.values())


def infra_of(b):
    """A boot's infrastructure failures: no /init, a test's start marker
    under a wrong name, a module not loaded, QEMU's own death."""
    out = [] if b.has('INIT: boot ok') else ['the VM did not boot to /init']
    out += ['a test marks its start as %s, a name without a TAP result' % n
            for n in b.unmatched]
    died = next((m for m in map(QEMU_DIED.match, b.lines) if m), None)
    if died:
        out.append('QEMU died: ' + died.group(died.lastindex))
    return out + [m[5:] for m in b.markers
                  if m.startswith('INIT: insmod') and m.endswith('failed')]


def clean(b, reports, failures):
    """Whether boot @b ended on known findings alone."""
    return not infra_of(b) and \
        all(r['allowed'] or r['known'] for r in reports if r['boot'] == b.number) and \
        all(f['known'] for f in failures if f['boot'] == b.number)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('results')
    ap.add_argument('logs', nargs='+')
    ap.add_argument('--allowlist')
    ap.add_argument('--wall', type=float, default=0.0)
    ap.add_argument('--driver', default='')
    ap.add_argument('--lock-order', required=True)
    ap.add_argument('--series', help='the kernel series, for @SERIES lines '
                    'of the lock-order file')
    ap.add_argument('--findings')
    ap.add_argument('--stale', choices=('fail', 'report'), default='fail',
                    help='a stale finding fails the run (the default), or '
                    'is reported as fixed (ci/gate on a series)')
    ap.add_argument('--next-boot')
    args = ap.parse_args()
    try:
        allow = scan_console.load_allowlist(args.allowlist) if args.allowlist else []
        hierarchy, documented = load_lock_order(args.lock_order, args.series)
        entries = findings.load(args.findings) if args.findings else []
        boots = []
        for n, log in enumerate(args.logs, 1):
            boots.append(boot_log.Boot(log, n, resume.ran(boots), allow))
    except (OSError, ValueError) as e:
        print('judge.verdict: %s' % e, file=sys.stderr)
        return 3
    reports, failures = judge(boots, entries, hierarchy, documented)
    last = boots[-1]

    if args.next_boot:
        nxt = resume.next_boot(boots, clean(last, reports, failures))
        with open(args.next_boot, 'w', encoding='utf-8') as f:
            if nxt:
                f.write('defer=%d\nran=%s\n' % (nxt[1], ','.join(nxt[0])))
        return 0

    merged = resume.merge(boots)
    unload = resume.unload_results(boots)
    # A test the VM stopped in did not run to its end: a finding it
    # triggers may not have fired yet, so it proves no entry stale.
    tests_run = {t.name for b in boots for t in b.tests if t.status != 'skip'}
    stale = findings.stale(entries, reports + failures, tests_run)
    real = [r for r in reports if not r['allowed'] and not r['known']]
    known = [r for r in reports if r['known']]
    new_failures = [f for f in failures if not f['known']]
    known_failures = [f for f in failures if f['known']]
    failed_checks = ['%s (boot %d)' % (c, n) for c, ok, n in unload if not ok]
    edges = set().union(*(b.edges for b in boots))
    dumped = any(b.ld is not None for b in boots)
    seen = lockdep_report(edges, hierarchy, documented)[0]

    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, 'tap.txt'), 'w', encoding='utf-8') as f:
        for b in boots:
            if len(boots) > 1:
                f.write('# boot %d\n' % b.number)
            f.write('\n'.join(b.tap) + '\n')
    junit.write(os.path.join(args.results, 'junit.xml'),
                junit_suites(merged, failures, reports))
    with open(os.path.join(args.results, 'reports.txt'), 'w', encoding='utf-8') as f:
        for r in reports:
            f.write('%s: %s (x%d, boot %d line %d)\n' % (
                'ALLOWED' if r['allowed'] else 'REPORT', r['title'], r['count'],
                r['boot'], r['line']))

    infra = [x for b in boots for x in infra_of(b)]
    host_stopped = any(m.startswith('HOST: stopped') for m in last.markers)
    known_stop = last.stopped is not None and \
        all(f['known'] for f in failures if f['result'] is last.stopped)
    if last.has('INIT: boot ok') and not last.has('INIT: tests end') and \
       not host_stopped and not known_stop:
        infra.append('the tests did not finish')
    if not merged and last.has('INIT: tests end'):
        infra.append('no TAP results')
    watchdog = any(m.startswith('HOST: watchdog') for b in boots for m in b.markers)
    hung = [r for r in real if scan_console.detector_of(r['title']) == 'hang']
    stall = next((r for r in real if scan_console.detector_of(r['title'])
                  in ('hang', 'RCU stall')), None)

    det = detection_json(boots, failures)
    with open(os.path.join(args.results, 'detection.json'), 'w', encoding='utf-8') as f:
        json.dump(det, f)
        f.write('\n')

    results = [m.test for m in merged.values()]
    npass = sum(1 for t in results if t.status == 'pass')
    nskip = sum(1 for t in results if t.status == 'skip')
    nfail = len(new_failures) + len(failed_checks)

    if hung or watchdog:
        code, verdict = 4, 'hang' + (' (%s)' % HOST_WATCHDOG if watchdog and not hung else '')
    elif real:
        code, verdict = 2, 'kernel report'
    elif infra:
        code, verdict = 3, 'infrastructure: ' + '; '.join(infra)
    elif nfail:
        code, verdict = 1, 'forbidden lock order' if \
            all(f['title'].startswith('forbidden') for f in new_failures) and \
            not failed_checks else 'test failed'
    elif stale and args.stale == 'fail':
        code, verdict = 1, 'stale finding'
    else:
        code, verdict = 0, 'passed' + (' (known findings)' if known or known_failures else '')

    multi = len(boots) > 1
    rows = ['driver: %s' % args.driver] if args.driver else []
    if multi:
        rows.append('boots: %d (known findings ended the earlier ones early; each later '
                    'boot ran only the tests without a settled result)' % len(boots))
        for b in boots:
            settled, provisional, _ = resume.settle(b)
            why = []
            if b.lockdep_off:
                why.append('lockdep stopped recording at console line %d%s' % (
                    b.lockdep_off, ' in %s' % b.test_at(b.lockdep_off)
                    if b.test_at(b.lockdep_off) else ''))
            if b.stopped:
                why.append('the VM stopped in %s' % b.stopped.name)
            rows.append('  boot %d: %d settled, %d provisional%s' % (
                b.number, len(settled), len(provisional),
                ''.join('; ' + w for w in why)))
    rows.append('%-36s %6s %6s %6s %6s' % ('suite', 'tests', 'pass', 'fail', 'skip'))
    suites = {}
    for t in results:
        suites.setdefault(t.suite, []).append(t)
    for name, st in suites.items():
        rows.append('%-36s %6d %6d %6d %6d' % (
            name, len(st), sum(1 for t in st if t.status == 'pass'),
            sum(1 for t in st if t.status == 'fail'),
            sum(1 for t in st if t.status == 'skip')))
    if unload:
        ok = sum(1 for c in unload if c[1])
        rows.append('%-36s %6d %6d %6d %6d' % ('module-unload', len(unload), ok,
                                                 len(unload) - ok, 0))
    rows.append('')
    rows.append('results:')
    for m in merged.values():
        t = m.test
        note = ''
        if t.status != 'pass':
            note = '  ' + t.detail
        if m.provisional:
            note += '  (lockdep was off)'
        rows.append('  %-40s %-4s%s%s' % (t.name, t.status,
                                          ' boot %d' % m.boot if multi else '', note))
    for c, ok, n in unload:
        rows.append('  %-40s %-4s%s' % ('unload ' + c, 'pass' if ok else 'fail',
                                        ' boot %d' % n if multi else ''))
    rows.append('')
    def where(boots):
        if not multi:
            return ''
        return ', boot%s %s' % ('s' if len(boots) > 1 else '',
                                ', '.join(str(n) for n in boots))
    rows.append('kernel reports: %d%s' % (len(folded(real)), ''.join(
        '\n  %s (x%d%s)' % (r['title'], c, where(bs)) for r, c, bs in folded(real))))
    if stall:
        b = boots[stall['boot'] - 1]
        rows.append('stall: %s, in %s (boot %d, console line %d):' % (
            stall['title'], report_test(b, stall['line']) or 'no test', b.number,
            stall['line']))
        rows += ['    ' + f for f in stall_stack(b, stall['line'])] or \
            ['    (no call trace)']
    for b in boots:
        vm = [m[len('HOST: vmstate: '):] for m in b.markers
              if m.startswith('HOST: vmstate: ')]
        if vm:
            rows.append('host watchdog, boot %d: what QEMU said of the VM 15 s before:' % b.number)
            rows += ['  ' + l for l in vm]
    if new_failures:
        rows.append('failures: %d%s' % (len(folded(new_failures)), ''.join(
            '\n  %s%s' % (f['title'], where(bs)) for f, _, bs in folded(new_failures))))
    if known or known_failures:
        rows.append('known findings: %d%s%s' % (len(folded(known + known_failures)), ''.join(
            '\n  %s (x%d%s): %s' % (r['title'], c, where(bs), r['known'].where)
            for r, c, bs in folded(known)), ''.join(
            '\n  %s%s: %s' % (f['title'], where(bs), f['known'].where)
            for f, _, bs in folded(known_failures))))
    if stale:
        rows.append('%s findings: %d%s' % (
            'stale' if args.stale == 'fail' else 'fixed', len(stale), ''.join(
            '\n  %s: %s fired %s, but not in this run of %s' %
            (e.where, e.title, e.fires, e.trigger) for e in stale)))
    if known_stop and not host_stopped:
        rows.append('stopped by a known finding: the remaining tests did not run')
    allowed = [r for r in reports if r['allowed']]
    if allowed:
        rows.append('allowed reports: %d%s' % (len(allowed), ''.join(
            '\n  %s (x%d%s): allowlisted' % (r['title'], c, where(bs))
            for r, c, bs in folded(allowed))))
    # A run stopped at a lock cycle has no dump: its report's edges draw it.
    cycles = set().union(*(b.cycle_edges for b in boots))
    if dumped or cycles:
        graph = os.path.join(args.results, 'lockgraph.dot')
        svg = lockgraph.write(graph, hierarchy, documented, edges | cycles,
                              args.driver or 'lock graph')
        rows.append('lock graph: %s (%s)%s' % (
            svg or graph + ', no SVG: graphviz is not installed', lockgraph.LEGEND,
            '' if dumped else '; from the lock cycle report alone: no dump'))
    if dumped:
        rows.append('lock-order coverage: %d/%d documented edges (%.0f%%)%s' % (
            len(seen), len(documented), 100.0 * len(seen) / len(documented),
            ', from the graphs of %d boots' % sum(1 for b in boots if b.ld)
            if sum(1 for b in boots if b.ld) > 1 else ''))
        for e in documented:
            rows.append('  %s %s -> %s' % ('seen   ' if e in seen else 'missing', e[0], e[1]))
        for f in failures:
            if f['title'].startswith('forbidden lock order: '):
                rows.append('  FORBIDDEN %s%s' % (
                    f['title'][len('forbidden lock order: '):],
                    ' (known finding)' if f['known'] else ''))
        blind = [m for m in merged.values() if m.provisional]
        if blind:
            rows.append('  %d results come from after lockdep stopped recording: '
                        'their lock edges are not in the graph' % len(blind))
    if det:
        rows.append('first detection: %s: %s%s%s%s' % (
            det['detector'], det['title'],
            ' in %s' % det['test'] if det['test'] else '',
            '' if det['seconds'] is None else ', %.1f s into the tests' % det['seconds'],
            '' if det['stress_seconds'] is None else
            ' (%.1f s into the stress)' % det['stress_seconds']))
    if host_stopped:
        rows.append('stopped by the host after the first detection')
    rows.append('wall time: %.1f s' % args.wall)
    rows.append('verdict: %s (exit %d)' % (verdict, code))
    nvfail = nfail + len(real) + (len(stale) if args.stale == 'fail' else 0)
    rows.append(counts.line('vm', npass, nvfail, nskip))
    summary = '\n'.join(rows) + '\n'
    with open(os.path.join(args.results, 'summary.txt'), 'w', encoding='utf-8') as f:
        f.write(summary)
    # The run's counts, for make replay's record of its clean runs.
    with open(os.path.join(args.results, 'counts.json'), 'w', encoding='utf-8') as f:
        json.dump({'what': 'vm', 'passed': npass, 'failed': nvfail,
                   'skipped': nskip}, f)
    sys.stdout.write(summary)
    counts.record('vm', npass, nvfail, nskip, quiet=True)
    return code


if __name__ == '__main__':
    sys.exit(main())

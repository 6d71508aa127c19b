#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The table of make replay, from its results directory.

Usage: replay_table.py REPLAY_DIR RESULTS_DIR RUNS NAME...
REPLAY_DIR holds the replays, NAME.patch each, whose header (up to the
first blank line) has "Detector:" (the detector expected, for the table),
"Expect:" (a regular expression on "<detector>: <first report>") and,
for a replay that undoes a real fix, "Undoes:" (the commit). Reads
RESULTS_DIR/<name>/run<N>/{rc,detection.json} and writes replay.md and
junit.xml there; prints the table and "replay: N passed, N failed". A
replay passes when every run detected it; the host watchdog is no
detection (it says the VM ran out of time, not what the bug did), so a
run it ended is "not detected". "clean" passes when no run detected
anything and every run passed. Exit codes: 0 all passed, 1 a
replay went undetected or the clean driver was detected, 3 a run's
infrastructure failed.
"""
import json, os, re, statistics, sys
from xml.sax.saxutils import quoteattr

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from vm_results import HOST_WATCHDOG  # noqa: E402


def header(path):
    """The "Key: value" fields of a replay patch's header."""
    fields = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            if not line.strip():
                break
            key, sep, value = line.partition(': ')
            if sep:
                fields[key] = value.strip()
    for key in ('Detector', 'Expect'):
        if key not in fields:
            sys.exit('replay_table: %s: no "%s:" line in the header' % (path, key))
    return fields


rdir, out, runs, names = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
meta = {'clean': ('none', None, None)}
for n in names:
    if n != 'clean':
        h = header(os.path.join(rdir, n + '.patch'))
        meta[n] = (h['Detector'], re.compile(h['Expect']), h.get('Undoes'))

rows, cases, passed, failed, infra = [], [], 0, 0, False
for n in names:
    dets, oks, times, stimes, titles, actual, match = 0, 0, [], [], [], [], 0
    for r in range(1, runs + 1):
        d = os.path.join(out, n, 'run%d' % r)
        rc = int(open(os.path.join(d, 'rc')).read().split()[0])
        try:
            det = json.load(open(os.path.join(d, 'detection.json')))
        except (OSError, ValueError):
            det = None
        if rc == 3:
            infra = True
        caught = det is not None and det['title'] != HOST_WATCHDOG
        ok = det is None and rc == 0 if n == 'clean' else caught
        if det:
            dets += caught
            what = '%s: %s' % (det['detector'], det['title'])
            actual.append(det['detector'])
            titles.append(det['title'])
            if det['seconds'] is not None and (caught or n == 'clean'):
                times.append(det['seconds'])
                stimes.append(det.get('stress_seconds'))
            if meta[n][1] and meta[n][1].search(what):
                match += 1
        oks += ok
        cases.append((n, r, ok, det, rc, d))
    good = oks == runs
    passed += good
    failed += not good
    t = '-' if not times else ('%.0f s' % times[0] if runs == 1 else
                               '%.0f / %.0f / %.0f s' % (min(times),
                               statistics.median(times), max(times)))
    st = [x for x in stimes if x is not None]
    if st:
        t += ' (%s into the stress in %d)' % (
            '%.0f s' % st[0] if len(st) == 1 else
            'max %.0f s' % max(st), len(st))
    undoes = (' (undoes %s)' % meta[n][2].split(' ')[0]) if meta[n][2] else ''
    rows.append('| %s%s | %s | %s | %s | %d/%d | %s | %s |' % (
        n, undoes, meta[n][0], ', '.join(sorted(set(actual))) or 'none',
        '-' if n == 'clean' else '%d/%d' % (match, runs), dets, runs, t,
        '; '.join(sorted(set(titles))) or '-'))

head = ['| replay | expected detector | actual detector | as expected | '
        'detected | time to detect | first report |',
        '|---|---|---|---|---|---|---|']
table = '\n'.join(head + rows) + '\n'
notes = ('\ntime to detect: from the start of the tests to the first report '
         'or failing test (host clock)%s; in brackets, for detections made '
         'during the stress, the time since it began and in how many runs.\n' %
         ('; min / median / max over the runs' if runs > 1 else ''))
with open(os.path.join(out, 'replay.md'), 'w', encoding='utf-8') as f:
    f.write(table + notes)
x = ['<?xml version="1.0" encoding="UTF-8"?>',
     '<testsuites><testsuite name="replay" tests="%d" failures="%d">' %
     (len(cases), sum(1 for c in cases if not c[2]))]
for n, r, ok, det, rc, d in cases:
    x.append('  <testcase classname="replay" name=%s>' % quoteattr('%s run%d' % (n, r)))
    if not ok:
        if n != 'clean':
            msg = 'not detected (kselftest exit %d)' % rc
        elif det:
            msg = 'detected %s: %s' % (det['detector'], det['title'])
        else:
            msg = 'kselftest exit %d' % rc
        x.append('    <failure message=%s/>' % quoteattr(msg))
    x.append('  </testcase>')
x.append('</testsuite></testsuites>')
with open(os.path.join(out, 'junit.xml'), 'w', encoding='utf-8') as f:
    f.write('\n'.join(x) + '\n')
sys.stdout.write(table + notes)
print('replay: %d passed, %d failed' % (passed, failed))
sys.exit(3 if infra else 1 if failed else 0)

# SPDX-License-Identifier: GPL-2.0
"""The table of make replay, from its results directory.

Usage: python3 -m judge.replay REPLAY_DIR RESULTS_DIR RUNS NAME...
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
import json
import os
import re
import statistics
import sys

from . import counts
from . import junit
from .verdict import HOST_WATCHDOG


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
            sys.exit('judge.replay: %s: no "%s:" line in the header' % (path, key))
    return fields


def fail_message(name, det, rc):
    """Why a run of replay @name failed: its detection.json @det and its
    kselftest exit code @rc."""
    if name != 'clean':
        return 'not detected (kselftest exit %d)' % rc
    if det:
        return 'detected %s: %s' % (det['detector'], det['title'])
    return 'kselftest exit %d' % rc


def main(rdir, out, runs, names):
    """Print and write the table; the exit code (see the top)."""
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
    junit.write(os.path.join(out, 'junit.xml'), [('replay', [
        junit.Case('%s run%d' % (n, r), failure=None if ok else fail_message(n, det, rc))
        for n, r, ok, det, rc, _ in cases])])
    sys.stdout.write(table + notes)
    counts.record('replay', passed, failed)
    # The clean runs are make kselftest runs, run uncounted: their tests
    # count here (replay.sh prints their summaries).
    for n, _, _, _, _, d in cases:
        if n != 'clean':
            continue
        try:
            with open(os.path.join(d, 'counts.json'), encoding='utf-8') as f:
                c = json.load(f)
        except (OSError, ValueError):
            continue
        counts.record('vm', c['passed'], c['failed'], c['skipped'],
                      quiet=True)
    return 3 if infra else 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]))

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make replay": prove the suite catches real bugs. For each replay in
# replays.txt (or BUG=name[,name...]) the modules are built with
# -DVFIO_AP_REF_REPLAY_<NAME> and the whole VM kselftest run is made, as
# "make kselftest" makes it, except that the VM stops a few seconds after
# the first detection. The clean driver runs in the same invocation and
# must show no detection at all. RUNS=n repeats everything with seeds
# SEED, SEED+1, ...
#
# Prints a table (replay, expected and actual detector, detected, time to
# detect, first report), "replay: N passed, N failed" and the clean runs'
# kselftest summaries (they are make kselftest runs). Results:
# RESULTS (default results/replay-<time>/) with replay.md, junit.xml and
# one kselftest results directory per run.
# Exit codes: 0 every replay detected in every run and the clean driver
# clean; 1 otherwise; 3 the infrastructure failed.

set -uo pipefail
. "$(dirname "$0")/../lib.sh"

BUG=${BUG:-all}
RUNS=${RUNS:-1}
SEED=${SEED:-1000}
export STRESS_SECONDS=${STRESS_SECONDS:-10}
export STRESS_THREADS=${STRESS_THREADS:-2}
GRACE=${REPLAY_GRACE:-5}
list=$PROJ/tools/testing/replay/replays.txt
out=${RESULTS:-$PROJ/results/replay-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out" || exit 3

known=$(grep -vE '^(#|$)' "$list" | cut -d'|' -f1)
if [ "$BUG" = all ]; then
	names=$known
else
	names=${BUG//,/ }
fi
for n in $names; do
	grep -qx -- "$n" <<<"$known" ||
		die "unknown replay '$n'; known: $(echo $known)"
	macro=VFIO_AP_REF_REPLAY_$(tr a-z- A-Z_ <<<"$n")
	grep -qs "$macro" "$PROJ"/driver/*.[ch] ||
		die "replay '$n' has no $macro in driver/"
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS=$RUNS is not a positive number"

echo "  REPLAY ${names//$'\n'/ } x$RUNS, stress ${STRESS_SECONDS}s x$STRESS_THREADS -> $out" >&2
t0=$(date +%s)
for run in $(seq 1 "$RUNS"); do
	seed=$((SEED + run - 1))
	for n in clean $names; do
		flags=
		[ "$n" = clean ] || flags=-DVFIO_AP_REF_REPLAY_$(tr a-z- A-Z_ <<<"$n")
		res=$out/$n/run$run
		mkdir -p "$res"
		s=$(date +%s.%N)
		MODULE_CFLAGS=$flags VM_STOP_GRACE=$GRACE SEED=$seed RESULTS=$res \
			"$PROJ/tools/testing/kselftest.sh" >"$res/kselftest.log" 2>&1
		rc=$?
		echo "$rc $(echo "$(date +%s.%N) - $s" | bc)" >"$res/rc"
		printf '  %-24s run %d seed %d: exit %d\n' "$n" "$run" "$seed" "$rc" >&2
	done
done
echo "wall time: $(($(date +%s) - t0)) s" >"$out/wall.txt"

python3 - "$list" "$out" "$RUNS" clean $names <<'PY'
import json, os, re, statistics, sys
from xml.sax.saxutils import quoteattr

lst, out, runs, names = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
meta = {'clean': ('none', None)}
for line in open(lst, encoding='utf-8'):
    if line.strip() and not line.startswith('#'):
        f = line.rstrip('\n').split('|')
        meta[f[0]] = (f[1], re.compile(f[2]))

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
        ok = det is None and rc == 0 if n == 'clean' else det is not None
        if det:
            dets += 1
            what = '%s: %s' % (det['detector'], det['title'])
            actual.append(det['detector'])
            titles.append(det['title'])
            if det['seconds'] is not None:
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
    rows.append('| %s | %s | %s | %s | %d/%d | %s | %s |' % (
        n, meta[n][0], ', '.join(sorted(set(actual))) or 'none',
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
PY
rc=$?
# The clean runs are make kselftest runs: show their summaries.
for f in "$out"/clean/run*/summary.txt; do
	[ -f "$f" ] && { echo "== clean driver, ${f%/summary.txt}"; cat "$f"; }
done
echo "results: $out ($(cat "$out/wall.txt"))"
exit $rc

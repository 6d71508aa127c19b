# SPDX-License-Identifier: GPL-2.0
"""The verdict of the KUnit suites run as modules in the VM
(tools/testing/kunit-vm.sh).

Reads the VM's console: the KTAP each suite module printed as it was
loaded, between /init's kunit markers, parsed by the tree's kunit.py
(kunit-MODULE.json; its report, with the [PASSED] and [FAILED] lines, is
printed; errors it finds in the KTAP fail the run), and the kernel
reports, judged as in a kselftest run of the model: only an
allowlisted report passes.
Every suite named with --suites must have run, every module must have
unloaded, and /init must have reached its end (kmemleak's last scan).

Prints the kunit.py reports, the kernel reports and "kunit(DESC): N
passed, N failed, N skipped"; writes summary.txt and result.json.
Exit: 0 passed, 1 a test failed or a suite is missing, 2 a new kernel
report, 3 the run did not complete (infrastructure), 4 a hang.
"""
import argparse
import json
import os
import re
import sys

from . import counts
from . import ktap
from . import scan_console

# How many console lines of a new report the summary shows.
EXCERPT = 30

def judge(text, allow, results, kunit_py, suites):
    """The verdict as a dict: exit code, counts and lines."""
    v = {'passed': 0, 'failed': 0, 'skipped': 0, 'lines': [],
         'reports': []}
    seen = []
    for name, k in ktap.blocks(text):
        try:
            tree, problems = ktap.parse(
                k, os.path.join(results, 'kunit-' + name), kunit_py)
        except ValueError as e:
            v['failed'] += 1
            v['lines'].append('FAIL module %s: no results (%s)' % (name, e))
            continue
        with open(os.path.join(results, 'kunit-%s.txt' % name),
                  encoding='utf-8', errors='replace') as f:
            v['lines'] += f.read().splitlines()
        seen += [g['name'] for g in tree.get('sub_groups', [])]
        cases = ktap.cases(tree)
        failed = v['failed']
        for c in cases:
            if c['status'] == 'PASS':
                v['passed'] += 1
            elif c['status'] == 'SKIP':
                v['skipped'] += 1
            else:
                v['failed'] += 1
        if not cases:
            v['failed'] += 1
            v['lines'].append('FAIL module %s: no test case ran' % name)
        elif problems and v['failed'] == failed:
            v['failed'] += 1
            v['lines'].append('FAIL module %s: kunit.py found errors in '
                              'its KTAP (kunit-%s.txt)' % (name, name))
    for name in suites:
        if name not in seen:
            v['failed'] += 1
            v['lines'].append('FAIL suite %s did not run' % name)
    if re.search(r'^INIT: unload clean failed$', text, re.M):
        v['failed'] += 1
        v['lines'].append('FAIL unload: a module did not unload')
    reports = scan_console.judged(text, allow)
    new = [r for r in reports if not r['allowed']]
    lines = text.splitlines()
    for r in reports:
        # A new report's first lines too: a CI log may be all there is.
        v['reports'].append({
            'title': '%s (x%d) -- %s' % (
                r['title'], r['count'],
                'allowed: %s' % r['allowed'] if r['allowed'] else 'NEW'),
            'excerpt': [] if r['allowed'] else
            lines[r['line'] - 1:r['line'] - 1 + EXCERPT]})
    hang = any(scan_console.detector_of(r['title']) == 'hang'
               for r in new) or 'HOST: watchdog fired' in text
    done = re.search(r'^INIT: done$', text, re.M)
    if hang:
        v['exit'] = 4
    elif new:
        v['exit'] = 2
    elif v['failed']:
        v['exit'] = 1
    elif not done:
        v['exit'] = 3
    else:
        v['exit'] = 0
    return v


def counted(v):
    """(passed, failed, skipped) of a verdict. A run that did not
    complete counts one failure at least, so that make test's sum of
    counts fails too."""
    return v['passed'], v['failed'] or int(v['exit'] != 0), v['skipped']


def summary(v, desc):
    verdicts = {0: 'passed', 1: 'failed: a test failed',
                2: 'failed: a new kernel report',
                3: 'failed: the run did not complete (infrastructure)',
                4: 'failed: hang or timeout'}
    out = list(v['lines'])
    for r in v['reports']:
        out.append('report: ' + r['title'])
        out += ['  | ' + x for x in r['excerpt']]
    out.append('verdict: %s (exit %d)' % (verdicts[v['exit']], v['exit']))
    out.append(counts.line('kunit(%s)' % desc, *counted(v)))
    return '\n'.join(out) + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('results')
    ap.add_argument('--allowlist', required=True)
    ap.add_argument('--kunit-py', required=True, help="the tree's kunit.py")
    ap.add_argument('--suites', default='',
                    help='the suites that must have run, a comma list')
    ap.add_argument('--desc', default='s390',
                    help='what ran, for the counts line')
    args = ap.parse_args()
    try:
        text = scan_console.read(os.path.join(args.results, 'console.log'))
        allow = scan_console.load_allowlist(args.allowlist)
        v = judge(text, allow, args.results, args.kunit_py,
                  [s for s in args.suites.split(',') if s])
    except (OSError, ValueError, re.error) as e:
        print('judge.kunit_vm: %s' % e, file=sys.stderr)
        return 3
    s = summary(v, args.desc)
    with open(os.path.join(args.results, 'summary.txt'), 'w',
              encoding='utf-8') as f:
        f.write(s)
    with open(os.path.join(args.results, 'result.json'), 'w',
              encoding='utf-8') as f:
        json.dump(v, f, indent=1)
    sys.stdout.write(s)
    counts.record('kunit(%s)' % args.desc, *counted(v), quiet=True)
    return v['exit']


if __name__ == '__main__':
    sys.exit(main())

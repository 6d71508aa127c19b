# SPDX-License-Identifier: GPL-2.0
"""What one boot of the test VM says: its TAP, markers and lockdep state.

Parses a console log written by tools/testing/vm/init.sh into the tests
that ran (with the console lines of their "RUN" and result lines), the
"INIT:" and "HOST:" markers, the /proc/lockdep dump and the line where
lockdep stopped recording. It judges nothing: verdict.py does, and
resume.py merges the boots of one run.
"""

import re

from . import scan_console

NAME = re.compile(r'^# selftests: (\S+): (\S+)$')
RUN = re.compile(r'^# #\s+RUN\s+(\S+) \.\.\.$')
OUTER = re.compile(r'^(not )?ok (\d+) selftests: (\S+): (\S+)(.*)$')
# 6.1's harness prints a skipped test without its name: "ok 7 # SKIP why".
INNER = re.compile(r'^# (not )?ok (\d+)(?: (?!#)(\S+))?(.*)$')
PLAN = re.compile(r'^# 1\.\.(\d+)')
ASSERT = re.compile(r'^# # \S+\.c:\d+:[^:]+:(.+)$')
# The harness's "NAME: Test terminated by timeout" (its name without the
# fixture's): the test overran its TEST_F_TIMEOUT.
TIMEOUT = re.compile(r'^# # \S+: Test terminated by timeout$')
# Written by each test to /dev/kmsg (selftests/vfio_ap_resume.h): in the
# console's order, unlike the TAP lines, which arrive when a test ends.
BEGIN = re.compile(r'vfio_ap_ref selftest: (begin|deferred) (\S+)$')

# What the kernel prints when lockdep stops recording because a report
# (KASAN, BUG) tainted the kernel, or it ran out of room.
LOCKDEP_OFF = re.compile(r'Disabling lock debugging due to kernel taint|'
                         r'turning off the locking correctness validator')


class Test:
    """One test's result in one boot.

    status is 'pass', 'fail' or 'skip'; detail the first assertion
    message of a failure or the directive; run the 1-based console line
    where it began (its kernel-log marker, else its "RUN" line; None when
    there is neither) and line that of its result."""

    def __init__(self, name, suite, status, detail, run, line):
        self.name = name
        self.suite = suite
        self.status = status
        self.detail = detail
        self.run = run
        self.line = line


def section(lines, begin, end):
    """The lines between the markers @begin and @end, or None."""
    try:
        a = lines.index(begin)
    except ValueError:
        return None
    try:
        b = lines.index(end, a)
    except ValueError:
        b = len(lines)
    return lines[a + 1:b]


def parse_tap(lines, offset=0):
    """The tests in the runner's output, the test left running, and the
    last suite.

    Returns ([Test], (name, run line, suite) or None, suite name). @offset is the console
    line number of lines[0] minus one. A failing test's detail is its
    first assertion message when it printed one. Subtests that a plan
    announced but that never reported (the kselftest timeout killed the
    test) fail with "no result"."""
    tests = []
    suite = 'unnamed'
    plan = None
    in_suite = []
    first_assert = None
    running = None
    for i, line in enumerate(lines, offset + 1):
        m = ASSERT.match(line)
        if m and first_assert is None and 'Expected' in m.group(1):
            first_assert = m.group(1).strip()
            continue
        m = TIMEOUT.match(line)
        if m and first_assert is None:
            first_assert = 'terminated by the kselftest harness\'s timeout'
            continue
        m = NAME.match(line)
        if m:
            suite = '%s:%s' % (m.group(1), m.group(2))
            continue
        m = PLAN.match(line)
        if m:
            plan = int(m.group(1))
            continue
        m = RUN.match(line)
        if m:
            running = (m.group(1), i, suite)
            continue
        m = INNER.match(line)
        if m:
            detail = m.group(4).strip()
            name = m.group(3)
            run = None
            if running and (name is None or name == running[0]):
                name, run = running[:2]
            running = None
            if name is None:
                name = '%s subtest %s' % (suite, m.group(2))
            status = 'skip' if '# SKIP' in ' ' + detail else \
                     'fail' if m.group(1) else 'pass'
            if status == 'fail' and first_assert:
                detail = first_assert
            first_assert = None
            t = Test(name, suite, status, detail, run, i)
            tests.append(t)
            in_suite.append(t)
            continue
        m = OUTER.match(line)
        if m:
            if plan is not None and len(in_suite) < plan:
                for k in range(len(in_suite), plan):
                    name, run = running[:2] if running and k == len(in_suite) \
                        else ('%s subtest %d' % (suite, k + 1), None)
                    tests.append(Test(name, suite, 'fail',
                                      'no result: killed or timed out', run, i))
                running = None
            elif m.group(1) and all(t.status != 'fail' for t in in_suite):
                tests.append(Test('%s (exit status)' % suite, suite, 'fail',
                                  m.group(5).strip(), None, i))
            in_suite = []
            plan = None
            continue
    return tests, running, suite


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


def cycle_edges(lines):
    """The edges of lockdep's circular-dependency reports: the existing
    chain ("-> #N (CLASS)" entries, printed from the last to #0, the lock
    being taken: #0 -> #1 -> ... -> #last) and the edge that closes the
    cycle, from the lock held (#last) to the lock being taken (#0). For
    the picture of a run that stopped at the report, before any dump of
    /proc/lockdep."""
    edges = set()
    chain = None
    for line in lines or []:
        if 'WARNING: possible circular locking dependency detected' in line:
            chain = {}
            continue
        if chain is None:
            continue
        m = re.match(r'^-> #(\d+) \((.+?)\)\{', line)
        if m:
            chain[int(m.group(1))] = m.group(2)
            continue
        if line.startswith('other info that might help us debug this') or \
           line.startswith(' Possible unsafe locking scenario') or \
           line.startswith('Chain exists of'):
            locks = [chain[k] for k in sorted(chain)]
            edges.update(zip(locks, locks[1:]))
            if len(locks) > 1:
                edges.add((locks[-1], locks[0]))
            chain = None
    return edges


class Boot:
    """One boot's console log, parsed.

    @number: 1 for the first boot of a run, 2 for the first resumed one.
    @ran_before: the tests earlier boots of the run gave their result;
    this boot skipped them."""

    def __init__(self, path, number, ran_before, allow):
        self.text = scan_console.read(path)
        self.path = path
        self.number = number
        self.ran_before = set(ran_before)
        self.lines = [l.rstrip('\r') for l in self.text.splitlines()]
        self.markers = [l for l in self.lines
                        if l.startswith('INIT: ') or l.startswith('HOST: ')]
        self.reports = scan_console.judged(self.text, allow)
        try:
            begin = self.lines.index('INIT: tests begin')
        except ValueError:
            begin = None
        tap = section(self.lines, 'INIT: tests begin', 'INIT: tests end') or []
        self.tap = tap
        tests, running, last_suite = parse_tap(tap, begin + 1 if begin is not None else 0)
        # A test skipped because an earlier boot ran it is not this boot's.
        self.tests = [t for t in tests
                      if not (t.status == 'skip' and t.name in self.ran_before)]
        begins = {}
        # Tests that skipped because lockdep was off and the runner said
        # another boot may follow: not this boot's results either.
        self.deferred = []
        for i, line in enumerate(self.lines, 1):
            m = BEGIN.search(line)
            if m and m.group(1) == 'begin':
                begins[m.group(2)] = i
            elif m:
                self.deferred.append(m.group(2))
        self.tests = [t for t in self.tests
                      if not (t.status == 'skip' and t.name in self.deferred)]
        for t in self.tests:
            t.run = begins.get(t.name, t.run)
        # A marker whose name no TAP line has (in a boot that ended): the
        # test builds its name wrong, and /selftest-ran would never skip it.
        tap_names = {t.name for t in tests}
        self.unmatched = sorted(n for n in list(begins) + self.deferred
                                if n not in tap_names) \
            if self.has('INIT: tests end') else []
        # The test the VM stopped in (a panic, the host's stop or its
        # watchdog): it has no result, and fails.
        self.stopped = None
        if not self.has('INIT: tests end'):
            done = {t.name for t in tests}
            left = [(i, n) for n, i in begins.items() if n not in done]
            if left:
                run, name = max(left)
                # The suite of a test of the same fixture, else the last.
                suite = next((t.suite for t in tests if t.name.split('.')[0] ==
                              name.split('.')[0]),
                             last_suite)
            elif running:
                name, run, suite = running
            if left or running:
                self.stopped = Test(name, suite, 'fail', 'no result: the VM stopped',
                                    run, len(self.lines))
        self.ld = section(self.lines, 'INIT: lockdep begin', 'INIT: lockdep end')
        self.edges = lockdep_edges(self.ld)
        self.cycle_edges = cycle_edges(self.lines)
        # lockdep stops at its own first report without saying so (the
        # RCU check aside, which does not stop it), and says so when a
        # report from elsewhere taints the kernel.
        offs = [i + 1 for i, l in enumerate(self.lines) if LOCKDEP_OFF.search(l)]
        offs += [r['line'] for r in self.reports
                 if scan_console.detector_of(r['title']) == 'lockdep' and
                 not r['title'].startswith('suspicious RCU usage')]
        self.lockdep_off = min(offs, default=None)
        self.unload_line = next((i + 1 for i, l in enumerate(self.lines)
                                 if l == 'INIT: unload begin'), None)
        self.unload = [(m[len('INIT: unload '):].rsplit(' ', 1)[0],
                        m.endswith(' ok')) for m in self.markers
                       if m.startswith('INIT: unload ') and
                       m not in ('INIT: unload begin', 'INIT: unload deferred')]
        self.unload_deferred = self.has('INIT: unload deferred')

    def has(self, marker):
        """Whether the console has the marker line @marker."""
        return marker in self.markers

    def results(self):
        """This boot's tests, the one the VM stopped in included."""
        return self.tests + ([self.stopped] if self.stopped else [])

    def test_at(self, line):
        """The test running at console line @line (the last to begin
        before it; a skipped test ran nothing), or None."""
        began = [(t.run, t.name) for t in self.results()
                 if t.run is not None and t.run <= line and t.status != 'skip']
        return max(began)[1] if began else None

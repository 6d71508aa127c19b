# SPDX-License-Identifier: GPL-2.0
"""Known findings in a kernel tree's real vfio_ap, and how they judge a run.

A findings file (tools/testing/findings/<VERSION.PATCHLEVEL>.txt) lists
the kernel reports that upstream mode found in that series' real code and
that a reading of its source confirmed. One line per finding, fields
separated by ' | ':

  title | trigger | fires | requires | reason

- title: the console scanner's report title; for a failing test
  "test failed: TEST: MESSAGE" with its first assertion message; for a
  lockdep edge that goes up the lock-order file's hierarchy "forbidden
  lock order: A -> B". "re:" makes it a regular expression that must
  match the whole title.
- trigger: the test whose run produces it (e.g. mdev.queue_outlives_its_mdev).
- fires: "N/N" when it fired in every one of N runs with different seeds
  (deterministic), "K/N" otherwise.
- requires: another entry's title field (a report matching that entry
  must be in the same run, in any of its boots, for this one to count as
  known), or "-".
- reason: the source lines at fault and why.

In a run, a report or test failure that matches an entry is known and
does not fail the run; any other does. A deterministic entry whose
trigger test ran (a TAP result other than SKIP, in any boot of the run)
while its title was not reported is stale: upstream
fixed the bug, or the suite stopped reaching it; a stale entry fails the
run, so the file cannot rot.
"""

import re
import sys

from . import datafile

FIELDS = 5


class Finding:
    """One entry of a findings file."""

    def __init__(self, title, trigger, fires, requires, reason, where):
        self.title = title
        self.trigger = trigger
        self.fires = fires
        self.requires = None if requires == '-' else requires
        self.reason = reason
        self.where = where
        m = re.fullmatch(r'(\d+)/(\d+)', fires)
        if not m or int(m.group(1)) > int(m.group(2)) or int(m.group(2)) < 1:
            raise ValueError('%s: fires must be K/N, not %r' % (where, fires))
        self.deterministic = m.group(1) == m.group(2)
        self.pattern = re.compile(title[3:]) if title.startswith('re:') else None

    def matches(self, title):
        if self.pattern:
            return self.pattern.fullmatch(title) is not None
        return title == self.title


def load(path):
    """The entries of a findings file; a missing file has none."""
    entries = []
    try:
        rows = datafile.lines(path)
    except FileNotFoundError:
        return entries
    for n, line in rows:
        parts = [p.strip() for p in line.split(' | ')]
        if len(parts) != FIELDS or not all(parts):
            raise ValueError('%s:%d: want %d fields separated by " | "' %
                             (path, n, FIELDS))
        entries.append(Finding(*parts, where='%s:%d' % (path, n)))
    return entries


def mark_known(entries, reports):
    """Mark each report dict 'known' (its entry) or None.

    @reports: the scanner's judged reports and the failing tests of every
    boot of a run (dicts with 'title' and 'allowed'); an entry's 'requires'
    must have been reported in the same run. It may be in an earlier boot:
    a later boot runs the same kernel, and a lockdep report in it is what
    an earlier report turned lockdep off for.
    """
    titles = {r['title'] for r in reports if not r['allowed']}
    by_title = {e.title: e for e in entries}

    def reported(required):
        e = by_title.get(required)
        return any(e.matches(t) if e else t == required for t in titles)

    for r in reports:
        r['known'] = None
        if r['allowed']:
            continue
        for e in entries:
            if e.matches(r['title']) and (e.requires is None or reported(e.requires)):
                r['known'] = e
                break


def stale(entries, reports, tests_run):
    """The deterministic entries whose trigger ran but that no report of
    the run matched.

    @reports: the marked reports of every boot of the run.
    @tests_run: names of the tests that ran (a result other than skip) in
    any boot of the run.
    """
    reported = [r['title'] for r in reports if r['known']]
    return [e for e in entries
            if e.deterministic and e.trigger in tests_run and
            not any(e.matches(t) for t in reported)]


def triggers(entries, titles):
    """The trigger tests of the entries with these title fields, in file
    order, each once; a title no entry has raises ValueError."""
    have = {e.title for e in entries}
    missing = [t for t in titles if t not in have]
    if missing:
        raise ValueError('no such finding: %s' % '; '.join(missing))
    out = []
    for e in entries:
        if e.title in titles and e.trigger not in out:
            out.append(e.trigger)
    return out


def main(argv):
    """--triggers FINDINGS TITLES: print the comma list of the
    tests that trigger the findings whose titles the file TITLES lists,
    one per line ('#' comments and blank lines aside)."""
    if len(argv) != 4 or argv[1] != '--triggers':
        print('usage: python3 -m judge.findings --triggers FINDINGS TITLES', file=sys.stderr)
        return 2
    try:
        titles = [line for _, line in datafile.lines(argv[3])]
        print(','.join(triggers(load(argv[2]), titles)))
    except (OSError, ValueError) as e:
        print('judge.findings: %s' % e, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))

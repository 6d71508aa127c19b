# SPDX-License-Identifier: GPL-2.0
"""Test counts: the line a tool prints, and the JSON make test adds up.

A tool that has counted its tests calls record(): it prints "WHAT: N
passed, N failed[, N skipped]" and, when the environment variable
COUNTS_FILE names a file, appends the counts to it as one JSON object per
line: {"what": ..., "passed": N, "failed": N, "skipped": N}. make test
(tools/testing/test.sh) gives each step a file of its own and adds up
its records with sum_file(); a step that wrote none failed before it
could count. A tool that runs another whose counts are not its own (a
replay's kselftest run, the gate's checks) runs it with COUNTS_FILE empty
(lib.sh's uncounted), and records what it counted itself.

    python3 -m judge.counts record WHAT PASSED FAILED [SKIPPED]
    python3 -m judge.counts sum FILE     prints "PASSED FAILED SKIPPED RECORDS"

Exit codes: 0, or 2 for bad arguments or a file that is not such JSON.
"""

import json
import os
import sys

ENV = 'COUNTS_FILE'
FIELDS = ('passed', 'failed', 'skipped')


def line(what, passed, failed, skipped=None):
    """The counts as a tool prints them."""
    text = '%s: %d passed, %d failed' % (what, passed, failed)
    return text if skipped is None else text + ', %d skipped' % skipped


def record(what, passed, failed, skipped=None, quiet=False, out=None):
    """Print the counts' line (unless quiet) and append them to the
    COUNTS_FILE file, if the environment names one."""
    for n in (passed, failed, skipped or 0):
        if not isinstance(n, int) or n < 0:
            raise ValueError('counts must be non-negative integers, not %r' % (n,))
    if not quiet:
        print(line(what, passed, failed, skipped), file=out or sys.stdout,
              flush=True)
    path = os.environ.get(ENV)
    if path:
        with open(path, 'a', encoding='utf-8') as f:
            f.write(json.dumps({'what': what, 'passed': passed,
                                'failed': failed,
                                'skipped': skipped or 0}) + '\n')


def sum_file(path):
    """(passed, failed, skipped, records) of a COUNTS_FILE file; a file
    that does not exist has no records. ValueError for a line that is
    not a record."""
    total = [0, 0, 0]
    records = 0
    if not os.path.exists(path):
        return 0, 0, 0, 0
    with open(path, encoding='utf-8') as f:
        for n, text in enumerate(f, 1):
            try:
                rec = json.loads(text)
                counts = [rec[k] for k in FIELDS]
            except (ValueError, KeyError, TypeError) as e:
                raise ValueError('%s:%d: not a counts record: %s' % (path, n, e))
            if not all(isinstance(c, int) and c >= 0 for c in counts):
                raise ValueError('%s:%d: counts must be non-negative integers' % (path, n))
            total = [t + c for t, c in zip(total, counts)]
            records += 1
    return total[0], total[1], total[2], records


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    try:
        if len(args) in (4, 5) and args[0] == 'record':
            record(args[1], *[int(a) for a in args[2:]])
            return 0
        if len(args) == 2 and args[0] == 'sum':
            print('%d %d %d %d' % sum_file(args[1]))
            return 0
    except ValueError as e:
        print('judge.counts: %s' % e, file=sys.stderr)
        return 2
    print(__doc__.split('\n\n')[2], file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())

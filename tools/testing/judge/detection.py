# SPDX-License-Identifier: GPL-2.0
"""The first detection of a kselftest run, for ci/gate.

Usage: python3 -m judge.detection [--test | --brief] RESULTS_DIR

RESULTS_DIR is a make kselftest results directory (its detection.json,
written by verdict.py, and summary.txt). Prints "DETECTOR: TITLE (in
TEST)", or for a failing test the summary's line with its first
assertion; with --test only the test the detection was made in, with
--brief "boot N: DETECTOR: TITLE", "none" or "unreadable: ..." (the
verdict's tests). Else prints nothing when there was no detection or no
readable detection.json.
"""
import argparse
import json
import os
import sys


def load(results):
    """detection.json's object (None for no detection); raises OSError or
    ValueError when it is missing or unreadable."""
    with open(os.path.join(results, 'detection.json'), encoding='utf-8') as f:
        return json.load(f)


def describe(results, d):
    """One line that says what was detected."""
    if d['detector'] == 'test':
        try:
            with open(os.path.join(results, 'summary.txt'), encoding='utf-8') as f:
                for line in f:
                    if line.startswith('  %s:' % d['title']):
                        return line.strip()
        except OSError:
            pass
    return '%s: %s%s' % (d['detector'], d['title'],
                         ' (in %s)' % d['test'] if d.get('test') else '')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--test', action='store_true',
                    help='print only the test the detection was made in')
    ap.add_argument('--brief', action='store_true',
                    help='print "boot N: DETECTOR: TITLE", or "none"')
    ap.add_argument('results')
    args = ap.parse_args()
    try:
        d = load(args.results)
    except (OSError, ValueError) as e:
        if args.brief:
            print('unreadable: %s' % e)
        return 0
    if args.brief:
        print('none' if d is None else
              'boot %d: %s: %s' % (d['boot'], d['detector'], d['title']))
    elif d:
        print((d.get('test') or '') if args.test else describe(args.results, d))
    return 0


if __name__ == '__main__':
    sys.exit(main())

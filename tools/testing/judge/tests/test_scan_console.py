# SPDX-License-Identifier: GPL-2.0
"""The console scanner on console logs recorded from real VM runs: for
every consoles/NAME.log, the titles it reports must be exactly the lines
of consoles/NAME.expected (empty for a clean log)."""

import glob
import os
import tempfile
import unittest

from judge import scan_console

HERE = os.path.dirname(os.path.abspath(__file__))


class RecordedConsoles(unittest.TestCase):
    """One test per recorded console (added below)."""

    def check_console(self, log):
        with open(log, encoding='utf-8', errors='replace') as f:
            got = [t for t, _, _ in scan_console.scan(f.read())]
        with open(log[:-len('.log')] + '.expected', encoding='utf-8') as f:
            want = f.read().splitlines()
        self.assertEqual(want, got)


def _add(log):
    name = 'test_' + os.path.basename(log)[:-len('.log')].replace('-', '_').replace('.', '_')
    setattr(RecordedConsoles, name, lambda self: self.check_console(log))


for _log in sorted(glob.glob(os.path.join(HERE, 'consoles', '*.log'))):
    _add(_log)


class Allowlist(unittest.TestCase):
    def test_entry_without_reason_refused(self):
        with tempfile.NamedTemporaryFile('w', suffix='.txt') as f:
            f.write('possible deadlock in .*\n')
            f.flush()
            with self.assertRaises(ValueError):
                scan_console.load_allowlist(f.name)

    def test_entry_with_reason_allows(self):
        with tempfile.NamedTemporaryFile('w', suffix='.txt') as f:
            f.write('possible deadlock in foo  # a reason\n')
            f.flush()
            allow = scan_console.load_allowlist(f.name)
        text = 'WARNING: possible circular locking dependency detected\n' \
               'task/1 is trying to acquire lock:\n' \
               ' (&m){+.+.}-{3:3}, at: foo+0x10/0x20\n'
        self.assertEqual('a reason', scan_console.judged(text, allow)[0]['allowed'])


if __name__ == '__main__':
    unittest.main()

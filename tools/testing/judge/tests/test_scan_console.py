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


class StalledCpu(unittest.TestCase):
    """A self-detected stall is named by the stalled CPU's loop, wherever
    in a driver core walk RCU caught it."""

    def stall(self, frames):
        """The recorded 6.1 AP bus stall with the stalled CPU's PSW and
        stack replaced by @frames."""
        log = os.path.join(HERE, 'consoles', 'rcu-stall-ap-scan-bus-6.1.log')
        with open(log, encoding='utf-8', errors='replace') as f:
            lines = f.read().splitlines()
        at = lines.index(' [<001bffff7ff48f40>] __match_queue_device_with_qid+0x38/0x68 [ap] ')
        trace = [' [<0000000000400000>] %s+0x10/0x80 ' % fn for fn in frames]
        lines = [l.replace('(__match_queue_device_with_qid+0x38/0x68 [ap])',
                           '(%s+0x10/0x80)' % frames[0]) for l in lines]
        return [t for t, _, _ in scan_console.scan('\n'.join(lines[:at] + trace + lines[at + 3:]))]

    def test_walk_frames_name_the_caller(self):
        got = self.stall(['klist_next', 'next_device', 'bus_find_device', 'ap_scan_bus'])
        self.assertEqual('INFO: rcu detected stall in ap_scan_bus', got[0])

    def test_a_driver_loop_in_a_walk_is_the_driver_s(self):
        got = self.stall(['klist_next', 'driver_find_device', 'vfio_ap_find_queue', 'ap_scan_bus'])
        self.assertEqual('INFO: rcu detected stall in vfio_ap_find_queue', got[0])


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

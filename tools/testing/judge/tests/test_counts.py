# SPDX-License-Identifier: GPL-2.0
"""judge.counts: the counts line, its JSON record, and make test's sum."""

import io
import os
import tempfile
import unittest
from unittest import mock

from judge import counts


class CountsTest(unittest.TestCase):
    def setUp(self):
        fd, self.path = tempfile.mkstemp()
        os.close(fd)
        os.unlink(self.path)

    def tearDown(self):
        if os.path.exists(self.path):
            os.unlink(self.path)

    def record(self, *args, **kw):
        out = io.StringIO()
        with mock.patch.dict(os.environ, {counts.ENV: self.path}):
            counts.record(*args, out=out, **kw)
        return out.getvalue()

    def test_line(self):
        self.assertEqual('vm: 3 passed, 1 failed', counts.line('vm', 3, 1))
        self.assertEqual('vm: 3 passed, 1 failed, 2 skipped',
                         counts.line('vm', 3, 1, 2))

    def test_records_add_up(self):
        self.assertEqual('kunit(um, t): 5 passed, 0 failed, 1 skipped\n',
                         self.record('kunit(um, t)', 5, 0, 1))
        self.assertEqual('', self.record('vm', 7, 2, 3, quiet=True))
        self.assertEqual((12, 2, 4, 2), counts.sum_file(self.path))

    def test_without_the_variable_nothing_is_recorded(self):
        out = io.StringIO()
        with mock.patch.dict(os.environ, {counts.ENV: ''}):
            counts.record('x', 1, 0, out=out)
        self.assertEqual('x: 1 passed, 0 failed\n', out.getvalue())
        self.assertFalse(os.path.exists(self.path))
        self.assertEqual((0, 0, 0, 0), counts.sum_file(self.path))

    def test_bad_counts_are_refused(self):
        with self.assertRaises(ValueError):
            self.record('x', -1, 0)
        with self.assertRaises(ValueError):
            self.record('x', 1, '2')
        self.assertFalse(os.path.exists(self.path))

    def test_a_file_that_is_not_records_is_an_error(self):
        for text in ('vm: 1 passed, 0 failed\n', '{"passed": 1}\n',
                     '{"passed": 1, "failed": -1, "skipped": 0}\n'):
            with open(self.path, 'w') as f:
                f.write(text)
            with self.assertRaises(ValueError, msg=text):
                counts.sum_file(self.path)

    def test_cli(self):
        with mock.patch.dict(os.environ, {counts.ENV: self.path}), \
             mock.patch('sys.stdout', new=io.StringIO()) as out:
            self.assertEqual(0, counts.main(['record', 'sources', '4', '1']))
            self.assertEqual(0, counts.main(['sum', self.path]))
        self.assertEqual('sources: 4 passed, 1 failed\n4 1 0 1\n',
                         out.getvalue())
        with mock.patch('sys.stderr', new=io.StringIO()):
            self.assertEqual(2, counts.main(['record', 'x', 'one', '0']))
            self.assertEqual(2, counts.main(['sum']))


if __name__ == '__main__':
    unittest.main()

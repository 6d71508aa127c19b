# SPDX-License-Identifier: GPL-2.0
"""The lock orders the verdict checks against: the model's kernel-doc
table in driver/vfio_ap_locks.c and the real driver's file."""

import os
import tempfile
import unittest

from judge import lockgraph
from judge import verdict

TESTING = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROJ = os.path.dirname(os.path.dirname(TESTING))


class LockOrder(unittest.TestCase):
    def test_model_from_kernel_doc(self):
        h, d = verdict.load_lock_order(os.path.join(PROJ, 'driver', 'vfio_ap_locks.c'))
        self.assertEqual('&group->group_lock', h[0])
        self.assertEqual('&matrix_dev->mdevs_lock', h[-1])
        self.assertIn(('&matrix_dev->guests_lock', '&kvm->lock'), d)

    def test_upstream_per_series(self):
        for series in ('6.1', '6.12'):
            with self.subTest(series=series):
                h, d = verdict.load_lock_order(
                    os.path.join(TESTING, 'lock-order', 'upstream.txt'), series)
                self.assertTrue(h and d)

    def check_refused(self, text):
        with tempfile.NamedTemporaryFile('w', suffix='.c') as f:
            f.write(text)
            f.flush()
            with self.assertRaises(ValueError):
                verdict.load_lock_order(f.name)

    def test_edge_up_refused(self):
        self.check_refused('/**\n * DOC: vfio_ap_ref lock hierarchy\n *\n * Table::\n'
                           ' *\n *   class a\n *   class b\n *   edge b -> a\n */\n')

    def test_no_table_refused(self):
        self.check_refused('/**\n * DOC: vfio_ap_ref lock hierarchy\n *\n * prose\n */\n')


class LockGraph(unittest.TestCase):
    def test_styles(self):
        text = lockgraph.dot(['a', 'b', 'c'], [('a', 'b'), ('b', 'c')],
                             {('a', 'b'), ('c', 'a'), ('a', 'c'), ('x', 'a')}, 't')
        self.assertIn('"a" -> "b" [color=black];', text)
        self.assertIn('"b" -> "c" [style=dashed, color=grey];', text)
        self.assertIn('"c" -> "a" [color=red, penwidth=2.5];', text)
        self.assertIn('"a" -> "c" [color=blue];', text)
        self.assertNotIn('"x"', text)


if __name__ == '__main__':
    unittest.main()

# SPDX-License-Identifier: GPL-2.0
"""The lock orders the verdict checks against: the model's kernel-doc
table in driver/vfio_ap_locks.c and the real driver's file."""

import os
import tempfile
import unittest

from judge import boot_log
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

    def test_cycle_report_draws_its_edges(self):
        """A run stopped at a lock cycle has no /proc/lockdep dump; its
        report gives the chain and the edge that closes it, drawn red
        where it goes up the hierarchy."""
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            'consoles', 'lockdep-cycle-no-guests-lock.log')
        with open(path, encoding='utf-8') as f:
            edges = boot_log.cycle_edges(f.read().splitlines())
        kvm, hook, mdevs = ('&kvm->lock', '&kvm->arch.crypto.pqap_hook_rwsem',
                            '&matrix_dev->mdevs_lock')
        self.assertEqual({(kvm, hook), (hook, mdevs), (mdevs, kvm)}, edges)
        h, d = verdict.load_lock_order(os.path.join(PROJ, 'driver', 'vfio_ap_locks.c'))
        text = lockgraph.dot(h, d, edges, 't')
        self.assertIn('"%s" -> "%s" [color=red, penwidth=2.5];' % (mdevs, kvm), text)
        self.assertIn('"%s" -> "%s" [color=black];' % (kvm, hook), text)
        self.assertEqual(set(), boot_log.cycle_edges(['WARNING: possible circular '
                                                      'locking dependency detected']))


if __name__ == '__main__':
    unittest.main()

# SPDX-License-Identifier: GPL-2.0
"""judge.bench: the stress rates it reads from a VM console."""

import os
import tempfile
import unittest

from judge import bench

# The lines of two variants as the stress test prints them (a recorded
# 6.12 debug boot, shortened).
CONSOLE = """\
# #  RUN           stress.everything.run ...
# # vfio_ap_stress_test.c:805:run:actor assign        310 ops      120 ok   51.7 ops/s, longest 0.73 s
# # vfio_ap_stress_test.c:805:run:actor read           37 ops       34 ok    6.2 ops/s, longest 1.37 s
# #            OK  stress.everything.run
# #  RUN           stress.in_kernel.run ...
# # vfio_ap_stress_test.c:805:run:actor assign        145 ops      136 ok   24.2 ops/s, longest 0.77 s, in kernel threads
# # vfio_ap_stress_test.c:805:run:actor attach        141 ops       88 ok   23.5 ops/s, longest 5.44 s
# # vfio_ap_stress_test.c:805:run:actor read           79 ops       65 ok   13.2 ops/s, longest 1.27 s, in kernel threads
# #            OK  stress.in_kernel.run
"""


class BenchTest(unittest.TestCase):
    def setUp(self):
        fd, self.path = tempfile.mkstemp()
        with os.fdopen(fd, 'w') as f:
            f.write(CONSOLE)

    def tearDown(self):
        os.unlink(self.path)

    def test_a_variant_alone(self):
        self.assertEqual({'assign': 51.7, 'read': 6.2}, bench.rates(self.path))

    def test_kernel_threads_only(self):
        # attach ran in user space in stress.in_kernel: not a kernel rate.
        self.assertEqual({'assign': 24.2, 'read': 13.2},
                         bench.rates(self.path, 'in_kernel', kernel=True))
        self.assertEqual({'assign': 24.2, 'attach': 23.5, 'read': 13.2},
                         bench.rates(self.path, 'in_kernel'))


if __name__ == '__main__':
    unittest.main()

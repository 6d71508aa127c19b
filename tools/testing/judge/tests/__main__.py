# SPDX-License-Identifier: GPL-2.0
"""python3 -m judge.tests: every test of the package, with a last line
"judge: N passed, N failed" for make test."""

import os
import sys
import unittest

here = os.path.dirname(os.path.abspath(__file__))
suite = unittest.defaultTestLoader.discover(here, top_level_dir=os.path.dirname(os.path.dirname(here)))
result = unittest.TextTestRunner(verbosity=1).run(suite)
bad = len(result.failures) + len(result.errors)
print('judge: %d passed, %d failed' % (result.testsRun - bad, bad))
sys.exit(1 if bad or not result.testsRun else 0)

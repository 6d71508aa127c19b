# SPDX-License-Identifier: GPL-2.0
"""python3 -m judge.tests: every test of the package, with a last line
"judge: N passed, N failed", recorded for make test (judge/counts.py).
The tests run without COUNTS_FILE: what the tools they test record is
not make test's."""

import os
import sys
import unittest

from judge import counts

here = os.path.dirname(os.path.abspath(__file__))
suite = unittest.defaultTestLoader.discover(here, top_level_dir=os.path.dirname(os.path.dirname(here)))
path = os.environ.pop(counts.ENV, None)
result = unittest.TextTestRunner(verbosity=1).run(suite)
if path:
    os.environ[counts.ENV] = path
bad = len(result.failures) + len(result.errors)
counts.record('judge', result.testsRun - bad, bad)
sys.exit(1 if bad or not result.testsRun else 0)

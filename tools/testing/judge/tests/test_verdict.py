# SPDX-License-Identifier: GPL-2.0
"""The verdict over the boots of a run (verdict, resume, findings) on
small console logs in the VM's format. Each directory of runs/ holds
boot1.log, boot2.log, ...; optionally findings.txt; nextN, what the
verdict's --next-boot must write after boot N (empty: no more boots);
expected: "exit N", then lines the final summary must contain
(whitespace runs compared as one space), or must not when they begin with
"not: "; optionally detection: the run's
first detection as "boot N: DETECTOR: TITLE", or "none" (known findings
are none, as make replay needs); and optionally args: more arguments
(e.g. --stale report)."""

import contextlib
import io
import os
import re
import shutil
import sys
import tempfile
import unittest

from judge import detection
from judge import verdict

HERE = os.path.dirname(os.path.abspath(__file__))
TESTING = os.path.dirname(os.path.dirname(HERE))


def run_main(module, argv):
    """@module.main() with @argv, its exit code and what it printed."""
    out = io.StringIO()
    saved = sys.argv
    sys.argv = [module.__name__] + argv
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            try:
                rc = module.main()
            except SystemExit as e:
                rc = e.code
    finally:
        sys.argv = saved
    return rc, out.getvalue()


def squeeze(text):
    return re.sub(r'[ \t]+', ' ', text)


class Runs(unittest.TestCase):
    """One test per run directory (added below)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def check_run(self, d):
        args = ['--lock-order', os.path.join(TESTING, 'lock-order', 'upstream.txt'),
                '--series', '6.12', '--allowlist', os.path.join(TESTING, 'allowlist.txt')]
        if os.path.exists(os.path.join(d, 'findings.txt')):
            args += ['--findings', os.path.join(d, 'findings.txt')]
        if os.path.exists(os.path.join(d, 'args')):
            with open(os.path.join(d, 'args'), encoding='utf-8') as f:
                args += f.read().split()
        out = os.path.join(self.tmp, 'out')
        nxt = os.path.join(self.tmp, 'next')
        logs = []
        n = 1
        while os.path.exists(os.path.join(d, 'boot%d.log' % n)):
            logs.append(os.path.join(d, 'boot%d.log' % n))
            run_main(verdict, [out] + logs + args + ['--next-boot', nxt])
            with open(nxt, encoding='utf-8') as f, \
                 open(os.path.join(d, 'next%d' % n), encoding='utf-8') as g:
                self.assertEqual(g.read(), f.read(), 'next boot after boot %d' % n)
            n += 1
        rc, summary = run_main(verdict, [out] + logs + args)
        with open(os.path.join(d, 'expected'), encoding='utf-8') as f:
            expected = f.read().splitlines()
        self.assertEqual(expected[0], 'exit %d' % rc, summary)
        got = squeeze(summary)
        for line in expected[1:]:
            if line.startswith('not: '):
                self.assertNotIn(squeeze(line[len('not: '):]), got, summary)
            else:
                self.assertIn(squeeze(line), got, summary)
        if os.path.exists(os.path.join(d, 'detection')):
            _, brief = run_main(detection, ['--brief', out])
            with open(os.path.join(d, 'detection'), encoding='utf-8') as f:
                self.assertEqual(f.read().strip(), brief.strip(), summary)



def _add(d):
    name = 'test_' + os.path.basename(d).replace('-', '_')
    setattr(Runs, name, lambda self: self.check_run(d))


for _d in sorted(e.path for e in os.scandir(os.path.join(HERE, 'runs')) if e.is_dir()):
    _add(_d)


if __name__ == '__main__':
    unittest.main()

# SPDX-License-Identifier: GPL-2.0
"""The KUnit blocks of a VM console (ktap) and the verdict of the KUnit
suites run as modules in the VM (kunit_vm), with stub_kunit.py in place
of the tree's kunit.py."""

import os
import tempfile
import unittest

from judge import ktap
from judge import kunit_vm

HERE = os.path.dirname(os.path.abspath(__file__))
STUB = os.path.join(HERE, 'stub_kunit.py')


def block(name, results, extra=()):
    """The KTAP of a suite module named after its suite, between /init's
    markers; @extra lines go after the suite's plan."""
    lines = ['INIT: kunit begin ' + name, 'KTAP version 1', '1..1',
             '    # Subtest: ' + name, '    1..%d' % len(results)]
    # "ok", "not ok", or "skip": "ok N caseN # SKIP why".
    lines += ['    %s %d case%d%s' % ('ok' if r == 'skip' else r, i + 1, i,
                                     ' # SKIP why' if r == 'skip' else '')
              for i, r in enumerate(results)]
    lines += list(extra) + ['ok 1 ' + name, 'INIT: kunit end']
    return '\n'.join(lines) + '\n'


class Blocks(unittest.TestCase):
    def test_named_and_unnamed(self):
        text = ('noise\n' + block('a', ['ok']) +
                'INIT: kunit begin\r\n  ok 1 x\r\nINIT: kunit end\r\n' +
                'INIT: kunit begin cut\nKTAP version 1\n')
        got = ktap.blocks(text)
        self.assertEqual([n for n, _ in got], ['a', ''])
        self.assertIn('    ok 1 case0\n', got[0][1])
        self.assertEqual(got[1][1], '  ok 1 x\n')


class Parse(unittest.TestCase):
    def test_module_ktap_of_linux_6_1(self):
        """No top-level header, and a suite numbered over all modules:
        framed as a document of one suite, results untouched."""
        k = ('    KTAP version 1\n    # Subtest: b\n    1..1\n'
             '    not ok 1 case0\nnot ok 2 b\n')
        with tempfile.TemporaryDirectory() as d:
            tree, problems = ktap.parse(k, os.path.join(d, 'b'), STUB)
            with open(os.path.join(d, 'b.ktap'), encoding='utf-8') as f:
                written = f.read()
        self.assertEqual(written, 'KTAP version 1\n1..1\n' +
                         k.replace('not ok 2 b', 'not ok 1 b'))
        self.assertEqual(ktap.cases(tree),
                         [{'name': 'case0', 'status': 'FAIL'}])
        self.assertEqual(problems, 1)     # the stub exits 1 on a failure

    def test_no_ktap(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertRaises(ValueError, ktap.parse, '',
                              os.path.join(d, 'x'), STUB)


class Verdict(unittest.TestCase):
    def judge(self, text, suites=('a', 'b')):
        with tempfile.TemporaryDirectory() as d:
            return kunit_vm.judge(text, [], d, STUB, list(suites))

    def test_passed(self):
        v = self.judge(block('a', ['ok', 'ok']) +
                       block('b', ['ok', 'skip']) +
                       'INIT: unload clean ok\nINIT: done\n')
        self.assertEqual((v['exit'], v['passed'], v['failed'],
                          v['skipped']), (0, 3, 0, 1))

    def test_failed_case(self):
        v = self.judge(block('a', ['ok', 'not ok']) + block('b', ['ok']) +
                       'INIT: done\n')
        self.assertEqual((v['exit'], v['failed']), (1, 1))

    def test_missing_suite(self):
        v = self.judge(block('a', ['ok']) + 'INIT: done\n')
        self.assertEqual(v['exit'], 1)
        self.assertIn('FAIL suite b did not run', v['lines'])

    def test_suite_without_results(self):
        v = self.judge('INIT: kunit begin a\nINIT: kunit end\n' +
                       block('b', ['ok']) + 'INIT: done\n')
        self.assertEqual(v['exit'], 1)

    def test_kunit_py_errors(self):
        v = self.judge(block('a', ['ok'], ['# stub: error']) +
                       block('b', ['ok']) + 'INIT: done\n')
        self.assertEqual(v['exit'], 1)
        self.assertIn('FAIL module a: kunit.py found errors in its KTAP '
                      '(kunit-a.txt)', v['lines'])

    def test_suite_named_by_its_ktap(self):
        v = self.judge(block('a', ['ok']) + block('b', ['ok']) +
                       'INIT: done\n', suites=('a', 'c'))
        self.assertIn('FAIL suite c did not run', v['lines'])

    def test_unload_failed(self):
        v = self.judge(block('a', ['ok']) + block('b', ['ok']) +
                       'INIT: unload clean failed\nINIT: done\n')
        self.assertEqual(v['exit'], 1)

    def test_kernel_report(self):
        v = self.judge(block('a', ['ok']) + block('b', ['ok']) +
                       '==================================================\n'
                       'BUG: KASAN: slab-use-after-free in glue_fn+0x1/0x2\n'
                       'Read of size 8 at addr 000000000badc0de\n'
                       'INIT: done\n')
        self.assertEqual(v['exit'], 2)
        # The summary, which make test repeats at its end, names the
        # report and shows its first lines.
        s = kunit_vm.summary(v, 's390').splitlines()
        i = s.index('report: KASAN: slab-use-after-free in glue_fn '
                    '(x1) -- NEW')
        self.assertEqual(s[i + 1:i + 3], [
            '  | BUG: KASAN: slab-use-after-free in glue_fn+0x1/0x2',
            '  | Read of size 8 at addr 000000000badc0de'])

    def test_not_done(self):
        v = self.judge(block('a', ['ok']) + block('b', ['ok']))
        self.assertEqual(v['exit'], 3)


if __name__ == '__main__':
    unittest.main()

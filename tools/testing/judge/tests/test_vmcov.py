# SPDX-License-Identifier: GPL-2.0
"""The coverage of a kselftest run (vmcov): the gcov blocks of a console,
and the table, from the counters of a small C file built and run on the
host with the host's gcc and gcov in place of the s390x ones."""

import base64
import gzip
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from judge import vmcov

# Two functions; the error label of open_thing() runs only when it fails.
SOURCE = r'''
#include <stdlib.h>

static int open_thing(int fail)
{
	int ret = 0;

	if (fail) {
		ret = -1;
		goto err_out;
	}
	return 0;
err_out:
	return ret;
}

int main(int argc, char **argv)
{
	return open_thing(argc > 1) ? 1 : 0;
}
'''


def block(path, data, width=76):
    """A gcov block as /init prints it."""
    b = base64.b64encode(gzip.compress(data)).decode()
    return ('INIT: gcov begin %s\n' % path +
            ''.join(b[i:i + width] + '\n' for i in range(0, len(b), width)) +
            'INIT: gcov end\n')


class Dumps(unittest.TestCase):
    def test_blocks_between_kernel_lines(self):
        text = ('[    1.0] noise\n' + block('/b/x.gcda', b'abc' * 50) +
                '[    2.0] ap: more noise\r\n' + block('/b/y.gcda', b''))
        self.assertEqual(vmcov.dumps(text),
                         [('/b/x.gcda', b'abc' * 50), ('/b/y.gcda', b'')])

    def test_corrupt_and_cut_blocks(self):
        good = block('/b/x.gcda', b'abc' * 50).splitlines()
        cut = '\n'.join(good[:1] + [good[1][:-8]] + good[2:]) + '\n'
        with self.assertRaisesRegex(ValueError, 'x.gcda do not decode'):
            vmcov.dumps(cut)
        with self.assertRaisesRegex(ValueError, 'no end marker'):
            vmcov.dumps('\n'.join(good[:-1]) + '\n')


@unittest.skipIf(not shutil.which('gcc') or not shutil.which('gcov'),
                 'no host gcc and gcov')
class Table(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.src = os.path.join(self.tmp, 'vfio_ap_x.c')
        with open(self.src, 'w', encoding='utf-8') as f:
            f.write(SOURCE)
        subprocess.run(['gcc', '--coverage', '-O0', '-o', 'prog', self.src],
                       cwd=self.tmp, check=True)
        self.gcda = os.path.join(self.tmp, 'prog-vfio_ap_x.gcda')

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def counters(self, *args):
        """The counters of one run of the program with @args."""
        if os.path.exists(self.gcda):
            os.unlink(self.gcda)
        subprocess.run([os.path.join(self.tmp, 'prog')] + list(args),
                       check=False)
        with open(self.gcda, 'rb') as f:
            return f.read()

    def judge(self, *boots):
        """vmcov's exit code and table for consoles of @boots (counters,
        or None for a boot that printed none)."""
        logs = []
        for i, data in enumerate(boots):
            log = os.path.join(self.tmp, 'console%d.log' % i)
            with open(log, 'w', encoding='utf-8') as f:
                f.write('INIT: tests end\n')
                if data is not None:
                    f.write(block(self.gcda, data))
                f.write('INIT: done\n')
            logs.append(log)
        config = os.path.join(self.tmp, 'config')
        with open(config, 'w', encoding='utf-8') as f:
            f.write('CONFIG_GCOV_KERNEL=y\n')
        res = os.path.join(self.tmp, 'res')
        os.makedirs(res, exist_ok=True)
        p = subprocess.run(
            ['python3', '-m', 'judge.vmcov', res] + logs +
            ['--kernel-config', config, '--prefix', 'driver/',
             '--gcov', 'gcov'],
            cwd=os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))),
            capture_output=True, text=True, check=False)
        rows = []
        if os.path.exists(os.path.join(res, 'coverage.json')):
            with open(os.path.join(res, 'coverage.json'), encoding='utf-8') as f:
                rows = json.load(f)
        return p.returncode, p.stdout, rows

    def test_the_label_of_a_failure_counts_once_it_ran(self):
        ok = self.counters()
        rc, out, rows = self.judge(ok)
        self.assertEqual(rc, 0, out)
        self.assertEqual([r['file'] for r in rows], ['driver/vfio_ap_x.c'])
        self.assertEqual(rows[0]['labels_unreached'], ['err_out:13'])
        self.assertLess(rows[0]['lines_run'], rows[0]['lines'])
        self.assertLess(rows[0]['branches_run'], rows[0]['branches'])
        self.assertIn('labels not reached: err_out:13', out)
        # A second boot whose run failed: the boots add up.
        rc, out, rows = self.judge(ok, self.counters('fail'))
        self.assertEqual(rc, 0, out)
        self.assertEqual(rows[0]['labels_unreached'], [])
        self.assertEqual(rows[0]['lines_run'], rows[0]['lines'])
        self.assertEqual(rows[0]['branches_run'], rows[0]['branches'])

    def test_a_boot_without_counters_is_infrastructure(self):
        rc, out, _ = self.judge(self.counters(), None)
        self.assertEqual(rc, 3)
        self.assertIn('printed no gcov counters', out)

    def test_counters_of_another_build_are_refused(self):
        data = self.counters()
        subprocess.run(['gcc', '--coverage', '-O1', '-o', 'prog', self.src],
                       cwd=self.tmp, check=True)
        rc, out, _ = self.judge(data)
        self.assertEqual(rc, 3, out)

# SPDX-License-Identifier: GPL-2.0
"""judge.vmstate: QEMU's registers read, addresses named, the back chain
walked as the kernel's unwinder walks it, and the report's lines."""

import os
import tempfile
import unittest
from unittest import mock

from judge import vmstate

# Two vCPUs as QEMU 7.2's "info registers -a" prints them (cut): CPU 0
# in the kernel, CPU 1 in an enabled wait.
REGS = """
CPU#0
PSW=mask 0704c00180000000 addr 000003ffe0220d00 cc CC_OP_LTUGTU_64
R00=0000000000000001 R01=001c000000781d10 R02=0000000000000001 R03=0000000000000008
R12=000003ffe0864000 R13=0000000000000000 R14=000003ffe0220c10 R15=0000000000010000
V00=00000000011f29480000000000000000 V01=000003ff000000000000000000000000

CPU#1
PSW=mask 0706c00180000000 addr 000003ffe0323528 cc CC_OP_LTUGTU_64
R12=000003ffe0864000 R13=0000000000000000 R14=000003ffe0696f94 R15=0000000003c9fd78
"""

MAP = """0000000000100000 T _stext
0000000000220c00 t caller
0000000000220cc0 T spin_wait
0000000000300000 D some_data
0000000000400000 T outer
"""


class FakeMonitor:
    """A monitor over a dict of guest doublewords."""

    def __init__(self, mem, regs=REGS):
        self.mem = mem
        self.regs = regs
        self.running = True
        self.calls = []

    def call(self, cmd, **args):
        self.calls.append(cmd)
        self.running = cmd == 'cont'

    def hmp(self, line, cpu=None):
        if line == 'info registers -a':
            assert not self.running, 'registers read from running vCPUs'
            return self.regs
        addr = int(line.split()[-1], 16)
        if line.startswith('xp '):
            addr |= 1 << 63
        if addr not in self.mem:
            return 'Cannot access memory\r\n'
        return '%016x: 0x%016x\r\n' % (addr, self.mem[addr])

    read64 = vmstate.Monitor.read64


class VmstateTest(unittest.TestCase):
    def setUp(self):
        fd, self.map = tempfile.mkstemp()
        with os.fdopen(fd, 'w') as f:
            f.write(MAP)
        self.addCleanup(os.unlink, self.map)
        self.syms = vmstate.Symbols(vmstate.read_map(self.map)[1], 0x3ffe0000000,
                                    [('vfio_ap_ref', 0x1000, 0x3ff80000000)])

    def test_registers(self):
        regs = vmstate.parse_registers(REGS)
        self.assertEqual({0, 1}, set(regs))
        self.assertEqual(0x3ffe0220d00, regs[0]['addr'])
        self.assertEqual(0x3ffe0220c10, regs[0]['r14'])
        self.assertEqual(0x10000, regs[0]['r15'])
        self.assertEqual(0x3ffe0864000, regs[0]['r12'])
        self.assertTrue(regs[1]['mask'] & vmstate.PSW_WAIT)
        self.assertFalse(regs[0]['mask'] & vmstate.PSW_WAIT)

    def test_names(self):
        self.assertEqual('spin_wait+0x40', self.syms.name(0x3ffe0220d00))
        self.assertEqual('caller+0x10', self.syms.name(0x3ffe0220c10))
        self.assertEqual('[vfio_ap_ref]+0x24', self.syms.name(0x3ff80000024))
        # Data symbols name nothing; far from any text, the bare address.
        self.assertEqual('outer+0x10', self.syms.name(0x3ffe0400010))
        self.assertEqual('0x1234', self.syms.name(0x1234))

    def test_console_layout(self):
        fd, path = tempfile.mkstemp()
        with os.fdopen(fd, 'w') as f:
            f.write('INIT: kernel _stext 000003ffe0100000\n'
                    'INIT: modules\nINIT: module old 4096 0x000003ff70000000\n'
                    'INIT: modules\r\nINIT: module vfio_ap_ref 8192 0x000003ff80000000\r\n')
        self.addCleanup(os.unlink, path)
        stext, mods = vmstate.console_layout(path)
        self.assertEqual(0x3ffe0100000, stext)
        self.assertEqual([('vfio_ap_ref', 8192, 0x3ff80000000)], mods)
        every, text = vmstate.read_map(self.map)
        self.assertEqual(0x100000, every['_stext'])
        self.assertEqual(0x300000, every['some_data'])
        self.assertNotIn('absent', every)
        self.assertNotIn('some_data', [n for _, n in text])
        self.assertEqual(({}, []), vmstate.read_map(self.map + '.absent'))

    def test_back_chain(self):
        # Frame at 0x10000 chains to 0x20000, whose saved r14 returns
        # into outer; 0x20000 has a zero chain, so an interrupt's
        # pt_regs follows it: its PSW is in the kernel, and its r15 a
        # frame whose chain ends the walk at a user PSW.
        # The offsets are the kernel's, written out here, not taken from
        # the module: struct stack_frame's back_chain at 152 and gprs[8]
        # (r14) at 136; struct pt_regs 160 bytes on, its psw.mask at 8,
        # psw.addr at 16 and gprs[15] at 144.
        pt = 0x20000 + 160
        pt2 = 0x30000 + 160
        mem = {
            0x10000 + 152: 0x20000,
            0x20000 + 136: 0x3ffe0400010,
            0x20000 + 152: 0,
            pt + 8: 0x0704c00180000000,
            pt + 16: 0x3ffe0220c00,
            pt + 144: 0x30000,
            0x30000 + 152: 0,
            pt2 + 8: 0x0705c00180000000 | 1 << 48,
        }
        regs = vmstate.parse_registers(REGS)[0]
        self.assertEqual([(0x3ffe0400010, False), (0x3ffe0220c00, True)],
                         vmstate.backtrace(FakeMonitor(mem), 0, regs))
        # Memory it cannot read ends the walk with what it has.
        del mem[pt + 16]
        self.assertEqual([(0x3ffe0400010, False)],
                         vmstate.backtrace(FakeMonitor(mem), 0, regs))

    def test_lowcore(self):
        # lowcore_ptr[1] at 0x9008 names CPU 1's lowcore at 0x5000; the
        # offsets are struct lowcore's: pgm_ilc 0x8c, pgm_code 0x8e,
        # trans_exc_code 0xa8, pgm_last_break 0x110, pgm_old_psw 0x150.
        # The lowcore is read at absolute addresses (bit 63 in this fake
        # memory), virtual 0x200 through DAT.
        phys = 1 << 63
        mem = {0x9008: 0x5000, phys | 0x5088: 4 << 16 | 0x11, phys | 0x50a8: 0x1000,
               phys | 0x5110: 0x3ffe0220c00, phys | 0x5158: 0x3ffe0220cc0, 0x200: 0}
        self.assertEqual('program check code 0x11, translation exception '
                         'address 0x1000, last break 0x3ffe0220c00, old PSW '
                         '0x3ffe0220cc0', vmstate.lowcore(FakeMonitor(mem), 1, 0x9000))
        self.assertEqual('program check code 0x11, translation exception '
                         'address 0x1000, last break caller+0x0, old PSW '
                         'spin_wait+0x0', vmstate.lowcore(FakeMonitor(mem), 1, 0x9000,
                                                          self.syms))
        del mem[0x200]
        self.assertEqual('lowcore not readable: Cannot access memory; virtual '
                         '0x200 does not translate: Cannot access memory',
                         vmstate.lowcore(FakeMonitor(mem), 0, 0x9000))

    def test_report(self):
        mem = {0x10000 + 152: 0x20000, 0x20000 + 136: 0x3ffe0400010}
        cpu = iter([10.0, 12.0])
        with mock.patch.object(vmstate, 'cpu_seconds', lambda pid: next(cpu)), \
                mock.patch.object(vmstate.time, 'sleep'), \
                mock.patch.object(vmstate.time, 'monotonic', iter([0.0, 2.0]).__next__):
            mon = FakeMonitor(mem)
            lines = vmstate.report(mon, self.syms, 1, 3)
        # Each sample stops the vCPUs and lets them go again.
        self.assertEqual(['stop', 'cont'] * 3, mon.calls)
        self.assertEqual([
            'vmstate: QEMU used 100% of a CPU over 2.0 s',
            'vmstate: CPU 0 in 3 samples: spin_wait (3)',
            'vmstate: CPU 0 registers: r0=1 r1=1c000000781d10 r2=1 r3=8 r12=3ffe0864000 '
            'r13=0 r14=3ffe0220c10 r15=10000',
            'vmstate: CPU 0 back chain of the last sample:',
            'vmstate:   spin_wait+0x40 (PSW)',
            'vmstate:   caller+0x10 (r14)',
            'vmstate:   outer+0x10',
            'vmstate: CPU 1 in 3 samples: waiting (idle) (3)',
        ], lines)


if __name__ == '__main__':
    unittest.main()

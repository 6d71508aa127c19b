# SPDX-License-Identifier: GPL-2.0
"""Where a VM's CPUs are, asked of QEMU just before its watchdog kills it.

A run the host watchdog ends has no kernel report: the guest's own
detectors (hung task, RCU stall, the stall watcher) did not fire, or
could not print. What it was doing is then only in QEMU: this asks QEMU's
QMP monitor for each vCPU's registers a few times, a second apart, and
writes how much CPU QEMU used (about 100% per vCPU when the guest spins;
near 0 when it idles, or when QEMU itself is stuck), then per vCPU its
state in each sample (user space, waiting: the guest idles, or the
kernel function it ran), its lowcore's last program check, and for the
last sample its registers and kernel backtrace (s390's back chain). boot.sh appends it to the console log, each line
prefixed "HOST: ", after its watchdog line.

Addresses are named with the kernel's System.map, moved by the running
kernel's _stext (init.sh prints "INIT: kernel _stext ADDR"), and with
the modules' load addresses /init listed last ("INIT: module NAME SIZE
ADDR"): a module that a test loaded again since may have moved.

Usage: python3 -m judge.vmstate SOCKET --at SECONDS --pid PID
       --console LOG [--map System.map] [--samples N]
Waits SECONDS, then writes the report on stdout; exits at once, writing
nothing, when QEMU (PID) ends before. A monitor that does not answer is
said in one line.
"""

import argparse
import bisect
import collections
import json
import os
import re
import socket
import sys
import time

# The PSW mask's wait (bit 14) and problem-state (bit 15) bits.
PSW_WAIT = 1 << (63 - 14)
PSW_PROBLEM = 1 << (63 - 15)
# struct stack_frame (arch/s390/include/asm/stacktrace.h, packed stack):
# nine words, the saved gprs 6-15, the back chain. A function saves its
# caller's r14 in the frame its back chain points to.
SF_GPR14 = (9 + 8) * 8
SF_BACKCHAIN = (9 + 10) * 8
# A zero back chain: an interrupt's struct pt_regs follows the frame
# (STACK_FRAME_OVERHEAD, 160 bytes): args[1], psw (mask, addr), gprs[16].
STACK_FRAME_OVERHEAD = 160
REGS_PSW_MASK = 1 * 8
REGS_PSW_ADDR = 2 * 8
REGS_GPR15 = (3 + 15) * 8
MAX_FRAMES = 24
# struct lowcore (arch/s390/include/asm/lowcore.h, 6.1 and 6.12): the
# last program check's ilc and code, its translation-exception address,
# its breaking-event address and old PSW.
LC_PGM_ILC = 0x8c
LC_TRANS_EXC_CODE = 0xa8
LC_PGM_LAST_BREAK = 0x110
LC_PGM_OLD_PSW = 0x150
LC_SAVE_AREA_SYNC = 0x200

CPU_HEAD = re.compile(r'^CPU#(\d+)')
PSW = re.compile(r'^PSW=mask ([0-9a-f]+) addr ([0-9a-f]+)')
REG = re.compile(r'R(\d\d)=([0-9a-f]+)')
STEXT = re.compile(r'^INIT: kernel _stext ([0-9a-f]+)')
MODULE = re.compile(r'^INIT: module (\S+) (\d+) (?:0x)?([0-9a-f]+)')


def parse_registers(text):
    """{cpu: {'mask': int, 'addr': int, 'r0': int, ... 'r15': int}} from
    the text of HMP's "info registers -a" on s390x."""
    cpus, cur = {}, None
    for line in text.splitlines():
        m = CPU_HEAD.match(line)
        if m:
            cur = cpus.setdefault(int(m.group(1)), {})
            continue
        if cur is None:
            continue
        m = PSW.match(line)
        if m:
            cur['mask'], cur['addr'] = int(m.group(1), 16), int(m.group(2), 16)
        for n, v in REG.findall(line):
            cur['r%d' % int(n)] = int(v, 16)
    return {c: r for c, r in cpus.items()
            if {'mask', 'addr', 'r14', 'r15'} <= r.keys()}


def read_map(path):
    """System.map @path as {name: address}, and its text symbols sorted
    as (address, name); empty when it cannot be read."""
    every, text = {}, []
    try:
        with open(path, encoding='utf-8') as f:
            for line in f:
                p = line.split()
                if len(p) != 3:
                    continue
                addr = int(p[0], 16)
                every.setdefault(p[2], addr)
                if p[1] in 'tTwW':
                    text.append((addr, p[2]))
    except (OSError, ValueError):
        return {}, []
    return every, sorted(text)


class Symbols:
    """Names kernel and module addresses: the text symbols of
    read_map() moved by @offset, and @modules, (name, size, address)
    each."""

    def __init__(self, text=(), offset=0, modules=()):
        self.addrs = [a + offset for a, _ in text]
        self.names = [n for _, n in text]
        self.modules = list(modules)

    def name(self, addr):
        """"func+0xoff", "[module]+0xoff" or the bare address."""
        for mod, size, base in self.modules:
            if base <= addr < base + size:
                return '[%s]+0x%x' % (mod, addr - base)
        i = bisect.bisect_right(self.addrs, addr) - 1
        # A kernel function is shorter than a MiB.
        if i >= 0 and addr - self.addrs[i] < 1 << 20:
            return '%s+0x%x' % (self.names[i], addr - self.addrs[i])
        return '0x%x' % addr


def console_layout(path):
    """The kernel's _stext and the modules (name, size, address) the last
    listing on the console @path gave."""
    stext, modules = None, []
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            for line in f:
                line = line.rstrip('\r\n')
                m = STEXT.match(line)
                if m:
                    stext = int(m.group(1), 16)
                    continue
                if line == 'INIT: modules':
                    modules = []
                    continue
                m = MODULE.match(line)
                if m:
                    modules.append((m.group(1), int(m.group(2)), int(m.group(3), 16)))
    except OSError:
        pass
    return stext, modules


class Monitor:
    """A QMP connection; hmp() runs a human monitor command."""

    def __init__(self, path, timeout=5.0):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.f = self.sock.makefile('rw', encoding='utf-8')
        self.f.readline()
        self.call('qmp_capabilities')

    def call(self, cmd, **args):
        msg = {'execute': cmd}
        if args:
            msg['arguments'] = args
        self.f.write(json.dumps(msg) + '\n')
        self.f.flush()
        while True:
            line = self.f.readline()
            if not line:
                raise OSError('the monitor closed its socket')
            r = json.loads(line)
            if 'return' in r:
                return r['return']
            if 'error' in r:
                raise OSError(r['error'].get('desc', 'error'))

    def hmp(self, line, cpu=None):
        args = {'command-line': line}
        if cpu is not None:
            args['cpu-index'] = cpu
        return self.call('human-monitor-command', **args)

    def read64(self, cpu, addr, physical=False):
        """The doubleword at kernel virtual @addr, through @cpu's DAT, or
        with @physical at absolute @addr."""
        out = self.hmp('%s /1gx 0x%x' % ('xp' if physical else 'x', addr), cpu)
        m = re.search(r':\s*0x([0-9a-f]+)', out)
        if not m:
            raise ValueError(out.strip())
        return int(m.group(1), 16)


def backtrace(mon, cpu, regs):
    """@cpu's kernel back chain from its r15, as arch/s390/kernel/
    unwind_bc.c walks it: (return address, whether an interrupt's
    registers gave it) each."""
    out, sp = [], regs['r15']
    try:
        while len(out) < MAX_FRAMES:
            bc = mon.read64(cpu, sp + SF_BACKCHAIN)
            if bc:
                # Bounded by MAX_FRAMES: a stack switch may go down.
                if bc == sp:
                    break
                out.append((mon.read64(cpu, bc + SF_GPR14), False))
                sp = bc
                continue
            pt = sp + STACK_FRAME_OVERHEAD
            # The interrupted context was user space: the end.
            if mon.read64(cpu, pt + REGS_PSW_MASK) & PSW_PROBLEM:
                break
            ip = mon.read64(cpu, pt + REGS_PSW_ADDR)
            sp = mon.read64(cpu, pt + REGS_GPR15)
            if not ip or not sp:
                break
            out.append((ip, True))
    except (OSError, ValueError):
        pass
    return out


def lowcore(mon, cpu, ptrs, syms=None):
    """What @cpu's lowcore says of its last program check, or why it
    cannot be read. A CPU that loops on a program check in its handler
    shows only the handler; this says which exception, and where.

    lowcore_ptr[] (@ptrs, its address in the running kernel) holds each
    lowcore's address, read here as an absolute one (the identity map,
    the same on 6.1; on 6.12 it need not be at virtual 0). The handler's
    first store goes to the lowcore through virtual address 0x200: that
    it translates is said too."""
    name = syms.name if syms else '0x%x'.__mod__
    try:
        lc = mon.read64(cpu, ptrs + 8 * cpu)
        ilc_code = mon.read64(cpu, (lc + LC_PGM_ILC) & ~7, physical=True)
        text = ('program check code 0x%x, translation exception address 0x%x, '
                'last break %s, old PSW %s' % (
                    ilc_code & 0xffff,
                    mon.read64(cpu, lc + LC_TRANS_EXC_CODE, physical=True),
                    name(mon.read64(cpu, lc + LC_PGM_LAST_BREAK, physical=True)),
                    name(mon.read64(cpu, lc + LC_PGM_OLD_PSW + 8, physical=True))))
    except (OSError, ValueError) as e:
        text = 'lowcore not readable: %s' % e
    try:
        mon.read64(cpu, LC_SAVE_AREA_SYNC)
    except (OSError, ValueError) as e:
        text += '; virtual 0x%x does not translate: %s' % (LC_SAVE_AREA_SYNC, e)
    return text


def state(regs, syms):
    if regs['mask'] & PSW_WAIT:
        return 'waiting (idle)'
    if regs['mask'] & PSW_PROBLEM:
        return 'user space'
    # The function alone: samples in one loop count together.
    return syms.name(regs['addr']).split('+')[0]


def cpu_ticks(pid):
    """The CPU time so far of process @pid and its children, in clock
    ticks; None when @pid is gone."""
    try:
        with open('/proc/%d/stat' % pid, encoding='utf-8') as f:
            p = f.read().rsplit(')', 1)[1].split()
        total = int(p[11]) + int(p[12])
        with open('/proc/%d/task/%d/children' % (pid, pid), encoding='utf-8') as f:
            kids = [int(c) for c in f.read().split()]
    except (OSError, IndexError, ValueError):
        return None
    return total + sum(cpu_ticks(c) or 0 for c in kids)


def cpu_seconds(pid):
    """The CPU time so far of process @pid and its children (QEMU runs
    under timeout(1)), in seconds, or None when @pid is gone."""
    ticks = cpu_ticks(pid)
    return None if ticks is None else ticks / os.sysconf('SC_CLK_TCK')


def stopped_registers(mon):
    """HMP's "info registers -a", read with the vCPUs stopped. QEMU 7.2
    computes the PSW's condition code from TCG's lazy flags for it; read
    from a vCPU that runs, they can be half updated, and QEMU then dies
    on its own assertion (cc_calc_addu: carry_out <= 1), seen here with a
    read every 5 s."""
    mon.call('stop')
    try:
        return mon.hmp('info registers -a')
    finally:
        mon.call('cont')


def report(mon, syms, pid, samples, interval=1.0, window=3.0, lowcore_ptr=None):
    """The report's lines: QEMU's CPU use over @window seconds, then
    @samples samples, @interval seconds apart, and with @lowcore_ptr (the
    address of the kernel's lowcore_ptr[]) each CPU's last program check.
    The use is measured first: each sample stops the vCPUs for a moment."""
    lines = []
    t0, c0 = time.monotonic(), cpu_seconds(pid)
    time.sleep(window)
    t1, c1 = time.monotonic(), cpu_seconds(pid)
    if c0 is not None and c1 is not None:
        lines.append('vmstate: QEMU used %.0f%% of a CPU over %.1f s'
                     % (100 * (c1 - c0) / (t1 - t0), t1 - t0))
    seen, last = {}, {}
    for i in range(samples):
        if i:
            time.sleep(interval)
        regs = parse_registers(stopped_registers(mon))
        for cpu, r in regs.items():
            seen.setdefault(cpu, []).append(state(r, syms))
            last[cpu] = r
    for cpu in sorted(last):
        lines.append('vmstate: CPU %d in %d samples: %s' % (cpu, len(seen[cpu]), ', '.join(
            '%s (%d)' % c for c in collections.Counter(seen[cpu]).most_common())))
        r = last[cpu]
        if lowcore_ptr is not None:
            lines.append('vmstate: CPU %d %s' % (cpu, lowcore(mon, cpu, lowcore_ptr, syms)))
        if r['mask'] & (PSW_WAIT | PSW_PROBLEM):
            continue
        # A CPU that loops in an interruption handler has the registers
        # the handler has not yet saved from the context that faulted
        # first (pgm_check_handler: r0-r7, r12-r14).
        lines.append('vmstate: CPU %d registers: %s' % (cpu, ' '.join(
            'r%d=%x' % (n, r['r%d' % n]) for n in range(16) if 'r%d' % n in r)))
        lines.append('vmstate: CPU %d back chain of the last sample:' % cpu)
        lines.append('vmstate:   %s (PSW)' % syms.name(r['addr']))
        lines.append('vmstate:   %s (r14)' % syms.name(r['r14']))
        lines += ['vmstate:   %s%s' % (syms.name(a), ' (interrupted here)' if irq else '')
                  for a, irq in backtrace(mon, cpu, r)]
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('socket')
    ap.add_argument('--at', type=float, required=True)
    ap.add_argument('--pid', type=int, required=True)
    ap.add_argument('--console', required=True)
    ap.add_argument('--map')
    ap.add_argument('--samples', type=int, default=5)
    args = ap.parse_args()
    end = time.monotonic() + args.at
    while time.monotonic() < end:
        if cpu_seconds(args.pid) is None:
            return
        time.sleep(min(1.0, max(0.0, end - time.monotonic())))
    stext, modules = console_layout(args.console)
    every, text = read_map(args.map) if args.map else ({}, [])
    base = every.get('_stext')
    offset = stext - base if stext is not None and base is not None else 0
    syms = Symbols(text, offset, modules)
    ptrs = every.get('lowcore_ptr')
    try:
        mon = Monitor(args.socket)
        lines = report(mon, syms, args.pid, args.samples,
                       lowcore_ptr=None if ptrs is None else ptrs + offset)
    except (OSError, ValueError) as e:
        lines = ['vmstate: the QEMU monitor did not answer: %s' % e]
    if stext is None:
        lines.append('vmstate: the console has no "INIT: kernel _stext": '
                     'kernel addresses are named as in System.map')
    sys.stdout.write(''.join(l + '\n' for l in lines))


if __name__ == '__main__':
    main()

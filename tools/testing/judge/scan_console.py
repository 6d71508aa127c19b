# SPDX-License-Identifier: GPL-2.0
"""Find kernel reports in a console log and give each a stable title.

Recognised: every lockdep report (circular dependency, recursive locking,
inconsistent lock state, held lock freed, bad unlock balance, suspicious
RCU usage, and the other "WARNING: ..." reports lockdep prints), KASAN,
kmemleak, the allocation ledger's leaks at unload (driver/sim/sim_ledger.c),
hung tasks, tasks that cannot die (stall-watch.sh), WARNING, BUG/Oops, soft lockups, RCU stalls,
sysfs duplicate names (a dump_stack() without "WARNING"), s390's kernel
stack overflows (CHECK_STACK) and panics.
Titles follow syzkaller's style ("possible deadlock in <func>"),
and reports with the same title are folded into one with a count.

An allowlist file may suppress titles; every entry needs a reason:
    <python regex matching the title>  # <reason>
Blank lines and lines starting with '#' are comments.

Usage: python3 -m judge.scan_console [--allowlist FILE] [--json] CONSOLE_LOG
Prints one "REPORT: <title> (xN, line L)" per report and exits 0 when
there are none, 2 when there are, 3 on a bad allowlist or unreadable log.
"""

import argparse
import json
import re
import sys

from . import datafile

# Frames that say nothing about where a report comes from.
BORING = re.compile(
    r'^(dump_stack\w*|show_stack|__warn\w*|warn_slowpath\w*|report_bug|'
    r'__schedule|schedule\w*|io_schedule\w*|__mutex_lock\w*|mutex_lock\w*|'
    r'down_\w+|__down_\w+|rwsem_down_\w+|__rwsem_\w+|rt_mutex\w*|'
    r'_raw_spin\w*|spin_lock\w*|wait_for_completion\w*|'
    r'__wait_for_common|wait_event\w*|prepare_to_wait\w*|'
    r'lock_acquire|lock_release|__lock_acquire|rcu_lock_acquire|'
    r'kmalloc\w*|__kmalloc\w*|kmem_cache_alloc\w*|__kmem_cache_alloc\w*|'
    r'kzalloc\w*|kcalloc\w*|kmalloc_trace\w*|slab_post_alloc_hook|'
    r'kmemleak_alloc\w*|__alloc_pages\w*|alloc_pages\w*|krealloc\w*|'
    r'kmemdup\w*|kstrdup\w*|memdup_user\w*|kvmalloc\w*|__kvmalloc\w*|'
    r'kvasprintf\w*|kasprintf\w*|devm_kasprintf|'
    r'kasan_\w+|__kasan_\w+|print_report|print_address_description\w*|'
    r'__asan_\w+|check_memory_region\w*|memcpy|memset|memmove|'
    r'lockdep_rcu_suspicious|__might_resched|__might_sleep|__might_fault|'
    r'rcu_preempt_sleep_check|__cond_resched|_cond_resched|cond_resched\w*|'
    r'preempt_schedule\w*|'
    r'ret_from_fork\w*|kthread|__ret_from_fork|system_call|__do_syscall|'
    r'do_syscall\w*|__s390x_sys_\w+|__se_sys_\w+|__do_sys_\w+)$')

FRAME = re.compile(r'(?:\[<[0-9a-f]+>\]|\(|^\s+|\s)\s*([A-Za-z_][\w.]*)\+0x[0-9a-f]+/0x[0-9a-f]+')
AT_FUNC = re.compile(r'at: ([A-Za-z_][\w.]*)\+0x')


# The driver core's walks of a bus's or a driver's devices: a CPU that
# spins in one is caught anywhere in its loop, and the loop is its
# caller's.
WALK = re.compile(
    r'^(bus_find_device|bus_for_each_dev|driver_find_device|'
    r'driver_for_each_device|next_device|klist_\w+|get_device|put_device|'
    r'kobject_get\w*|kobject_put|kref_\w+|refcount_\w+|device_match_\w+)$')


def first_frame(lines, start, limit=60, skip=None):
    """The first interesting function in the stack after line @start.

    A function is matched against BORING (and @skip, a pattern of more
    frames to pass over) without the suffix the compiler gives its clones
    (.constprop.0, .isra.0, .part.0, .cold): 6.1 names
    slab_post_alloc_hook.constprop.0 first in kmemleak's backtraces."""
    for line in lines[start:start + limit]:
        for m in FRAME.finditer(line):
            fn = m.group(1)
            base = fn.split('.')[0]
            if not BORING.match(base) and not (skip and skip.match(base)):
                return fn
    return None


def lockdep_func(lines, start):
    """lockdep names the lock being taken: "... at: func+0x../0x..". """
    for line in lines[start:start + 40]:
        m = AT_FUNC.search(line)
        if m:
            return m.group(1)
    return first_frame(lines, start)


def stalled_cpu_frame(lines, i):
    """The function a CPU that reported its own RCU stall at line @i
    spins in.

    The report names the CPU ("\t1-....: (N ticks this GP)") and later
    dumps its registers and stack after "CPU: 1 PID: ...". Between the
    two, a starved grace-period kthread gets its own stack dump, and
    the CPU it last ran on another: neither is the stalled CPU's.

    The stalled CPU is caught wherever it is in its loop: in a driver
    core walk (WALK) the loop is the walk's caller, so the walk's own
    frames are passed over. A match callback the walk calls is named."""
    cpu = None
    for line in lines[i + 1:i + 4]:
        m = re.match(r'(?:rcu: )?\s*(\d+)-\S*: \(', line)
        if m:
            cpu = m.group(1)
            break
    if cpu is not None:
        for j in range(i + 1, min(i + 200, len(lines))):
            if re.match(r'CPU: %s PID: \d+ ' % cpu, lines[j]):
                return first_frame(lines, j + 1, 40, WALK)
    return first_frame(lines, i + 1, 40, WALK)


# s390's register dump: "Krnl PSW : <mask> <addr> (<function>+0x../0x..)".
KRNL_PSW = re.compile(r'Krnl PSW : \S+ \S+ \(([A-Za-z_][\w.]*)\+0x')


def title_of(lines, i):
    """The report title starting at line @i, or None."""
    line = lines[i]

    lockdep = [
        ('possible circular locking dependency detected', 'possible deadlock'),
        ('possible recursive locking detected', 'possible deadlock (recursive)'),
        ('inconsistent lock state', 'inconsistent lock state'),
        ('held lock freed!', 'held lock freed'),
        ('bad unlock balance detected!', 'bad unlock balance'),
        ('possible irq lock inversion dependency detected', 'possible irq lock inversion'),
        ('HARDIRQ-safe -> HARDIRQ-unsafe lock order detected', 'possible deadlock (irq)'),
        ('SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected', 'possible deadlock (softirq)'),
        ('lock held when returning to user space!', 'lock held when returning to user space'),
        ('Nested lock was not taken', 'nested lock was not taken'),
        ('lock held at task exit time!', 'lock held at task exit time'),
        ('suspicious RCU usage', 'suspicious RCU usage'),
        ('BUG: Invalid wait context', 'invalid wait context'),
    ]
    m = re.search(r'(?:WARNING: |\[ )(.*)$', line)
    if m and not re.search(r'WARNING: CPU: \d+ PID:', line):
        text = m.group(1).strip()
        for needle, title in lockdep:
            if needle in text:
                if needle == 'suspicious RCU usage':
                    trace = next((j for j in range(i + 1, min(i + 40, len(lines)))
                                  if 'Call Trace' in lines[j]), None)
                    fn = first_frame(lines, trace + 1) if trace else None
                    if fn:
                        return '%s in %s' % (title, fn)
                    for nxt in lines[i + 1:i + 6]:
                        mm = re.search(r'^(\S+:\d+) ', nxt)
                        if mm:
                            return '%s at %s' % (title, mm.group(1))
                    return title
                fn = lockdep_func(lines, i + 1)
                return '%s in %s' % (title, fn) if fn else title
    m = re.search(r'WARNING: CPU: \d+ PID: \d+ at \S+ ([A-Za-z_][\w.]*)\+0x', line)
    if m:
        return 'WARNING in %s' % m.group(1)
    m = re.search(r'WARNING: CPU: \d+ PID: \d+ at (\S+)', line)
    if m:
        fn = first_frame(lines, i + 1)
        return 'WARNING in %s' % (fn or m.group(1))
    m = re.search(r'BUG: KASAN: ([\w-]+) in ([A-Za-z_][\w.]*)', line)
    if m:
        return 'KASAN: %s in %s' % (m.group(1), m.group(2))
    if re.search(r'unreferenced object 0x[0-9a-f]+ \(size \d+\)', line):
        fn = None
        for j in range(i + 1, min(i + 40, len(lines))):
            if 'backtrace' in lines[j]:
                fn = first_frame(lines, j + 1, 25)
                break
        return 'memory leak in %s' % fn if fn else 'memory leak'
    m = re.search(r'INFO: task (\S+?):\d+ blocked for more than \d+ seconds', line)
    if m:
        fn = first_frame(lines, i + 1, 60)
        return 'task hung in %s' % fn if fn else 'task hung'
    # driver/sim/sim_ledger.c: what the driver left allocated when unloaded.
    m = re.search(r'vfio_ap_ref ledger: leak at unload: .* from ([A-Za-z_]\w*) \(at ', line)
    if m:
        return 'leak at unload in %s' % m.group(1)
    # tools/testing/vm/stall-watch.sh: its stack ends at its dump marker.
    if re.search(r"INFO: task \S+?:\d+ can't die for more than \d+ seconds", line):
        if 'no resched point' in ''.join(lines[i + 1:i + 4]):
            return "task can't die (spinning)"
        end = next((j for j in range(i + 1, min(i + 80, len(lines)))
                    if lines[j].startswith('INIT: stall dump')), i + 1)
        fn = first_frame(lines, i + 1, end - i - 1)
        return "task can't die in %s" % fn if fn else "task can't die"
    if re.search(r'watchdog: BUG: soft lockup', line):
        fn = first_frame(lines, i + 1)
        return 'BUG: soft lockup in %s' % fn if fn else 'BUG: soft lockup'
    # A self-detected stall's stack is the stalled CPU's own (its PSW
    # names the function it spins in); another CPU's report has no
    # reliable stack on s390, which has no NMI backtrace.
    if re.search(r'rcu: INFO: \w+ self-detected stall', line) or \
       re.search(r'INFO: rcu_\w+ self-detected stall', line):
        fn = stalled_cpu_frame(lines, i)
        return 'INFO: rcu detected stall in %s' % fn if fn else 'INFO: rcu detected stall'
    if re.search(r'rcu: INFO: \w+ detected stall', line) or \
       re.search(r'INFO: rcu_\w+ detected stall', line):
        # Every CPU passed a quiescent state; only the grace-period
        # kthread did not get to run: no CPU was stuck.
        after = '\n'.join(lines[i + 1:i + 6])
        if 'All QSes seen' in after and 'kthread starved' in after:
            return 'INFO: rcu grace-period kthread starved'
        return 'INFO: rcu detected stall'
    m = re.search(r"sysfs: cannot create duplicate filename '(\S+?)/[^/']+'", line)
    if m:
        return 'sysfs: cannot create duplicate filename in %s' % m.group(1)
    m = re.search(r'kernel BUG at (\S+?):?\d*!', line)
    if m:
        return 'kernel BUG at %s' % m.group(1)
    m = re.search(r'BUG: (?!KASAN)(.*)$', line)
    if m and 'soft lockup' not in line:
        text = re.sub(r'0x[0-9a-f]+|\d+', 'N', m.group(1).strip())
        return 'BUG: %s' % text
    if re.search(r'\bOops: ', line) or re.search(r'Unable to handle kernel', line):
        fn = first_frame(lines, i + 1)
        return 'Oops in %s' % fn if fn else 'Oops'
    # kernel_stack_overflow() (arch/s390/kernel/traps.c): CHECK_STACK
    # found r15 outside the stack, an overflow or a stack pointer gone
    # bad; the PSW of the registers that follow says where the CPU was.
    if line.strip() == 'Kernel stack overflow.':
        fn = next((m.group(1) for m in map(KRNL_PSW.search, lines[i + 1:i + 6]) if m), None)
        return 'kernel stack overflow in %s' % fn if fn else 'kernel stack overflow'
    m = re.search(r'Kernel panic - not syncing: (.*)$', line)
    if m:
        return 'kernel panic: %s' % re.sub(r'\d+', 'N', m.group(1).strip())
    return None


LOCKDEP_TITLES = ('possible deadlock', 'inconsistent lock state', 'held lock freed',
                  'invalid wait context',
                  'bad unlock balance', 'possible irq lock inversion',
                  'lock held when returning', 'nested lock was not taken',
                  'lock held at task exit', 'suspicious RCU usage')


# Title prefixes and the detector that makes reports with them, first
# match wins; any other title is a BUG or an Oops.
DETECTORS = (
    (('task hung', "task can't die"), 'hang'),
    (LOCKDEP_TITLES, 'lockdep'),
    (('KASAN',), 'KASAN'),
    (('memory leak',), 'kmemleak'),
    (('leak at unload',), 'ledger'),
    (('BUG: sleeping function called from invalid context',), 'might_sleep'),
    (('INFO: rcu',), 'RCU stall'),
    (('BUG: soft lockup',), 'soft lockup'),
    (('WARNING', 'sysfs'), 'WARNING'),
)


def detector_of(title):
    """The detector that produced a report with this title."""
    return next((d for prefixes, d in DETECTORS if title.startswith(prefixes)),
                'BUG/Oops')


def scan(text):
    """[(title, count, first line)] in order of first appearance."""
    lines = text.splitlines()
    seen = {}
    order = []
    for i in range(len(lines)):
        t = title_of(lines, i)
        if not t:
            continue
        if t in seen:
            seen[t][1] += 1
        else:
            seen[t] = [t, 1, i + 1]
            order.append(t)
    reports = [tuple(seen[t]) for t in order]
    # A panic that only follows another report adds nothing.
    if len(reports) > 1:
        reports = [r for r in reports if not r[0].startswith('kernel panic')]
    return reports


def load_allowlist(path):
    entries = []
    for n, line in datafile.lines(path):
        pattern, sep, reason = line.partition('  # ')
        if not sep or not reason.strip():
            raise ValueError('%s:%d: allowlist entry without a reason' % (path, n))
        entries.append((re.compile(pattern.strip()), reason.strip()))
    return entries


def read(path):
    """The text of the console log at @path; what is not UTF-8 (a
    console cut in a character) is replaced."""
    with open(path, encoding='utf-8', errors='replace') as f:
        return f.read()


def judged(text, allow):
    """scan() as dicts: title, count, line, and the allowlist's reason or None."""
    out = []
    for title, count, line in scan(text):
        reason = next((r for p, r in allow if p.search(title)), None)
        out.append({'title': title, 'count': count, 'line': line, 'allowed': reason})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--allowlist')
    ap.add_argument('--json', action='store_true')
    ap.add_argument('log')
    args = ap.parse_args()
    try:
        text = read(args.log)
        allow = load_allowlist(args.allowlist) if args.allowlist else []
    except (OSError, ValueError, re.error) as e:
        print('scan_console: %s' % e, file=sys.stderr)
        return 3
    reports = judged(text, allow)
    if args.json:
        print(json.dumps(reports, indent=1))
    else:
        for r in reports:
            print('%s: %s (x%d, line %d)%s' % (
                'ALLOWED' if r['allowed'] else 'REPORT', r['title'],
                r['count'], r['line'],
                ' -- %s' % r['allowed'] if r['allowed'] else ''))
    return 2 if any(not r['allowed'] for r in reports) else 0


if __name__ == '__main__':
    sys.exit(main())

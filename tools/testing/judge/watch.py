# SPDX-License-Identifier: GPL-2.0
"""Follow a VM console log while QEMU writes it.

Records the host time of every console line (seconds since QEMU started,
one per line, into --times), writes the time from QEMU's start to
"INIT: tests begin" into --first-test, and with --stop-grace S stops the VM
S seconds after the first detection: a kernel report the allowlist does
not suppress, or a failing test, unless a known finding (--findings)
covers it; verdict.first_detection() decides. The stop is the same
for every build; nothing here knows what is being tested.

Usage: python3 -m judge.watch LOG --pid PID --times F --first-test F
       [--stop-grace S --stopped F --allowlist F --findings F]
Exits when PID is gone.
"""

import argparse
import os
import signal
import sys
import time

from . import boot_log
from . import findings
from . import scan_console
from . import verdict


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('log')
    ap.add_argument('--pid', type=int, required=True)
    ap.add_argument('--times', required=True)
    ap.add_argument('--first-test', required=True)
    ap.add_argument('--stop-grace', type=float, default=0.0)
    ap.add_argument('--stopped')
    ap.add_argument('--allowlist')
    ap.add_argument('--findings')
    args = ap.parse_args()
    allow = scan_console.load_allowlist(args.allowlist) if args.allowlist else []
    entries = findings.load(args.findings) if args.findings else []
    t0 = time.monotonic()
    lines, partial, pos = [], '', 0
    trigger = None
    with open(args.times, 'w', encoding='utf-8') as times:
        while True:
            running = alive(args.pid)
            try:
                with open(args.log, 'rb') as f:
                    f.seek(pos)
                    data = f.read()
            except FileNotFoundError:
                data = b''
            pos += len(data)
            now = time.monotonic() - t0
            chunks = (partial + data.decode('utf-8', 'replace')).split('\n')
            partial = chunks.pop()
            for raw in chunks:
                line = raw.rstrip('\r')
                lines.append(line)
                times.write('%.2f\n' % now)
                if line == 'INIT: tests begin':
                    with open(args.first_test, 'w', encoding='utf-8') as ft:
                        ft.write('%.2f\n' % now)
                if args.stop_grace and trigger is None and \
                   (verdict.TAP_FAIL.match(line) or
                    scan_console.title_of(lines, len(lines) - 1)):
                    trigger = now
            times.flush()
            if trigger is not None and now - trigger >= args.stop_grace:
                boot = boot_log.Boot(args.log, 1, (), allow)
                failures = verdict.judge([boot], entries, [], [])[1]
                if verdict.first_detection(boot, failures):
                    with open(args.stopped, 'w', encoding='utf-8') as s:
                        s.write('%.0f\n' % args.stop_grace)
                    try:
                        os.kill(args.pid, signal.SIGTERM)
                    except ProcessLookupError:
                        pass
                    return 0
                trigger = None
            if not running:
                return 0
            time.sleep(0.2)


if __name__ == '__main__':
    sys.exit(main())

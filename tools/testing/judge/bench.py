# SPDX-License-Identifier: GPL-2.0
"""make bench's stress table: ops/s per actor, debug against no-debug.

Usage: python3 -m judge.bench DEBUG_CONSOLE NODEBUG_CONSOLE

Reads the "actor NAME N ops N ok R ops/s" lines of the stress variant
"everything" from the two VM consoles and prints each actor's rates,
their ratio (no-debug/debug) and the ratio of the totals: both come from
the same bench run, so the ratio holds on a noisy, shared machine.

Then, from the debug console alone, the actors the variant "in_kernel"
ran in vfio_ap_torture's kernel threads (their lines end "in kernel
threads") against the same actors from user space in "everything": the
rate the in-kernel stress gains, measured in one boot.
"""
import re
import sys

RUN = re.compile(r'RUN\s+stress\.(\w+)\.run')
ACTOR = re.compile(r'actor (\w+)\s+(\d+) ops\s+(\d+) ok\s+([\d.]+) ops/s'
                   r'(.*in kernel threads)?')


def rates(path, variant='everything', kernel=False):
    """{actor: ops/s} of @variant in the console log at @path: with
    @kernel, only the actors it ran in kernel threads."""
    r, current = {}, None
    with open(path, errors='replace') as f:
        for line in f:
            m = RUN.search(line)
            if m:
                current = m.group(1)
            m = ACTOR.search(line)
            if m and current == variant and (not kernel or m.group(5)):
                r[m.group(1)] = float(m.group(4))
    return r


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    try:
        d, n = rates(sys.argv[1]), rates(sys.argv[2])
    except OSError as e:
        sys.exit('judge.bench: %s' % e)
    print('   ops/s per actor (variant "everything")   debug   no-debug   ratio')
    for a in sorted(set(d) | set(n)):
        dv, nv = d.get(a, 0.0), n.get(a, 0.0)
        print('   %-10s %28.1f %9.1f %7.2f' % (a, dv, nv, nv / dv if dv else float('nan')))
    td, tn = sum(d.values()), sum(n.values())
    if td:
        print('   debug overhead (no-debug/debug total ops/s): %.2fx' % (tn / td))
    k = rates(sys.argv[1], 'in_kernel', kernel=True)
    print('   ops/s per actor, debug   user space   kernel threads   ratio')
    for a in sorted(k):
        u = d.get(a, 0.0)
        print('   %-10s %23.1f %16.1f %7.2f' % (a, u, k[a], k[a] / u if u else float('nan')))
    if not k:
        print('   (no "in kernel threads" lines: the variant in_kernel did not run)')
    return 0


if __name__ == '__main__':
    sys.exit(main())

# SPDX-License-Identifier: GPL-2.0
"""ci/gate's report: the patch x check table, JUnit, and a reply.

Usage: python3 -m judge.gate RESULTS_TSV OUT_DIR SERIES WALL_SECONDS [--mail MBOX]

RESULTS_TSV has one line per check: patch number (or "head"), subject,
check, pass|fail|skip, reason, seconds, and optionally the reproducer
command. Writes OUT_DIR/report.md and OUT_DIR/junit.xml and prints the
table. With --mail (the series' mbox, for a series gated on a kernel
tree), also writes OUT_DIR/reply.txt: a reply to the series an s390
maintainer can send, with, for each failing patch, what failed, the
first report, the reproducer and a Reported-by:/Closes: block.
"""
import argparse
import email
import email.policy
import hashlib
import mailbox
import os
import sys

from . import junit

REPORTER = 'vfio-ap-ref ci/gate <vfio-ap-ref@example.org>'


def load(path):
    """{(patch, subject): {check: (status, reason, seconds, reproducer)}}
    in file order, and the checks in their first order."""
    rows, checks = {}, []
    with open(path, encoding='utf-8') as f:
        for line in f:
            p = line.rstrip('\n').split('\t')
            p += [''] * (7 - len(p))
            n, subj, check, status, why, secs, repro = p[:7]
            rows.setdefault((n, subj), {})[check] = (status, why, secs or '0', repro)
            if check not in checks:
                checks.append(check)
    return rows, checks


def table(rows, checks, series, wall, out):
    md = ['# ci/gate: %s' % series, '',
          '| # | patch | ' + ' | '.join(checks) + ' |',
          '|---|---|' + '---|' * len(checks)]
    for (n, subj), cells in rows.items():
        c = []
        for k in checks:
            status, why = cells.get(k, ('', ''))[:2]
            c.append('' if not status else status if status == 'pass'
                     else '**%s**: %s' % (status.upper(), why.replace('|', '/')) if why
                     else status.upper())
        md.append('| %s | %s | %s |' % (n, subj.replace('|', '/'), ' | '.join(c)))
    tot = {}
    for cells in rows.values():
        for k, c in cells.items():
            tot[k] = tot.get(k, 0) + int(c[2])
    md += ['', 'time per check: ' + ', '.join('%s %d s' % (k, tot.get(k, 0)) for k in checks),
           'wall time: %d s; logs in %s/logs' % (wall, out)]
    return md


def junit_suites(rows):
    """The JUnit suites (junit.xml()): one per patch, a case per check."""
    return [('%s %s' % (n, subj),
             [junit.Case(k, failure=(why or 'failed') if status == 'fail' else None,
                         skipped=why if status == 'skip' else None, time=secs,
                         classname='patch %s' % n)
              for k, (status, why, secs, _) in cells.items()])
            for (n, subj), cells in rows.items()]


def patches(mbox):
    """The series' mails, in order: [(subject, message-id, from)]."""
    out = []
    for m in mailbox.mbox(mbox, factory=lambda f: email.message_from_binary_file(
            f, policy=email.policy.default)):
        if m['subject'] and 'diff --git' in (m.get_body(('plain',)) or m).get_content():
            out.append((' '.join(str(m['subject']).split()),
                        str(m['message-id'] or '').strip('<> '), str(m['from'] or '')))
    return out


def reply(rows, mbox, series):
    """The reply to the series, or None when nothing failed."""
    mails = patches(mbox)
    failed = [(n, subj, {k: c for k, c in cells.items() if c[0] == 'fail'})
              for (n, subj), cells in rows.items()]
    failed = [f for f in failed if f[2]]
    if not failed:
        return None
    first = next((int(n) for n, _, _ in failed if n.isdigit()), 1)
    subj, msgid, author = mails[first - 1] if 0 < first <= len(mails) else (
        'Re: ' + os.path.basename(series), '', '')
    ours = '<vfio-ap-ref-gate-%s@example.org>' % hashlib.sha256(
        (msgid + subj).encode()).hexdigest()[:16]
    out = ['From: %s' % REPORTER,
           'To: %s' % author if author else 'To: linux-s390@vger.kernel.org',
           'Cc: linux-s390@vger.kernel.org, kvm@vger.kernel.org',
           'Subject: Re: %s' % subj,
           'Message-ID: %s' % ours]
    if msgid:
        out += ['In-Reply-To: <%s>' % msgid, 'References: <%s>' % msgid]
    out += ['', 'Hi,', '',
            'vfio-ap-ref\'s ci/gate ran this series on the real vfio_ap of the tree,',
            'on a simulated AP machine, a KVM shim and the real VFIO and mdev cores,',
            'under lockdep, KASAN and kmemleak. It found:', '']
    for n, subj, cells in failed:
        out.append('[%s] %s' % (n, subj))
        for k, (status, why, secs, repro) in cells.items():
            out.append('  %s: %s' % (k, why or 'failed'))
            if repro:
                out.append('  reproduce: %s' % repro)
        out.append('')
    out += ['If you fix the issue in a separate patch or a new version of the series,',
            'kindly add the following tags:', '',
            'Reported-by: %s' % REPORTER,
            'Closes: https://lore.kernel.org/r/%s' % ours.strip('<>'), '']
    return '\n'.join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('results')
    ap.add_argument('out')
    ap.add_argument('series')
    ap.add_argument('wall', type=int)
    ap.add_argument('--mail', help="the series' mbox: write reply.txt")
    args = ap.parse_args()
    rows, checks = load(args.results)
    md = table(rows, checks, args.series, args.wall, args.out)
    with open(os.path.join(args.out, 'report.md'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(md) + '\n')
    junit.write(os.path.join(args.out, 'junit.xml'), junit_suites(rows), 'ci-gate')
    print('\n'.join(md))
    if args.mail:
        text = reply(rows, args.mail, args.series)
        path = os.path.join(args.out, 'reply.txt')
        if text:
            with open(path, 'w', encoding='utf-8') as f:
                f.write(text)
            print('\nreply to the series: %s' % path)
        elif os.path.exists(path):
            os.remove(path)
    return 0


if __name__ == '__main__':
    sys.exit(main())

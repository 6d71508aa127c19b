# SPDX-License-Identifier: GPL-2.0
"""The one JUnit XML writer of the project's results (the VM verdict,
make replay and ci/gate).

A suite is (name, cases); a case is a Case: its name, its class name (the
suite's by default), and at most one of a failure and a skip message; a
time in seconds when known.
"""

from collections import namedtuple
from xml.sax.saxutils import quoteattr

Case = namedtuple('Case', 'name failure skipped time classname',
                  defaults=(None, None, None, None))


def xml(suites, name=None):
    """The JUnit XML of @suites, [(suite name, [Case])], as a string;
    @name: the name of the <testsuites> element, if any."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<testsuites%s>' % (' name=%s' % quoteattr(name) if name else '')]
    for suite, cases in suites:
        out.append('  <testsuite name=%s tests="%d" failures="%d" skipped="%d">' % (
            quoteattr(suite), len(cases),
            sum(1 for c in cases if c.failure is not None),
            sum(1 for c in cases if c.failure is None and c.skipped is not None)))
        for c in cases:
            attrs = 'classname=%s name=%s' % (quoteattr(c.classname or suite),
                                              quoteattr(c.name))
            if c.time is not None:
                attrs += ' time="%s"' % c.time
            if c.failure is not None:
                out += ['    <testcase %s>' % attrs,
                        '      <failure message=%s/>' % quoteattr(c.failure),
                        '    </testcase>']
            elif c.skipped is not None:
                out += ['    <testcase %s>' % attrs,
                        '      <skipped message=%s/>' % quoteattr(c.skipped),
                        '    </testcase>']
            else:
                out.append('    <testcase %s/>' % attrs)
        out.append('  </testsuite>')
    out.append('</testsuites>')
    return '\n'.join(out) + '\n'


def write(path, suites, name=None):
    """Write xml(@suites, @name) to @path."""
    with open(path, 'w', encoding='utf-8') as f:
        f.write(xml(suites, name))

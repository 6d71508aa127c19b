# SPDX-License-Identifier: GPL-2.0
"""KUnit results that the VM printed, read with the tree's kunit.py.

/init marks where KTAP is, between "INIT: kunit begin[ NAME]" and "INIT:
kunit end": the differential prints its suite's from KUnit's debugfs
(one block, no name), and selftest.mode=kunit loads each suite module
between markers that name it, so that the kernel's own KTAP lands
there. Each block is parsed by the tree's own "kunit.py parse --json";
the JSON is its test tree.
"""
import json
import os
import re
import subprocess
import sys

BEGIN = 'INIT: kunit begin'
END = 'INIT: kunit end'


def blocks(text):
    """The KTAP blocks of a console @text, in order, as (name, ktap)
    pairs: name is what follows the begin marker ('' for none), ktap the
    lines in between, joined, each ending in a newline."""
    out, cur, name = [], None, ''
    for line in text.splitlines():
        line = line.rstrip('\r')
        if line == BEGIN or line.startswith(BEGIN + ' '):
            cur, name = [], line[len(BEGIN):].strip()
        elif line == END and cur is not None:
            out.append((name, ''.join(l + '\n' for l in cur)))
            cur = None
        elif cur is not None:
            cur.append(line)
    return out


def parse(ktap, prefix, kunit_py):
    """Write @ktap to PREFIX.ktap and have @kunit_py parse it: its JSON
    goes to PREFIX.json, its own report to PREFIX.txt. Return the JSON
    as a dict and the number of problems kunit.py found in the KTAP
    (its "errors" and "crashed" counts, or 1 when it exited non-zero
    without them); raise ValueError when there is no JSON (no KTAP, or
    kunit.py could not read it) and OSError when a file cannot be
    written.

    A KTAP that does not begin with a version line is a suite module's
    on Linux 6.1, which prints the top-level header only for the suites
    built in and numbers a module's suite by a count over all modules
    loaded: it gets "KTAP version 1" and a plan of one, and its
    top-level result line the number 1. The results are unchanged."""
    prefix = os.path.abspath(prefix)    # kunit.py changes directory
    if ktap and not re.match(r'(K?TAP version \d+)$', ktap.split('\n')[0]):
        ktap = 'KTAP version 1\n1..1\n' + re.sub(
            r'^(ok|not ok) \d+ ', r'\1 1 ', ktap, flags=re.M)
    with open(prefix + '.ktap', 'w', encoding='utf-8') as f:
        f.write(ktap)
    if not ktap:
        raise ValueError('no KTAP between the kunit markers')
    with open(prefix + '.txt', 'w', encoding='utf-8') as log:
        rc = subprocess.run([sys.executable, kunit_py, 'parse',
                             '--json=' + prefix + '.json', prefix + '.ktap'],
                            stdout=log, stderr=subprocess.STDOUT,
                            check=False).returncode
    with open(prefix + '.txt', encoding='utf-8', errors='replace') as f:
        ran = re.findall(r'Testing complete\. Ran \d+ tests?:(.*)', f.read())
    problems = sum(int(n) for line in ran
                   for n in re.findall(r'(?:errors|crashed): (\d+)', line))
    try:
        with open(prefix + '.json', encoding='utf-8') as f:
            return json.load(f), problems or int(rc != 0)
    except (OSError, ValueError) as e:
        raise ValueError('kunit.py parse gave no JSON: %s' % e) from e


def cases(tree):
    """Every test case of kunit.py's JSON test tree, depth first."""
    out = list(tree.get('test_cases', []))
    for sub in tree.get('sub_groups', []):
        out.extend(cases(sub))
    return out

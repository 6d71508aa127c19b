# SPDX-License-Identifier: GPL-2.0
"""A stand-in for the tree's kunit.py in the judge's own tests:
"stub_kunit.py parse --json=OUT KTAP" writes kunit.py's JSON shape
(the test_cases of a sub_group named by the first "# Subtest:") from
the KTAP's indented result lines, and no JSON at all for a KTAP without
any. Like kunit.py it exits 1 when a case failed or the KTAP has an
error, here a line "# stub: error". It checks the judge's reading, not
kunit.py's parsing, which the VM runs use."""
import json
import re
import sys


def main():
    out = sys.argv[2][len('--json='):]
    with open(sys.argv[3], encoding='utf-8') as f:
        ktap = f.read()
    cases = []
    for m in re.finditer(r'^\s+(ok|not ok) \d+ (\S+)( # SKIP)?', ktap, re.M):
        status = 'SKIP' if m.group(3) else \
            'PASS' if m.group(1) == 'ok' else 'FAIL'
        cases.append({'name': m.group(2), 'status': status})
    if not cases:
        return 1
    name = re.search(r'# Subtest: (\S+)', ktap)
    with open(out, 'w', encoding='utf-8') as f:
        json.dump({'test_cases': [], 'sub_groups': [
            {'name': name.group(1) if name else '?', 'test_cases': cases,
             'sub_groups': []}]}, f)
    ok = all(c['status'] != 'FAIL' for c in cases)
    print('[PASSED]' if ok else '[FAILED]')
    return 0 if ok and '# stub: error' not in ktap else 1


if __name__ == '__main__':
    sys.exit(main())

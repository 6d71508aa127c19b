#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the console scanner on console logs recorded from real VM runs:
# for every <name>.log, the titles scan_console.py reports must be exactly
# the lines of <name>.expected (empty for a clean log).
# Prints "scanner: N passed, N failed".

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scan=$here/../scan_console.py
pass=0
fail=0
for log in "$here"/*.log; do
	[ -f "$log" ] || continue
	want=${log%.log}.expected
	got=$(python3 "$scan" "$log" | sed -E 's/^REPORT: (.*) \(x[0-9]+, line [0-9]+\)$/\1/')
	if [ "$got" = "$(cat "$want" 2>/dev/null)" ]; then
		pass=$((pass + 1))
	else
		echo "scanner: $(basename "$log"): got:"
		echo "$got" | sed 's/^/    /'
		echo "  expected:"
		sed 's/^/    /' "$want" 2>/dev/null
		fail=$((fail + 1))
	fi
done
# The allowlist: an entry without a reason is refused.
bad=$(mktemp)
echo 'possible deadlock in .*' >"$bad"
if python3 "$scan" --allowlist "$bad" /dev/null >/dev/null 2>&1; then
	echo "scanner: an allowlist entry without a reason was accepted"
	fail=$((fail + 1))
else
	pass=$((pass + 1))
fi
rm -f "$bad"
echo "scanner: $pass passed, $fail failed"
[ "$fail" = 0 ]

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict (from the cached 6.12 tree) on every C file of
# driver/, upstream/, kunit/ and selftests/, plus the kernel-doc checker on
# the C files and headers of driver/ and upstream/, and checkpatch.pl
# --strict on every replay patch (tools/testing/replay/*/), whose code is
# wrong on purpose but in kernel style. Prints
# "checkpatch: N passed, N failed" (one per file).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

need perl
src=$(KDIR= KVER=6.12 base_tree)
cd "$PROJ"
pass=0
fail=0
for f in driver/*.[ch] upstream/*.[ch] kunit/*.[ch] selftests/*.[ch]; do
	if out=$(perl "$src/scripts/checkpatch.pl" --no-tree --strict --terse \
		 --show-types -f "$f" 2>&1) &&
	   ! grep -qE 'ERROR|WARNING|CHECK' <<<"$out"; then
		pass=$((pass + 1))
	else
		grep -E 'ERROR|WARNING|CHECK' <<<"$out" || echo "$out"
		fail=$((fail + 1))
	fi
done
for f in tools/testing/replay/*/*.patch; do
	# From stdin: given the path of a file in this tree, checkpatch
	# checks the patch's context lines as the file's own.
	if out=$(perl "$src/scripts/checkpatch.pl" --no-tree --strict --terse \
		 --show-types --no-signoff - <"$f" 2>&1) &&
	   ! grep -qE 'ERROR|WARNING|CHECK' <<<"$out"; then
		pass=$((pass + 1))
	else
		echo "$f:"
		grep -E 'ERROR|WARNING|CHECK' <<<"$out" || echo "$out"
		fail=$((fail + 1))
	fi
done
if out=$(perl "$src/scripts/kernel-doc" -none -Wall driver/*.[ch] upstream/*.[ch] 2>&1) &&
   [ -z "$out" ]; then
	pass=$((pass + 1))
else
	echo "$out"
	fail=$((fail + 1))
fi
echo "checkpatch: $pass passed, $fail failed"
[ "$fail" = 0 ]

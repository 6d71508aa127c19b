#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict (from the cached 6.12 tree) on every C file of
# driver/ (and driver/sim/), upstream/, kunit/ and selftests/ (and its
# test_modules/), plus the kernel-doc checker on the C files and headers
# of driver/, upstream/ and selftests/test_modules/ and on the tests' data
# (selftests/vfio_ap_test_data.h), and checkpatch.pl
# --strict on every replay patch (tools/testing/replay/*/), whose code is
# wrong on purpose but in kernel style. Prints
# "checkpatch: N passed, N failed" (one per file).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

need perl
src=$(KDIR= KVER=6.12 base_tree)
cd "$PROJ"
# check_one KIND FILE: checkpatch.pl on FILE, a source file ("file") or
# a replay patch ("patch": from stdin, so that checkpatch checks its
# context lines as the file's own, given the path of a file in this
# tree). Writes "pass" or "fail", then on a fail what checkpatch said,
# to $out/<FILE with / as _>.
check_one() {
	local res=$out/${2//\//_} said
	if [ "$1" = file ]; then
		said=$(perl "$src/scripts/checkpatch.pl" --no-tree --strict \
		       --terse --show-types -f "$2" 2>&1)
	else
		said=$(perl "$src/scripts/checkpatch.pl" --no-tree --strict \
		       --terse --show-types --no-signoff - <"$2" 2>&1)
	fi
	# shellcheck disable=SC2181 # $? is checkpatch's, kept by said=$(...)
	if [ $? = 0 ] && ! grep -qE 'ERROR|WARNING|CHECK' <<<"$said"; then
		echo pass >"$res"
	else
		{ echo fail
		  [ "$1" = patch ] && echo "$2:"
		  grep -E 'ERROR|WARNING|CHECK' <<<"$said" || echo "$said"
		} >"$res"
	fi
}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export -f check_one
export out src
files=(driver/*.[ch] driver/sim/*.[ch] upstream/*.[ch] kunit/*.[ch] selftests/*.[ch]
       selftests/test_modules/*.[ch])
patches=(tools/testing/replay/*/*.patch)
# One checkpatch.pl per file, as many at once as there are CPUs.
{ printf 'file %s\n' "${files[@]}"; printf 'patch %s\n' "${patches[@]}"; } |
	xargs -P "$(nproc)" -L 1 bash -c 'check_one "$0" "$1"'
pass=0
fail=0
for f in "${files[@]}" "${patches[@]}"; do
	res=$out/${f//\//_}
	if [ "$(head -n 1 "$res" 2>/dev/null)" = pass ]; then
		pass=$((pass + 1))
	else
		tail -n +2 "$res" 2>/dev/null || echo "$f: no result"
		fail=$((fail + 1))
	fi
done
if out=$(perl "$src/scripts/kernel-doc" -none -Wall driver/*.[ch] driver/sim/*.[ch] \
	upstream/*.[ch] selftests/vfio_ap_test_data.h selftests/test_modules/*.[ch] \
	2>&1) &&
   [ -z "$out" ]; then
	pass=$((pass + 1))
else
	echo "$out"
	fail=$((fail + 1))
fi
counts checkpatch "$pass" "$fail"
[ "$fail" = 0 ]

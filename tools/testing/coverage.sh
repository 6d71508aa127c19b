#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Line and branch coverage of the pure core (driver/ap_matrix.c) from a
# UML KUnit build with CONFIG_GCOV, read with lcov. Fails below
# COVERAGE_MIN percent of lines (default 95). The KUnit run is a full run
# of every suite on UML; its counts are this step's too.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

need lcov gcov
COVERAGE_MIN=${COVERAGE_MIN:-95}
# kunit.sh's default UML build is a gcov build.
export ARCH=um
unset KUNITCONFIG KUNIT_EXTRA
build=$(KUNIT_BUILD_DIR_ONLY=1 "$PROJ/tools/testing/kunit.sh")
[ -d "$build" ] && find "$build" -name '*.gcda' -delete
# Not under set -e: a failed run must still show its log's tail.
rc=0
"$PROJ/tools/testing/kunit.sh" >"$CACHE/coverage-kunit.log" 2>&1 || rc=$?
# The KUnit run is a full run of every suite: it records its counts, and
# its counts line is shown here.
grep -E '^kunit\(' "$CACHE/coverage-kunit.log" | tail -n 1
[ "$rc" = 0 ] ||
	{ tail -n 20 "$CACHE/coverage-kunit.log"; DIE_RC=1 die "the coverage KUnit run failed"; }

obj=$build/drivers/vfio_ap_ref/driver
[ -f "$obj/ap_matrix.gcda" ] ||
	die "no $obj/ap_matrix.gcda: the UML gcov run wrote no data"
info=$build/coverage.info
lcov --quiet --rc lcov_branch_coverage=1 --capture --directory "$obj" \
	--output-file "$info.all" > /dev/null 2> >(grep -v "redefined at" >&2)
lcov --quiet --rc lcov_branch_coverage=1 --extract "$info.all" '*/ap_matrix.c' \
	--output-file "$info" >/dev/null
summary=$(lcov --rc lcov_branch_coverage=1 --summary "$info" 2>&1)
echo "coverage of driver/ap_matrix.c (UML gcov):"
grep -E 'lines|branches|functions' <<<"$summary"
lines=$(sed -nE 's/.*lines\.*: ([0-9.]+)%.*/\1/p' <<<"$summary")
[ -n "$lines" ] || die "lcov printed no line coverage"
if awk -v l="$lines" -v m="$COVERAGE_MIN" 'BEGIN { exit !(l >= m) }'; then
	counts coverage 1 0
else
	echo "coverage: line coverage $lines% is below $COVERAGE_MIN%"
	counts coverage 0 1
	exit 1
fi

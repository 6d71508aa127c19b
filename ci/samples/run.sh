#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The gate's own test, on the sample series kept here: ci/gate must pass
# good.mbox (5 patches) with every check passed, and fail bad.mbox (3
# patches) with exit 1 and exactly the cells bad.expected names. Both
# were made with "git format-patch --base", so they apply to the commit
# they name whatever the project has become since.
# GATE_HEAD (default "none") is passed as --head; make test runs the head
# checks (KUnit on s390x, kselftest, replay) on the checkout itself.
#
# Then the series to the real vfio_ap of Debian's 6.12.117 (ci/gate
# --tree=6.12, head check kselftest): upstream-bad.mbox, whose second
# patch puts back the bug a0d8f4eeb7c4 fixed, must fail with exactly the
# cells upstream-bad.expected names, and a reply naming that patch.
# GATE_TREE=0 leaves the upstream samples out.
#
# And upstream-good.mbox, a fix for each finding of
# tools/testing/findings/6.12.txt in vfio_ap: it must pass every check,
# its head kselftest must report those findings fixed (the findings
# file's stale-entry rule) and the KUnit differential the show-overrun
# divergence. The head kselftest runs the tests that trigger those
# findings (--only), not the whole suite: what this sample shows is that
# the gate proves the fixes, and the whole suite on 6.12 is make test's
# upstream step already (a gate of a series to send runs it all: no
# --only). GATE_GOOD=0 leaves it out.
# Prints "ci-gate samples: N passed, N failed".

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../tools/testing/lib.sh"
out=$(results_dir gate-samples) || die "cannot create a results directory"
head=${GATE_HEAD:-none}
pass=0
fail=0
check() {
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "ci-gate samples: $2" >&2
	fi
}

# gated NAME RC ARGS...: ci/gate ARGS into $out/NAME must exit with RC.
gated() {
	local name=$1 want=$2 rc
	shift 2
	uncounted "$here/../gate" --out="$out/$name" "$@"
	rc=$?
	[ "$rc" = "$want" ] && r=ok || r=bad
	check "$r" "$name: exit $rc, expected $want"
}
# failed_cells NAME EXPECTED: the cells that failed, "<patch> <check>",
# are exactly those the file EXPECTED lists.
failed_cells() {
	local got want
	got=$(awk -F'\t' '$4 == "fail" { print $1, $3 }' "$out/$1/results.tsv" 2>/dev/null | sort)
	want=$(grep -vE '^(#|$)' "$2" | sort)
	[ "$got" = "$want" ] && r=ok || r=bad
	check "$r" "$1: failed cells '$(echo $got)', expected '$(echo $want)'"
}
# passed_cells NAME N: N cells or more passed, and none did not.
passed_cells() {
	local n bad
	n=$(awk -F'\t' '$4 == "pass"' "$out/$1/results.tsv" 2>/dev/null | wc -l)
	bad=$(awk -F'\t' '$4 != "pass"' "$out/$1/results.tsv" 2>/dev/null)
	[ "$n" -ge "$2" ] && [ -z "$bad" ] && r=ok || r=bad
	check "$r" "$1: $n cells passed ($2 or more expected); not passed: ${bad:-none}"
}

gated good 0 --head="$head" "$here/good.mbox"
passed_cells good 25
gated bad 1 --head="$head" "$here/bad.mbox"
failed_cells bad "$here/bad.expected"
np=$(awk -F'\t' '$1 != "head" && $4 == "pass"' "$out/bad/results.tsv" 2>/dev/null | wc -l)
[ "$np" = 12 ] && r=ok || r=bad
check "$r" "bad: $np per-patch cells passed, 12 expected"

if [ "${GATE_TREE:-1}" = 1 ] && [ "${GATE_GOOD:-1}" = 1 ]; then
	only=$(PYTHONPATH="$here/../../tools/testing" python3 -m judge.findings --triggers \
		"$here/../../tools/testing/findings/6.12.txt" "$here/upstream-good.fixed")
	# No list would mean the whole suite, silently: say so instead.
	[ -n "$only" ] && r=ok || r=bad
	check "$r" "upstream-good: no trigger tests for upstream-good.fixed's findings"
	gated upstream-good 0 --tree=6.12 --head=kselftest --only="$only" \
		"$here/upstream-good.mbox"
	passed_cells upstream-good 17
	# The findings the series fixes: every vfio_ap entry of 6.12.txt.
	want=$(grep -vE '^(#|$)' "$here/upstream-good.fixed" | sort)
	got=$(sed -n '/^fixed findings:/,/^[^ ]/s/^  [^:]*:[0-9]*: \(.*\) fired .*/\1/p' \
		"$out/upstream-good/head/kselftest/summary.txt" 2>/dev/null | sort)
	[ -n "$want" ] && [ "$got" = "$want" ] && r=ok || r=bad
	check "$r" "upstream-good: fixed findings '$(echo $got)', expected '$(echo $want)'"
	grep -q '^  FIXED kunit divergence matrix-show-overruns-page' \
		"$out/upstream-good/logs/1-diff/summary.txt" 2>/dev/null && r=ok || r=bad
	check "$r" "upstream-good: patch 1's KUnit differential does not show the overrun fixed"
fi
if [ "${GATE_TREE:-1}" = 1 ]; then
	gated upstream-bad 1 --tree=6.12 --head=kselftest "$here/upstream-bad.mbox"
	failed_cells upstream-bad "$here/upstream-bad.expected"
	grep -q '^\[2\] s390/vfio-ap: Simplify the status attribute of a queue' \
		"$out/upstream-bad/reply.txt" 2>/dev/null &&
		grep -q '^Reported-by: ' "$out/upstream-bad/reply.txt" && r=ok || r=bad
	check "$r" "upstream-bad: reply.txt does not name patch 2 with a Reported-by: tag"
fi

counts "ci-gate samples" "$pass" "$fail"
[ "$fail" = 0 ]

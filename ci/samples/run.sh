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
# Prints "ci-gate samples: N passed, N failed".

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${RESULTS:-$here/../../results/gate-samples-$(date +%Y%m%d-%H%M%S)}
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

"$here/../gate" --head="$head" --out="$out/good" "$here/good.mbox"
rc=$?
[ "$rc" = 0 ] && r=ok || r=bad
check "$r" "good.mbox: exit $rc, expected 0"
n=$(awk -F'\t' '$4 == "pass"' "$out/good/results.tsv" 2>/dev/null | wc -l)
bad=$(awk -F'\t' '$4 != "pass"' "$out/good/results.tsv" 2>/dev/null)
[ "$n" -ge 25 ] && [ -z "$bad" ] && r=ok || r=bad
check "$r" "good.mbox: $n cells passed (25 expected); not passed: ${bad:-none}"

"$here/../gate" --head="$head" --out="$out/bad" "$here/bad.mbox"
rc=$?
[ "$rc" = 1 ] && r=ok || r=bad
check "$r" "bad.mbox: exit $rc, expected 1 (series broken)"
got=$(awk -F'\t' '$4 == "fail" { print $1, $3 }' "$out/bad/results.tsv" 2>/dev/null | sort)
want=$(grep -vE '^(#|$)' "$here/bad.expected" | sort)
[ "$got" = "$want" ] && r=ok || r=bad
check "$r" "bad.mbox: failed cells '$(echo $got)', expected '$(echo $want)'"
np=$(awk -F'\t' '$1 != "head" && $4 == "pass"' "$out/bad/results.tsv" 2>/dev/null | wc -l)
[ "$np" = 12 ] && r=ok || r=bad
check "$r" "bad.mbox: $np per-patch cells passed, 12 expected"

echo "ci-gate samples: $pass passed, $fail failed"
[ "$fail" = 0 ]

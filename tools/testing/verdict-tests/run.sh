#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the verdict over the boots of a run (vm_results.py, resume.py,
# findings.py) on small console logs in the VM's format. Each directory
# holds boot1.log, boot2.log, ...; optionally findings.txt; nextN, what
# vm_results.py --next-boot must write after boot N (empty: no more
# boots); expected: "exit N", then lines the final summary must contain
# (whitespace runs compared as one space); and optionally detection: the
# run's first detection as "boot N: DETECTOR: TITLE", or "none" (known
# findings are none, as make replay needs); and optionally args: more
# vm_results.py arguments (e.g. --stale report).
# Prints "verdict: N passed, N failed".

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
vmr=$here/../vm_results.py
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {
	if [ "$2" = ok ]; then
		pass=$((pass + 1))
	else
		echo "verdict: $1: $2"
		fail=$((fail + 1))
	fi
}

for dir in "$here"/*/; do
	name=$(basename "$dir")
	failed=$fail
	args=(--lock-order "$here/../lock-order/upstream.txt" --series 6.12
	      --allowlist "$here/../allowlist.txt")
	[ -f "$dir/findings.txt" ] && args+=(--findings "$dir/findings.txt")
	# shellcheck disable=SC2207
	[ -f "$dir/args" ] && args+=($(cat "$dir/args"))
	logs=()
	n=1
	while [ -f "$dir/boot$n.log" ]; do
		logs+=("$dir/boot$n.log")
		python3 "$vmr" "$tmp/out" "${logs[@]}" "${args[@]}" \
			--next-boot "$tmp/next" >/dev/null 2>&1
		if cmp -s "$tmp/next" "$dir/next$n"; then
			check "$name" ok
		else
			check "$name" "after boot $n, next boot '$(tr '\n' ' ' <"$tmp/next")'," \
			      "expected '$(tr '\n' ' ' <"$dir/next$n")'"
		fi
		n=$((n + 1))
	done
	python3 "$vmr" "$tmp/out" "${logs[@]}" "${args[@]}" >"$tmp/summary" 2>&1
	rc=$?
	want=$(sed -n 's/^exit //p' "$dir/expected")
	[ "$rc" = "$want" ] && check "$name" ok || check "$name" "exit $rc, expected $want"
	got=$(tr -s ' \t' ' ' <"$tmp/summary")
	while IFS= read -r line; do
		if grep -qF -- "$line" <<<"$got"; then
			check "$name" ok
		else
			check "$name" "summary lacks '$line'"
		fi
	done < <(sed '1d' "$dir/expected" | tr -s ' \t' ' ')
	if [ -f "$dir/detection" ]; then
		got=$(python3 "$here/../gate/detection.py" --brief "$tmp/out")
		[ "$got" = "$(cat "$dir/detection")" ] && check "$name" ok ||
			check "$name" "detection '$got', expected '$(cat "$dir/detection")'"
	fi
	[ "$fail" = "$failed" ] || sed 's/^/    /' "$tmp/summary"
done
echo "verdict: $pass passed, $fail failed"
[ "$fail" = 0 ]

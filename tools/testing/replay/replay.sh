#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make replay": prove the suite catches real bugs. For each replay in
# replays.txt (or BUG=name[,name...]) the modules are built with
# -DVFIO_AP_REF_REPLAY_<NAME> and the whole VM kselftest run is made, as
# "make kselftest" makes it, except that the VM stops a few seconds after
# the first detection. The clean driver runs in the same invocation and
# must show no detection at all. RUNS=n repeats everything with seeds
# SEED, SEED+1, ...
#
# Prints a table (replay, expected and actual detector, detected, time to
# detect, first report), "replay: N passed, N failed" and the clean runs'
# kselftest summaries (they are make kselftest runs). Results:
# RESULTS (default results/replay-<time>/) with replay.md, junit.xml and
# one kselftest results directory per run.
# Exit codes: 0 every replay detected in every run and the clean driver
# clean; 1 otherwise; 3 the infrastructure failed.

set -uo pipefail
. "$(dirname "$0")/../lib.sh"

BUG=${BUG:-all}
RUNS=${RUNS:-1}
SEED=${SEED:-1000}
export STRESS_SECONDS=${STRESS_SECONDS:-10}
export STRESS_THREADS=${STRESS_THREADS:-2}
GRACE=${REPLAY_GRACE:-5}
list=$PROJ/tools/testing/replay/replays.txt
out=${RESULTS:-$PROJ/results/replay-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out" || exit 3

known=$(grep -vE '^(#|$)' "$list" | sed 's/ | .*//')
# The build switch of a replay: crypto-masks-cycle ->
# VFIO_AP_REF_REPLAY_CRYPTO_MASKS_CYCLE.
macro() { echo "VFIO_AP_REF_REPLAY_$(tr a-z- A-Z_ <<<"$1")"; }
if [ "$BUG" = all ]; then
	names=$known
else
	names=${BUG//,/ }
fi
for n in $names; do
	grep -qx -- "$n" <<<"$known" ||
		die "unknown replay '$n'; known: $(echo $known)"
	grep -qs "$(macro "$n")" "$PROJ"/driver/*.[ch] ||
		die "replay '$n' has no $(macro "$n") in driver/"
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS=$RUNS is not a positive number"

echo "  REPLAY ${names//$'\n'/ } x$RUNS, stress ${STRESS_SECONDS}s x$STRESS_THREADS -> $out" >&2
t0=$(date +%s)
for run in $(seq 1 "$RUNS"); do
	seed=$((SEED + run - 1))
	for n in clean $names; do
		flags=
		[ "$n" = clean ] || flags=-D$(macro "$n")
		res=$out/$n/run$run
		mkdir -p "$res"
		s=$(date +%s.%N)
		MODULE_CFLAGS=$flags VM_STOP_GRACE=$GRACE SEED=$seed RESULTS=$res \
			"$PROJ/tools/testing/kselftest.sh" >"$res/kselftest.log" 2>&1
		rc=$?
		echo "$rc $(echo "$(date +%s.%N) - $s" | bc)" >"$res/rc"
		printf '  %-24s run %d seed %d: exit %d\n' "$n" "$run" "$seed" "$rc" >&2
	done
done
echo "wall time: $(($(date +%s) - t0)) s" >"$out/wall.txt"

python3 "$PROJ/tools/testing/replay/replay_table.py" "$list" "$out" "$RUNS" clean $names
rc=$?
# The clean runs are make kselftest runs: show their summaries.
for f in "$out"/clean/run*/summary.txt; do
	[ -f "$f" ] && { echo "== clean driver, ${f%/summary.txt}"; cat "$f"; }
done
echo "results: $out ($(cat "$out/wall.txt"))"
exit $rc

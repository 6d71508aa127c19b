#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make replay": prove the suite catches real bugs. A replay is a patch
# that puts a known bug back: tools/testing/replay/model/ holds the
# model's (against driver/), upstream-<series>/ the real vfio_ap's
# (against the tree, each undoing an upstream fix the tree has). For
# each replay of DRIVER (and, upstream, the tree's series), or BUG=name
# [,name...], the patch is applied to a scratch copy of the sources and
# the whole VM kselftest run is made, as "make kselftest" makes it,
# except that the VM stops a few seconds after the first detection. The
# clean driver runs in the same invocation and must show no detection
# at all. RUNS=n repeats everything with seeds SEED, SEED+1, ...
#
# A replay whose patch header has "Known-gap:" is one the suite does not
# catch yet; BUG=all lists it and leaves it out, BUG=<name> runs it.
#
# Every replay is checked to apply before any build: one that no longer
# applies fails the run (exit 1) and says which and where; with
# REPLAY_UNAPPLIED=skip (ci/gate on a series that changes those lines) it
# is skipped and listed. REPLAY_CLEAN=0 leaves out the clean driver's
# run, for a caller that has just made it (ci/gate's head kselftest).
# In upstream mode the sources are VFIO_AP_SRC's when it is set.
#
# Prints a table (replay, expected and actual detector, detected, time to
# detect, first report), "replay: N passed, N failed" and the clean runs'
# kselftest summaries (they are make kselftest runs). Results:
# RESULTS (default results/replay-<time>/) with replay.md, junit.xml and
# one kselftest results directory per run.
# Exit codes: 0 every replay detected in every run and the clean driver
# clean; 1 otherwise; 2 bad input; 3 the infrastructure failed.

set -uo pipefail
. "$(dirname "$0")/../lib.sh"

DRIVER=${DRIVER:-model}
case "$DRIVER" in
model|upstream) ;;
*) DIE_RC=2 die "DRIVER=$DRIVER: must be model or upstream" ;;
esac
export DRIVER
check_tree_vars
check_uint RUNS 1 99
# Run N has seed SEED + N - 1.
check_uint SEED 0 999999999
check_uint STRESS_SECONDS 0 3600
check_uint STRESS_THREADS 1 16
BUG=${BUG:-all}
RUNS=${RUNS:-1}
SEED=${SEED:-1000}
export STRESS_SECONDS=${STRESS_SECONDS:-10}
export STRESS_THREADS=${STRESS_THREADS:-2}
GRACE=${REPLAY_GRACE:-5}
if [ "$DRIVER" = upstream ]; then
	tree=$(base_tree) || exit 3
	(upstream_tree "$tree") || exit 3
fi
dir=$(replay_dir)
[ -d "$dir" ] || die "no replays for this driver: $dir is missing"
out=$(results_dir replay) || exit 3

known=$(cd "$dir" && ls -- *.patch 2>/dev/null | sed 's/\.patch$//')
[ -n "$known" ] || die "$dir holds no replay patch"
# A replay whose header says "Known-gap:" is a bug the suite does not
# catch yet: BUG=all lists it and leaves it out; BUG=<name> runs it.
gaps=
for n in $known; do
	grep -q '^Known-gap: ' "$dir/$n.patch" && gaps+=" $n"
done
if [ "$BUG" = all ]; then
	names=
	for n in $known; do
		case " $gaps " in *" $n "*) ;; *) names+=" $n" ;; esac
	done
else
	names=${BUG//,/ }
fi
for n in $names; do
	grep -qx -- "$n" <<<"$known" ||
		DIE_RC=2 die "BUG=$BUG: unknown replay '$n'; known in $dir: $(echo $known)"
done

case "${REPLAY_UNAPPLIED:=fail}" in
fail|skip) ;;
*) DIE_RC=2 die "REPLAY_UNAPPLIED=$REPLAY_UNAPPLIED: must be fail or skip" ;;
esac
case "${REPLAY_CLEAN:=1}" in
0|1) ;;
*) DIE_RC=2 die "REPLAY_CLEAN=$REPLAY_CLEAN: must be 0 or 1" ;;
esac

# Every replay applies, or nothing is built.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
applied=
: >"$out/skipped.txt"
for n in $names; do
	if (stage_replay "$dir/$n.patch" "$scratch/src") 2>"$scratch/err"; then
		applied+=" $n"
	elif [ "$REPLAY_UNAPPLIED" = skip ]; then
		echo "  SKIP $n: $(cat "$scratch/err")" >&2
		echo "$n $(cat "$scratch/err")" >>"$out/skipped.txt"
	else
		cat "$scratch/err" >&2
		exit 1
	fi
done
names=${applied# }
first=clean
[ "$REPLAY_CLEAN" = 1 ] || first=

echo "  REPLAY $DRIVER ${names//$'\n'/ } x$RUNS, stress ${STRESS_SECONDS}s x$STRESS_THREADS -> $out" >&2
t0=$(date +%s)
for run in $(seq 1 "$RUNS"); do
	seed=$((SEED + run - 1))
	for n in $first $names; do
		patch=
		[ "$n" = clean ] || patch=$dir/$n.patch
		res=$out/$n/run$run
		mkdir -p "$res"
		s=$(date +%s.%N)
		REPLAY=$patch VM_STOP_GRACE=$GRACE SEED=$seed RESULTS=$res \
			uncounted "$PROJ/tools/testing/kselftest.sh" >"$res/kselftest.log" 2>&1
		rc=$?
		echo "$rc $(echo "$(date +%s.%N) - $s" | bc)" >"$res/rc"
		printf '  %-28s run %d seed %d: exit %d\n' "$n" "$run" "$seed" "$rc" >&2
	done
done
echo "wall time: $(($(date +%s) - t0)) s" >"$out/wall.txt"

judge replay "$dir" "$out" "$RUNS" $first $names
rc=$?
[ -s "$out/skipped.txt" ] &&
	echo "replays that do not apply (skipped): $(cut -d' ' -f1 "$out/skipped.txt" | tr '\n' ' ')"
if [ "$BUG" = all ]; then
	for n in $gaps; do
		echo "known gap, not run: $n: $(sed -n 's/^Known-gap: //p' "$dir/$n.patch")"
	done
fi
# The clean runs are make kselftest runs: show their summaries.
for f in "$out"/clean/run*/summary.txt; do
	[ -f "$f" ] && { echo "== clean driver, ${f%/summary.txt}"; cat "$f"; }
done
echo "results: $out ($(cat "$out/wall.txt"))"
exit $rc

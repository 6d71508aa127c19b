#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make test": every test the project has, each step run even when an
# earlier one failed. Ends with "make test: N passed, N failed", the
# sum of the steps' own counts: each step records them as JSON in a file
# of its own, COUNTS_FILE (judge/counts.py); a step that recorded none
# failed before it could count.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

total_pass=0
total_fail=0
total_skip=0
failed_steps=()

step_times=()
# What each failed step said about its failure, printed again at the end:
# CI keeps only the tail of a long log.
why_failed=$(mktemp)
trap 'rm -f "$why_failed"' EXIT

step() {
	local name=$1 log cnt p f s n t0=$SECONDS
	shift
	log=$(mktemp)
	cnt=$(mktemp)
	echo "=== $name"
	COUNTS_FILE=$cnt "$@" 2>&1 | tee "$log"
	local rc=${PIPESTATUS[0]}
	# judge.counts names a file it cannot read on stderr.
	if ! read -r p f s n < <(judge counts sum "$cnt") || [ "$n" = 0 ]; then
		echo "=== $name: recorded no counts"
		p=0 f=0 s=0
		[ "$rc" != 0 ] || rc=1
	fi
	rm -f "$cnt"
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1	# the step failed before it could count (build, boot)
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
	if [ "$rc" != 0 ]; then
		failed_steps+=("$name")
		{
			echo "--- $name (exit $rc):"
			# The replay table, the verdicts, the new kernel reports
			# (kselftest's and KUnit's) and stale findings, the failed
			# tests (known ones too) and the counts that failed.
			awk '/^\| / || /^verdict: / || /stale|^infrastructure/ ||
			     /^FAIL / || /^  [a-z_.]+ +fail / ||
			     / [0-9]+ passed, [1-9][0-9]* failed/ { print; next }
			     /^kernel reports: [1-9]/ || /^report: .* -- NEW$/ {
				     rep = 1; print; next
			     }
			     rep && /^  / { print; next }
			     { rep = 0 }' "$log" | tail -n 60
		} >>"$why_failed"
	fi
	step_times+=("$(printf '%6d s  %s' $((SECONDS - t0)) "$name")")
	# Also as each step ends: a run cut off by CI's time limit still
	# shows where the time went.
	echo "=== $name: $((SECONDS - t0)) s, exit $rc (at $SECONDS s)"
	rm -f "$log"
}

step "checkpatch" "$PROJ/tools/testing/checkpatch.sh"
# The kernels of the later steps build in the background at the lowest
# priority while the steps before them run: 6.1's debug kernel, the
# differentials' plain kernels and the gate's UML kernel. Under TCG a VM
# leaves one of the two CPUs idle much of the time, and cold, the four
# builds take about ten minutes. A step that needs one of them waits for
# it (build-kernel.sh locks its build directory), and builds it itself,
# with its errors, if the background build failed. Its log:
# $CACHE/prebuild.log. Job control for this one job: it gets a process
# group of its own, so that the exit trap stops all of it (make and its
# compilers) when make test ends or is stopped.
mkdir -p "$CACHE"
set -m
nice -n 19 bash -c '
	KVER=6.1 KDIR= "$1" || true
	for v in 6.12 6.1; do
		KVER=$v KDIR= VM_DEBUG=0 "$1" || true
	done
	KARCH=um KVER=6.12 KDIR= "$1" || true' prebuild \
	"$PROJ/tools/testing/vm/build-kernel.sh" >"$CACHE/prebuild.log" 2>&1 &
prebuild_pid=$!
set +m
trap 'kill -- -"$prebuild_pid" 2>/dev/null; rm -f "$why_failed"' EXIT
trap 'exit 130' INT TERM
# The judge package's unittests: the console scanner on recorded
# consoles, the verdict over the boots of small runs.
step "judge" judge tests
step "runner input" "$PROJ/tools/testing/input-tests/run.sh"
# The UML 6.12 KUnit run is the coverage build's: every suite, plus gcov.
step "kunit um 6.12 + coverage" "$PROJ/tools/testing/coverage.sh"
# KUnit on s390x: the suites as modules in the VM, on the debug kernel
# of each version that the kselftest steps below use too.
for v in 6.12 6.1; do
	step "kunit s390 $v" env KVER=$v KDIR= "$PROJ/tools/testing/kunit-vm.sh"
done
# make replay runs make kselftest on the clean driver first, then once per
# replay; the clean run's tests count here as the VM kselftests.
step "kselftest s390 VM + replay" env DRIVER=model STRESS_SECONDS="${STRESS_SECONDS:-10}" \
	STRESS_THREADS="${STRESS_THREADS:-2}" RUNS=1 BUG=all \
	"$PROJ/tools/testing/replay/replay.sh"
# Upstream mode: the real vfio_ap of each Debian tree under the same
# suite; known findings (tools/testing/findings/) do not fail it. The
# clean run is that kselftest run; then every replay of an upstream fix.
# On 6.1 the destructive-operation table (vfio_ap_destroy_test), the
# forced races (vfio_ap_race_test) and the life cycle after the bad
# inputs (after_bad_input) are left out: 6.1's known kvm->lock
# cycle (findings/6.1.txt) is reported at the first guest link of a
# boot, lockdep is off after it, and so each of their tests with a guest
# wants a boot of its own. The table alone took the 12 boots the runner
# allows (VM_BOOTS) and 335 s, and 25 of its 48 cells still ran with
# lockdep off; 6.1's other tests already take 12 boots. By hand:
#   make kselftest DRIVER=upstream KVER=6.1 \
#	VM_ONLY='destroy.*,race.*,after_bad_input.*'
for v in 6.12 6.1; do
	only=
	[ "$v" = 6.1 ] && only='mdev.*,bad_input.*,stress.*'
	step "kselftest upstream $v + replay" env DRIVER=upstream KVER=$v KDIR= \
		VM_ONLY="$only" \
		STRESS_SECONDS="${STRESS_SECONDS:-10}" \
		STRESS_THREADS="${STRESS_THREADS:-2}" SEED="${SEED:-1000}" \
		RUNS=1 BUG=all "$PROJ/tools/testing/replay/replay.sh"
done
# The model as an oracle: the same operations on the model and on the
# real vfio_ap; only selftests/divergences.txt may differ.
for v in 6.12 6.1; do
	step "differential $v" env KVER=$v KDIR= SEED="${SEED:-1000}" \
		DIFF_OPS="${DIFF_OPS:-10000}" DIFF_SURVEY=0 DIFF_DEBUG=0 \
		"$PROJ/tools/testing/diff.sh"
done
step "upstream sources" "$PROJ/tools/testing/vm/check-sources.sh"
step "ci/gate samples" "$PROJ/ci/samples/run.sh"

echo "time of each step:"
printf '  %s\n' "${step_times[@]}"
printf '%6d s  in all\n' "$SECONDS" | sed 's/^/  /'
if [ ${#failed_steps[@]} != 0 ]; then
	echo "why they failed (the lines of their logs that say so):"
	cat "$why_failed"
	echo "failed steps: ${failed_steps[*]}"
fi
echo "make test: $total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" = 0 ] && [ ${#failed_steps[@]} = 0 ]

#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# stall-watch SECONDS [BEGAN]: report a task that cannot die, then panic.
# BEGAN is the file the tests note "NAME PID" in as they begin
# (selftests/vfio_ap_resume.h): the report names the stuck task's test.
#
# /init runs it in the background. A test that overruns its time is
# killed: the kselftest harness sends SIGKILL when a test passes its
# timeout (TEST_TIMEOUT_DEFAULT, 30 s, or the test's own), and the stress
# test sends itself SIGALRM when it overruns (SELFTEST_STALL_SECS past its
# end). A task stuck in the kernel does not die: in a loop that sleeps or
# calls cond_resched() it is in neither the hung-task detector's view
# (only TASK_UNINTERRUPTIBLE is) nor RCU's (it passes through quiescent
# states), and s390 has no soft-lockup detector (SOFTLOCKUP_DETECTOR
# depends on !S390). A task that still has SIGKILL pending, or is exiting
# (PF_EXITING) and not yet a zombie, SECONDS after it was first seen so is
# reported, in the form of syzkaller's "task can't die" report:
#   INFO: task COMM:TID can't die for more than SECONDS seconds.
# followed by its kernel stack. A running task's saved stack is the one of
# its last switch: the watcher first runs a hog per CPU for a second, so
# that a loop with a resched point switches. A task that switches no
# more is spinning with no resched point: RCU's stall report will have
# its stack, so the watcher waits for that report before it panics.
# Then every task's stack (sysrq-t) and a panic, as a hung task's report
# ends; the runner boots again for the tests after it.

secs=${1:-30}
began=${2:-}
seen=/tmp/stall-watch.seen
: >"$seen"

# The tasks that are dying but not dead, one "TID STATE CPU COMM" each.
dying_tasks() {
	{
		grep -s -H '^SigPnd:' /proc/[0-9]*/task/[0-9]*/status
		grep -s -H '' /proc/[0-9]*/task/[0-9]*/stat
	} | awk '
	# /proc/P/task/T/status:SigPnd:\t0000000000000100 (SIGKILL is 0x100)
	/\/status:SigPnd:/ {
		split($1, p, "/")
		d = substr($NF, length($NF) - 2, 1)
		if (index("13579bdf", d))
			killed[p[5]] = 1
		next
	}
	# T (COMM) STATE PPID PGRP SESSION TTY TPGID FLAGS ... field 39: CPU
	{
		split($0, p, "/")
		line = $0
		sub(/^[^:]*:/, "", line)
		comm = line
		sub(/^[0-9]+ \(/, "", comm)
		sub(/\) [^)]*$/, "", comm)
		gsub(/ /, "_", comm)
		rest = line
		sub(/^.*\) /, "", rest)
		n = split(rest, f, " ")
		state[p[5]] = f[1]
		exiting[p[5]] = int(f[7] / 4) % 2
		cpu[p[5]] = n >= 37 ? f[37] : 0
		name[p[5]] = comm
	}
	END {
		for (t in state)
			if (state[t] != "Z" && state[t] != "X" &&
			    (killed[t] || exiting[t]))
				print t, state[t], cpu[t], name[t]
	}'
}

# Context switches of task $1 so far.
switches() {
	awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ { n += $2 } END { print n + 0 }' \
		"/proc/$1/status" 2>/dev/null
}

# Report task $1 (state $2, on CPU $3, comm $4) and panic.
report() {
	local tid=$1 state=$2 cpu=$3 comm=$4 before after hogs spinning=0 tgid test

	tgid=$(awk '/^Tgid:/ { print $2 }' "/proc/$tid/status" 2>/dev/null)
	test=
	[ -n "$began" ] && [ -n "$tgid" ] &&
		test=$(awk -v p="$tgid" '$2 == p { n = $1 } END { print n }' "$began")
	echo "INFO: task $comm:$tid can't die for more than $secs seconds."
	echo "      test ${test:-unknown} (process $tgid), state $state, CPU $cpu"
	if [ "$state" = R ]; then
		# One hog per CPU, unpinned: pinning one to the task's CPU
		# waits for that CPU's stopper, which a spinning CPU never
		# runs, and the watcher would hang with it.
		before=$(switches "$tid")
		hogs=
		for _ in $(seq "$(nproc)"); do
			sh -c 'while :; do :; done' &
			hogs="$hogs $!"
		done
		sleep 1
		# shellcheck disable=SC2086
		kill -9 $hogs 2>/dev/null
		after=$(switches "$tid")
		[ "$before" = "$after" ] && spinning=1
	fi
	if [ $spinning = 1 ]; then
		echo "      it runs and does not switch (no resched point):"
		echo "      the stack below is its last switch's; RCU's stall report has the loop's"
	fi
	echo "Call Trace:"
	cat "/proc/$tid/stack" 2>/dev/null
	echo "INIT: stall dump"
	echo t >/proc/sysrq-trigger
	if [ $spinning = 1 ]; then
		# RCU reports a CPU that has not passed a quiescent state for
		# rcu_cpu_stall_timeout seconds; give it that long once more.
		sleep "$(cat /sys/module/rcupdate/parameters/rcu_cpu_stall_timeout 2>/dev/null || echo 60)"
	fi
	echo c >/proc/sysrq-trigger
}

# Every POLL seconds: each look reads every task's status and stat
# files, which under TCG, KASAN and lockdep takes a noticeable share of a
# CPU during the stress; a report may come up to POLL seconds late.
POLL=5
while sleep "$POLL"; do
	now=$(cut -d. -f1 /proc/uptime)
	dying_tasks | awk -v now="$now" -v secs="$secs" -v seen="$seen" '
	BEGIN {
		while ((getline l < seen) > 0) {
			split(l, f, " ")
			since[f[1]] = f[2]
		}
		close(seen)
	}
	{
		s = ($1 in since) ? since[$1] : now
		print $1, s > (seen ".new")
		if (now - s >= secs)
			print "STUCK", $0
	}
	END { close(seen ".new") }' >/tmp/stall-watch.stuck
	if [ -f "$seen.new" ]; then
		mv "$seen.new" "$seen"
	else
		: >"$seen"
	fi
	# shellcheck disable=SC2034
	read -r _ tid state cpu comm </tmp/stall-watch.stuck && {
		report "$tid" "$state" "$cpu" "$comm"
		exit 0
	}
done

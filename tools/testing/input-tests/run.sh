#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The runners' input checks: each case runs a runner with one bad
# variable and must exit 2, before any work, with a message naming the
# variable. A case that is not refused would build and boot: it is cut
# off after 60 s (killed 5 s later if it has not ended, with whatever it
# started) and fails. Results go to a temporary directory. make test,
# when it does not refuse, does not start again inside itself (its
# runner input step would run these cases again).
# Prints "runner input: N passed, N failed".

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
need setsid pkill timeout
t=$here/..
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

# refused NAME=VALUE RUNNER [NAME=VALUE...]: RUNNER, with the first
# assignment (and the others), exits 2 and names the first's variable.
refused() {
	local bad=$1 runner=$2 rc sid
	shift 2
	# In a session of its own, whose every process (the background
	# builds of a make test too, in process groups of their own) is
	# killed once it ends or is cut off.
	COUNTS_FILE= setsid env "$bad" "$@" RESULTS="$tmp/out" \
		timeout -k 5 60 "$t/$runner" >"$tmp/log" 2>&1 &
	sid=$!
	wait "$sid"
	rc=$?
	pkill -KILL -s "$sid" 2>/dev/null
	if [ "$rc" = 2 ] && grep -q "^error: ${bad%%=*}=" "$tmp/log"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "runner input: $bad $runner: exit $rc, expected 2 naming ${bad%%=*}" >&2
		sed 's/^/    /' "$tmp/log" | tail -5 >&2
	fi
}

refused SEED=abc kselftest.sh
refused SEED=-1 kselftest.sh
refused SEED=99999999999 kselftest.sh
refused STRESS_SECONDS=ten kselftest.sh
refused STRESS_THREADS=0 kselftest.sh
refused VM_BOOTS=100 kselftest.sh
refused "VM_ONLY=mdev.a;reboot" kselftest.sh
refused "VM_ONLY=mdev*" kselftest.sh
refused QUICK=yes kselftest.sh
refused QUICK=2 kselftest.sh
refused KVER=5.4 kselftest.sh
refused KDIR=/nonexistent kselftest.sh
refused DRIVER=real kselftest.sh
refused STALE=maybe kselftest.sh
refused REPLAY=/nonexistent.patch kselftest.sh
refused RUNS=0 replay/replay.sh
refused SEED=1e3 replay/replay.sh
refused BUG=no-such-bug replay/replay.sh
refused DRIVER=real replay/replay.sh
refused DIFF_OPS=0 diff.sh
refused SEED=x diff.sh
refused KVER=6.6 diff.sh
refused ARCH=x86 kunit.sh
refused SEED=abc test.sh
refused STRESS_THREADS=17 test.sh
refused KVER=5.4 test.sh
refused DIFF_OPS=0 test.sh
refused JOBS=many kunit.sh

counts "runner input" "$pass" "$fail"
[ "$fail" = 0 ]

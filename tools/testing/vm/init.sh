#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the vfio-ap-ref test VM. Loads the modules, runs the installed
# kselftests, checks module unload, asks kmemleak, dumps lockdep's graph
# and powers off. Every step prints a marker line the host parses:
#   INIT: <step> <result>
# The kernel command line carries the stress parameters (mdev.*=);
# selftest.mode=diff runs the differential test instead of the selftests, and
# selftest.mode=kunit the KUnit suites.
#
# /lib/modules/modules.list names the modules in load order, each with
# its role and the parameters to load it with, if any. The roles:
# "kernel" (the tree's VFIO modules, left loaded), "pinned" (cannot be
# unloaded), "sim" (unloaded after the driver), "driver" (the vfio_ap
# driver under test, model or real), "test" (a helper of the selftests,
# vfio_ap_torture: left loaded) or "kunit" (a KUnit test module:
# selftest.mode=kunit loads it after the others, the differential after its
# run).

/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
# devtmpfs has no /dev/std* (udev makes them); the kselftest runner
# writes to /dev/stdout.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr

# selftest.NAME=VALUE on the kernel command line is SELFTEST_NAME=VALUE
# here. One awk for all of them: a process takes about 70 ms to start
# under KASAN and TCG, and a subshell and tr for each of the ten took
# 1.1 s of the boot (0.07 s now).
eval "$(awk '{
	for (i = 1; i <= NF; i++) {
		if ($i !~ /^selftest\.[a-z0-9_]+=/)
			continue
		n = index($i, "=")
		printf "export SELFTEST_%s=\047%s\047\n",
			toupper(substr($i, 10, n - 10)),
			substr($i, n + 1)
	}
}' /proc/cmdline)"
# The tests that earlier boots settled, which skip themselves
# (selftests/vfio_ap_resume.h): too many names for the command line,
# kselftest.sh appends them to the initramfs.
if [ -f /selftest-ran ]; then
	read -r SELFTEST_RAN </selftest-ran
	export SELFTEST_RAN
fi

# Only the scans below, at quiet points: the automatic scan thread would
# wait on kmemleak's scan mutex for as long as one of them runs (tens of
# seconds under KASAN and TCG), and the hung-task detector reports it.
[ -w /sys/kernel/debug/kmemleak ] && echo scan=off > /sys/kernel/debug/kmemleak
echo "INIT: boot ok"
[ -w /proc/sys/kernel/hung_task_timeout_secs ] &&
	echo "${SELFTEST_HUNG_SECS:-10}" > /proc/sys/kernel/hung_task_timeout_secs
echo 1 > /proc/sys/kernel/hung_task_all_cpu_backtrace 2>/dev/null
# Check every 2 s, not every timeout: a hang is reported 10-12 s after it
# began instead of 10-20 s.
echo 2 > /proc/sys/kernel/hung_task_check_interval_secs 2>/dev/null

# A hung-task report shows the blocked tasks only. What holds them up is
# often a task that runs (a work item, a spinning mutex owner), and s390
# has no NMI backtrace for hung_task_all_cpu_backtrace. So the first
# report does not panic: the watcher sees it (each report takes one of
# hung_task_warnings), dumps every task and the workqueues (sysrq-t), and
# then lets the next check, 2 s on, panic as before.
stall_watch() {
	local left
	left=$(cat /proc/sys/kernel/hung_task_warnings)
	while sleep 1; do
		[ "$(cat /proc/sys/kernel/hung_task_warnings)" = "$left" ] &&
			continue
		echo "INIT: stall dump"
		echo t > /proc/sysrq-trigger
		echo 1 > /proc/sys/kernel/hung_task_panic
		return
	done
}
if [ -w /proc/sys/kernel/hung_task_panic ] &&
   [ -w /proc/sysrq-trigger ]; then
	echo 0 > /proc/sys/kernel/hung_task_panic
	stall_watch &
fi
# boot.sh's watchdog (selftest.vm_timeout, seconds from QEMU's start)
# kills a VM that runs too long, and a run it ends has no report of its
# own. While the guest can still print: every task's stack, 45 s before
# it fires (the host asks QEMU where the vCPUs are 15 s before).
if [ "${SELFTEST_VM_TIMEOUT:-0}" -gt 90 ] && [ -w /proc/sysrq-trigger ]; then
	(sleep $((SELFTEST_VM_TIMEOUT - 45)) &&
		echo "INIT: the host's watchdog fires in 45 s: every task's stack" &&
		echo t > /proc/sysrq-trigger) &
fi

# load_module NAME [PARAM...]: insmod it and say how it went.
load_module() {
	m=$1
	shift
	if insmod "/lib/modules/$m.ko" "$@"; then
		echo "INIT: insmod $m ok"
	else
		echo "INIT: insmod $m failed"
	fi
}

while read -r m role params; do
	[ "$role" = kunit ] || load_module "$m" $params
done </lib/modules/modules.list

# Where the kernel and the modules are, for the host's report of a VM its
# watchdog kills (judge/vmstate.py names the vCPUs' addresses with them).
# Listed again before each test program: a test may load a module again.
# kallsyms is in address order: stop at _stext, near its start, rather
# than read all of it at every boot.
echo "INIT: kernel _stext $(sed -n '/ [Tt] _stext$/{s/ .*//p;q}' /proc/kallsyms)"
list_modules() {
	echo "INIT: modules"
	while read -r name size _ _ _ addr _; do
		echo "INIT: module $name $size $addr"
	done </proc/modules
}

# The stress runs five variants: let the kselftest timeout fit them. The
# base is the one selftests/settings gives.
settings=/kselftest/vfio_ap_ref/settings
base=$(sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' $settings 2>/dev/null)
if [ -n "$base" ]; then
	echo "timeout=$((base + 5 * ${SELFTEST_STRESS_SECONDS:-10}))" > $settings
else
	echo "INIT: $settings has no timeout= line: the runner's default applies"
fi
# kmemleak scans after the functional tests (a quiet system, and a leak
# is found before the stress) and after the stress, while the modules
# are loaded so that their symbols name the allocating functions, and
# after unloading. Reported objects are cleared, so each scan lists only
# new ones.
# kmemleak reports an object only when a scan finds it unreferenced and
# unchanged since the scan before, so it takes two.
kmemleak_scan() {
	if [ -w /sys/kernel/debug/kmemleak ]; then
		echo scan > /sys/kernel/debug/kmemleak
		echo scan > /sys/kernel/debug/kmemleak
		cat /sys/kernel/debug/kmemleak
		echo clear > /sys/kernel/debug/kmemleak
	fi
}
# A resumed boot skips the tests that have their result and defers those
# after lockdep stopped recording; a scan after nothing ran finds nothing
# new and costs 20-30 s under KASAN and TCG. Each test that begins notes
# its name in $SELFTEST_BEGAN (selftests/vfio_ap_resume.h), as unload_checks
# does; a scan runs only when something did since the last one.
export SELFTEST_BEGAN=/tmp/began
: >"$SELFTEST_BEGAN"
# A task that the kernel does not let die after SIGKILL (a test past its
# timeout) is a stall the hung-task detector does not see: stall-watch
# reports it with its stack and its test, SELFTEST_STALL_SECS after the kill.
[ -w /proc/sysrq-trigger ] && stall-watch "${SELFTEST_STALL_SECS:-30}" "$SELFTEST_BEGAN" &
# The file only grows (the stall watcher looks tests up in it): a scan
# notes how many lines it had.
scanned_at=0
kmemleak_scan_if_ran() {
	local n

	n=$(wc -l <"$SELFTEST_BEGAN")
	if [ "$n" != "$scanned_at" ]; then
		kmemleak_scan
		scanned_at=$n
	else
		echo "INIT: kmemleak skipped (nothing ran since the last scan)"
	fi
}

# unload_modules ROLE...: rmmod the modules of those roles, last loaded
# first; return 1 if one of them stays.
unload_modules() {
	local m ok=0 roles=" $* "
	for m in $(while read -r m role _; do
			case "$roles" in (*" $role "*) echo "$m" ;; esac
		   done </lib/modules/modules.list | sed -n '1!G;h;$p'); do
		rmmod "$m" || ok=1
	done
	return $ok
}

# The KUnit suites as modules (tools/testing/kunit-vm.sh): each module of
# role "kunit" runs its suites as it is loaded, and the kernel prints
# their KTAP on the console then, between markers that name the module.
# (KUnit's debugfs keeps only the last case of a parameterised test in
# Linux 6.1.) Then the suites, the driver and the simulation are
# unloaded (the simulation reports what the driver left) and kmemleak
# is asked.
if [ "${SELFTEST_MODE:-}" = kunit ]; then
	while read -r m role params; do
		[ "$role" = kunit ] || continue
		echo "INIT: kunit begin $m"
		load_module "$m" $params
		echo "INIT: kunit end"
	done </lib/modules/modules.list
	if unload_modules kunit driver sim; then
		echo "INIT: unload clean ok"
	else
		echo "INIT: unload clean failed"
	fi
	kmemleak_scan
	echo "INIT: done"
	poweroff -f
fi

# The differential test (tools/testing/diff.sh): both drivers are loaded;
# vfio_ap_diff runs the same operations on each and compares.
if [ "${SELFTEST_MODE:-}" = diff ]; then
	echo "INIT: diff begin"
	survey=
	[ "${SELFTEST_DIFF_SURVEY:-0}" = 1 ] && survey=--survey
	/kselftest/vfio_ap_ref/vfio_ap_diff --seed "${SELFTEST_SEED:-1}" \
		--ops "${SELFTEST_DIFF_OPS:-10000}" $survey \
		--divergences /kselftest/vfio_ap_ref/divergences.txt
	echo "INIT: diff exit $?"
	# The KUnit differential (role "kunit"), with the run's seed: its
	# suite's KTAP from KUnit's debugfs, between markers.
	while read -r m role _; do
		[ "$role" = kunit ] || continue
		load_module "$m" "seed=${SELFTEST_SEED:-1}"
		echo "INIT: kunit begin"
		cat /sys/kernel/debug/kunit/*/results
		echo "INIT: kunit end"
	done </lib/modules/modules.list
	kmemleak_scan
	echo "INIT: done"
	poweroff -f
fi

# Whether this boot's tests defer themselves to a later boot from now
# on (selftests/vfio_ap_resume.h): lockdep is off, after a report
# (a known finding's), and the runner boots again.
deferring() {
	[ "${SELFTEST_DEFER:-0}" = 1 ] &&
		grep -qE '^ *debug_locks: +0$' /proc/lockdep_stats 2>/dev/null
}

# ksft PROGRAM: run one program of the selftests, unless every test of it
# would defer: then the boot's remaining programs are left to the next
# boot (their tests have no result in this one), instead of starting
# each to have its tests skip themselves one by one (about 20 s a boot
# under TCG, where 6.1 takes a dozen boots).
ksft() {
	if deferring; then
		echo "INIT: vfio_ap_ref:$1 deferred: lockdep is off, a later boot runs it"
		return
	fi
	list_modules
	./run_kselftest.sh -t "vfio_ap_ref:$1"
}

echo "INIT: tests begin"
cd /kselftest
ksft vfio_ap_ref_test
# The races before the long sweeps: a race's bug is found in seconds.
ksft vfio_ap_race_test
ksft vfio_ap_input_test
ksft vfio_ap_fault_test
ksft vfio_ap_destroy_test
# make kselftest QUICK=1 (selftest.quick=1), a developer's inner loop, scans
# once, after the tests: a leak is still found, but not which half of
# the tests made it, nor one that only unloading makes.
[ "${SELFTEST_QUICK:-0}" = 1 ] || kmemleak_scan_if_ran
ksft vfio_ap_stress_test
echo "INIT: tests end"
cd /
kmemleak_scan_if_ran

# The real vfio_ap's own debug feature log (s390dbf), for the bundle.
if [ -r /sys/kernel/debug/s390dbf/vfio_ap/sprintf ]; then
	echo "INIT: s390dbf vfio_ap begin"
	cat /sys/kernel/debug/s390dbf/vfio_ap/sprintf
	echo "INIT: s390dbf vfio_ap end"
fi

# lockdep's graph, before unloading forgets the modules' lock classes.
if [ -r /proc/lockdep ]; then
	echo "INIT: lockdep begin"
	cat /proc/lockdep
	echo "INIT: lockdep end"
fi

# Unloading: refused while a VFIO device is open, clean otherwise.
unload_checks() {
	local driver u hold
	echo "INIT: unload begin"
	echo unload >>"$SELFTEST_BEGAN"
	driver=$(awk '$2 == "driver" { print $1 }' /lib/modules/modules.list)
	for dbg in /sys/kernel/debug/vfio_ap_ref /sys/kernel/debug/vfio_ap_shim; do
		[ -d $dbg ] || continue
		echo "+a 1" > $dbg/ap/config
		echo "+d 1" > $dbg/ap/config
		echo scan > $dbg/ap/config
	done
	for mask in apmask aqmask; do
		for bus in /sys/bus/ap_sim /sys/bus/ap; do
			[ -w $bus/$mask ] && echo 0x > $bus/$mask
		done
	done
	u=abcdefab-cdef-abcd-efab-cdefabcdefab
	for root in /sys/devices/vfio_ap_ref/matrix /sys/devices/vfio_ap/matrix; do
		[ -d $root ] || continue
		echo $u > $root/mdev_supported_types/vfio_ap-passthrough/create
		echo 1 > $root/$u/assign_adapter
		echo 1 > $root/$u/assign_domain
	done
	mkfifo /tmp/hold
	/kselftest/vfio_ap_ref/vfio_ap_hold $u 1 </tmp/hold >/tmp/held &
	hold=$!
	exec 3>/tmp/hold
	for i in 1 2 3 4 5 6 7 8 9 10; do
		grep -q held /tmp/held && break
		sleep 1
	done
	if ! grep -q held /tmp/held; then
		echo "INIT: unload refused-while-open failed (no device held open)"
	elif rmmod "$driver" 2>/dev/null; then
		echo "INIT: unload refused-while-open failed"
	else
		echo "INIT: unload refused-while-open ok"
	fi
	exec 3>&-
	wait $hold
	if unload_modules driver sim; then
		echo "INIT: unload clean ok"
	else
		echo "INIT: unload clean failed"
	fi
}

# Deferred like the tests (selftests/vfio_ap_resume.h) when lockdep is off
# and another boot may follow.
if deferring; then
	echo "INIT: unload deferred"
else
	unload_checks
fi

# And what unloading leaked.
[ "${SELFTEST_QUICK:-0}" = 1 ] || kmemleak_scan_if_ran

# The coverage the boot reached, on a kernel with CONFIG_GCOV_KERNEL: the
# counters of each profiled object (gcov keeps those of an unloaded
# module), gzipped and in base64, for the host's gcov (judge/vmcov.py).
# The path is the object's in the host's build directory.
if [ -d /sys/kernel/debug/gcov ]; then
	find /sys/kernel/debug/gcov -name '*.gcda' | while read -r f; do
		echo "INIT: gcov begin ${f#/sys/kernel/debug/gcov}"
		gzip -c "$f" | base64
		echo "INIT: gcov end"
	done
fi
echo "INIT: done"
poweroff -f

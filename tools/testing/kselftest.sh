#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make kselftest": build whatever is stale (VM kernel, modules,
# selftests, initramfs), boot the s390x VM under QEMU TCG, run the
# selftests under lockdep, KASAN, kmemleak and hung-task detection, and
# compute the verdict from the TAP and the console.
#
# DRIVER=model (the default) runs the reference driver on its simulation;
# DRIVER=upstream the real vfio_ap and AP bus of the tree (KVER or KDIR)
# on the simulated AP machine, the KVM shim and the real VFIO and mdev
# cores (tools/testing/vm/build-upstream.sh).
#
# Exit codes: 0 passed, 1 a test failed, 2 a kernel report, 3 the
# infrastructure failed, 4 a hang or timeout.
# Environment: DRIVER, KVER, KDIR, STRESS_SECONDS, STRESS_THREADS, SEED,
# RESULTS (the results directory), VM_TIMEOUT (per boot), VM_BOOTS (at
# most that many boots, default 12), REPLAY (a replay patch applied to a
# scratch copy of the driver's sources, see replay/replay.sh),
# VM_STOP_GRACE (stop the VM that many seconds after the first detection,
# as make replay does), VM_ONLY (run those tests alone, a comma list of
# TAP names, e.g. mdev.queue_status,stress.kvm_hotplug.run; "mdev.*" is
# every test of that prefix), QUICK=1 (the inner loop of a developer's
# edit: the functional tests and one stress variant, "everything", unless
# VM_ONLY names others, and one kmemleak scan instead of three, after the
# tests while the modules are loaded), and
# STALE=report (a stale finding is reported as fixed, not failed: ci/gate
# on a series that fixes one).

set -uo pipefail
. "$(dirname "$0")/lib.sh"

DRIVER=${DRIVER:-model}
case "$DRIVER" in
model|upstream) ;;
*) DIE_RC=2 die "DRIVER=$DRIVER: must be model or upstream" ;;
esac
case "${STALE:-fail}" in
fail|report) ;;
*) DIE_RC=2 die "STALE=$STALE: must be fail or report" ;;
esac
check_tree_vars
check_uint SEED 0 4294967295
check_uint STRESS_SECONDS 0 3600
check_uint STRESS_THREADS 1 16
check_uint VM_BOOTS 1 99
check_uint VM_TIMEOUT 30 86400
check_uint QUICK 0 1
is_test_list "${VM_ONLY:-}" ||
	DIE_RC=2 die "VM_ONLY=$VM_ONLY: must be a comma list of test names, e.g. mdev.queue_status"
QUICK=${QUICK:-0}
[ "$QUICK" = 0 ] || VM_ONLY=${VM_ONLY:-mdev.*,bad_input.*,after_bad_input.*,stress.everything.run}
# Fail fast, before any build, on a tree upstream mode cannot use.
if [ "$DRIVER" = upstream ]; then
	tree=$(base_tree) || exit 3
	(upstream_tree "$tree") || exit 3
fi
[ -z "${REPLAY:-}" ] || [ -f "$REPLAY" ] ||
	DIE_RC=2 die "REPLAY=$REPLAY: no such replay patch"
STRESS_SECONDS=${STRESS_SECONDS:-20}
STRESS_THREADS=${STRESS_THREADS:-4}
SEED=${SEED:-$(date +%s)}
results=$(results_dir kselftest) || exit 3
vm=$PROJ/tools/testing/vm
t0=$(date +%s.%N)

step() {
	local what=$1
	shift
	"$@" || { echo "kselftest: $what failed (infrastructure)" >&2; exit 3; }
}

kbuild=$(step "building the VM kernel" "$vm/build-kernel.sh") || exit 3
list=$results/modules.txt
if [ "$DRIVER" = upstream ]; then
	mods=$(step "building the real vfio_ap" "$vm/build-upstream.sh" "$kbuild") || exit 3
	tree=$(base_tree)
	# Linux 6.1's AP bus has no module_exit: it and what it uses stay.
	pin=sim
	[ "$(tree_version "$tree" | cut -d. -f1,2)" = 6.1 ] && pin=pinned
	cat >"$list" <<EOT
$kbuild/drivers/vfio/vfio.ko kernel
$kbuild/drivers/vfio/vfio_iommu_type1.ko kernel
$kbuild/drivers/vfio/mdev/mdev.ko kernel
$mods/vfio_ap_ref_core.ko $pin
$mods/apsim.ko $pin
$mods/ap.ko $pin
$mods/vfio_ap_shim.ko sim
$mods/vfio_ap.ko driver
EOT
	cp "$mods/sources.sha256" "$results/sources.sha256"
	driver_desc="upstream vfio_ap, $(basename "$tree") $(tree_version "$tree")"
	series=$(tree_version "$tree" | cut -d. -f1,2)
	findings=(--findings "$PROJ/tools/testing/findings/$series.txt")
else
	mods=$(step "building the modules" "$vm/build-modules.sh" "$kbuild") || exit 3
	cat >"$list" <<EOT
$mods/vfio_ap_ref_core.ko sim
$mods/vfio_ap_sim.ko sim
$mods/vfio_ap_ref.ko driver
EOT
	findings=()
	driver_desc="model vfio_ap_ref, on $(basename "$(base_tree)") $(tree_version "$(base_tree)")"
fi
# The stress's in-kernel actors (selftests/test_modules/), for both.
tmods=$(step "building the test modules" "$vm/build-test-modules.sh" "$kbuild") || exit 3
echo "$tmods/vfio_ap_torture.ko test" >>"$list"
ksft=$(step "building the selftests" "$vm/build-selftests.sh") || exit 3
step "making the initramfs" "$vm/make-image.sh" "$list" "$ksft" \
	"$results/initramfs.cpio.gz" || exit 3

# The reproducer bundle.
cp "$kbuild/.config" "$results/kernel.config"
cat >"$results/stress.txt" <<EOT
driver=$driver_desc
seed=$SEED
stress_seconds=$STRESS_SECONDS
stress_threads=$STRESS_THREADS
kver=$KVER
replay=${REPLAY:+$(basename "$REPLAY") $(sha256sum <"$REPLAY" | cut -c1-12)}
EOT

# Boot, and boot again while known findings end a boot's useful results
# early (tools/testing/judge/resume.py): each later boot skips the tests
# that have a settled result, and with selftest.defer=1 the tests defer
# themselves to a later boot once lockdep is off. The settled tests'
# names go in a file, /selftest-ran, of a second initramfs archive
# appended to the first (the kernel unpacks both): hundreds of names do
# not fit the 4096 bytes of s390's kernel command line. VM_BOOTS caps the
# boots of a run; the last one allowed does not defer. The model's lock
# order is its kernel-doc; the real driver's is a file of ours.
lock_order=$PROJ/driver/vfio_ap_locks.c
[ "$DRIVER" = upstream ] && lock_order=$PROJ/tools/testing/lock-order/upstream.txt
judge=(judge verdict "$results"
       --allowlist "$PROJ/tools/testing/allowlist.txt" --driver "$driver_desc"
       --lock-order "$lock_order"
       --series "$(tree_version "$(base_tree)" | cut -d. -f1,2)" "${findings[@]}"
       --stale "${STALE:-fail}")
max_boots=${VM_BOOTS:-12}
# The hung-task timeout. The real AP bus's scan walks the bus's devices
# for each of the 256 domains of each adapter, with no resched point in
# between, so under TCG the shim's "scan" (two bus scans) runs for
# seconds: a host operation of stress.host_bus took up to 49 s (40 s,
# 3 threads per actor; the stress prints each actor's longest). On a
# kernel without preemption a work item queued on the scanning CPU waits
# as long: twice a VFIO close that flushed a queue's reset work, holding
# guests_lock, was reported hung after 10 s, and every task behind
# guests_lock with it. The model's bus scan is cheap. The same scans make
# the host watchdog's budget per boot larger: a 6.12 boot that ran nine
# tests and the whole stress (10 s per variant, 233 s for four; there are
# five now, and the budget grew by one stress length) was
# still in its last kmemleak scan at 450 s.
# RCU stalls the same way: a ci/gate run in CI (a machine about half as
# fast as the one the 49 s were measured on) reported "rcu detected
# stall" in stress.everything.run at boot.sh's 60 s. Its console is lost;
# a scan with no resched point on a kernel without preemption is the
# likeliest holder, so upstream mode gives RCU 120 s, as it gives the
# hung-task detector 30 s.
# A task that does not die stall_secs after SIGKILL is reported
# (tools/testing/vm/stall-watch.sh); the stress test also stops itself
# that long after its end. Upstream mode's legitimate scans take longer.
hung_secs=10
rcu_stall_secs=60
stall_secs=15
# The host watchdog's budget is twice what a boot takes here on a good
# day: the same machine has run the same boot 2.6 times slower on
# another day (a shared host; the model's clean run of make test, 10 s
# of stress, took 258 s one evening and ran into a 460 s budget the
# next), and CI's machines have been half as fast. The guest's own
# detectors report a hang long before; the watchdog is for a VM that
# can say nothing.
vm_timeout=$((840 + 8 * STRESS_SECONDS))
if [ "$DRIVER" = upstream ]; then
	hung_secs=30
	rcu_stall_secs=120
	stall_secs=90
	vm_timeout=$((1440 + 14 * STRESS_SECONDS))
fi
# ran_initrd INITRD NAMES OUT: INITRD with an archive holding
# /selftest-ran (NAMES, the settled tests) appended, written to OUT.
ran_initrd() {
	local d

	d=$(mktemp -d) || return 1
	printf '%s\n' "$2" >"$d/selftest-ran" &&
		(cd "$d" && echo selftest-ran | cpio -o -H newc --quiet | gzip -1) \
			>"$d/ran.cpio.gz" &&
		cat "$1" "$d/ran.cpio.gz" >"$3"
	local rc=$?
	rm -rf "$d"
	[ "$rc" = 0 ] || echo "kselftest: cannot write $3" >&2
	return "$rc"
}

logs=()
ran=
defer=1
n=1
while :; do
	dir=$results
	[ "$n" = 1 ] || dir=$results/boot$n
	mkdir -p "$dir" || exit 3
	[ "$n" -lt "$max_boots" ] || defer=0
	echo "  BOOT $n seed=$SEED stress=${STRESS_SECONDS}s x$STRESS_THREADS -> $dir" >&2
	initrd=$results/initramfs.cpio.gz
	if [ -n "$ran" ]; then
		initrd=$dir/initramfs.cpio.gz
		ran_initrd "$results/initramfs.cpio.gz" "$ran" "$initrd" || exit 3
	fi
	VM_ALLOWLIST=$PROJ/tools/testing/allowlist.txt VM_FINDINGS=${findings[1]:-} \
	VM_TIMEOUT=${VM_TIMEOUT:-$vm_timeout} \
		"$vm/boot.sh" "$kbuild/arch/s390/boot/bzImage" \
		"$initrd" "$dir/console.log" \
		"selftest.seed=$SEED" "selftest.stress_seconds=$STRESS_SECONDS" \
		"selftest.stress_threads=$STRESS_THREADS" "selftest.defer=$defer" \
		"selftest.hung_secs=$hung_secs" "selftest.stall_secs=$stall_secs" \
		"rcupdate.rcu_cpu_stall_timeout=$rcu_stall_secs" \
		${VM_ONLY:+"selftest.only=$VM_ONLY"} "selftest.quick=$QUICK"
	[ -z "$ran" ] || rm -f "$initrd"
	logs+=("$dir/console.log")
	[ "$n" -lt "$max_boots" ] || break
	"${judge[@]}" "${logs[@]}" --next-boot "$results/next-boot.txt" || exit 3
	[ -s "$results/next-boot.txt" ] || break
	defer=$(sed -n 's/^defer=//p' "$results/next-boot.txt")
	ran=$(sed -n 's/^ran=//p' "$results/next-boot.txt")
	n=$((n + 1))
done
rm -f "$results/initramfs.cpio.gz" "$results/next-boot.txt"
wall=$(echo "$(date +%s.%N) - $t0" | bc)
"${judge[@]}" "${logs[@]}" --wall "$wall"
rc=$?
# The line and branch coverage the boots reached in the driver under
# test, on a kernel with gcov (vm/debug.config). Counters that do not
# come back fail a run that passed, as infrastructure.
prefix=driver/
[ "$DRIVER" = upstream ] && prefix=drivers/s390/crypto/
judge vmcov "$results" "${logs[@]}" --kernel-config "$kbuild/.config" \
	--prefix "$prefix" || { [ "$rc" != 0 ] || rc=3; }
exit "$rc"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# boot.sh KERNEL INITRAMFS CONSOLE_LOG [KERNEL_ARGS...]: boot the VM under
# QEMU TCG and write its console to CONSOLE_LOG. A host wall-clock
# watchdog (VM_TIMEOUT seconds) kills a VM that never ends; then the exit
# code is 124 and the last line of the log says so. The QEMU command line
# is written next to the log (qemu-cmdline.txt). VM_STOP_GRACE: see below.

set -euo pipefail
. "$(dirname "$0")/../lib.sh"

need qemu-system-s390x timeout
kernel=$1
initrd=$2
log=$3
shift 3
VM_TIMEOUT=${VM_TIMEOUT:-600}
# A panic or oops ends the run at once (panic=-1, -no-reboot); a hung task
# is reported with the blocked tasks' stacks, then init.sh dumps every
# task's (sysrq-t) and the next check panics.
# TCG runs the guest 10-50 times slower than hardware: RCU's default 21 s
# stall timeout fires on kmemleak's long scans under load. The caller's
# arguments come last: a parameter given again there wins (make kselftest
# gives upstream mode's RCU more time).
append="oops=panic panic=-1 hung_task_panic=1 softlockup_panic=1"
append+=" rcupdate.rcu_cpu_stall_timeout=60"
append+=" kmemleak=on loglevel=7 selftest.vm_timeout=$VM_TIMEOUT $*"
# 512 MiB: kmemleak scans every page and KASAN shadows it; at 2 GiB the
# three scans of a run took 170 s of its 280, at 512 MiB 70 s of 180.
cmd=(qemu-system-s390x -machine s390-ccw-virtio -cpu qemu -smp "${VM_SMP:-2}"
     -m "${VM_MEM:-512}" -nodefaults -nographic -serial stdio -no-reboot
     -kernel "$kernel" -initrd "$initrd" -append "$append")
# QMP, for the report of a VM the watchdog kills (judge/vmstate.py). A
# directory of its own: a socket's path is short (108 bytes).
qmpdir=$(mktemp -d)
cmd+=(-qmp "unix:$qmpdir/qmp.sock,server=on,wait=off")
printf '%q ' "${cmd[@]}" >"$(dirname "$log")/qemu-cmdline.txt"
# Which QEMU: TCG's behaviour is part of every result.
qemu-system-s390x --version | sed -n 1p >"$(dirname "$log")/qemu-version.txt"
echo "$append" >"$(dirname "$log")/kernel-cmdline.txt"
# The watcher timestamps the console (console.times), measures boot to
# first test (boot-to-first-test.txt, for make bench) and, with
# VM_STOP_GRACE=S, stops the VM S seconds after the first detection that
# neither the allowlist (VM_ALLOWLIST) nor a known finding (VM_FINDINGS)
# covers.
dir=$(dirname "$log")
rm -f "$dir/boot-to-first-test.txt" "$dir/stopped.txt"
: >"$log"
set +e
timeout -k 5 "$VM_TIMEOUT" "${cmd[@]}" </dev/null >"$log" 2>&1 &
qemu=$!
watch=(--pid "$qemu" --times "$dir/console.times"
       --first-test "$dir/boot-to-first-test.txt")
if [ -n "${VM_STOP_GRACE:-}" ]; then
	watch+=(--stop-grace "$VM_STOP_GRACE" --stopped "$dir/stopped.txt")
	[ -n "${VM_ALLOWLIST:-}" ] && watch+=(--allowlist "$VM_ALLOWLIST")
	[ -n "${VM_FINDINGS:-}" ] && watch+=(--findings "$VM_FINDINGS")
fi
judge watch "$log" "${watch[@]}" &
watcher=$!
# Where the vCPUs are, 15 s before the watchdog: a run it ends has no
# kernel report to say. Ends with QEMU when QEMU ends first.
vmstate=(--at $((VM_TIMEOUT > 30 ? VM_TIMEOUT - 15 : VM_TIMEOUT / 2))
	 --pid "$qemu" --console "$log")
map=${kernel%/arch/s390/boot/bzImage}/System.map
[ -f "$map" ] && vmstate+=(--map "$map")
judge vmstate "$qmpdir/qmp.sock" "${vmstate[@]}" >"$dir/vmstate.txt" 2>&1 &
dumper=$!
# timeout runs in a process group of its own, which a signal to the
# runner's does not reach: a runner that is stopped stops its VM here,
# instead of leaving it to run until its watchdog.
trap 'kill "$qemu" "$watcher" "$dumper" 2>/dev/null; rm -rf "$qmpdir"' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
wait "$qemu"
rc=$?
wait "$watcher" "$dumper"
set -e
if [ -f "$dir/stopped.txt" ]; then
	echo "HOST: stopped $(cat "$dir/stopped.txt")s after the first detection" >>"$log"
	exit 0
fi
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	{
		echo "HOST: watchdog fired after ${VM_TIMEOUT}s"
		sed 's/^/HOST: /' "$dir/vmstate.txt"
	} >>"$log"
	exit 124
fi
exit "$rc"

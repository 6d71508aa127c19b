#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make kselftest": build whatever is stale (VM kernel, modules,
# selftests, initramfs), boot the s390x VM under QEMU TCG, run the
# selftests under lockdep, KASAN, kmemleak and hung-task detection, and
# compute the verdict from the TAP and the console.
#
# Exit codes: 0 passed, 1 a test failed, 2 a kernel report, 3 the
# infrastructure failed, 4 a hang or timeout.
# Environment: KVER, KDIR, STRESS_SECONDS, STRESS_THREADS, SEED,
# RESULTS (the results directory), VM_TIMEOUT, MODULE_CFLAGS, and
# VM_STOP_GRACE (stop the VM that many seconds after the first detection,
# as make replay does).

set -uo pipefail
. "$(dirname "$0")/lib.sh"

STRESS_SECONDS=${STRESS_SECONDS:-20}
STRESS_THREADS=${STRESS_THREADS:-4}
SEED=${SEED:-$(date +%s)}
results=${RESULTS:-$PROJ/results/kselftest-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$results" || exit 3
vm=$PROJ/tools/testing/vm
t0=$(date +%s.%N)

step() {
	local what=$1
	shift
	"$@" || { echo "kselftest: $what failed (infrastructure)" >&2; exit 3; }
}

kbuild=$(step "building the VM kernel" "$vm/build-kernel.sh") || exit 3
mods=$(step "building the modules" "$vm/build-modules.sh" "$kbuild") || exit 3
ksft=$(step "building the selftests" "$vm/build-selftests.sh") || exit 3
step "making the initramfs" "$vm/make-image.sh" "$mods" "$ksft" \
	"$results/initramfs.cpio.gz" || exit 3

# The reproducer bundle.
cp "$kbuild/.config" "$results/kernel.config"
cat >"$results/stress.txt" <<EOT
seed=$SEED
stress_seconds=$STRESS_SECONDS
stress_threads=$STRESS_THREADS
kver=$KVER
module_cflags=${MODULE_CFLAGS:-}
EOT

echo "  BOOT seed=$SEED stress=${STRESS_SECONDS}s x$STRESS_THREADS -> $results" >&2
VM_ALLOWLIST=$PROJ/tools/testing/allowlist.txt \
VM_TIMEOUT=${VM_TIMEOUT:-$((420 + 3 * STRESS_SECONDS))} \
	"$vm/boot.sh" "$kbuild/arch/s390/boot/bzImage" \
	"$results/initramfs.cpio.gz" "$results/console.log" \
	"var.seed=$SEED" "var.stress_seconds=$STRESS_SECONDS" \
	"var.stress_threads=$STRESS_THREADS"
wall=$(echo "$(date +%s.%N) - $t0" | bc)
rm -f "$results/initramfs.cpio.gz"
python3 "$PROJ/tools/testing/vm_results.py" "$results/console.log" "$results" \
	--allowlist "$PROJ/tools/testing/allowlist.txt" --wall "$wall"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make kunit ARCH=s390": the KUnit suites of kunit/ on s390x, as modules
# in the VM of make kselftest. The kernel is the selftests' debug kernel
# (lockdep, KASAN, kmemleak), which has KUnit as a module
# (vm/kunit.config): no kernel of its own is built. /init loads the
# model's modules and kunit.ko, then each suite module between markers
# (the KTAP the kernel prints as its suites run lands between them),
# unloads them all and asks kmemleak; the tree's kunit.py parses each
# module's KTAP (judge/kunit_vm.py).
#
# Prints kunit.py's report of each suite, the kernel reports and, last,
# "kunit(s390, TREE): N passed, N failed, N skipped".
# Exit codes: 0 passed, 1 a test failed or a suite did not run, 2 a
# kernel report, 3 the infrastructure failed, 4 a hang or timeout.
# Environment: KVER, KDIR, RESULTS (the results directory), VM_TIMEOUT.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

check_tree_vars
check_uint VM_TIMEOUT 30 86400
tree=$(base_tree) || exit 3
results=$(results_dir kunit-vm) || exit 3
vm=$PROJ/tools/testing/vm

step() {
	local what=$1
	shift
	"$@" || { echo "kunit-vm: $what failed (infrastructure)" >&2; exit 3; }
}

kbuild=$(step "building the VM kernel" "$vm/build-kernel.sh") || exit 3
mods=$(step "building the modules" env KUNIT_MODULES=1 \
	"$vm/build-modules.sh" "$kbuild") || exit 3
{
	echo "$kbuild/lib/kunit/kunit.ko kernel"
	echo "$mods/vfio_ap_ref_core.ko sim"
	echo "$mods/vfio_ap_sim.ko sim"
	echo "$mods/vfio_ap_ref.ko driver"
	# Each suite's module with its parameters (kunit/suites.txt).
	while read -r m _ _ params; do
		echo "$mods/kunit/$m.ko kunit $params"
	done < <(kunit_suites)
} >"$results/modules.txt"
ksft=$(step "building the selftests" "$vm/build-selftests.sh") || exit 3
step "making the initramfs" "$vm/make-image.sh" "$results/modules.txt" \
	"$ksft" "$results/initramfs.cpio.gz" || exit 3
cp "$kbuild/.config" "$results/kernel.config"
echo "  KUNIT s390 VM $(basename "$tree") -> $results" >&2
# insmod waits while the module's suites run, and one case may run for
# tens of seconds here: the hung-task timeout is 300 s, KUnit's own
# timeout per case (kselftest's 10 s reported the waiting insmod).
VM_TIMEOUT=${VM_TIMEOUT:-600} \
	"$vm/boot.sh" "$kbuild/arch/s390/boot/bzImage" \
	"$results/initramfs.cpio.gz" "$results/console.log" selftest.mode=kunit \
	selftest.hung_secs=300
rm -f "$results/initramfs.cpio.gz"
names=$(kunit_suites | awk '{ print $3 }' | paste -sd,)
judge kunit_vm "$results" --allowlist "$PROJ/tools/testing/allowlist.txt" \
	--kunit-py "$tree/tools/testing/kunit/kunit.py" --suites "$names" \
	--desc "s390, $(basename "$tree")"

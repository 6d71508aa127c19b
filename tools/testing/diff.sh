#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make diff": the differential test of the model against the real
# vfio_ap. Builds the VM kernel of the tree (KVER or KDIR), the model's
# modules and upstream mode's, and boots one VM that loads both drivers
# side by side (their simulations have separate debugfs directories) and
# runs selftests/vfio_ap_diff.c: the same seeded operations on both, in
# lockstep, with the divergence list selftests/divergences.txt. Then it
# loads upstream/vfio_ap_ops_test.ko, the KUnit differential of the real
# vfio_ap_ops.c's static functions against the pure core, with the same
# seed (the kernel has KUnit as a module: vm/kunit.config).
#
# Kernel reports are judged as in upstream mode (allowlist, findings of
# the tree's series). Exit codes as make kselftest's: 0 passed, 1 the
# drivers differ (or a divergence entry is stale), 2 a new kernel
# report, 3 infrastructure, 4 a hang or timeout.
# Environment: KVER, KDIR, SEED, DIFF_OPS (default 10000), DIFF_SURVEY
# (1: report each kind of difference once and go on, for triage),
# DIFF_DEBUG (1: on the debug kernel of the selftests; default 0, the
# kernel without lockdep, KASAN and kmemleak), RESULTS, VM_TIMEOUT.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

check_tree_vars
check_uint SEED 0 4294967295
check_uint DIFF_OPS 1 10000000
check_uint VM_TIMEOUT 30 86400
tree=$(base_tree) || exit 3
(upstream_tree "$tree") || exit 3
SEED=${SEED:-$(date +%s)}
DIFF_OPS=${DIFF_OPS:-10000}
DIFF_SURVEY=${DIFF_SURVEY:-0}
DIFF_DEBUG=${DIFF_DEBUG:-0}
case "$DIFF_SURVEY$DIFF_DEBUG" in
[01][01]) ;;
*) DIE_RC=2 die "DIFF_SURVEY and DIFF_DEBUG must be 0 or 1" ;;
esac
results=$(results_dir diff) || exit 3
vm=$PROJ/tools/testing/vm
t0=$(date +%s)

step() {
	local what=$1
	shift
	"$@" || { echo "diff: $what failed (infrastructure)" >&2; exit 3; }
}

# The differential compares behaviour; lockdep, KASAN and kmemleak are
# the selftests' detectors, and they make each operation tens of times
# slower under TCG. DIFF_DEBUG=1 runs it on the debug kernel instead.
kbuild=$(step "building the VM kernel" env VM_DEBUG="$DIFF_DEBUG" \
	"$vm/build-kernel.sh") || exit 3
ups=$(step "building the real vfio_ap" "$vm/build-upstream.sh" "$kbuild") || exit 3
model=$(step "building the model" "$vm/build-modules.sh" "$kbuild") || exit 3
series=$(tree_version "$tree" | cut -d. -f1,2)
# Both drivers at once; the pure core is shared. Nothing is unloaded.
cat >"$results/modules.txt" <<EOT
$kbuild/drivers/vfio/vfio.ko kernel
$kbuild/drivers/vfio/vfio_iommu_type1.ko kernel
$kbuild/drivers/vfio/mdev/mdev.ko kernel
$ups/vfio_ap_ref_core.ko sim
$ups/apsim.ko sim
$ups/ap.ko sim
$ups/vfio_ap_shim.ko sim
$ups/vfio_ap.ko driver
$model/vfio_ap_sim.ko sim
$model/vfio_ap_ref.ko driver
$kbuild/lib/kunit/kunit.ko kernel
$ups/vfio_ap_ops_test.ko kunit
EOT
cp "$ups/sources.sha256" "$results/sources.sha256"
ksft=$(step "building the selftests" "$vm/build-selftests.sh") || exit 3
step "making the initramfs" "$vm/make-image.sh" "$results/modules.txt" \
	"$ksft" "$results/initramfs.cpio.gz" || exit 3
cp "$kbuild/.config" "$results/kernel.config"
desc="model vfio_ap_ref against upstream vfio_ap, $(basename "$tree") $(tree_version "$tree"), seed $SEED, $DIFF_OPS operations"
printf 'seed=%s\ndiff_ops=%s\ntree=%s\n' "$SEED" "$DIFF_OPS" "$tree" >"$results/diff.txt"
echo "  DIFF seed=$SEED ops=$DIFF_OPS $(basename "$tree") -> $results" >&2
VM_TIMEOUT=${VM_TIMEOUT:-$((300 + DIFF_OPS / 10))} \
	"$vm/boot.sh" "$kbuild/arch/s390/boot/bzImage" \
	"$results/initramfs.cpio.gz" "$results/console.log" \
	selftest.mode=diff "selftest.seed=$SEED" "selftest.diff_ops=$DIFF_OPS" \
	"selftest.diff_survey=$DIFF_SURVEY"
rm -f "$results/initramfs.cpio.gz"
judge diff "$results" \
	--allowlist "$PROJ/tools/testing/allowlist.txt" \
	--findings "$PROJ/tools/testing/findings/$series.txt" --desc "$desc" \
	--series "$series" --divergences "$PROJ/selftests/divergences.txt" \
	--kunit-py "$tree/tools/testing/kunit/kunit.py" --stale "${STALE:-fail}"
rc=$?
echo "wall: $(($(date +%s) - t0)) s" | tee -a "$results/summary.txt"
exit $rc

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-test-modules.sh KBUILD: build the selftests' helper modules
# (selftests/test_modules/: vfio_ap_torture, the stress's sysfs actors
# in kernel threads) against a VM kernel build and print the directory
# holding them. They use no symbol of the driver, so the model and the
# real vfio_ap share them. As build-modules.sh, the sources are copied
# into the cache first, one copy per checkout, and an unchanged file
# keeps its mtime.

set -euo pipefail
. "$(dirname "$0")/../lib.sh"

kbuild=$1
src=$kbuild/vfio_ap_test_modules-$(echo "$PROJ" | short_hash)
lock_dir "$src"
# The module's sources and the header it shares with the tests' side,
# staged and synced: an unchanged file keeps its time, and is not built
# again.
stage=$src.stage
rm -rf "$stage"
cp -r "$PROJ/selftests/test_modules" "$stage" &&
	cp "$PROJ/selftests/vfio_ap_torture_abi.h" "$stage/" ||
	die "cannot stage the test modules in $stage"
sync_dir "$stage" "$src"
rm -rf "$stage"
log=$src/build.log
: >"$log"
make_modules "$kbuild" "$src" "$log" ARCH=s390 CROSS_COMPILE=s390x-linux-gnu- ||
	{ tail -n 30 "$log" >&2; die "building the test modules failed; see $log"; }
grep -E 'warning:' "$log" >&2 && die "the test module build has warnings; see $log"
[ -f "$src/vfio_ap_torture.ko" ] || die "no vfio_ap_torture.ko after the build"
echo "$src"

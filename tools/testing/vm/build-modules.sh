#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the three modules against a VM kernel build (argument 1; with
# KARCH=um, the UML kernel of build-kernel.sh) and print the directory
# holding them. driver/ is copied into the cache first, so nothing is
# built in the checkout and unchanged files keep their mtimes: a
# driver-only change rebuilds only what changed. With REPLAY=<patch> (a
# replay of tools/testing/replay/model/, see replay.sh) the patch is
# applied to that copy; the checkout's driver/ is never touched. With
# KUNIT_MODULES=1 it also builds the KUnit suites of kunit/ as modules
# (those of kunit/suites.txt), from a copy in kunit/ inside the
# driver's, against the driver's Module.symvers: the kernel must have
# KUnit (vm/kunit.config).

set -euo pipefail
. "$(dirname "$0")/../lib.sh"

kbuild=$1
# One source copy per checkout and replay: two checkouts never build into
# each other, and switching between replays rebuilds nothing that did
# not change.
replay=${REPLAY:-}
key=$PROJ
[ -z "$replay" ] || key+=" $(sha256sum <"$replay")"
src=$kbuild/vfio_ap_ref-src-$(echo "$key" | short_hash)
stage=$src.stage
lock_dir "$src"
DRIVER=model stage_replay "$replay" "$stage"
sync_dir "$stage" "$src"
if [ "${KUNIT_MODULES:-0}" = 1 ]; then
	mkdir -p "$stage/kunit"
	cp "$PROJ"/kunit/*.[ch] "$PROJ/kunit/Makefile" \
		"$PROJ/selftests/vfio_ap_test_data.h" "$stage/kunit/"
	sync_dir "$stage/kunit" "$src/kunit"
fi
rm -rf "$stage"
log=$src/build.log
: >"$log"
arch=(ARCH=s390 CROSS_COMPILE=s390x-linux-gnu-)
[ "${KARCH:-s390}" = um ] && arch=(ARCH=um)
make_modules "$kbuild" "$src" "$log" "${arch[@]}" ||
	{ tail -n 30 "$log" >&2; die "building the modules failed; see $log"; }
grep -E 'warning:' "$log" >&2 && die "the module build has warnings; see $log"
for m in vfio_ap_ref_core vfio_ap_sim vfio_ap_ref; do
	[ -f "$src/$m.ko" ] || die "no $m.ko after the module build"
done
if [ "${KUNIT_MODULES:-0}" = 1 ]; then
	grep -q '^CONFIG_KUNIT=[ym]' "$kbuild/.config" ||
		die "$kbuild has no KUnit: the KUnit modules need vm/kunit.config"
	make_modules "$kbuild" "$src/kunit" "$log" "${arch[@]}" \
		KBUILD_EXTRA_SYMBOLS="$src/Module.symvers" ||
		{ tail -n 30 "$log" >&2; die "building the KUnit modules failed; see $log"; }
	grep -E 'warning:' "$log" >&2 && die "the KUnit module build has warnings; see $log"
	while read -r m _; do
		[ -f "$src/kunit/$m.ko" ] || die "no kunit/$m.ko after the module build"
	done < <(kunit_suites)
fi
echo "$src"

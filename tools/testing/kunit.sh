#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the vfio-ap-ref KUnit suites with the kernel's own kunit.py, on
# UML, with gcov unless KUNITCONFIG names another config: that one build
# serves make kunit, make coverage and ci/gate. ARCH=s390 runs them as
# modules in the VM of make kselftest instead (kunit-vm.sh): its debug
# kernel has KUnit, and no kernel of their own is built.
#
# The build directory is keyed by kernel tree, arch and kunitconfig, so
# each config is built once and then rebuilt incrementally, for every
# checkout (the prepared tree is shared). When neither the kunitconfig
# nor any file under driver/ or kunit/ (nor the tests' data in
# selftests/, which kunit/ includes) changed since the last successful
# build, the build is skipped ("kunit.py exec"); when one did, the
# project's objects are compiled again.
#
# Environment: ARCH (um or s390), KVER, KDIR, KUNITCONFIG, KUNIT_EXTRA
# (extra kunit.py arguments, e.g. --kconfig_add), JOBS; with
# KUNIT_BUILD_DIR_ONLY=1 it only prints the build directory it would use.
# Prints the kunit.py output and, last, "kunit(...): N passed, N failed,
# N skipped".

set -euo pipefail
. "$(dirname "$0")/lib.sh"

check_tree_vars
check_uint JOBS 1 1024
ARCH=${ARCH:-um}
JOBS=${JOBS:-$(nproc)}
KUNIT_EXTRA=${KUNIT_EXTRA:-}
case "$ARCH" in
um) ;;
s390) exec "$PROJ/tools/testing/kunit-vm.sh" ;;
*) DIE_RC=2 die "ARCH=$ARCH: must be um or s390" ;;
esac
if [ -z "${KUNITCONFIG:-}" ]; then
	# One UML kernel per tree serves make kunit, make coverage and
	# ci/gate's runs of each patch: the suites' kunitconfig with gcov
	# (coverage.sh reads what the run leaves). GCC 12's libgcov.a
	# defines mangle_path(), as fs/seq_file.c does: the kernel's is
	# renamed on the command line, leaving the tree untouched.
	cfg=$({ cat "$PROJ/kunit/.kunitconfig"
		cat <<'KC'
CONFIG_DEBUG_INFO=y
CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT=y
CONFIG_GCOV=y
KC
	})
	KUNITCONFIG=$CACHE/kunit-um-$(short_hash <<<"$cfg").kunitconfig
	mkdir -p "$CACHE"
	[ -f "$KUNITCONFIG" ] || { echo "$cfg" >"$KUNITCONFIG.$$" &&
		mv "$KUNITCONFIG.$$" "$KUNITCONFIG"; }
	KUNIT_EXTRA="--make_options=KCFLAGS=-Dmangle_path=kernel_mangle_path${KUNIT_EXTRA:+ $KUNIT_EXTRA}"
fi
need python3 make gcc flex bison bc
archargs=(--arch="$ARCH")
[ -f "$KUNITCONFIG" ] || die "no kunitconfig at $KUNITCONFIG"

lock_tree
tree=$("$PROJ/tools/testing/prepare-tree.sh")
key=$({ echo "$ARCH $KUNIT_EXTRA"; cat "$KUNITCONFIG"; } | short_hash)
build=$CACHE/build/$(basename "$tree")/kunit-$ARCH-$key
if [ -n "${KUNIT_BUILD_DIR_ONLY:-}" ]; then
	echo "$build"
	exit 0
fi
mkdir -p "$build"
stamp=$({ echo "$ARCH $KUNIT_EXTRA"; cat "$KUNITCONFIG";
	  cd "$PROJ" && { find driver kunit -type f;
			  echo selftests/vfio_ap_test_data.h; } | LC_ALL=C sort |
	  xargs sha256sum; } | short_hash)

cmd=run
buildargs=(--kunitconfig="$KUNITCONFIG" --jobs="$JOBS")
if [ -f "$build/.vfio_ap_ref_stamp" ] &&
   [ "$(cat "$build/.vfio_ap_ref_stamp")" = "$stamp" ]; then
	cmd=exec
	buildargs=()
else
	# The tree is shared by checkouts, and another one's sources may be
	# older than these objects: compile the project's files again.
	[ -d "$build/drivers/vfio_ap_ref" ] &&
		find "$build/drivers/vfio_ap_ref" -name '*.o' -delete
fi

log=$build/kunit.log
echo "  KUNIT $cmd ARCH=$ARCH $(basename "$tree") -> $build" \
	"(cold: about 5 minutes on 2 cores)" >&2
run_kunit() {
	(cd "$tree" && python3 tools/testing/kunit/kunit.py "$cmd" \
		--build_dir="$build" "${archargs[@]}" "${buildargs[@]}" \
		--timeout=600 $KUNIT_EXTRA) 2>&1 | tee "$log"
	return "${PIPESTATUS[0]}"
}
set +e
progress "KUNIT $ARCH $key" "$build" - run_kunit
rc=$?
set -e

# kunit.py exits 0 or 1 only; read its own summary to tell "no tests ran"
# and build failures apart from test failures.
summary=$(grep -E 'Testing complete\. Ran [0-9]+ tests' "$log" | tail -n 1 || true)
if [ -z "$summary" ]; then
	rm -f "$build/.vfio_ap_ref_stamp"
	DIE_RC=3 die "kunit.py produced no test summary (build or boot failed); see $log"
fi
total=$(sed -E 's/.*Ran ([0-9]+) tests.*/\1/' <<<"$summary")
passed=$(sed -nE 's/.*passed: ([0-9]+).*/\1/p' <<<"$summary")
skipped=$(sed -nE 's/.*skipped: ([0-9]+).*/\1/p' <<<"$summary")
passed=${passed:-0}
skipped=${skipped:-0}
failed=$((total - passed - skipped))
# Every suite the kunitconfig enables must have run.
while read -r _ config suite _; do
	grep -q "^CONFIG_$config=y" "$KUNITCONFIG" || continue
	grep -qE "\[(PASSED|FAILED|CRASHED|SKIPPED)\] $suite =" "$log" ||
		{ echo "kunit: suite $suite did not run" >&2; failed=$((failed + 1)); }
done < <(kunit_suites)
[ "$cmd" = run ] && echo "$stamp" >"$build/.vfio_ap_ref_stamp"
counts "kunit($ARCH, $(basename "$tree"))" "$passed" "$failed" "$skipped"
[ "$rc" = 0 ] && [ "$failed" = 0 ]

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make bench": figures measured in one run, so that their ratios hold on
# a shared, noisy machine. Nothing here is a pass/fail test.
#
#  1. KUnit on UML, cold: our make kunit against a bare kunit.py run with
#     an equally small config (the same options without our driver), both
#     in fresh build directories of a bench cache.
#  2. KUnit warm: nothing changed; one driver file changed.
#  3. The VM: boot to first test, and the same stress on the debug kernel
#     (lockdep, KASAN, kmemleak) and on a kernel without the debug
#     fragment; ops/s per actor and the debug overhead as their ratio.
#     Then the inner loop of an edit: one driver file changed, make
#     kselftest QUICK=1, and its time beyond its stress.
#
# BENCH_STRESS_SECONDS (default 10) sets the stress of step 3; BENCH_VM=0
# skips step 3 and BENCH_KUNIT=0 steps 1 and 2. The bench works on a private copy of the checkout,
# so editing "one driver file" never touches yours.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

secs() { echo "$(date +%s.%N) - $1" | bc; }
bcache=$CACHE/bench
rm -rf "$bcache"
mkdir -p "$bcache"
ln -s "$CACHE/src" "$bcache/src"
out=$bcache/out
mkdir -p "$out"
BS=${BENCH_STRESS_SECONDS:-10}
copy=$bcache/proj
mkdir -p "$copy"
(cd "$PROJ" && tar --exclude=./results --exclude=./.git -cf - .) | tar -xf - -C "$copy"

if [ "${BENCH_KUNIT:-1}" != 0 ]; then
echo "== 1. KUnit on UML, cold (make kunit vs bare kunit.py)"
base=$(base_tree)
grep -v VFIO_AP_REF "$PROJ/kunit/.kunitconfig" >"$bcache/bare.kunitconfig"
echo "CONFIG_KUNIT_EXAMPLE_TEST=y" >>"$bcache/bare.kunitconfig"
t=$(date +%s.%N)
(cd "$base" && python3 tools/testing/kunit/kunit.py run --build_dir="$bcache/bare" \
	--kunitconfig="$bcache/bare.kunitconfig" --jobs="$(nproc)") >"$out/bare.log" 2>&1
bare=$(secs "$t")
t=$(date +%s.%N)
VFIO_AP_REF_CACHE=$bcache ARCH=um "$copy/tools/testing/kunit.sh" >"$out/ours-cold.log" 2>&1
ours=$(secs "$t")
printf '   bare kunit.py  %7.1f s\n   make kunit     %7.1f s   ratio %.2f\n' \
	"$bare" "$ours" "$(echo "$ours / $bare" | bc -l)"

echo "== 2. KUnit warm"
t=$(date +%s.%N)
VFIO_AP_REF_CACHE=$bcache ARCH=um "$copy/tools/testing/kunit.sh" >"$out/ours-nochange.log" 2>&1
printf '   nothing changed        %6.1f s\n' "$(secs "$t")"
echo "/* bench */" >>"$copy/driver/vfio_ap_mdev.c"
t=$(date +%s.%N)
VFIO_AP_REF_CACHE=$bcache ARCH=um "$copy/tools/testing/kunit.sh" >"$out/ours-touched.log" 2>&1
printf '   one driver file changed %5.1f s\n' "$(secs "$t")"
fi

if [ "${BENCH_VM:-1}" = 0 ]; then
	echo "bench output in $out"
	exit 0
fi
echo "== 3. The VM (stress ${BS}s x 2 threads per actor)"
run_vm() {
	local name=$1
	shift
	local t
	t=$(date +%s.%N)
	env "$@" RESULTS="$out/$name" STRESS_SECONDS="$BS" STRESS_THREADS=2 SEED=7 \
		"$copy/tools/testing/kselftest.sh" >"$out/$name.log" 2>&1
	echo "$name rc=$? $(secs "$t")" >>"$out/vm-times"
}
t=$(date +%s.%N)
VM_DEBUG=1 "$copy/tools/testing/vm/build-kernel.sh" >/dev/null 2>&1
printf '   debug VM kernel build   %6.1f s (0 when cached)\n' "$(secs "$t")"
run_vm debug VM_DEBUG=1
run_vm nodebug VM_DEBUG=0
# Boot to first test, as boot.sh measured it (QEMU start to the tests).
for k in debug nodebug; do
	printf '   boot to first test (%s) %6.1f s\n' "$k" \
		"$(cat "$out/$k/boot-to-first-test.txt" 2>/dev/null || echo nan)"
done
judge bench \
	"$out/debug/console.log" "$out/nodebug/console.log"
echo "/* bench, inner loop */" >>"$copy/driver/vfio_ap_mdev.c"
run_vm quick VM_DEBUG=1 QUICK=1
# The wall time run_vm noted. QUICK=1 runs one stress variant of BS
# seconds.
w=$(awk '$1 == "quick" { print $3 }' "$out/vm-times")
printf '   inner loop (a driver file changed, QUICK=1) %6.1f s, %.1f s beyond its %d s of stress\n' \
	"$w" "$(echo "$w - $BS" | bc -l)" "$BS"
cat "$out/vm-times" | sed 's/^/   wall: /'
echo "bench output in $out"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-upstream.sh KBUILD: build upstream mode's modules against a VM
# kernel build and print the directory holding them:
#   vfio_ap_ref_core  the model's pure AP matrix core (for the shims)
#   apsim             the simulated AP machine
#   ap                the tree's real AP bus (ap_bus.c, ap_card.c, ap_queue.c)
#   vfio_ap_shim      the KVM shim, the host's default AP driver, debugfs
#   vfio_ap           the tree's real vfio_ap (vfio_ap_drv.c, vfio_ap_ops.c)
#   vfio_ap_ops_test  with KUnit in the kernel: the KUnit differential of
#                     vfio_ap_ops.c's static functions against the core
#
# The real sources are symlinked into the build directory, never copied
# or edited, and adapted only by compiler flags (upstream/Kbuild). With
# REPLAY=<patch>, the files the replay changes are patched copies. With
# VFIO_AP_SRC=<dir>, the sources of drivers/s390/crypto come from there
# (ci/gate's scratch copy with a series applied), the rest from the tree.
# With WARNINGS=<file>, the build is W=1 C=1 (sparse), and its warnings
# go to the file instead of failing it (ci/gate compares a patch's with
# its parent's). The
# script checks that no AP instruction is left in the real objects and
# writes sources.sha256: the sha256 of every real file compiled that the
# adaptation concerns, relative to the tree.
#
# Exit 3 with a message naming the missing piece for a tree without
# vfio_ap, a version the shims do not know, or a vfio_ap that does not
# compile with the shims. Environment: KVER, KDIR.

set -euo pipefail
. "$(dirname "$0")/../lib.sh"

kbuild=$1
tree=$(base_tree)
upstream_tree "$tree"
crypto=drivers/s390/crypto
src=$(vfio_ap_src)
warnings=${WARNINGS:-}
extra=()
[ -z "$warnings" ] || { need sparse; extra=(W=1 C=1); }

real=(drivers/s390/crypto/ap_bus.c drivers/s390/crypto/ap_card.c
      drivers/s390/crypto/ap_queue.c drivers/s390/crypto/vfio_ap_drv.c
      drivers/s390/crypto/vfio_ap_ops.c)
ours=("$PROJ"/upstream/*.[ch] "$PROJ"/upstream/Kbuild
      "$PROJ"/driver/ap_matrix.[ch] "$PROJ"/driver/ap_matrix_mod.c
      "$PROJ"/driver/sim/sim_cmd.[ch] "$PROJ"/driver/sim/sim_vcpu.[ch]
      "$PROJ"/driver/sim/sim_ledger.[ch] "$PROJ"/driver/sim/sim_state.h
      "$PROJ"/driver/vfio_ap_state.c)

replay=${REPLAY:-}
out=$kbuild/upstream-$(printf '%s\n%s\n%s\n%s\n' "$PROJ" "$src" "${extra[*]}" \
	"$([ -z "$replay" ] || sha256sum <"$replay")" | short_hash)
lock_dir "$out"
mkdir -p "$out"
for f in "${ours[@]}"; do
	cmp -s "$f" "$out/${f##*/}" || cp "$f" "$out/"
done
for f in "${real[@]}"; do
	[ -L "$out/${f##*/}" ] || rm -f "$out/${f##*/}"
	ln -sfn "$src/${f##*/}" "$out/${f##*/}"
done
# A replay (tools/testing/replay/upstream-<series>/) is applied to a
# scratch copy of the tree's drivers/s390/crypto; each file it changes
# replaces its link (a header is found in the build directory before the
# tree's, since the real sources include it with quotes).
if [ -n "$replay" ]; then
	stage=$out/replay.stage
	DRIVER=upstream stage_replay "$replay" "$stage"
	for f in "$stage/$crypto"/*.[ch]; do
		cmp -s "$f" "$src/${f##*/}" && continue
		case " ${real[*]} " in
		*" $crypto/${f##*/} "*|*.h) ;;
		*) die "replay $replay changes $crypto/${f##*/}, which upstream mode does not build" ;;
		esac
		rm -f "$out/${f##*/}"
		cp "$f" "$out/"
	done
	rm -rf "$stage"
fi
log=$out/build.log
: >"$log"
make_modules "$kbuild" "$out" "$log" ARCH=s390 CROSS_COMPILE=s390x-linux-gnu- \
	VFIO_AP_SRC="$src" "${extra[@]}" ||
	{ tail -n 30 "$log" >&2
	  die "the real vfio_ap of $src does not compile with the shims; see $log"; }
if [ -n "$warnings" ]; then
	grep -E 'warning:' "$log" >"$warnings" || true
else
	grep -E 'warning:' "$log" >&2 && die "the upstream module build has warnings; see $log"
fi
mods=(vfio_ap_ref_core apsim ap vfio_ap_shim vfio_ap)
objs=("${real[@]}")
if grep -q '^CONFIG_KUNIT=[ym]' "$kbuild/.config"; then
	mods+=(vfio_ap_ops_test)
	objs+=(vfio_ap_ops_test.c)	# it includes the real vfio_ap_ops.c
fi
for m in "${mods[@]}"; do
	[ -f "$out/$m.ko" ] || die "no $m.ko after the upstream module build"
done

# PQAP (b2af), NQAP (b2ad) and DQAP (b2ae) would trap in the VM.
for f in "${objs[@]}"; do
	o=$out/$(basename "$f" .c).o
	n=$(s390x-linux-gnu-objdump -d "$o" | grep -cE $'\t(b2 af|b2 ad|b2 ae) ' || true)
	[ "$n" = 0 ] || die "$o still holds $n AP instructions"
done

# The real sources and the tree headers the adaptation concerns.
{
	printf '%s\n' "${real[@]}"
	sed -n 's/^ *\(.*\/drivers\/s390\/crypto\/[a-z0-9_]*\.h\) \\$/\1/p' \
		"$out"/.vfio_ap_*.o.cmd "$out"/.ap_*.o.cmd | sed "s|^$src/|$crypto/|;s|^$tree/||"
	echo arch/s390/include/asm/ap.h
	echo arch/s390/include/asm/facility.h
} | sort -u | while read -r f; do
	# drivers/s390/crypto from the sources built, the rest from the tree.
	case "$f" in
	"$crypto"/*) echo "$(sha256sum <"$src/${f#"$crypto"/}" | cut -d' ' -f1)  $f" ;;
	*) (cd "$tree" && sha256sum "$f") ;;
	esac
done >"$out/sources.sha256.tmp"
mv "$out/sources.sha256.tmp" "$out/sources.sha256"
echo "$out"

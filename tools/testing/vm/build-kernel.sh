#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the s390x VM kernel once per config and print its build directory.
# With KARCH=um it builds instead the small UML kernel (um-modules.config)
# that ci/gate builds the modules against for UML.
#
# The config is tinyconfig plus the fragments (base.config, unless
# VM_DEBUG=0 debug.config, kunit.config, and <VERSION.PATCHLEVEL>.config
# of the tree's series where it needs one),
# built with O= in the cache from the unmodified
# base tree (KVER/KDIR). The build directory is keyed by tree and fragment
# contents, so a changed fragment is a new build and an unchanged one is
# reused as it is. Every option a fragment sets must survive olddefconfig,
# or the build fails naming it.

set -euo pipefail
. "$(dirname "$0")/../lib.sh"

need make gcc flex bison bc
VM_DEBUG=${VM_DEBUG:-1}
JOBS=${JOBS:-$(nproc)}
KARCH=${KARCH:-s390}
here=$PROJ/tools/testing/vm
base=$(base_tree)
if [ "$KARCH" = um ]; then
	frags=("$here/um-modules.config")
	cross=()
else
	need s390x-linux-gnu-gcc
	KARCH=s390
	frags=("$here/base.config")
	[ "$VM_DEBUG" = 1 ] && frags+=("$here/debug.config")
	# KUnit as a module: the KUnit suites run in the VM of this kernel
	# (tools/testing/kunit-vm.sh), and make diff loads its KUnit
	# differential. Not loaded, it changes nothing else.
	frags+=("$here/kunit.config")
	# The fragment of the tree's own series (KVER's, or a KDIR's).
	series=$(tree_version "$base" | cut -d. -f1,2)
	[ -f "$here/$series.config" ] && frags+=("$here/$series.config")
	[ -n "${VM_EXTRA_CONFIG:-}" ] && frags+=("$VM_EXTRA_CONFIG")
	cross=(CROSS_COMPILE=s390x-linux-gnu-)
fi

key=$({ echo "$base"; cat "${frags[@]}"; } | short_hash)
build=$CACHE/build/$(basename "$base")-vm/$KARCH-$key
image=$build/arch/s390/boot/bzImage
[ "$KARCH" = um ] && image=$build/vmlinux
# One build of a directory at a time: make test builds later steps'
# kernels in the background (tools/testing/test.sh), and a step that
# needs one of them waits here for it.
need flock
mkdir -p "$(dirname "$build")"
exec 6>"$build.lock"
if ! flock -n 6; then
	echo "  KERNEL $KARCH $key: another build of it runs; waiting for it" >&2
	flock 6 || die "cannot lock $build.lock"
fi
if [ -f "$build/.vfio_ap_ref_built" ] && [ -f "$image" ]; then
	echo "$build"
	exit 0
fi

mkdir -p "$build"
log=$build/build.log
kmake() {
	make -C "$base" O="$build" ARCH="$KARCH" "${cross[@]}" "$@"
}
echo "  KERNEL $KARCH $build (cold: 3 to 7 minutes on 2 cores)" >&2
{
	kmake tinyconfig
	(cd "$build" && "$base/scripts/kconfig/merge_config.sh" -m -O "$build" \
		"$build/.config" "${frags[@]}")
	kmake olddefconfig
} >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "configuring the VM kernel failed; see $log"; }

missing=$(cat "${frags[@]}" | grep -E '^(CONFIG_[A-Z0-9_]+=|# CONFIG_[A-Z0-9_]+ is not set)' |
	while IFS= read -r opt; do
		case "$opt" in
		"# "*) sym=${opt#\# }; sym=${sym%% *}
		       grep -q "^$sym=" "$build/.config" && echo "$sym=n" ;;
		*) grep -qxF "$opt" "$build/.config" || echo "$opt" ;;
		esac
	done)
[ -z "$missing" ] || die "the VM kernel config lost: $(echo $missing)"

progress "KERNEL $KARCH $key" "$build" "$log" kmake -j"$JOBS" ||
	{ tail -n 30 "$log" >&2; die "building the VM kernel failed; see $log"; }
[ -f "$image" ] || die "no $image after the build"
touch "$build/.vfio_ap_ref_built"
echo "$build"

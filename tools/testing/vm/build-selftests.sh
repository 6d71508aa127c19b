#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build and install the selftests with the kernel's own kselftest Makefile
# and lib.mk, cross-compiled statically for s390x, and print the install
# directory (run_kselftest.sh, kselftest-list.txt, the tests). selftests/
# is copied into tools/testing/selftests/vfio_ap_ref of the prepared tree:
# a copy, because the harness is included as "../kselftest_harness.h".
# The directory printed is a copy of the install named by its contents.

set -euo pipefail
. "$(dirname "$0")/../lib.sh"

need s390x-linux-gnu-gcc make
lock_tree
tree=$("$PROJ/tools/testing/prepare-tree.sh")
dst=$tree/tools/testing/selftests/vfio_ap_ref
mkdir -p "$dst"
# Files only: test_modules/ is built as modules (build-test-modules.sh).
for f in "$PROJ"/selftests/*; do
	[ -f "$f" ] || continue
	cmp -s "$f" "$dst/${f##*/}" || cp "$f" "$dst/"
done
out=$CACHE/build/$(basename "$tree")-vm/kselftest
mkdir -p "$out"
log=$out/build.log
make -C "$tree/tools/testing/selftests" TARGETS=vfio_ap_ref ARCH=s390 \
	CROSS_COMPILE=s390x-linux-gnu- O="$out/build" \
	INSTALL_PATH="$out/install" install >"$log" 2>&1 ||
	{ tail -n 30 "$log" >&2; die "building the selftests failed; see $log"; }
[ -x "$out/install/run_kselftest.sh" ] ||
	die "no run_kselftest.sh after the selftest install; see $log"
# The caller reads the install after this script ends, without the
# tree's lock, while another run (make test's other lane, a gate) may
# install again. So it gets a copy named by the hash of its contents,
# made whole under a temporary name and renamed: a copy is never
# changed once made. Copies unused for a day are removed.
sum=$(cd "$out/install" && find . -type f -print0 | sort -z |
	xargs -0 sha256sum | short_hash)
dest=$out/install-$sum
if [ ! -d "$dest" ]; then
	rm -rf "$dest.tmp"
	cp -a "$out/install" "$dest.tmp" && mv -T "$dest.tmp" "$dest" ||
		die "cannot copy the selftest install to $dest"
fi
touch "$dest"
find "$out" -maxdepth 1 -name 'install-*' ! -name "install-$sum" -mmin +1440 \
	-exec rm -rf {} + 2>/dev/null || true
echo "$dest"

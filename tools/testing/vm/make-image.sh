#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make-image.sh MODULE_LIST KSELFTEST_DIR OUT: a gzip'd initramfs with
# busybox-static:s390x, init.sh as /init, stall-watch.sh as
# /bin/stall-watch, the modules and the installed kselftests. MODULE_LIST
# has one line per module in load order: its .ko path, its role (see
# init.sh) and the parameters to load it with, if any; /init gets it as
# /lib/modules/modules.list with names for paths.

set -euo pipefail
. "$(dirname "$0")/../lib.sh"

need cpio gzip
list=$1
ksft=$2
out=$3
busybox=$(dpkg -L busybox-static:s390x 2>/dev/null | grep -m1 '/bin/busybox$' || true)
[ -n "$busybox" ] && [ -f "$busybox" ] ||
	die "busybox-static:s390x is not installed; run 'make deps'"
# e_machine 22 (S390), big-endian: bytes 18-19 are 00 16.
[ "$(od -An -tx1 -j18 -N2 "$busybox" | tr -d ' \n')" = 0016 ] ||
	die "$busybox is not an s390x binary"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,lib/modules}
cp "$busybox" "$root/bin/busybox"
cp "$PROJ/tools/testing/vm/init.sh" "$root/init"
cp "$PROJ/tools/testing/vm/stall-watch.sh" "$root/bin/stall-watch"
chmod 755 "$root/init" "$root/bin/stall-watch"
while read -r ko role params; do
	[ -f "$ko" ] || die "module $ko is missing"
	cp "$ko" "$root/lib/modules/"
	echo "$(basename "$ko" .ko) $role${params:+ $params}" >>"$root/lib/modules/modules.list"
done <"$list"
cp -a "$ksft" "$root/kselftest"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"

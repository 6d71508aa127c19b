#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-sources.sh: prove that upstream mode compiles the real vfio_ap and
# AP bus unmodified. For each Debian kernel tree (KVERS, default "6.12
# 6.1") it builds upstream mode's modules if needed, takes the sha256 of
# every real file the build used (build-upstream.sh's sources.sha256),
# and compares each with the same file read straight from the Debian
# tarball in /usr/src. Prints one line per file and
# "sources: N passed, N failed".

set -uo pipefail
. "$(dirname "$0")/../lib.sh"

need tar xz sha256sum
vm=$PROJ/tools/testing/vm
pass=0
fail=0
for KVER in ${KVERS:-6.12 6.1}; do
	export KVER
	unset KDIR
	tarball=/usr/src/linux-source-$KVER.tar.xz
	[ -f "$tarball" ] || die "$tarball is missing; run 'make deps'"
	kbuild=$("$vm/build-kernel.sh") || die "building the $KVER VM kernel failed"
	mods=$("$vm/build-upstream.sh" "$kbuild") || die "building upstream mode for $KVER failed"
	sums=$mods/sources.sha256
	[ -s "$sums" ] || die "$sums is empty"
	tmp=$(mktemp -d)
	# One pass over the tarball for all the files.
	awk -v p="linux-source-$KVER/" '{ print p $2 }' "$sums" >"$tmp/members"
	tar -xJf "$tarball" -C "$tmp" -T "$tmp/members" ||
		{ rm -rf "$tmp"; die "cannot read the files from $tarball"; }
	while read -r sum path; do
		want=$(sha256sum <"$tmp/linux-source-$KVER/$path" | cut -d' ' -f1)
		if [ "$sum" = "$want" ]; then
			echo "ok   $KVER $path $sum"
			pass=$((pass + 1))
		else
			echo "FAIL $KVER $path: compiled $sum, tarball $want"
			fail=$((fail + 1))
		fi
	done <"$sums"
	rm -rf "$tmp"
done
counts sources "$pass" "$fail"
[ "$fail" = 0 ]

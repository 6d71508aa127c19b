#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages vfio-ap-ref needs. Idempotent: when every
# package is already installed it does nothing and touches no network.
# As non-root it uses "sudo -n"; without sudo it prints the exact apt-get
# line and fails.

set -euo pipefail

PKGS=(linux-source-6.12 linux-source-6.1
      gcc-s390x-linux-gnu libc6-dev-s390x-cross
      qemu-system-misc busybox-static:s390x
      flex bison bc libelf-dev libssl-dev python3
      make gcc libc6-dev xz-utils cpio gzip rsync lcov perl git patch sparse
      graphviz procps)

missing=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
s390x_ok=1
dpkg --print-foreign-architectures 2>/dev/null | grep -qx s390x || s390x_ok=0

if [ ${#missing[@]} -eq 0 ] && [ $s390x_ok = 1 ]; then
	exit 0
fi

echo "deps: installing: ${missing[*]}" >&2
steps="dpkg --add-architecture s390x && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = 0 ]; then
	sh -c "$steps"
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
	sudo sh -c "$steps"
else
	echo "deps: missing packages and no password-less sudo. Run as root:" >&2
	echo "  $steps" >&2
	exit 3
fi

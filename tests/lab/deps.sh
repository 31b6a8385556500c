#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make deps: installs the Debian packages the build and the test lab need,
# only those that are missing. Test-only tools that would replace the host's
# own boot tooling (dracut, the test kernel) are never installed here: the
# lab unpacks them into build/ instead (tests/lab/kernel.sh, dracut.sh).
set -eu

PKGS="klibc-utils libklibc-dev busybox-static squashfs-tools cpio kmod
gzip xz-utils zstd qemu-system-x86 ipxe-qemu ovmf socat dnsmasq-base
xorriso shellcheck python3 clang iproute2 dmsetup udev procps"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "deps: all present"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing:$missing; run 'make deps' as root (apt-get install)" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing

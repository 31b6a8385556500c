#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make deps: installs the Debian packages the build and the test lab need,
# only those that are missing. Test-only tools that would replace the host's
# own boot tooling (dracut, the test kernel) are never installed here: the
# lab unpacks them into build/ instead (tests/lab/kernel.sh, dracut.sh).
set -eu

PKGS="klibc-utils libklibc-dev busybox-static squashfs-tools cpio kmod
gzip xz-utils zstd qemu-system-x86 ipxe-qemu ovmf socat dnsmasq-base
xorriso shellcheck python3 clang iproute2 dmsetup udev procps
nginx-light gnuplot-nox curl wget gpgv gpg gpg-agent cryptsetup-bin nbd-server nbdkit
tinyproxy squid"
# gpgv (in Debian's base system anyway): --fetch-release's signature check;
# gpg and gpg-agent: the throwaway signing key of gen_bootfiles_test.sh;
# cryptsetup-bin (veritysetup), nbd-server, nbdkit: stream mode's tests.
# tinyproxy: the netinit.proxy host test (its own config, its own process);
# squid: the cache recipe's alternative (tests/host/storm_test.sh).

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
# nginx-light (make bench), tinyproxy (make host-test) and squid (make
# storm-test) run only as the tests' own processes with their own configs:
# keep the packages from starting or enabling a system service.
# policy-rc.d (exit 101) is Debian's "start nothing" switch; ours only
# while apt runs, and only if the host has none.
rc_policy=/usr/sbin/policy-rc.d
own_policy=0
if ! [ -e "$rc_policy" ] && case " $missing " in *" nginx-light "* | *" tinyproxy "* | *" squid "*) true ;; *) false ;; esac; then
	printf '#!/bin/sh\nexit 101\n' >"$rc_policy"
	chmod 0755 "$rc_policy"
	own_policy=1
	trap 'rm -f "$rc_policy"' EXIT
fi
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
for svc in nginx tinyproxy squid; do
	case " $missing " in
	*" $svc "* | *" $svc-light "*)
		if command -v systemctl >/dev/null 2>&1; then
			systemctl disable "$svc" >/dev/null 2>&1 || true
		fi
		if command -v update-rc.d >/dev/null 2>&1; then
			update-rc.d "$svc" disable >/dev/null 2>&1 || true
		fi
		;;
	esac
done
[ "$own_policy" = 0 ] || rm -f "$rc_policy"

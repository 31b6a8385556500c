#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The seed's server side in a network namespace this script makes: ISC
# dhcpd, atftpd and Kea, each taken from Debian's packages unpacked into
# build/lab/servers (tests/lab/unpack-debs.sh, never installed on the host),
# started here with the config files under examples/ as they are shipped,
# and a python HTTP server with the boot files gen_initramfs.sh wrote
# (--boot-url http://10.33.0.1/). Each of those files names the standard
# paths (/srv/tftp): the servers run in a private mount namespace (ip netns
# exec makes one) where a tmpfs on /srv holds a bind mount of the lab's
# TFTP root; the host's /srv is never touched. Cases:
#   dhcpd  OVMF's own UEFI PXE (QEMU's NIC without iPXE ROM) asks
#          examples/dhcpd/dhcpd.conf, gets ipxe.efi over TFTP from atftpd
#          (examples/atftpd/atftpd); that iPXE asks again, gets
#          http://10.33.0.1/boot.ipxe (user class iPXE), boots netinit,
#          which fetches the image: the whole seed chain to the live root
#   kea    QEMU's iPXE ROM (BIOS) asks Kea (examples/kea/kea-dhcp4.conf),
#          is put in its ipxe class and gets boot.ipxe to the live root
#   kea-efi  as dhcpd, with Kea: OVMF's PXE in class efi-x64 gets ipxe.efi
#          from atftpd, that iPXE (class ipxe) boot.ipxe
# Needs root; serialize with the other namespace users:
#   flock /tmp/netlab.lock sh tests/netlab/servers.sh
# SERVERS_CASES picks cases. Verdict: "NETINIT-LIVE-OK pid=1" as a whole
# token; a boot still running at QEMU_TIMEOUT (default 300 s) fails.
set -eu

# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/../qemu/lib.sh"

ns="nisrv-$$"
br="nisrv$$b"
tap="nisrv$$t"
srv=10.33.0.1
mac=52:54:00:33:00:11
sl="$top/build/netlab-servers"
sv="$lab/servers/root"
ex="$top/examples"
ovmf_code=/usr/share/OVMF/OVMF_CODE.fd
ovmf_vars=/usr/share/OVMF/OVMF_VARS.fd
pids=""

[ "$(id -u)" = 0 ] || die "needs root (network namespaces and tap devices)"
[ -c /dev/net/tun ] || die "needs /dev/net/tun for tap devices (modprobe tun)"
[ -r "$ovmf_code" ] || die "$ovmf_code missing; run 'make deps' (ovmf)"
[ -x "$top/build/netinit" ] || die "build/netinit missing: run 'make' first"

cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	pids=""
	if [ -e "/run/netns/$ns" ]; then
		# shellcheck disable=SC2046
		kill $(ip netns pids "$ns") 2>/dev/null || true
	fi
	ip netns del "$ns" 2>/dev/null || true
	rm -f "$sl/vars.fd"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() {
	ip netns exec "$ns" "$@"
}

# in_srv CMD...: CMD in the namespace with the lab's TFTP root at /srv/tftp
# (a mount namespace of its own: ip netns exec unshares one).
in_srv() {
	# shellcheck disable=SC2016 # "$0", "$@": the inner shell's
	in_ns sh -c 'mount -t tmpfs nisrv /srv && mkdir /srv/tftp &&
		mount --bind "$0" /srv/tftp && exec "$@"' "$sl/tftp" "$@"
}

# net_setup: the namespace, a bridge with the server address, a tap, HTTP.
net_setup() {
	cleanup
	ip netns add "$ns"
	in_ns ip link set lo up
	in_ns ip link add "$br" type bridge forward_delay 0
	in_ns ip link set "$br" up
	in_ns ip addr add "$srv/24" dev "$br"
	in_ns ip tuntap add "$tap" mode tap
	in_ns ip link set "$tap" master "$br" up
	# a port with carrier before QEMU opens the tap, as a server's switch
	# port has: Kea opens no socket on an interface that is not running
	in_ns ip link add "$br-v" type veth peer name "$br-w"
	in_ns ip link set "$br-v" master "$br" up
	in_ns ip link set "$br-w" up
	: >"$logs/servers-http.log"
	in_ns python3 -m http.server --bind "$srv" --directory "$sl/www" 80 \
		>>"$logs/servers-http.log" 2>&1 &
	pids="$pids $!"
	i=0
	while ! in_ns python3 -c "import socket; socket.create_connection(('$srv',80),1)" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 50 ] || die "HTTP server in $ns did not start"
		sleep 0.1
	done
}

# wait_log FILE TEXT: up to 10 s for a server to say it is ready.
wait_log() {
	i=0
	until grep -qF -- "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || die "$(basename "$1"): no '$2' after 10 s: $(tail -n 3 "$1")"
		sleep 0.1
	done
}

# qemu_run NAME FIRMWARE: efi = OVMF with its own PXE (no option ROM on the
# NIC); bios = SeaBIOS with QEMU's iPXE ROM. Sets secs, timed_out.
qemu_run() {
	fw=$2
	set -- "$1" -accel tcg -m 512 -nographic -no-reboot -boot n \
		-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no"
	if [ "$fw" = efi ]; then
		cp "$ovmf_vars" "$sl/vars.fd"
		set -- "$@" -device "virtio-net-pci,netdev=n0,mac=$mac,romfile=" \
			-drive "if=pflash,format=raw,readonly=on,file=$ovmf_code" \
			-drive "if=pflash,format=raw,file=$sl/vars.fd"
	else
		set -- "$@" -device "virtio-net-pci,netdev=n0,mac=$mac"
	fi
	n=$1
	shift
	start=$(date +%s)
	rc=0
	in_ns timeout "${QEMU_TIMEOUT:-300}" qemu-system-x86_64 "$@" </dev/null \
		>"$logs/servers-$n.log" 2>&1 || rc=$?
	boot_ended "servers-$n" "$rc"
	secs=$(($(date +%s) - start))
	timed_out=0
	[ "$rc" != 124 ] || timed_out=1
}

# verdict NAME: the common checks; sets ok
verdict() {
	ok=1
	if [ "$timed_out" = 1 ]; then
		echo "servers-$1: still running after ${QEMU_TIMEOUT:-300} s" >&2
		ok=0
	fi
	grep -aqE -- 'NETINIT-LIVE-OK pid=1([^0-9]|$)' "$logs/servers-$1.log" ||
		{ echo "servers-$1: no live root (NETINIT-LIVE-OK pid=1)" >&2; ok=0; }
	check "servers-$1" "netinit: fetched 8 MiB"
	check "servers-$1" "netinit: handing off: mode genkernel"
	check_not "servers-$1" "Kernel panic"
	for f in boot.ipxe gentoo netinit.igz image.squashfs; do
		grep -q "\"GET /$f HTTP" "$logs/servers-http.log" ||
			{ echo "servers-$1: no GET /$f" >&2; ok=0; }
	done
}

# atftpd_run NAME: atftpd with examples/atftpd/atftpd's OPTIONS, as
# Debian's init script runs it (plus --no-fork and the log on stdout).
atftpd_run() {
	# shellcheck disable=SC2016 # $OPTIONS expands in the namespace's shell
	in_srv sh -c '. "$0" && exec "$1" --daemon --no-fork --logfile - $OPTIONS' \
		"$ex/atftpd/atftpd" "$sv/usr/sbin/atftpd" >"$logs/servers-$1.atftpd.log" 2>&1 &
	pids="$pids $!"
	wait_log "$logs/servers-$1.atftpd.log" "Advanced Trivial FTP server started"
}

# served NAME FILE: atftpd sent FILE to a lab address
served() {
	grep -aq "Serving $2 to 10.33.0.1[0-9][0-9]" "$logs/servers-$1.atftpd.log" ||
		{ echo "servers-$1: atftpd did not serve $2" >&2; ok=0; }
}

case_dhcpd() {
	: >"$sl/dhcpd.leases"
	in_ns "$sv/usr/sbin/dhcpd" -4 -f -d -cf "$ex/dhcpd/dhcpd.conf" -lf "$sl/dhcpd.leases" \
		-pf "$sl/dhcpd.pid" "$br" >"$logs/servers-dhcpd.dhcpd.log" 2>&1 &
	pids="$pids $!"
	atftpd_run dhcpd
	wait_log "$logs/servers-dhcpd.dhcpd.log" "Sending on"
	sleep 0.5
	qemu_run dhcpd efi
	verdict dhcpd
	d=$logs/servers-dhcpd.dhcpd.log
	# three clients, one after the other: OVMF's PXE, iPXE, netinit
	acks=$(grep -c "DHCPACK on 10.33.0.1[0-9][0-9] to $mac" "$d" || true)
	[ "$acks" -ge 3 ] || { echo "servers-dhcpd: $acks DHCPACKs, want >= 3 (PXE, iPXE, netinit)" >&2; ok=0; }
	served dhcpd ipxe.efi
	check servers-dhcpd "iPXE"
	tally servers-dhcpd "$ok" "$(printf '%-7s %-28s' dhcpd "OVMF PXE, atftpd, iPXE, HTTP")" "$secs"
}

# kea_case NAME FIRMWARE: Kea with examples/kea/kea-dhcp4.conf; efi: OVMF's
# own PXE is put in class efi-x64 and gets ipxe.efi from atftpd first.
kea_case() {
	n=$1
	KEA_LOCKFILE_DIR=none KEA_PIDFILE_DIR="$sl" \
		LD_LIBRARY_PATH="$sv/usr/lib/x86_64-linux-gnu" \
		in_ns "$sv/usr/sbin/kea-dhcp4" -c "$ex/kea/kea-dhcp4.conf" \
		>"$logs/servers-$n.kea.log" 2>&1 &
	pids="$pids $!"
	[ "$2" = bios ] || atftpd_run "$n"
	wait_log "$logs/servers-$n.kea.log" "DHCP4_STARTED"
	sleep 0.5
	qemu_run "$n" "$2"
	verdict "$n"
	k=$logs/servers-$n.kea.log
	# one client after the other: (OVMF's PXE,) iPXE, netinit
	want=2
	[ "$2" = bios ] || want=3
	allocs=$(grep -c "DHCP4_LEASE_ALLOC \[hwtype=1 $mac\].*lease 10.33.0.1[0-9][0-9] has been allocated" "$k" || true)
	[ "$allocs" -ge "$want" ] || { echo "servers-$n: $allocs leases allocated to $mac, want >= $want" >&2; ok=0; }
	grep -q "EVAL_RESULT Expression ipxe evaluated to 1" "$k" ||
		{ echo "servers-$n: the client never was in class ipxe" >&2; ok=0; }
	if [ "$2" = bios ]; then
		chain="iPXE ROM, HTTP"
	else
		chain="OVMF PXE, atftpd, iPXE, HTTP"
		grep -q "EVAL_RESULT Expression efi-x64 evaluated to 1" "$k" ||
			{ echo "servers-$n: the client never was in class efi-x64" >&2; ok=0; }
		served "$n" ipxe.efi
	fi
	tally "servers-$n" "$ok" "$(printf '%-7s %-28s' "$n" "$chain")" "$secs"
}

case_kea() { kea_case kea bios; }
case_kea_efi() { kea_case kea-efi efi; }

sh "$top/tests/lab/unpack-debs.sh" servers
sh "$top/tests/lab/kernel.sh"
sh "$top/tests/lab/liveroot.sh" >/dev/null
sh "$top/tests/lab/genkernel-initrd.sh" >/dev/null
mods="$lab/kernel/lib/modules/$(cat "$lab/kernel/version")"
rm -rf "$sl"
mkdir -p "$sl/www" "$sl/tftp" "$logs"
# what a user serves: gen_initramfs.sh's files over HTTP, iPXE over TFTP
cp "$lab/kernel/vmlinuz" "$sl/www/gentoo"
"$top/gen_initramfs.sh" --base "$lab/genkernel.igz" --netinit "$top/build/netinit" \
	--modules "$mods" --image "$lab/image.squashfs" --boot-url "http://$srv/" \
	--append "console=ttyS0 no_timer_check panic=-1 netinit.onerror=halt" \
	--output "$sl/www/netinit.igz" >/dev/null
cp "$lab/image.squashfs" "$sl/www/image.squashfs"
cp "$sv/boot/ipxe.efi" "$sv/usr/lib/ipxe/undionly.kpxe" "$sl/tftp/"
chmod -R a+rX "$sl"
for c in ${SERVERS_CASES:-dhcpd kea kea-efi}; do
	net_setup
	"case_$(echo "$c" | tr - _)"
	cleanup
done
printf 'case    chain                        result time\n%s' "$table"
echo "netlab servers: $pass passed, $fail failed"
[ "$fail" = 0 ]

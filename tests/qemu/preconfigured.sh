#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# End to end: an interface that something before netinit already configured
# (the kernel's own ip= autoconfig, which this lab kernel lacks, or an
# earlier run of /init) is kept as it is: no DHCP, the fetch goes out over
# the address already there. A busybox /init in front of netinit loads the
# NIC driver and sets eth0 up by hand (10.0.2.15/24 via 10.0.2.2, what
# slirp would lease), then execs netinit as PID 1.
# Negative control: the same boot with the address left off must run DHCP.
# Usage: sh tests/qemu/preconfigured.sh    (exit 0 = both cases pass)
set -eu

# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"

[ -x "$top/build/netinit" ] || die "build/netinit missing: run 'make' first"
if [ ! -f "$www/netinit-genkernel.igz" ] ||
	[ -n "$(find "$top/build/netinit" -newer "$www/netinit-genkernel.igz")" ]; then
	prepare
fi
work="$lab/preconf"
trap 'http_stop; rm -rf "$work"' EXIT INT TERM

# initrd NAME ADDRESS_COMMANDS: netinit-genkernel.igz plus a segment whose
# /init runs ADDRESS_COMMANDS (busybox) and then execs netinit.
initrd() {
	rm -rf "$work/root"
	mkdir -p "$work/root/sbin"
	cp "$top/build/netinit" "$work/root/sbin/netinit"
	cat >"$work/root/init" <<EOF
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
modprobe virtio_pci
modprobe virtio_net
i=0
while [ ! -e /sys/class/net/eth0 ] && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
ip link set eth0 up
$2
echo "preconf: eth0 \$(ip -4 addr show dev eth0 | grep -c inet) address(es)"
exec /sbin/netinit
EOF
	chmod 755 "$work/root/init"
	cp "$www/netinit-genkernel.igz" "$www/preconf-$1.igz"
	sz=$(stat -c %s "$www/preconf-$1.igz")
	pad=$(((4 - sz % 4) % 4))
	[ "$pad" = 0 ] || head -c "$pad" /dev/zero >>"$www/preconf-$1.igz"
	(cd "$work/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9n) \
		>>"$www/preconf-$1.igz"
}

http_start "$www"
sha=$(sha256sum "$lab/image.squashfs" | cut -d' ' -f1)
fail=0
for c in kept dhcp; do
	if [ "$c" = kept ]; then
		initrd "$c" "ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2"
	else
		initrd "$c" ":"
	fi
	name="preconf-$c"
	secs=$(ipxe_boot "$name" 512 "#!ipxe
kernel http://10.0.2.100/vmlinuz console=ttyS0 no_timer_check panic=-1 netinit.onerror=halt cdroot loop=/image.squashfs netinit.url=http://10.0.2.100/image.squashfs netinit.sha256=$sha
initrd http://10.0.2.100/preconf-$c.igz
boot")
	ok=1
	boot_finished "$name" || ok=0
	log_live "$name" || ok=0
	log_has "$name" "sha256 verified" || ok=0
	log_has "$name" "Kernel panic" && ok=0
	if [ "$c" = kept ]; then
		log_has "$name" "preconf: eth0 1 address(es)" || ok=0
		log_has "$name" "already has an IPv4 address" || ok=0
		log_has "$name" "link up, DHCP" && ok=0
	else
		log_has "$name" "preconf: eth0 0 address(es)" || ok=0
		log_has "$name" "already has an IPv4 address" && ok=0
		log_has "$name" "link up, DHCP" || ok=0
	fi
	if [ $ok = 1 ]; then
		echo "preconfigured: $c pass ${secs}s"
	else
		echo "preconfigured: $c FAIL ${secs}s (log: $logs/$name.log)" >&2
		tail -n 25 "$logs/$name.log" >&2
		fail=1
	fi
	rm -f "$www/preconf-$c.igz"
done
exit $fail

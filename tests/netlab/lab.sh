#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Namespace lab: QEMU on tap devices in a network namespace this script
# creates, with a real dnsmasq, a real HTTP server and a DHCP server that
# NAKs, all inside the namespace (nothing else is reached). Cases:
#   full     iPXE ROM (-boot n) gets address + boot script from dnsmasq
#            (examples/dnsmasq/full.conf); netinit runs DHCP and fetches
#   proxy    one dnsmasq gives addresses only, a second one in proxy mode
#            (examples/dnsmasq/proxy.conf, own namespace) gives iPXE its script
#   two-nic  two NICs, only the second reaches a DHCP server
#   bootif   two NICs on the DHCP network, BOOTIF= names the second; the
#            URL's host is one label, completed with the lease's domain
#   static   ip=client::gw:mask with no DHCP server at all
#   static-dns  static ip= with <dns0> and a host-name URL (DNS-only dnsmasq)
#   dns      netinit.url by host name (a CNAME) resolved through dnsmasq,
#            with classless static routes (option 121) in the lease and a
#            dead first DNS server (dead-dns.py, own namespace: it records
#            the query netinit sent it and never answers)
#   dns-nx   a host name dnsmasq does not know: netinit's one-line error, no handoff
#   nak      a DHCP server that refuses the first REQUEST (nak-dhcpd.py)
#   stp      the bridge runs spanning tree (forward delay 15 s): the port
#            drops everything for ~30 s after link up, as slow switches do
# The non-iPXE cases boot the kernel directly (-kernel) to save time.
# Needs root (namespaces, taps). NETLAB_CASES picks cases (default all).
# Prints a table with the DHCP time netinit logged (link up to bound).
set -eu

# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/../qemu/lib.sh"

ns="ninet-$$"
nsp="ninet-$$-p"
srv=10.33.0.1
nl="$top/build/netlab"
wwwl="$nl/www"
examples="$top/examples/dnsmasq"
mac0=52:54:00:33:00:01
mac1=52:54:00:33:00:02
pids=""

[ "$(id -u)" = 0 ] || die "needs root (network namespaces and tap devices)"
[ -c /dev/net/tun ] || die "needs /dev/net/tun for tap devices (modprobe tun)"

# Ends everything this script started inside its namespaces (servers run
# through "ip netns exec" in a subshell, so $! alone would miss them).
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	pids=""
	for n in "$ns" "$nsp"; do
		if [ -e "/run/netns/$n" ]; then
			# shellcheck disable=SC2046
			kill $(ip netns pids "$n") 2>/dev/null || true
		fi
		ip netns del "$n" 2>/dev/null || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() {
	ip netns exec "$ns" "$@"
}

# net_setup: the namespace, bridges ninet-br0 (the server network, $srv)
# and ninet-br1 (a network with nobody on it), taps ninet-tap0/1, HTTP.
net_setup() {
	cleanup
	ip netns add "$ns"
	in_ns ip link set lo up
	for b in ninet-br0 ninet-br1; do
		in_ns ip link add "$b" type bridge forward_delay 0
		in_ns ip link set "$b" up
	done
	in_ns ip addr add "$srv/24" dev ninet-br0
	for t in ninet-tap0 ninet-tap1; do
		in_ns ip tuntap add "$t" mode tap
	done
	in_ns python3 -m http.server --bind "$srv" --directory "$wwwl" 80 \
		>>"$logs/netlab-http.log" 2>&1 &
	pids="$pids $!"
	i=0
	while ! in_ns python3 -c "import socket; socket.create_connection(('$srv',80),1)" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 50 ] || die "HTTP server in $ns did not start"
		sleep 0.1
	done
}

# plug TAP BRIDGE
plug() {
	in_ns ip link set "$1" master "$2" up
}

# dnsmasq_run NAME ARGS...: dnsmasq in the lab namespace, log in $logs/netlab-NAME.dnsmasq.log
dnsmasq_run() {
	n=$1
	shift
	: >"$logs/netlab-$n.dnsmasq.log"
	in_ns dnsmasq --keep-in-foreground --no-hosts --pid-file= --user=root \
		--leasefile-ro --log-facility="$logs/netlab-$n.dnsmasq.log" "$@" &
	pids="$pids $!"
	sleep 0.5
}

# qemu_run NAME NICS KERNEL_ARGS: NICS "0", "1" or "01" (taps in order);
# KERNEL_ARGS empty = boot through the iPXE ROM instead of -kernel.
qemu_run() {
	n=$1
	nics=$2
	kargs=$3
	set -- -accel tcg -m 512 -nographic -no-reboot
	case "$nics" in
	*0*) set -- "$@" -netdev tap,id=n0,ifname=ninet-tap0,script=no,downscript=no \
		-device "virtio-net-pci,netdev=n0,mac=$mac0" ;;
	esac
	case "$nics" in
	*1*) set -- "$@" -netdev tap,id=n1,ifname=ninet-tap1,script=no,downscript=no \
		-device "virtio-net-pci,netdev=n1,mac=$mac1" ;;
	esac
	if [ -z "$kargs" ]; then
		set -- "$@" -boot n
	else
		set -- "$@" -kernel "$wwwl/vmlinuz" -initrd "$wwwl/netinit-genkernel.igz" \
			-append "$kargs"
	fi
	rm -f "$logs/netlab-$n.status"
	start=$(date +%s)
	rc=0
	in_ns timeout "${QEMU_TIMEOUT:-180}" qemu-system-x86_64 "$@" </dev/null \
		>"$logs/netlab-$n.log" 2>&1 || rc=$?
	boot_ended "netlab-$n" "$rc"
	secs=$(($(date +%s) - start))
}

base_args() {
	echo "console=ttyS0 no_timer_check panic=-1 netinit.onerror=halt cdroot loop=/image.squashfs" \
		"netinit.sha256=$(sha256sum "$lab/image.squashfs" | cut -d' ' -f1) $1"
}

boot_script() {
	printf '#!ipxe\nkernel http://%s/vmlinuz %s\ninitrd http://%s/netinit-genkernel.igz\nboot\n' \
		"$srv" "$(base_args "$1")" "$srv" >"$wwwl/boot.ipxe"
}

# record NAME OK: the table row, with the DHCP time netinit logged
record() {
	ms=$(grep -ao 'bound to [0-9.]* in [0-9]* ms' "$logs/netlab-$1.log" | tail -n 1 |
		sed 's/.* in \([0-9]*\) ms/\1/')
	tally "netlab-$1" "$2" "$(printf '%-10s' "$1")" "$secs" "${ms:+${ms} ms}"
}

# booted NAME: the live root's init ran as PID 1, no panic
booted() {
	log_live "netlab-$1" && ! log_has "netlab-$1" "Kernel panic"
}

case_full() {
	plug ninet-tap0 ninet-br0
	dnsmasq_run full --conf-file="$examples/full.conf"
	boot_script "netinit.url=http://$srv/image.squashfs"
	qemu_run full 0 ""
	ok=1
	booted full || ok=0
	log_has netlab-full "netinit: fetched" || ok=0
	grep -q "DHCPACK(ninet-br0) 10.33.0.1[0-9][0-9] $mac0" "$logs/netlab-full.dnsmasq.log" || ok=0
	record full "$ok"
}

case_proxy() {
	plug ninet-tap0 ninet-br0
	# the DHCP server "you do not control": addresses only, no boot file
	dnsmasq_run proxy-addr --port=0 --interface=ninet-br0 --bind-interfaces \
		--dhcp-range=10.33.0.100,10.33.0.199,255.255.255.0,1h --log-dhcp
	ip netns add "$nsp"
	in_ns ip link add ninet-vp type veth peer name ninet-vq netns "$nsp"
	in_ns ip link set ninet-vp master ninet-br0 up
	ip -n "$nsp" addr add 10.33.0.2/24 dev ninet-vq
	ip -n "$nsp" link set ninet-vq up
	ip -n "$nsp" link set lo up
	: >"$logs/netlab-proxy.dnsmasq.log"
	ip netns exec "$nsp" dnsmasq --keep-in-foreground --no-hosts --pid-file= --user=root \
		--leasefile-ro --log-facility="$logs/netlab-proxy.dnsmasq.log" \
		--conf-file="$examples/proxy.conf" &
	pids="$pids $!"
	sleep 0.5
	boot_script "netinit.url=http://$srv/image.squashfs"
	qemu_run proxy 0 ""
	ok=1
	booted proxy || ok=0
	grep -q "DHCPACK(ninet-br0) 10.33.0.1[0-9][0-9] $mac0" \
		"$logs/netlab-proxy-addr.dnsmasq.log" || ok=0
	grep -qi "proxy" "$logs/netlab-proxy.dnsmasq.log" || ok=0
	grep -q "boot.ipxe" "$logs/netlab-proxy.dnsmasq.log" || ok=0
	record proxy "$ok"
}

case_two_nic() {
	plug ninet-tap0 ninet-br1
	plug ninet-tap1 ninet-br0
	dnsmasq_run two-nic --conf-file="$examples/full.conf"
	qemu_run two-nic 01 "$(base_args "netinit.url=http://$srv/image.squashfs")"
	ok=1
	booted two-nic || ok=0
	# DHCP ran on both at once, the second won, the first was put down
	log_has netlab-two-nic "eth0: link up, DHCP" || ok=0
	log_has netlab-two-nic "eth1: link up, DHCP" || ok=0
	log_has netlab-two-nic "eth1: bound to 10.33.0.1" || ok=0
	grep -q "DHCPACK(ninet-br0) 10.33.0.1[0-9][0-9] $mac1" "$logs/netlab-two-nic.dnsmasq.log" || ok=0
	record two-nic "$ok"
}

case_bootif() {
	plug ninet-tap0 ninet-br0
	plug ninet-tap1 ninet-br0
	dnsmasq_run bootif --conf-file="$examples/full.conf" --log-queries
	# and a one-label host name, completed with the lease's domain (option 15)
	qemu_run bootif 01 "$(base_args "netinit.url=http://mirror/image.squashfs BOOTIF=01-$(echo "$mac1" | tr : -)")"
	ok=1
	booted bootif || ok=0
	grep -q "query\[A\] mirror.lab.example" "$logs/netlab-bootif.dnsmasq.log" || ok=0
	grep -q "DHCPACK(ninet-br0) 10.33.0.1[0-9][0-9] $mac1" "$logs/netlab-bootif.dnsmasq.log" || ok=0
	grep -q "$mac0" "$logs/netlab-bootif.dnsmasq.log" && ok=0
	record bootif "$ok"
}

case_static() {
	plug ninet-tap0 ninet-br0
	qemu_run static 0 "$(base_args "netinit.url=http://$srv/image.squashfs ip=10.33.0.50:$srv::255.255.255.0:labhost")"
	ok=1
	booted static || ok=0
	log_has netlab-static "static address 10.33.0.50 from ip=" || ok=0
	log_has netlab-static "DHCP" && ok=0
	record static "$ok"
}

case_static_dns() {
	plug ninet-tap0 ninet-br0
	dnsmasq_run static-dns --interface=ninet-br0 --bind-interfaces --no-resolv \
		--local=/lab.example/ --host-record=mirror.lab.example,$srv --log-queries
	qemu_run static-dns 0 "$(base_args "netinit.url=http://mirror.lab.example/image.squashfs ip=10.33.0.51:::255.255.255.0::::$srv")"
	ok=1
	booted static-dns || ok=0
	log_has netlab-static-dns "static address 10.33.0.51 from ip=" || ok=0
	grep -q "query\[A\] mirror.lab.example from 10.33.0.51" \
		"$logs/netlab-static-dns.dnsmasq.log" || ok=0
	grep -q "dnsmasq-dhcp" "$logs/netlab-static-dns.dnsmasq.log" && ok=0
	record static-dns "$ok"
}

case_dns() {
	plug ninet-tap0 ninet-br0
	# and classless static routes (option 121), which replace the router option
	# the lease's first DNS server is dead: netinit must ask it, then move
	# on to the second. It stands in its own namespace on the bridge (so
	# dnsmasq never answers for it), records each query, answers none.
	dead=10.33.0.9
	ip netns add "$nsp"
	in_ns ip link add ninet-vd type veth peer name ninet-ve netns "$nsp"
	in_ns ip link set ninet-vd master ninet-br0 up
	ip -n "$nsp" addr add "$dead/24" dev ninet-ve
	ip -n "$nsp" link set ninet-ve up
	ip -n "$nsp" link set lo up
	ip netns exec "$nsp" python3 "$top/tests/netlab/dead-dns.py" "$dead" \
		>"$logs/netlab-dns.dead.log" 2>&1 &
	pids="$pids $!"
	i=0
	until grep -q listening "$logs/netlab-dns.dead.log"; do
		i=$((i + 1))
		[ $i -lt 50 ] || die "dead-dns.py did not start"
		sleep 0.1
	done
	dnsmasq_run dns --conf-file="$examples/full.conf" --log-queries \
		--dhcp-option=121,10.34.0.0/16,10.33.0.254,0.0.0.0/0,$srv \
		--dhcp-option=tag:ninet-br0,"option:dns-server,$dead,$srv"
	qemu_run dns 0 "$(base_args "netinit.url=http://images.lab.example/image.squashfs")"
	ok=1
	booted dns || ok=0
	log_has netlab-dns "(lease 3600 s, classless routes)" || ok=0
	grep -q "query\[A\] images.lab.example" "$logs/netlab-dns.dnsmasq.log" || ok=0
	# the proof the dead server was tried first, from outside netinit
	grep -q "^query images.lab.example from 10.33.0.1[0-9][0-9]$" \
		"$logs/netlab-dns.dead.log" || {
		echo "netlab-dns: the dead DNS server $dead was never asked" >&2
		ok=0
	}
	record dns "$ok"
}

case_dns_nx() {
	plug ninet-tap0 ninet-br0
	dnsmasq_run dns-nx --conf-file="$examples/full.conf" --log-queries
	qemu_run dns-nx 0 "$(base_args "netinit.url=http://nosuch.lab.example/image.squashfs netinit.retries=0")"
	ok=1
	check netlab-dns-nx "nosuch.lab.example: cannot resolve: no such name (NXDOMAIN); DNS servers: $srv"
	check_refused netlab-dns-nx
	record dns-nx "$ok"
}

case_nak() {
	plug ninet-tap0 ninet-br0
	in_ns python3 "$top/tests/netlab/nak-dhcpd.py" ninet-br0 "$srv" 10.33.0.77 \
		>"$logs/netlab-nak.dhcpd.log" 2>&1 &
	pids="$pids $!"
	sleep 0.5
	# the server sends no host name: ip=<host> with DHCP names the machine
	qemu_run nak 0 "$(base_args "netinit.url=http://$srv/image.squashfs ip=::::labbox::dhcp")"
	ok=1
	booted nak || ok=0
	log_has netlab-nak "NAK" || ok=0
	grep -q "sent NAK" "$logs/netlab-nak.dhcpd.log" || ok=0
	grep -q "sent ACK" "$logs/netlab-nak.dhcpd.log" || ok=0
	# after the NAK, back to DISCOVER (a second OFFER), not the same REQUEST again
	[ "$(grep -c "sent OFFER" "$logs/netlab-nak.dhcpd.log")" = 2 ] || ok=0
	log_has netlab-nak "bound to 10.33.0.77" || ok=0
	log_has netlab-nak "(lease 3600 s, host labbox)" || ok=0
	record nak "$ok"
}

case_stp() {
	in_ns ip link set ninet-br0 type bridge stp_state 1 forward_delay 1500
	plug ninet-tap0 ninet-br0
	dnsmasq_run stp --conf-file="$examples/full.conf"
	qemu_run stp 0 "$(base_args "netinit.url=http://$srv/image.squashfs")"
	ok=1
	booted stp || ok=0
	# bound only once the port forwards: proves the port really blocked
	ms=$(grep -ao 'bound to [0-9.]* in [0-9]* ms' "$logs/netlab-stp.log" | tail -n 1 |
		sed 's/.* in \([0-9]*\) ms/\1/')
	[ "${ms:-0}" -ge 15000 ] || ok=0
	record stp "$ok"
}

mkdir -p "$logs" "$wwwl"
if [ -z "$(find "$www/netinit-genkernel.igz" -newer "$top/build/netinit" 2>/dev/null)" ]; then
	prepare
fi
for f in vmlinuz image.squashfs netinit-genkernel.igz; do
	ln -sf "$(readlink -f "$www/$f")" "$wwwl/$f"
done
: >"$logs/netlab-http.log"
for c in ${NETLAB_CASES:-full proxy two-nic bootif static static-dns dns dns-nx nak stp}; do
	net_setup
	"case_$(echo "$c" | tr - _)"
	cleanup
done
printf 'case       result time  DHCP (link up to bound)\n%s' "$table"
echo "netlab: $pass passed, $fail failed"
[ "$fail" = 0 ]

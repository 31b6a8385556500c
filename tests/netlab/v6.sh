#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# IPv6 namespace lab: QEMU on a tap in a network namespace this script
# creates, with a real dnsmasq (enable-ra, DHCPv4, DHCPv6) and a real
# HTTP server on IPv4 and IPv6, all inside the namespace. Cases:
#   dual-slaac   no ip=: DHCPv4 and, beside it, SLAAC from dnsmasq's RA
#                (ra-only) with RDNSS and DNSSL; the fetch over IPv4 boots
#                the live root; the next stage's /etc/resolv.conf holds the
#                IPv4 and the IPv6 server
#   dual-dhcp6   no ip=: DHCPv4, and stateful DHCPv6 (the RA's M flag);
#                netinit.keepnet=1 leaves the address (dual-slaac, keepnet=0:
#                none left)
#   auto6        ip=auto6, IPv6 only: SLAAC + RDNSS, the O flag (ra-stateless):
#                an Information-Request; no DHCPv4 packet sent; the image
#                comes by a host name with only an AAAA record (dnsmasq's
#                DNS, asked over IPv6) from [fd36::1], the live root runs and
#                its resolv.conf names fd36::53
#   dhcp6        ip=dhcp6, IPv6 only: stateful DHCPv6 (IA_NA); the same
#                fetch, from the DHCPv6 address
#   dual-he      no ip=: the URL's name has an A and an AAAA record, the
#                AAAA address is on the link but nobody's (SYNs vanish):
#                Happy Eyeballs fetches over IPv4, the head within 1 s of
#                the network being up (kernel timestamps)
#   proxy        netinit.proxy=http://10.36.0.1:8888 (tinyproxy); the origin
#                (faultd behind socat on 10.37.0.1:8080, the namespace's lo) is out of
#                the guest's reach (the lease has no router); it drops the
#                body at half, netinit resumes through the proxy (Range,
#                If-Range), the sha256 verifies, the live root runs
#   static6      ip=[fd36::50]::[fd36::1]:64::eth0:none:[fd36::53], no server
#                (the IPv4 URL: 'cannot connect', no IPv4 route)
#   v4only       no ip=, no IPv6 router: IPv4 is not held up (< 2.5 s after link)
# The next stage is a script (/v6check, appended to the initrd) that
# prints /etc/resolv.conf as "NEXT-STAGE-RESOLV: <line>" and the global
# IPv6 addresses left after handoff (netinit.keepnet) as "NEXT-STAGE-INET6:
# <dev> <hex>/<plen hex>", then runs the genkernel stand-in.
# Needs root; run under `flock /tmp/netlab.lock`.
# NETLAB_V6_CASES picks cases (default all).
set -eu

# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/../qemu/lib.sh"

ns="ni6-$$"
br="ni6br$$"
tap="ni6tap$$"
srv=10.36.0.1
nl="$top/build/netlab-v6"
mac=52:54:00:36:00:01
pids=""

[ "$(id -u)" = 0 ] || die "needs root (network namespaces and tap devices)"
[ -c /dev/net/tun ] || die "needs /dev/net/tun for tap devices (modprobe tun)"
command -v cpio >/dev/null || die "needs cpio (apt-get install cpio)"

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
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() {
	ip netns exec "$ns" "$@"
}

net_setup() {
	cleanup
	ip netns add "$ns"
	in_ns ip link set lo up
	in_ns ip link add "$br" type bridge forward_delay 0
	in_ns sysctl -qw "net.ipv6.conf.$br.accept_dad=0"
	in_ns ip link set "$br" up
	in_ns ip addr add "$srv/24" dev "$br"
	in_ns ip addr add fd36::1/64 dev "$br"
	in_ns ip addr add fd36::53/64 dev "$br"
	in_ns ip tuntap add "$tap" mode tap
	in_ns ip link set "$tap" master "$br" up
	# one server for both families (IPV6_V6ONLY off): $srv and [fd36::1];
	# its access log names the client, IPv4 ones as ::ffff:10.36.0.x
	: >"$logs/netlab-v6-http.log"
	in_ns python3 -m http.server --bind :: --directory "$nl/www" 80 \
		>>"$logs/netlab-v6-http.log" 2>&1 &
	pids="$pids $!"
	dns_port=0
	i=0
	while ! in_ns python3 -c "import socket; socket.create_connection(('$srv',80),1)" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 50 ] || die "HTTP server in $ns did not start"
		sleep 0.1
	done
}

# dnsmasq_run NAME ARGS...: DHCP/RA, and DNS only with dns_port=53 (its
# names from --host-record, nothing forwarded); log in
# $logs/netlab-v6-NAME.dnsmasq.log
dnsmasq_run() {
	n=$1
	shift
	: >"$logs/netlab-v6-$n.dnsmasq.log"
	in_ns dnsmasq --keep-in-foreground --no-hosts --no-resolv --pid-file= --user=root \
		--port="${dns_port:-0}" --log-queries \
		--interface="$br" --bind-interfaces --leasefile-ro --log-dhcp \
		--log-facility="$logs/netlab-v6-$n.dnsmasq.log" "$@" &
	pids="$pids $!"
	sleep 0.5
}

v4_range() {
	echo "--dhcp-range=10.36.0.100,10.36.0.199,255.255.255.0,1h --dhcp-option=option:dns-server,$srv"
}

v6_dns() {
	echo "--dhcp-option=option6:dns-server,[fd36::53] --domain=v6.lab.example" \
		"--dhcp-option=option6:domain-search,v6.lab.example"
}

# qemu_run NAME KERNEL_ARGS [URL]: URL defaults to the image on $srv
qemu_run() {
	n=$1
	rc=0
	start=$(date +%s)
	in_ns timeout "${QEMU_TIMEOUT:-240}" qemu-system-x86_64 -accel tcg -m 512 -nographic \
		-no-reboot -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no" \
		-device "virtio-net-pci,netdev=n0,mac=$mac" \
		-kernel "$nl/www/vmlinuz" -initrd "$nl/netinit-v6.igz" \
		-append "console=ttyS0 no_timer_check panic=-1 netinit.onerror=halt cdroot loop=/image.squashfs netinit.sha256=$sha netinit.init=/v6check netinit.url=${3:-http://$srv/image.squashfs} netinit.retries=0 $2" \
		</dev/null >"$logs/netlab-v6-$n.log" 2>&1 || rc=$?
	boot_ended "netlab-v6-$n" "$rc"
	secs=$(($(date +%s) - start))
}

# has NAME TEXT: the console log holds TEXT, else ok=0 and says which
has() {
	if ! log_has "netlab-v6-$1" "$2"; then
		echo "netlab-v6-$1: missing: $2" >&2
		ok=0
	fi
}

# v6line NAME: netinit's one IPv6 line
v6line() {
	grep -ao 'netinit: eth0: IPv6 .*' "$logs/netlab-v6-$1.log" | tr -d '\r' | head -n 1
}

record() {
	tally "netlab-v6-$1" "$ok" "$(printf '%-11s' "$1")" "$secs" "$(v6line "$1" | sed 's/netinit: eth0: //')"
}

live() {
	has "$1" "$marker"
	has "$1" "NEXT-STAGE-RESOLV: nameserver $srv"
	has "$1" "NEXT-STAGE-RESOLV: nameserver fd36::53"
}

case_dual_slaac() {
	# shellcheck disable=SC2046
	dnsmasq_run dual-slaac $(v4_range) $(v6_dns) --enable-ra --dhcp-range=::,constructor:"$br",ra-only,64
	qemu_run dual-slaac ""
	ok=1
	live dual-slaac
	has dual-slaac "eth0: bound to 10.36.0.1"
	has dual-slaac "eth0: IPv6 fd36::5054:ff:fe36:1/64 (SLAAC), router fe80::"
	has dual-slaac ", DNS fd36::53 in "
	has dual-slaac "NEXT-STAGE-RESOLV: search v6.lab.example"
	# netinit.keepnet=0 (the default): the link went down, its IPv6 addresses with it
	if log_has netlab-v6-dual-slaac "NEXT-STAGE-INET6: eth0"; then
		echo "netlab-v6-dual-slaac: IPv6 address left with netinit.keepnet=0" >&2
		ok=0
	fi
	record dual-slaac
}

case_dual_dhcp6() {
	# shellcheck disable=SC2046
	dnsmasq_run dual-dhcp6 $(v4_range) $(v6_dns) --enable-ra \
		--dhcp-range=::100,::1ff,constructor:"$br",64,1h
	qemu_run dual-dhcp6 "netinit.keepnet=1"
	ok=1
	live dual-dhcp6
	has dual-dhcp6 "eth0: bound to 10.36.0.1"
	has dual-dhcp6 "eth0: IPv6 fd36::1"
	has dual-dhcp6 "/128 (DHCPv6), router fe80::"
	has dual-dhcp6 ", DNS fd36::53 in "	# RA and DHCPv6 both name it: once
	has dual-dhcp6 "NEXT-STAGE-INET6: eth0 fd3600000000000000000000000001"	# keepnet=1
	grep -q "DHCPREPLY($br) fd36::1[0-9a-f][0-9a-f] " "$logs/netlab-v6-dual-dhcp6.dnsmasq.log" || {
		echo "netlab-v6-dual-dhcp6: dnsmasq sent no DHCPv6 REPLY with an address" >&2
		ok=0
	}
	record dual-dhcp6
}

# no_dhcp4 NAME: an IPv6-only ip= sent no DHCPv4 packet
no_dhcp4() {
	if grep -q "DHCPDISCOVER" "$logs/netlab-v6-$1.dnsmasq.log" 2>/dev/null; then
		echo "netlab-v6-$1: DHCPv4 sent with an IPv6-only ip=" >&2
		ok=0
	fi
}

# got NAME ERE: the HTTP server's access log has a line matching ERE
got() {
	grep -Eq -- "$2" "$logs/netlab-v6-http.log" || {
		echo "netlab-v6-$1: no request in the HTTP log matching: $2" >&2
		ok=0
	}
}

# dns6 ARGS...: dnsmasq also answers DNS, $name6 with an AAAA record only
name6=img6.v6.lab.example
dns6() {
	dns_port=53
	dnsmasq_run "$@" --host-record="$name6,fd36::1"
}

# fetched6 NAME: the image came over IPv6 by its AAAA-only name, asked of
# the IPv6 server over IPv6; the live root ran, the next stage's
# resolv.conf names the IPv6 server; nothing went over IPv4
fetched6() {
	check_live "netlab-v6-$1"
	has "$1" "fetching http://$name6/image.squashfs ("
	has "$1" " MiB from $name6 in "
	has "$1" "sha256 verified"
	has "$1" "NEXT-STAGE-RESOLV: nameserver fd36::53"
	grep -Eq "query\[AAAA\] $name6 from fd36::" "$logs/netlab-v6-$1.dnsmasq.log" || {
		echo "netlab-v6-$1: no AAAA query for $name6 from an fd36:: address" >&2
		ok=0
	}
	got "$1" '^fd36::[0-9a-f:]+ - - .*"GET /image.squashfs HTTP/1.1" 200'
	if grep -q '^::ffff:' "$logs/netlab-v6-http.log"; then
		echo "netlab-v6-$1: a request over IPv4 in an IPv6-only boot" >&2
		ok=0
	fi
	no_dhcp4 "$1"
}

case_auto6() {
	# ra-stateless: the O flag, DNS also by a DHCPv6 Information-Request
	# shellcheck disable=SC2046
	dns6 auto6 $(v4_range) $(v6_dns) --enable-ra \
		--dhcp-range=::,constructor:"$br",ra-stateless,64
	qemu_run auto6 "ip=auto6" "http://$name6/image.squashfs"
	ok=1
	has auto6 "eth0: IPv6 fd36::5054:ff:fe36:1/64 (SLAAC), router fe80::"
	has auto6 ", DNS fd36::53 in "
	grep -q "DHCPINFORMATION-REQUEST($br)" "$logs/netlab-v6-auto6.dnsmasq.log" || {
		echo "netlab-v6-auto6: no DHCPv6 Information-Request despite the O flag" >&2
		ok=0
	}
	fetched6 auto6
	record auto6
}

case_dhcp6() {
	# shellcheck disable=SC2046
	dns6 dhcp6 $(v4_range) $(v6_dns) --enable-ra --dhcp-range=::100,::1ff,constructor:"$br",64,1h
	qemu_run dhcp6 "ip=dhcp6" "http://$name6/image.squashfs"
	ok=1
	has dhcp6 "/128 (DHCPv6), router fe80::"
	has dhcp6 ", DNS fd36::53 in "
	fetched6 dhcp6
	# the request came from the DHCPv6 address, not a SLAAC one
	got dhcp6 '^fd36::1[0-9a-f][0-9a-f] - - '
	record dhcp6
}

# stamp NAME TEXT: the kernel's timestamp (s) of the first console line holding TEXT
stamp() {
	grep -aF -- "$2" "$logs/netlab-v6-$1.log" | head -n 1 | sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\].*/\1/p'
}

case_dual_he() {
	# dual.v6.lab.example: A $srv, AAAA fd36::dead, on the link but nobody's:
	# neighbour discovery gets no answer, the SYNs go nowhere and the socket
	# hears nothing (with HE_DELAY_MS 5000 the head came 5.2 s after the
	# network was up); Happy Eyeballs must go to IPv4 after 250 ms
	dns_port=53
	# shellcheck disable=SC2046
	dnsmasq_run dual-he $(v4_range) $(v6_dns) --enable-ra \
		--dhcp-range=::,constructor:"$br",ra-only,64 \
		--host-record="dual.v6.lab.example,$srv,fd36::dead"
	qemu_run dual-he "" "http://dual.v6.lab.example/image.squashfs"
	ok=1
	check_live netlab-v6-dual-he
	has dual-he "sha256 verified"
	has dual-he "eth0: IPv6 fd36::5054:ff:fe36:1/64 (SLAAC)"
	grep -q "query\[AAAA\] dual.v6.lab.example" "$logs/netlab-v6-dual-he.dnsmasq.log" || {
		echo "netlab-v6-dual-he: no AAAA query" >&2
		ok=0
	}
	got dual-he '^::ffff:10\.36\.0\.1[0-9][0-9] - - .*"GET /image.squashfs HTTP/1.1" 200'
	# from the network being ready (IPv6 line, after DHCPv4) to the answer's head
	t0=$(stamp dual-he "netinit: eth0: IPv6 ")
	t1=$(stamp dual-he "netinit: fetching http://dual.v6.lab.example/")
	he_ms=$(awk -v a="${t0:-0}" -v b="${t1:-0}" 'BEGIN { printf "%d", (b - a) * 1000 }')
	if [ -z "$t0" ] || [ -z "$t1" ] || [ "$he_ms" -lt 0 ] || [ "$he_ms" -gt 1000 ]; then
		echo "netlab-v6-dual-he: ready ${t0:-?} s, fetching ${t1:-?} s: want IPv4 within 1000 ms" >&2
		ok=0
	fi
	tally netlab-v6-dual-he "$ok" "$(printf '%-11s' dual-he)" "$secs" \
		"IPv6 black hole: IPv4 fetch began ${he_ms} ms after the network was up"
}

# wait_port ADDR PORT WHAT: something in the namespace listens on ADDR:PORT
wait_port() {
	i=0
	while ! in_ns python3 -c "import socket; socket.create_connection(('$1',$2),1)" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 50 ] || die "$3 in $ns did not start on $1 port $2"
		sleep 0.1
	done
}

case_proxy() {
	# The origin, 10.37.0.1 on the namespace's lo: faultd (its
	# 127.0.0.1) through socat; it drops every request from byte 0 at half
	# the body. The lease has no router: the guest has no route to it, only
	# tinyproxy on $srv:8888 has.
	px="$nl/proxy"
	rm -rf "$px"
	mkdir -p "$px"
	in_ns ip addr add 10.37.0.1/32 dev lo
	in_ns python3 "$top/tests/fault/faultd.py" "$nl/www" >"$px/faultd.port" \
		2>"$logs/netlab-v6-proxy.faultd.log" &
	pids="$pids $!"
	i=0
	until grep -q port "$px/faultd.port" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 50 ] || die "faultd did not start in $ns"
		sleep 0.1
	done
	in_ns socat TCP-LISTEN:8080,bind=10.37.0.1,fork,reuseaddr \
		"TCP:127.0.0.1:$(sed -n 's/^faultd: port //p' "$px/faultd.port")" &
	pids="$pids $!"
	: >"$logs/netlab-v6-proxy.tinyproxy.log"
	cat >"$px/tinyproxy.conf" <<EOF
Port 8888
Listen $srv
Timeout 30
MaxClients 20
Allow 10.36.0.0/24
LogLevel Info
LogFile "$logs/netlab-v6-proxy.tinyproxy.log"
EOF
	in_ns tinyproxy -d -c "$px/tinyproxy.conf" >/dev/null 2>&1 &
	pids="$pids $!"
	wait_port 10.37.0.1 8080 "socat (the origin)"
	wait_port "$srv" 8888 tinyproxy
	# shellcheck disable=SC2046
	dnsmasq_run proxy $(v4_range) --dhcp-option=option:router
	qemu_run proxy "netinit.proxy=http://$srv:8888" "http://10.37.0.1:8080/drop50/image.squashfs"
	ok=1
	check_live netlab-v6-proxy
	has proxy "connection lost at "
	has proxy "resuming at "
	has proxy "sha256 verified"
	has proxy ", 1 resumed"
	# the resumed request asked for the rest, If-Range the first answer's ETag
	grep -Eq 'GET /drop50/image.squashfs range=bytes=[1-9][0-9]*- if-range="' \
		"$logs/netlab-v6-proxy.faultd.log" || {
		echo "netlab-v6-proxy: faultd saw no ranged request with If-Range" >&2
		ok=0
	}
	# both went through the proxy, in absolute-form
	if [ "$(grep -c "GET http://10.37.0.1:8080/drop50/image.squashfs HTTP/1.1" \
		"$logs/netlab-v6-proxy.tinyproxy.log")" != 2 ]; then
		echo "netlab-v6-proxy: tinyproxy did not relay both requests" >&2
		ok=0
	fi
	record proxy
}

case_static6() {
	qemu_run static6 "ip=[fd36::50]::[fd36::1]:64::eth0:none:[fd36::53]"
	ok=1
	has static6 "eth0: IPv6 fd36::50/64 (static), router fd36::1, DNS fd36::53 in "
	has static6 "cannot connect to $srv port 80"	# no IPv4 route
	record static6
}

case_v4only() {
	# shellcheck disable=SC2046
	dnsmasq_run v4only $(v4_range)
	qemu_run v4only ""
	ok=1
	has v4only "$marker"
	has v4only "no IPv6 router on the link within 2500 ms: IPv4 only"
	if log_has netlab-v6-v4only "NEXT-STAGE-RESOLV: nameserver fd"; then
		echo "netlab-v6-v4only: an IPv6 server in resolv.conf" >&2
		ok=0
	fi
	record v4only
}

mkdir -p "$logs" "$nl/www"
if [ -z "$(find "$www/netinit-genkernel.igz" -newer "$top/build/netinit" 2>/dev/null)" ]; then
	prepare
fi
for f in vmlinuz image.squashfs; do
	ln -sf "$(readlink -f "$www/$f")" "$nl/www/$f"
done
sha=$(sha256sum "$lab/image.squashfs" | cut -d' ' -f1)
# the next stage: /v6check prints resolv.conf, then runs the genkernel stand-in
rm -rf "$nl/extra"
mkdir -p "$nl/extra"
cat >"$nl/extra/v6check" <<'EOS'
#!/bin/sh
while read -r l; do echo "NEXT-STAGE-RESOLV: $l"; done </etc/resolv.conf >/dev/console
while read -r a i p s f d; do
	[ "$s" = 00 ] && echo "NEXT-STAGE-INET6: $d $a/$p"
done </proc/net/if_inet6 >/dev/console
exec /init.orig "$@"
EOS
chmod 0755 "$nl/extra/v6check"
(cd "$nl/extra" && echo v6check | cpio -o -H newc -R 0:0 --quiet) >"$nl/extra.cpio"
cat "$www/netinit-genkernel.igz" "$nl/extra.cpio" >"$nl/netinit-v6.igz"
: >"$logs/netlab-v6-http.log"
for c in ${NETLAB_V6_CASES:-dual-slaac dual-dhcp6 auto6 dhcp6 dual-he proxy static6 v4only}; do
	net_setup
	"case_$(echo "$c" | tr - _)"
	cleanup
done
printf 'case        result time  IPv6 line\n%s' "$table"
echo "netlab-v6: $pass passed, $fail failed"
[ "$fail" = 0 ]

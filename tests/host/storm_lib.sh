#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The storm lab (issue 14), shared by tests/host/storm_test.sh (the small
# storm of make check) and bench/storm.sh (make bench-storm): a switch
# namespace holding a bridge, server namespaces (nginx mirrors, an nginx
# cache, faultd) each on its own link shaped by tc (HTB at the given rate
# with a 1000-packet FIFO below it: this kernel has no fq_codel, sfq or tbf
# built in, and no modules), and client namespaces each running build/host/netinit-fetch, the
# fetch stage of netinit, with its own --mac. All names start with
# "st<pid>-"; the lock /tmp/netlab.lock serializes namespace labs across
# the helpers that share this machine. Source it; functions only.
# Needs: root, ip (iproute2), tc, nginx (nginx-light), python3.

top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}
ST_P="st$$"
ST_NS=""		# namespaces made, for cleanup
ST_PIDS=""		# servers started
ST_HOSTS=0		# veth counter
ST_DIR=${ST_DIR:-}

st_die() {
	echo "storm: $*" >&2
	exit 1
}

# st_lock: waits for /tmp/netlab.lock (fd 9) for up to 20 minutes.
st_lock() {
	exec 9>/tmp/netlab.lock
	flock -w 1200 9 || st_die "/tmp/netlab.lock still held after 20 minutes"
}

st_cleanup() {
	for p in $ST_PIDS; do
		kill "$p" 2>/dev/null || true
	done
	for p in $ST_PIDS; do
		wait "$p" 2>/dev/null || true	# squid writes its cache as it ends
	done
	ST_PIDS=""
	for n in $ST_NS; do
		if [ -e "/run/netns/$n" ]; then
			# shellcheck disable=SC2046 # one pid a word
			kill $(ip netns pids "$n") 2>/dev/null || true
		fi
	done
	for n in $ST_NS; do
		ip netns del "$n" 2>/dev/null || true
	done
	ST_NS=""
}

# st_setup DIR: the switch namespace with bridge br0 (10.77.0.0/16).
st_setup() {
	[ "$(id -u)" = 0 ] || st_die "needs root (network namespaces)"
	command -v nginx >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin"
	command -v nginx >/dev/null 2>&1 || st_die "nginx not found; run 'make deps' (nginx-light)"
	ST_DIR=$1
	mkdir -p "$ST_DIR"
	ip netns add "$ST_P-sw"
	ST_NS="$ST_P-sw"
	ip -n "$ST_P-sw" link set lo up
	ip -n "$ST_P-sw" link add br0 type bridge forward_delay 0
	ip -n "$ST_P-sw" link set br0 up
}

# st_host NAME IP [MBIT]: a namespace $ST_P-NAME with eth0 at IP/16 on the
# bridge; with MBIT, eth0's egress (what the host sends) is shaped to it.
st_host() {
	ns="$ST_P-$1"
	ST_HOSTS=$((ST_HOSTS + 1))
	ip netns add "$ns"
	ST_NS="$ST_NS $ns"
	ip -n "$ns" link set lo up
	ip link add "${ST_P}v$ST_HOSTS" netns "$ST_P-sw" type veth peer name eth0 netns "$ns"
	ip -n "$ST_P-sw" link set "${ST_P}v$ST_HOSTS" master br0 up
	ip -n "$ns" addr add "$2/16" dev eth0
	ip -n "$ns" link set eth0 up
	if [ -n "${3:-}" ]; then
		# no offloads: tc's rate counts the packets the wire would carry
		ip netns exec "$ns" ethtool -K eth0 tso off gso off gro off >/dev/null 2>&1 || true
		tc -n "$ns" qdisc add dev eth0 root handle 1: htb default 10
		tc -n "$ns" class add dev eth0 parent 1: classid 1:10 htb rate "${3}mbit" \
			ceil "${3}mbit" burst 64k cburst 64k quantum 200000
		tc -n "$ns" qdisc add dev eth0 parent 1:10 pfifo limit 1000
	fi
}

# st_wait_port NS IP PORT PID: until IP:PORT answers in NS (5 s).
st_wait_port() {
	i=0
	while ! ip netns exec "$ST_P-$1" python3 -c \
		"import socket; socket.create_connection(('$2',$3),1)" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -ge 50 ] || ! kill -0 "$4" 2>/dev/null; then
			return 1
		fi
		sleep 0.1
	done
}

# st_nginx NAME IP ROOT [CONF]: nginx in namespace NAME on IP:80 serving
# ROOT, or with CONF (a file for http{}, holding its own server{}) in place
# of that server. Access log: $ST_DIR/NAME/logs/access.log, one line a
# request: client status bytes "request" cache-status.
st_nginx() {
	pre="$ST_DIR/$1"
	rm -rf "$pre"
	mkdir -p "$pre/logs" "$pre/tmp"
	server="server { listen $2:80; root $3; location / { } }"
	if [ -n "${4:-}" ]; then
		cp "$4" "$pre/extra.conf"
		server=""
	fi
	cat >"$pre/nginx.conf" <<CONF
user root;
worker_processes 2;
pid $pre/nginx.pid;
error_log $pre/logs/error.log warn;
events { worker_connections 1024; }
http {
	log_format storm '\$remote_addr \$status \$body_bytes_sent "\$request" \$upstream_cache_status';
	access_log $pre/logs/access.log storm;
	client_body_temp_path $pre/tmp/body;
	proxy_temp_path $pre/tmp/proxy;
	fastcgi_temp_path $pre/tmp/fastcgi;
	uwsgi_temp_path $pre/tmp/uwsgi;
	scgi_temp_path $pre/tmp/scgi;
	types { }
	default_type application/octet-stream;
	sendfile on;
	tcp_nopush on;
	keepalive_timeout 5;
	include $pre/extra.conf;
	$server
}
CONF
	[ -e "$pre/extra.conf" ] || : >"$pre/extra.conf"
	ip netns exec "$ST_P-$1" nginx -c "$pre/nginx.conf" -p "$pre" -e "$pre/logs/error.log" \
		-g 'daemon off;' 2>"$pre/logs/stderr.log" &
	pid=$!
	ST_PIDS="$ST_PIDS $pid"
	if ! st_wait_port "$1" "$2" 80 "$pid"; then
		cat "$pre/logs/error.log" "$pre/logs/stderr.log" >&2
		st_die "nginx $1 on $2:80 did not start"
	fi
}

# st_squid NAME IP ORIGIN_IP: squid (Debian's package) in namespace NAME
# on IP:80 with examples/cache/squid.conf, in front of ORIGIN_IP:80; its
# cache, logs and pid under $ST_DIR/NAME (access.log: squid's format).
st_squid() {
	command -v squid >/dev/null 2>&1 || st_die "squid not found; run 'make deps'"
	pre="$ST_DIR/$1"
	rm -rf "$pre"
	mkdir -p "$pre/cache" "$pre/run"
	chmod 755 "$ST_DIR" "$pre"
	sed -e "s|@LISTEN@|$2:80|" -e "s|@ORIGIN@|$3|" -e "s|@ORIGIN_PORT@|80|" \
		-e "s|@CACHE_DIR@|$pre/cache|" -e "s|@RUN_DIR@|$pre/run|" \
		"$top/examples/cache/squid.conf" >"$pre/squid.conf"
	chown -R proxy:proxy "$pre/cache" "$pre/run"
	ip netns exec "$ST_P-$1" squid -f "$pre/squid.conf" -N -z >"$pre/z.log" 2>&1 ||
		{ cat "$pre/z.log" >&2; st_die "squid -z failed"; }
	ip netns exec "$ST_P-$1" squid -f "$pre/squid.conf" -N >"$pre/stderr.log" 2>&1 &
	pid=$!
	ST_PIDS="$ST_PIDS $pid"
	if ! st_wait_port "$1" "$2" 80 "$pid"; then
		cat "$pre/stderr.log" "$pre/run/cache.log" >&2
		st_die "squid $1 on $2:80 did not start"
	fi
}

# st_faultd NAME IP DIR: tests/fault/faultd.py in namespace NAME on IP:80.
st_faultd() {
	mkdir -p "$ST_DIR/$1"
	ip netns exec "$ST_P-$1" python3 "$top/tests/fault/faultd.py" "$3" 80 "$2" \
		>"$ST_DIR/$1/port" 2>"$ST_DIR/$1/faultd.log" &
	pid=$!
	ST_PIDS="$ST_PIDS $pid"
	st_wait_port "$1" "$2" 80 "$pid" || st_die "faultd $1 on $2:80 did not start"
}

# st_clients N: namespaces c1..cN at 10.77.1.1.. (MAC 52:54:00:77:01:i).
st_clients() {
	i=1
	while [ "$i" -le "$1" ]; do
		st_host "c$i" "10.77.1.$i"
		i=$((i + 1))
	done
}

st_mac() {
	printf '52:54:00:77:01:%02x' "$1"
}

# st_storm N OUT BIN ARGS...: clients 1..N run BIN ARGS --mac (their own)
# -o OUT/cI.img at once; OUT/cI.log its output, OUT/cI.t "start end rc"
# (seconds since the epoch, ns precision). Waits for all of them.
st_storm() {
	n=$1
	out=$2
	bin=$3
	shift 3
	mkdir -p "$out"
	spids=""
	i=1
	while [ "$i" -le "$n" ]; do
		(
			t0=$(date +%s.%N)
			rc=0
			ip netns exec "$ST_P-c$i" timeout 600 "$bin" "$@" --mac "$(st_mac "$i")" \
				-o "$out/c$i.img" >"$out/c$i.log" 2>&1 || rc=$?
			echo "$t0 $(date +%s.%N) $rc" >"$out/c$i.t"
		) &
		spids="$spids $!"
		i=$((i + 1))
	done
	for p in $spids; do
		wait "$p" || true
	done
}

# st_served NAME: "IP status bytes" for each GET of nginx NAME's access log.
st_served() {
	awk '{ print $1, $2, $3 }' "$ST_DIR/$1/logs/access.log" 2>/dev/null || true
}

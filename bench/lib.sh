#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Shared pieces of the benchmarks (bench/run.sh): nginx on 127.0.0.1 with
# the bench's own config (never the system service), and QEMU boots
# through the iPXE ROM (-boot n) on slirp with restrict=on, the guest
# reaching only 10.0.2.100:80 -> guestfwd -> socat -> nginx, as the
# end-to-end tests do (tests/qemu/lib.sh). A boot is watched on its serial
# log and ended as soon as its outcome is known: the live root's marker
# (pass), or a kernel panic, an OOM kill, a next stage's or iPXE's error
# (fail), or the wall-clock limit (timeout). Source it; functions only.

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck disable=SC2034 # lab, www, BOOT_WHY: used by bench/run.sh
lab="$top/build/lab"
bdir=${BENCH_BUILD:-$top/build/bench}
# shellcheck disable=SC2034
www="$bdir/www"
logs="$bdir/logs"
# the live root's marker from PID 1, as a whole token (not pid=137)
marker='NETINIT-LIVE-OK pid=1([^0-9]|$)'
NGINX_PORT=
NGINX_PID=
BOOT_PID=

die() {
	echo "bench: $*" >&2
	exit 1
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# nginx_start DIR: serves DIR on a free 127.0.0.1 port (NGINX_PORT) with a
# config, pid file, logs and temp dirs under build/bench/nginx; foreground
# master (daemon off) in the background of this shell, stopped by
# nginx_stop.
nginx_start() {
	command -v nginx >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin"
	command -v nginx >/dev/null 2>&1 ||
		die "nginx not found; run 'make deps' (nginx-light)"
	pre="$bdir/nginx"
	rm -rf "$pre"
	mkdir -p "$pre/logs" "$pre/tmp"
	NGINX_PORT=$(free_port)
	cat >"$pre/nginx.conf" <<CONF
user root;
worker_processes 1;
pid $pre/nginx.pid;
error_log $pre/logs/error.log warn;
events { worker_connections 64; }
http {
	access_log $pre/logs/access.log;
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
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $1;
		location / { }
	}
}
CONF
	nginx -c "$pre/nginx.conf" -p "$pre" -e "$pre/logs/error.log" \
		-g 'daemon off;' 2>"$pre/logs/stderr.log" &
	NGINX_PID=$!
	i=0
	while ! python3 -c "import socket; socket.create_connection(('127.0.0.1',$NGINX_PORT),1)" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -ge 50 ] || ! kill -0 "$NGINX_PID" 2>/dev/null; then
			cat "$pre/logs/error.log" "$pre/logs/stderr.log" >&2
			die "nginx on 127.0.0.1:$NGINX_PORT did not start"
		fi
		sleep 0.1
	done
}

nginx_stop() {
	if [ -n "$NGINX_PID" ]; then
		kill "$NGINX_PID" 2>/dev/null || true
		wait "$NGINX_PID" 2>/dev/null || true
	fi
	NGINX_PID=
}

# GETs of PATH in nginx's access log so far.
gets() {
	grep -c "GET $1 " "$bdir/nginx/logs/access.log" 2>/dev/null || true
}

# boot_outcome LOG: prints "pass", "fail WHY" or nothing (not known yet).
boot_outcome() {
	if grep -aqE -- "$marker" "$1"; then
		echo pass
		return
	fi
	for p in 'invoked oom-killer:oom-kill' 'Out of memory:oom' \
		'Kernel panic:panic' 'Initramfs unpacking failed:unpack' \
		'netinit: boot failed:netinit-error' \
		'genkernel: powering off:genkernel-error' \
		'bbwget: failed:wget-error' 'Entering emergency mode:dracut-emergency' \
		'Could not boot:ipxe-error' 'No bootable device:ipxe-error' \
		'No more network devices:ipxe-error'; do
		if grep -aqF -- "${p%:*}" "$1"; then
			echo "fail ${p##*:}"
			return
		fi
	done
}

# bench_boot NAME MEM_MB IPXE_SCRIPT LIMIT_S: boots QEMU (TCG, 1 vCPU)
# through the iPXE ROM with IPXE_SCRIPT as boot.ipxe, serial console in
# $logs/NAME.log. Sets BOOT_RESULT (pass, fail or timeout), BOOT_WHY and
# BOOT_SECS (wall clock, 0.1 s).
bench_boot() {
	name=$1
	tftp="$bdir/tftp-$name"
	blog="$logs/$name.log"
	mkdir -p "$tftp" "$logs"
	printf '%s\n' "$3" >"$tftp/boot.ipxe"
	: >"$blog"
	t0=$(cut -d' ' -f1 /proc/uptime)
	timeout -k 5 "$4" qemu-system-x86_64 -accel tcg -smp 1 -m "$2" \
		-nographic -no-reboot -boot n -monitor none -serial "file:$blog" \
		-nic "user,model=virtio-net-pci,restrict=on,tftp=$tftp,bootfile=boot.ipxe,guestfwd=tcp:10.0.2.100:80-cmd:socat - TCP:127.0.0.1:$NGINX_PORT" \
		</dev/null >/dev/null 2>&1 &
	BOOT_PID=$!
	out=
	while kill -0 "$BOOT_PID" 2>/dev/null; do
		out=$(boot_outcome "$blog")
		[ -z "$out" ] || break
		sleep 0.5
	done
	kill "$BOOT_PID" 2>/dev/null || true
	wait "$BOOT_PID" 2>/dev/null || true
	BOOT_PID=
	BOOT_SECS=$(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" \
		'BEGIN { printf "%.1f", b - a }')
	[ -n "$out" ] || out=$(boot_outcome "$blog")
	if [ -z "$out" ]; then
		if awk -v s="$BOOT_SECS" -v l="$4" 'BEGIN { exit !(s + 1 >= l) }'; then
			out="timeout limit-${4}s"
		else
			out="fail no-marker"
		fi
	fi
	BOOT_RESULT=${out%% *}
	BOOT_WHY=${out#* }
	# shellcheck disable=SC2034
	[ "$BOOT_RESULT" != pass ] || BOOT_WHY=marker
}

boot_stop() {
	[ -z "$BOOT_PID" ] || kill "$BOOT_PID" 2>/dev/null || true
}

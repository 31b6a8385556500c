#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# nbd:// against real servers on 127.0.0.1: build/host/netinit-nbd-asan
# (src/nbd_client.c and src/nbd_proto.c under ASan/UBSan) negotiates with
# Debian's nbd-server and with nbdkit, each exporting a test file; every
# case checks the exit status and a line of the output: the size and
# flags the handshake found, the sha256 of the first 4 KiB read over the
# socket afterwards (the socket is left at the transmission phase), or
# the one-line error. Seconds, no QEMU.
# Usage: nbd_test.sh [BINARY]
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$top/build/host/netinit-nbd-asan}
[ -x "$bin" ] || { echo "$0: $bin missing: run make nbd-host-test" >&2; exit 1; }
for tool in nbd-server nbdkit python3; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "$0: $tool missing; run 'make deps'" >&2
		exit 1
	}
done
tmp=$(mktemp -d /tmp/ninbd-host.XXXXXX)
pids=
cleanup() {
	if [ -s "$tmp/nbd-server.pid" ]; then
		kill "$(cat "$tmp/nbd-server.pid")" 2>/dev/null || true
	fi
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# shellcheck source=tests/lab/ports.sh
. "$top/tests/lab/ports.sh"

# 1 MiB + 4 KiB of random bytes, and the sha256 of its first 4 KiB
head -c 1052672 /dev/urandom >"$tmp/img"
size=1052672
first=$(head -c 4096 "$tmp/img" | sha256sum | cut -d' ' -f1)

pass=0
fail=0
# run NAME WANT_RC WANT_TEXT URL [TIMEOUT_MS]: the output must hold WANT_TEXT
run() {
	name=$1
	want_rc=$2
	want=$3
	shift 3
	rc=0
	"$bin" "$@" >"$tmp/out" 2>&1 || rc=$?
	if [ "$rc" = "$want_rc" ] && grep -qF -- "$want" "$tmp/out"; then
		pass=$((pass + 1))
		echo "ok:   $name"
	else
		fail=$((fail + 1))
		echo "FAIL: $name: exit $rc (want $want_rc), no '$want' in:" >&2
		sed 's/^/      /' "$tmp/out" >&2
	fi
}

# nbd-server (daemonizes; its pid file lets cleanup end it)
np=$(free_port)
printf '[generic]\n\tlistenaddr = 127.0.0.1\n\tport = %s\n[img]\n\texportname = %s\n\treadonly = true\n' \
	"$np" "$tmp/img" >"$tmp/nbd-server.conf"
nbd-server -C "$tmp/nbd-server.conf" -p "$tmp/nbd-server.pid" >"$tmp/nbd-server.log" 2>&1
wait_port "$np" || { echo "$0: nbd-server did not start" >&2; cat "$tmp/nbd-server.log" >&2; exit 1; }
echo "nbd-server $(dpkg-query -W -f '${Version}' nbd-server 2>/dev/null) on port $np"
# flags 0x143: HAS_FLAGS, READ_ONLY, SEND_WRITE_ZEROES, CAN_MULTI_CONN
run "nbd-server: size and flags" 0 "size=$size flags=0x143" "nbd://127.0.0.1:$np/img"
run "nbd-server: first 4 KiB over the socket" 0 "first=$first" "nbd://127.0.0.1:$np/img"
run "nbd-server: host name" 0 "first=$first" "nbd://localhost:$np/img"
run "nbd-server: unknown export" 1 \
	"nbd://127.0.0.1:$np/nope: the server has no export of that name (server: \"Export unknown\")" \
	"nbd://127.0.0.1:$np/nope"
run "nbd-server: default export (none configured)" 1 "the server has no export of that name" \
	"nbd://127.0.0.1:$np/"

# nbdkit: the file plugin, read-only, names checked by the exportname filter
kp=$(free_port)
nbdkit -f -r -i 127.0.0.1 -p "$kp" --filter=exportname file "$tmp/img" \
	exportname=img exportname-strict=true >"$tmp/nbdkit.log" 2>&1 &
pids="$pids $!"
wait_port "$kp" || { echo "$0: nbdkit did not start" >&2; cat "$tmp/nbdkit.log" >&2; exit 1; }
echo "$(nbdkit --version) on port $kp"
# flags 0x507: HAS_FLAGS, READ_ONLY, SEND_FLUSH, SEND_CACHE, CAN_MULTI_CONN
run "nbdkit: size and flags" 0 "size=$size flags=0x507" "nbd://127.0.0.1:$kp/img"
run "nbdkit: first 4 KiB over the socket" 0 "first=$first" "nbd://127.0.0.1:$kp/img"
run "nbdkit: unknown export" 1 "nbd://127.0.0.1:$kp/nope: the server has no export of that name" \
	"nbd://127.0.0.1:$kp/nope"

# an IPv6 literal host ([::1]), through url.c's parser and Happy Eyeballs
sixp=$(free_port)
nbdkit -f -r -i ::1 -p "$sixp" file "$tmp/img" >"$tmp/nbdkit6.log" 2>&1 &
pids="$pids $!"
wait_port "$sixp" ::1 || { echo "$0: nbdkit on ::1 did not start" >&2; cat "$tmp/nbdkit6.log" >&2; exit 1; }
run "nbdkit on [::1]: IPv6 literal" 0 "first=$first" "nbd://[::1]:$sixp/"

# nbdkit without NO_ZEROES, and without fixed newstyle at all
zp=$(free_port)
nbdkit -f -r -i 127.0.0.1 -p "$zp" --mask-handshake=1 file "$tmp/img" >/dev/null 2>&1 &
pids="$pids $!"
op=$(free_port)
nbdkit -f -r -i 127.0.0.1 -p "$op" --mask-handshake=0 file "$tmp/img" >/dev/null 2>&1 &
pids="$pids $!"
if ! wait_port "$zp" || ! wait_port "$op"; then
	echo "$0: nbdkit did not start" >&2
	exit 1
fi
run "nbdkit without NO_ZEROES" 0 "first=$first" "nbd://127.0.0.1:$zp/img"
run "nbdkit without fixed newstyle" 1 "the NBD server lacks fixed newstyle negotiation" \
	"nbd://127.0.0.1:$op/img"

# nobody listening; a server that accepts and never speaks
dead=$(free_port)
run "connection refused" 1 "nbd://127.0.0.1:$dead/: cannot connect: Connection refused" \
	"nbd://127.0.0.1:$dead/img"
sp=$(free_port)
python3 -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(4)
c = []
while True:
    c.append(s.accept()[0])' "$sp" &
pids="$pids $!"
wait_port "$sp"
start=$(date +%s)
run "silent server: timeout" 1 "nbd://127.0.0.1:$sp/img: no answer in time" \
	"nbd://127.0.0.1:$sp/img" 1500
secs=$(($(date +%s) - start))
if [ "$secs" -le 4 ]; then
	pass=$((pass + 1))
	echo "ok:   silent server: gave up after ${secs} s (timeout 1.5 s)"
else
	fail=$((fail + 1))
	echo "FAIL: silent server: took ${secs} s with a 1.5 s timeout" >&2
fi

echo "nbd_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Host tests of stream mode's backend: build/host/stream-harness (src/stream.c
# under ASan/UBSan, playing the kernel's nbd side of the socketpair) against
# tests/host/streamd.py on 127.0.0.1. Every byte read is compared with a
# copy of the image; the server's access log counts the HTTP requests.
# Cases: plain reads (and the read-only answers), sequential reads coalesced
# and read ahead, the next window's GET sent ahead of the reads (and its
# answer dropped half way), the server killed and restarted mid-run, the
# image replaced on the server (also after a GET ahead), a server that
# ignores Range, two mirrors with the
# first dead, a mirror dying mid-run, a stall that outlasts
# netinit.stream.timeout; cache mode (netinit.stream=cache: the copy into
# RAM completes and later reads make no request, a sha256 pin that does not
# match drops the copy and reads go on streaming, netinit.stream.rate slows
# the copy down); IPv6 (a [::1] URL, and in a network namespace of
# its own a name with only an AAAA record from tests/host/fakedns.py) and
# netinit.proxy (through tinyproxy, and a proxy that is down). Seconds, no QEMU.
# Usage: stream_test.sh [BINARY]
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$top/build/host/stream-harness}
[ -x "$bin" ] || { echo "$0: $bin missing: run make build/host/stream-harness" >&2; exit 1; }
tmp=$(mktemp -d /tmp/nistream-host.XXXXXX)
pids=
ns=
cleanup() {
	for p in $pids $(cat "$tmp"/*.pid 2>/dev/null); do kill "$p" 2>/dev/null || true; done
	[ -z "$ns" ] || ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
	[ -z "$ns" ] || ip netns del "$ns" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# a 3 MiB + 5 bytes image: odd size, the last chunk is short
mkdir "$tmp/srv"
head -c 3145733 /dev/urandom >"$tmp/srv/img"
cp "$tmp/srv/img" "$tmp/copy"
# shellcheck source=tests/lab/ports.sh
. "$top/tests/lab/ports.sh"
# serve NAME PORT [ADDR]: starts streamd on PORT (of ADDR, 127.0.0.1 unless
# given; in the namespace $in_ns when set), its pid in $tmp/NAME.pid, log in
# $tmp/NAME.log
in_ns=
serve() {
	# shellcheck disable=SC2086 # in_ns: a command prefix, word-split on purpose
	$in_ns python3 "$top/tests/host/streamd.py" "$tmp/srv" "$2" "${3:-127.0.0.1}" \
		>"$tmp/$1.port" 2>>"$tmp/$1.log" &
	echo $! >"$tmp/$1.pid"
	pids="$pids $!"
	i=0
	until grep -q 'port' "$tmp/$1.port" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 200 ] || { echo "$0: streamd did not start" >&2; exit 1; }
		sleep 0.05
	done
}
stop() {
	kill "$(cat "$tmp/$1.pid")" 2>/dev/null || true
	wait "$(cat "$tmp/$1.pid")" 2>/dev/null || true
}
portA=$(free_port)
portB=$(free_port)
dead=$(free_port)
serve A "$portA"
A="http://127.0.0.1:$portA"
B="http://127.0.0.1:$portB"

pass=0
fail=0
n=0
# check NAME COND MESSAGE: one verdict
check() {
	if [ "$2" = 1 ]; then
		pass=$((pass + 1))
		printf 'pass %-24s %s\n' "$1" "$3"
	else
		fail=$((fail + 1))
		printf 'FAIL %-24s %s; harness output:\n' "$1" "$3"
		sed 's/^/    /' "$tmp/out$n"
	fi
}
# harness WANT_RC URLS [TIMEOUT]: runs the commands on stdin, output in
# $tmp/out$n (a pipeline runs it in a subshell: each case starts with next)
next() { n=$((n + 1)); }
harness() {
	rc=0
	# shellcheck disable=SC2086 # in_ns: a command prefix, word-split on purpose
	$in_ns "$bin" "$tmp/copy" "$2" "${3:-300}" >"$tmp/out$n" 2>&1 || rc=$?
	[ "$rc" = "$1" ]
}
gets() { grep -c "GET /img range=bytes=.*if-range=\"" "$tmp/A.log" || true; }
has() { grep -qF -- "$1" "$tmp/out$n" && echo 1 || echo 0; }

next
# plain reads: scattered, the short last chunk, across chunk borders;
# writes refused (EPERM), a read past the end refused (EINVAL)
ok=1
harness 0 "$A/img" <<EOF || ok=0
read 0 4096
read 1000000 131072
read 131000 1000
read 3145000 733
read 2097152 524288
write 4096 4096
read 3145000 734
disc
EOF
[ "$(grep -c ' ok$' "$tmp/out$n")" = 5 ] || ok=0
[ "$(has 'write 4096 4096 eperm')" = 1 ] || ok=0
[ "$(has 'read 3145000 734 err')" = 1 ] || ok=0
[ "$(has 'disc: server exited 0')" = 1 ] || ok=0
check plain "$ok" "5 reads byte-exact, write EPERM, past the end EINVAL, DISC ends it"

next
# sequential reads of the whole image, 128 KiB each: readahead makes a few
# GETs of them; 8 pipelined 64 KiB reads are coalesced into one GET
: >"$tmp/A.log"
{ i=0; while [ $i -lt 24 ]; do echo "read $((i * 131072)) 131072"; i=$((i + 1)); done
  echo "read 3145728 5"; echo disc; } | harness 0 "$A/img" || true
g=$(gets)
ok=0
[ "$(grep -c ' ok$' "$tmp/out$n")" = 25 ] && [ "$g" -le 4 ] && ok=1
check sequential-readahead "$ok" "25 reads, $g GETs after the start check (at most 4)"
next
: >"$tmp/A.log"
printf 'pipe 2162688 65536 8\ndisc\n' | harness 0 "$A/img" || true
g=$(gets)
ok=0
[ "$(grep -c ' ok$' "$tmp/out$n")" = 8 ] && [ "$g" = 1 ] && ok=1
check pipelined-coalesced "$ok" "8 back-to-back reads, $g GET (want 1)"

# cache mode, sha256 pinned (right): the copy runs while the harness idles;
# after its line, scattered reads (right bytes) make no HTTP request
sha=$(sha256sum "$tmp/copy" | cut -d' ' -f1)
next
: >"$tmp/A.log"
ok=1
{ echo "read 1048576 4096"; sleep 1.5; gets >"$tmp/mark"
  printf 'read 0 4096\nread 3145000 733\nread 2097152 524288\nread 131000 1000\ndisc\n'; } |
	NETINIT_ARGS="netinit.stream=cache netinit.sha256=$sha" harness 0 "$A/img" || ok=0
[ "$(grep -c ' ok$' "$tmp/out$n")" = 5 ] || ok=0
[ "$(has 'image in RAM after 0 s: the network is no longer needed')" = 1 ] || ok=0
[ "$(gets)" = "$(cat "$tmp/mark")" ] || ok=0
check cache-copy "$ok" "copied and sha256-checked in the background; $(($(gets) - $(cat "$tmp/mark"))) GETs after (want 0)"

# cache mode, a sha256 pin the image does not match: the copy is dropped
# (loudly), the reads after it still answer right, from the network
next
: >"$tmp/A.log"
ok=1
{ echo "read 0 4096"; sleep 1.5; gets >"$tmp/mark"
  printf 'read 2097152 131072\nread 524288 4096\ndisc\n'; } |
	NETINIT_ARGS="netinit.stream=cache netinit.sha256=$(echo "$sha" | tr 0-9a-f 1-9a-f0)" \
	harness 0 "$A/img" || ok=0
[ "$(grep -c ' ok$' "$tmp/out$n")" = 3 ] || ok=0
[ "$(has "!!! cache: sha256 $sha is not netinit.sha256: copy dropped")" = 1 ] || ok=0
[ "$(has 'no longer needed')" = 0 ] || ok=0
[ "$(gets)" -gt "$(cat "$tmp/mark")" ] || ok=0
check cache-sha-mismatch "$ok" "copy dropped, $(($(gets) - $(cat "$tmp/mark"))) GETs after (want > 0)"

# netinit.stream.rate=1024 (KiB/s): the copy of the 3 MiB image (no read
# before it) takes about 3 s (0 s without the cap, case cache-copy)
next
ok=1
{ sleep 6; echo "read 0 4096"; echo disc; } |
	NETINIT_ARGS="netinit.stream=cache netinit.stream.rate=1024" harness 0 "$A/img" || ok=0
secs=$(sed -n 's/.*image in RAM after \([0-9]*\) s.*/\1/p' "$tmp/out$n")
[ -n "$secs" ] && [ "$secs" -ge 2 ] && [ "$secs" -le 5 ] || ok=0
check cache-rate "$ok" "copy at 1024 KiB/s: in RAM after ${secs:-?} s (want 2..5)"

next
# a sequential reader's next window is asked for before it reads there:
# the GET for chunks 10-17 is in the server's log while the reader waits,
# and its reads there cost no further request for them
: >"$tmp/A.log"
{ echo "read 0 4096"; echo "read 131072 131072"; sleep 1; cp "$tmp/A.log" "$tmp/early.log"
  echo "read 1310720 1048576"; echo disc; } | harness 0 "$A/img" || true
ok=0
[ "$(grep -c ' ok$' "$tmp/out$n")" = 3 ] && grep -q 'range=bytes=1310720-2359295 ' "$tmp/early.log" &&
	[ "$(grep -c 'range=bytes=1310720-' "$tmp/A.log")" = 1 ] && ok=1
check get-ahead "$ok" "the next window's GET sent before the reader asked, read once"
next
# the same, the GET ahead's answer dropped half way (streamd's 3rd request):
# the chunks before the drop are kept, the rest fetched again, no EIO
serve D "$portB"
{ echo "read 0 4096"; echo "read 131072 131072"; sleep 1; cp "$tmp/D.log" "$tmp/early.log"
  echo "read 1310720 1048576"; echo disc; } | harness 0 "$B/drop3/img" || true
ok=0
[ "$(grep -c ' ok$' "$tmp/out$n")" = 3 ] && grep -q 'range=bytes=1310720-2359295 ' "$tmp/early.log" &&
	[ "$(grep -c 'range=bytes=1835008-2359295 ' "$tmp/D.log")" = 1 ] && ok=1
check get-ahead-dropped "$ok" "a drop while a GET is pending: the rest fetched again, bytes right"
stop D

next
# the server killed, restarted 3 s later on the same port: the read stalls,
# then completes with the right bytes
ok=1
{ echo "read 0 4096"; sleep 1; stop A; (sleep 3; serve A "$portA") & 
  echo "read 2097152 131072"; sleep 6; echo "read 1048576 65536"; echo disc; } |
	harness 0 "$A/img" || ok=0
[ "$(grep -c ' ok$' "$tmp/out$n")" = 3 ] || ok=0
[ "$(has 'stalled')" = 1 ] && [ "$(has 'recovered')" = 1 ] || ok=0
check server-restart "$ok" "read stalled, recovered, bytes right"
wait

next
# the file replaced on the server (same size, other bytes): reads of data
# the cache holds are answered (old bytes); any other read is EIO, never
# the new bytes
ok=1
{ echo "read 0 4096"; sleep 0.5
  head -c 3145733 /dev/urandom >"$tmp/srv/img.new"; mv "$tmp/srv/img.new" "$tmp/srv/img"
  echo "read 1048576 65536"; echo "read 0 8192"; echo disc; } | harness 0 "$A/img" || ok=0
[ "$(has 'read 1048576 65536 eio')" = 1 ] || ok=0
[ "$(has 'read 0 8192 ok')" = 1 ] || ok=0
[ "$(has 'image changed on the server')" = 1 ] || ok=0
grep -q MISMATCH "$tmp/out$n" && ok=0
check image-replaced "$ok" "EIO for changed data, cached data still served, never mixed"
cp "$tmp/srv/img" "$tmp/copy"

next
# the same with a GET ahead answered before the change: its bytes (the old
# image's, as the copy) are served; the next GET ahead gets the new file's
# 200 (If-Range): EIO, never the new bytes
ok=1
{ echo "read 0 4096"; echo "read 131072 131072"; sleep 1
  head -c 3145733 /dev/urandom >"$tmp/srv/img.new"; mv "$tmp/srv/img.new" "$tmp/srv/img"
  echo "read 1310720 131072"; echo "read 2359296 131072"; echo disc; } | harness 0 "$A/img" || ok=0
[ "$(has 'read 1310720 131072 ok')" = 1 ] || ok=0
[ "$(has 'read 2359296 131072 eio')" = 1 ] || ok=0
[ "$(has 'image changed on the server')" = 1 ] || ok=0
grep -q MISMATCH "$tmp/out$n" && ok=0
check image-replaced-ahead "$ok" "the GET ahead's old bytes served, then EIO, never mixed"
cp "$tmp/srv/img" "$tmp/copy"

next
# a server that ignores Range is refused at the start
ok=1
harness 3 "$A/norange/img" </dev/null || ok=0
[ "$(has 'answered a Range request with the whole file (HTTP 200)')" = 1 ] || ok=0
check norange-refused "$ok" "start check refuses a 200"

next
# two mirrors, the first dead: every read comes from the second
: >"$tmp/A.log"
ok=1
printf 'read 0 4096\nread 2097152 131072\nread 524288 4096\ndisc\n' |
	harness 0 "http://127.0.0.1:$dead/img,$A/img" || ok=0
[ "$(grep -c ' ok$' "$tmp/out$n")" = 3 ] || ok=0
[ "$(has "Connection refused")" = 1 ] || ok=0
[ "$(grep -c 'GET /img' "$tmp/A.log")" -ge 3 ] || ok=0
check first-mirror-dead "$ok" "start check and reads from the second mirror"

next
# two live mirrors on the same file, the first killed mid-run: reads go on
# from the second, with no EIO
serve B "$portB"
ok=1
{ echo "read 0 4096"; echo "read 131072 4096"; sleep 0.5; stop A
  echo "read 2883584 131072"; echo "read 1572864 4096"; echo disc; } |
	harness 0 "$A/img,$B/img" || ok=0
[ "$(grep -c ' ok$' "$tmp/out$n")" = 4 ] || ok=0
[ "$(grep -c 'GET /img' "$tmp/B.log")" -ge 1 ] || ok=0
check mirror-dies-midrun "$ok" "reads continue from the second mirror"
stop B

next
# no server at all for longer than netinit.stream.timeout (3 s): EIO then
serve A "$portA"
ok=1
start=$(date +%s)
{ echo "read 0 4096"; sleep 1; stop A; echo "read 2097152 4096"; echo disc; } |
	harness 0 "$A/img" 3 || ok=0
secs=$(($(date +%s) - start))
[ "$(has 'read 2097152 4096 eio')" = 1 ] || ok=0
[ "$(has 'netinit.stream.timeout')" = 1 ] || ok=0
[ "$secs" -ge 4 ] && [ "$secs" -le 15 ] || ok=0
check timeout-eio "$ok" "EIO after the 3 s stream timeout (${secs}s)"

stop A

next
# IPv6: streamd on [::1] only, a [v6] literal URL (start check and reads)
portV=$(free_port)
serve V "$portV" ::1
ok=1
printf 'read 0 4096\nread 2097152 262144\nread 3145000 733\ndisc\n' |
	harness 0 "http://[::1]:$portV/img" || ok=0
[ "$(grep -c ' ok$' "$tmp/out$n")" = 3 ] || ok=0
[ "$(grep -c 'if-range=".*peer=::1 -> 206' "$tmp/V.log")" -ge 2 ] || ok=0
check ipv6-literal "$ok" "a [::1] URL: start check and reads over IPv6"
stop V

# netinit.proxy: tinyproxy (as in fetch_test.sh) in front of streamd; every
# request in absolute-form through it, Range and If-Range passed on
serve A "$portA"
pport=$(free_port)
cat >"$tmp/tinyproxy.conf" <<EOF
Port $pport
Listen 127.0.0.1
Timeout 30
MaxClients 20
Allow 127.0.0.1
LogLevel Info
LogFile "$tmp/tinyproxy.log"
EOF
next
ok=1
if command -v tinyproxy >/dev/null 2>&1; then
	tinyproxy -d -c "$tmp/tinyproxy.conf" >/dev/null 2>&1 &
	echo $! >"$tmp/tinyproxy.pid"
	wait_port "$pport" || { echo "$0: tinyproxy did not start" >&2; exit 1; }
	: >"$tmp/A.log"
	export NETINIT_PROXY="http://127.0.0.1:$pport"
	printf 'read 0 4096\nread 2097152 262144\nread 1048576 65536\ndisc\n' |
		harness 0 "$A/img" || ok=0
	[ "$(grep -c ' ok$' "$tmp/out$n")" = 3 ] || ok=0
	[ "$(grep -cF "GET $A/img HTTP/1.1" "$tmp/tinyproxy.log")" -ge 3 ] || ok=0
	[ "$(grep -c 'range=bytes=.*if-range="' "$tmp/A.log")" -ge 2 ] || ok=0
	check proxy "$ok" "start check and reads through tinyproxy, absolute-form, If-Range"
	next
	NETINIT_PROXY="http://127.0.0.1:$dead"
	ok=1
	harness 3 "$A/img" </dev/null || ok=0
	[ "$(has "cannot connect to the proxy 127.0.0.1 port $dead")" = 1 ] || ok=0
	check proxy-down "$ok" "a proxy that is down fails the start check, named"
	unset NETINIT_PROXY
	stop tinyproxy
else
	: >"$tmp/out$n"
	check proxy 0 "tinyproxy missing: run make deps"
fi
stop A

# A name with only an AAAA record, in a namespace of our own (serialized with
# the other labs): fakedns answers v6only.test with ::1, streamd listens there
v6name_case() {
	ns=httpc-st$$
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	in_ns="ip netns exec $ns"
	portN=$(free_port)
	serve N "$portN" ::1
	$in_ns python3 "$top/tests/host/fakedns.py" 127.0.0.1 "v6only.test=::1" \
		>"$tmp/dns-ready" 2>"$tmp/fakedns.log" &
	echo $! >"$tmp/fakedns.pid"
	i=0
	until grep -q ready "$tmp/dns-ready" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "$0: fakedns did not start in $ns" >&2; exit 1; }
		sleep 0.05
	done
	echo "nameserver 127.0.0.1" >"$tmp/resolv.conf"
	next
	ok=1
	export NETINIT_RESOLV="$tmp/resolv.conf"
	printf 'read 0 4096\nread 1048576 131072\ndisc\n' |
		harness 0 "http://v6only.test:$portN/img" || ok=0
	unset NETINIT_RESOLV
	[ "$(grep -c ' ok$' "$tmp/out$n")" = 2 ] || ok=0
	grep -q "v6only.test AAAA" "$tmp/fakedns.log" || ok=0
	[ "$(grep -c 'peer=::1 -> 206' "$tmp/N.log")" -ge 2 ] || ok=0
	check ipv6-aaaa-only "$ok" "a name with only an AAAA record: reads over IPv6"
	in_ns=
	ip netns pids "$ns" | xargs -r kill 2>/dev/null || true
	ip netns del "$ns"
	ns=
}
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null 2>&1; then
	exec 9>/tmp/netlab.lock
	flock 9
	v6name_case
	flock -u 9
else
	echo "skip ipv6-aaaa-only: needs root for a network namespace"
fi

echo "stream host tests: $pass passed, $fail failed"
[ "$fail" = 0 ]

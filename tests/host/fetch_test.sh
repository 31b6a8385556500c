#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Host-level fault tests of the fetch stage: build/host/netinit-fetch-asan
# (src/fetch.c under ASan/UBSan) against tests/fault/faultd.py on
# 127.0.0.1 and [::1], one case per fault; the same through tinyproxy
# (netinit.proxy, a drop resumed through it); and, in a network namespace
# of its own, a dual-stack name (tests/host/fakedns.py) whose IPv6 address
# is a black hole: Happy Eyeballs must reach IPv4 well within a second. Each case checks the exit status, a line
# of the tool's output, and that the output file is the image byte for byte
# (or, on failure, that neither it nor its .part exists). Each run is killed
# after 60 s: a hang is a failure. The write-error case runs the non-ASan
# build/host/netinit-fetch under tests/host/write_fault.c (LD_PRELOAD).
# Seconds, no QEMU.
# Usage: fetch_test.sh [BINARY]
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lab/ports.sh
. "$top/tests/lab/ports.sh"
bin=${1:-$top/build/host/netinit-fetch-asan}
plain_bin=$top/build/host/netinit-fetch
for b in "$bin" "$plain_bin"; do
	[ -x "$b" ] || { echo "$0: $b missing: run make host" >&2; exit 1; }
done
tmp=$(mktemp -d /tmp/nifetch-host.XXXXXX)
srv_pid=
px_pid=
ns=
cleanup() {
	[ -z "$srv_pid" ] || kill "$srv_pid" 2>/dev/null || true
	[ -z "$px_pid" ] || kill "$px_pid" 2>/dev/null || true
	[ -z "$ns" ] || ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
	[ -z "$ns" ] || ip netns del "$ns" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# a 3 MiB + 5 bytes image: odd size, so halves and chunks do not line up
head -c 3145733 /dev/urandom >"$tmp/img"
sha=$(sha256sum "$tmp/img" | cut -d' ' -f1)
python3 "$top/tests/fault/faultd.py" "$tmp" >"$tmp/port" 2>"$tmp/faultd.log" &
srv_pid=$!
i=0
until grep -q 'port' "$tmp/port" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "$0: faultd did not start" >&2; exit 1; }
	sleep 0.05
done
port=$(sed -n 's/^faultd: port //p' "$tmp/port")
${HOSTCC:-cc} -shared -fPIC -o "$tmp/write_fault.so" "$top/tests/host/write_fault.c" -ldl
base="http://127.0.0.1:$port"
# a port nobody listens on: bind, read the number, close
dead=$(free_port)

pass=0
fail=0

# ranged PATH TEXT: faultd's access line for PATH (after the port) holds TEXT
ranged() {
	p=${1#"$base"}
	if ! grep -F "GET $p " "$tmp/faultd.log" | grep -qiF -- "$2"; then
		fail=$((fail + 1))
		echo "FAIL request for $p: want \"$2\"; faultd saw:"
		grep -F "GET $p " "$tmp/faultd.log" | sed 's/^/    /'
	fi
}
n=0

# run NAME WANT_RC WANT_TEXT ARGS...: WANT_RC 0 also needs the exact image.
# With preload set, the non-ASan binary runs with it as LD_PRELOAD.
preload=
run() {
	name=$1
	want_rc=$2
	want=$3
	shift 3
	n=$((n + 1))
	out="$tmp/out$n"
	start=$(date +%s)
	rc=0
	if [ -n "$preload" ]; then
		LD_PRELOAD=$preload timeout 60 "$plain_bin" --retries 0 --timeout 5 -o "$out" "$@" \
			>"$tmp/log$n" 2>&1 || rc=$?
	else
		# shellcheck disable=SC2086 # HE_PREFIX: a command prefix, word-split on purpose
		${HE_PREFIX:-} timeout 60 "$bin" --retries 0 --timeout 5 -o "$out" "$@" \
			>"$tmp/log$n" 2>&1 || rc=$?
	fi
	secs=$(($(date +%s) - start))
	ok=1
	[ "$rc" = "$want_rc" ] || ok=0
	grep -qF -- "$want" "$tmp/log$n" || ok=0
	if [ "$want_rc" = 0 ]; then
		cmp -s "$tmp/img" "$out" || ok=0
	else
		[ ! -e "$out" ] || ok=0
	fi
	[ ! -e "$out.part" ] || ok=0
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
		printf 'pass %-22s %2ss\n' "$name" "$secs"
	else
		fail=$((fail + 1))
		printf 'FAIL %-22s rc=%s (want %s), want "%s"; output:\n' "$name" "$rc" \
			"$want_rc" "$want"
		sed 's/^/    /' "$tmp/log$n"
	fi
}

bad=0000000000000000000000000000000000000000000000000000000000000000
run plain 0 "sha256 verified" "$base/img" --sha256 "$sha"
run plain-wrong-sha 1 "sha256 mismatch: expected $bad, got $sha" "$base/img" --sha256 "$bad"
run drop50-resume 0 "resuming at 1 MiB of 3 MiB" "$base/drop50/img" --sha256 "$sha"
run badrange-refused 1 "HTTP 206 with Content-Range 0-3145732/3145733 does not answer bytes=1572866-" \
	"$base/badrange-drop50/img" --sha256 "$sha"
run badrange-next-mirror 0 "resuming at 1 MiB of 3 MiB from 127.0.0.1" \
	"$base/badrange-drop50/img" "$base/img" --sha256 "$sha"
run norange-restart 0 "ignored the Range request (HTTP 200): restarting from 0" \
	"$base/norange-drop50/img?t=1" --sha256 "$sha"
run stall-resume 0 "(Connection timed out): resuming" "$base/stall/img" --sha256 "$sha" \
	--idle-timeout 1
run 404-then-good 0 "HTTP 404 from 127.0.0.1" "$base/404/img" "$base/img" --sha256 "$sha"
run 500-once-round2 0 "round 2 of 2" "$base/500-once/img?t=2" --sha256 "$sha" --retries 1
run wrong-then-good 0 "sha256 verified" "$base/wrongbytes/img" "$base/img" --sha256 "$sha"
run wrongbytes 1 "sha256 mismatch" "$base/wrongbytes/img" --sha256 "$sha"
run truncated 1 "download failed at 1572866 of 3145733 bytes" "$base/truncated/img" \
	--sha256 "$sha"
run truncated-then-good 0 "resuming at 1 MiB" "$base/truncated/img" "$base/img?t=ttg" \
	--sha256 "$sha"
# the good mirror resumed where the truncated one stopped (not from 0)
ranged "$base/img?t=ttg" "range=bytes=1572866-"
run redirect-chain 0 "sha256 verified" "$base/redir4/img" --sha256 "$sha"
run redirect-too-long 1 "too many or bad redirects" "$base/redir6/img" --sha256 "$sha"
run redirect-loop 1 "too many or bad redirects (last: /redirect-loop/img)" \
	"$base/redirect-loop/img" --sha256 "$sha"
run chunked 0 "(size unknown, chunked)" "$base/chunked/img" --sha256 "$sha"
run chunked-no-sha 0 "fetched 3 MiB" "$base/chunked/img"
run chunked-drop50-resume 0 "resuming at" "$base/chunked-drop50/img" --sha256 "$sha"
run chunked-wrong-size 1 "body ended at 3145733 of 3145734 bytes" \
	"$base/chunked/img" --size 3145734
run nolength 1 "neither Content-Length nor a chunked body" "$base/nolength/img"
run size-mismatch 1 "netinit.size is 3145732" "$base/img" --size 3145732
run connect-refused-next 0 "Connection refused" "http://127.0.0.1:$dead/img" "$base/img" \
	--sha256 "$sha"
run missing 1 "HTTP 404" "$base/nothere"
# issue 14: backpressure. A 503/429 with Retry-After is waited for (3 s and
# up to 1.75 s of jitter), with no backoff on top; without honouring it the
# next round came after the 0.5-1.5 s backoff
run busy-503 0 "mirror busy (503), retrying in" "$base/503ra3/img" --sha256 "$sha" \
	--retries 1
# retry_in LO HI: the wait the busy line announced is LO-HI s (N and its jitter)
retry_in() {
	w=$(sed -n 's/.*mirror busy ([0-9]*), retrying in \([0-9.]*\) s$/\1/p' "$tmp/log$n" | head -n 1)
	if ! awk -v w="$w" -v lo="$1" -v hi="$2" 'BEGIN { exit !(w != "" && w >= lo && w <= hi) }'; then
		fail=$((fail + 1))
		echo "FAIL $name: announced a wait of '$w' s, want $1-$2"
	fi
}
busy_waited() {
	if [ "$secs" -lt "$1" ] || [ "$secs" -gt "$2" ] || grep -q 'all mirrors failed' "$tmp/log$n"; then
		fail=$((fail + 1))
		echo "FAIL $name: ${secs}s, want $1-$2 s and no backoff line"
	fi
}
retry_in 3 4.75
busy_waited 3 6
run busy-429-date 0 "mirror busy (429), retrying in" "$base/429date4/img" --sha256 "$sha" \
	--retries 1
retry_in 4 6
busy_waited 4 7
run busy-503-clock 0 "mirror busy (503), retrying in" "$base/503clock3/img" --sha256 "$sha" \
	--retries 1
retry_in 2 4.5
busy_waited 2 6
# a busy mirror is left for the next at once, and not asked again
run busy-next-mirror 0 "mirror busy (503), retrying in" "$base/503busy30/img" \
	"$base/img?t=bn" --sha256 "$sha"
retry_in 30 38.5
busy_waited 0 3
[ "$(grep -c 'GET /503busy30/img ' "$tmp/faultd.log")" = 1 ] ||
	{ fail=$((fail + 1)); echo "FAIL busy-next-mirror: the busy mirror was asked again"; }
# still busy after every round: the rounds wait for it, then give up
run busy-always 1 "mirror busy (503), retrying in" "$base/503busy1/img?t=ba" --retries 2
retry_in 1 2.25
busy_waited 2 6
[ "$(grep -c 'GET /503busy1/img?t=ba ' "$tmp/faultd.log")" = 3 ] ||
	{ fail=$((fail + 1)); echo "FAIL busy-always: want 3 requests"; }
# issue 10: a wrong file must never get its final name
# a short write then EIO at byte 1000000: the next mirror writes at the byte it resumes from
preload=$tmp/write_fault.so
export WRITE_FAULT_AT=1000000
run write-error 0 "at byte 1000000: Input/output error" \
	"$base/img" "$base/img?t=we" --sha256 "$sha"
unset WRITE_FAULT_AT
# the hashing child's first read fails: no digest, one line, fetched again and verified
export READ_FAULT_ONCE="$tmp/read-fault-spent"
run hash-child-dies 0 "the sha256 child failed: fetching again" \
	"$base/img" "$base/img?t=hcd" --sha256 "$sha"
[ -e "$READ_FAULT_ONCE" ] || { fail=$((fail + 1)); echo "FAIL hash-child-dies: no read fault"; }
unset READ_FAULT_ONCE
preload=
# resumes that must start over: size unknown, image replaced, other total, 416;
# pinned, so the digest must restart with the .part (a new hashing child)
run chunked-star 0 "for bytes 1572866-2359298 of an image of unknown size: restarting from 0" \
	"$base/chunked-star/img?t=1" --sha256 "$sha"
run replaced 0 "changed on the server (If-Range" "$base/replaced/img?t=1" --sha256 "$sha"
ranged "$base/replaced/img?t=1" 'if-range="old-300005"'
run replaced-noifrange 0 "changed on the server (ETag" "$base/replaced-noifrange/img?t=1" \
	--sha256 "$sha"
run othertotal 0 "now 3146733 bytes, was 3145733: restarting from 0" "$base/othertotal/img?t=1" \
	--sha256 "$sha"
run 416 0 "HTTP 416 (the image there is 3145733 bytes): restarting from 0" \
	"$base/416/img?t=1" --sha256 "$sha"
run gzip 1 "sent the image with Content-Encoding" "$base/gzip/img"
run gzip-then-good 0 "sha256 verified" "$base/gzip/img" "$base/img" --sha256 "$sha"
run always206 1 "HTTP 206 to a request without Range" "$base/always206/img"
run clte 1 "both Content-Length and Transfer-Encoding" "$base/clte/img"
run double-te 1 "malformed HTTP response head" "$base/double-te/img"
# hangs that must leave the mirror: endless 100s, a head a line a second, a trickle
run continue100-then-good 0 "over 10 interim" "$base/continue100/img" "$base/img" \
	--sha256 "$sha"
run slowhead-then-good 0 "no complete response head within 2 s" "$base/slowhead/img" \
	"$base/img" --sha256 "$sha" --idle-timeout 2
run trickle-then-good 0 "below netinit.speed_limit" "$base/trickle/img?t=1" "$base/img?t=tr" \
	--sha256 "$sha" --idle-timeout 3 --speed-limit 1000 --speed-time 2
ranged "$base/img?t=tr" "range=bytes=15728"
# the defaults (1024 bytes/s for 30 s) leave a trickle within a minute
run trickle-defaults 0 "below netinit.speed_limit=1024 bytes/s for netinit.speed_time=30 s" \
	"$base/trickle/img?t=2" "$base/img" --sha256 "$sha"
if [ "$secs" -lt 29 ] || [ "$secs" -gt 45 ]; then
	fail=$((fail + 1))
	echo "FAIL trickle-defaults: left the trickling mirror after ${secs}s, want 30-45"
fi
# one line per failure: a silent server is told once
run silent 1 "sent no complete response head within 1 s" "$base/stall-head/img" \
	--idle-timeout 1
if [ "$(grep -c . "$tmp/log$n")" != 1 ]; then
	fail=$((fail + 1))
	echo "FAIL silent: want one line:"
	cat "$tmp/log$n"
fi
# (no host-name case: the resolver would ask the host's DNS servers, and the
# tests talk to 127.0.0.1 only; tests/netlab covers names in QEMU)
# progress: at most 4 lines a second, with percent, MiB, rate, ETA, host;
# with --quiet only the start and end lines
run progress 0 "ETA" "$base/slow/img" --sha256 "$sha"
lines=$(tr '\r' '\n' <"$tmp/log$n" | grep -c '% .* MiB .* MiB/s ETA [0-9]*s 127.0.0.1' || true)
if [ "$lines" -lt 2 ] || [ "$lines" -gt $((4 * secs + 4)) ]; then
	fail=$((fail + 1))
	echo "FAIL progress: $lines progress lines in ${secs}s"
fi
run quiet 0 "fetched 3 MiB" "$base/slow/img" --sha256 "$sha" --quiet
if [ "$(wc -l <"$tmp/log$n")" != 2 ] || grep -q ETA "$tmp/log$n"; then
	fail=$((fail + 1))
	echo "FAIL quiet: want only the start and end lines:"
	cat "$tmp/log$n"
fi
grep -q 'ua=netinit/' "$tmp/faultd.log" || { fail=$((fail + 1)); echo "FAIL user-agent"; }
# IPv6: a [v6] literal (the Host header keeps the brackets), a drop resumed over it
run ipv6-literal 0 "sha256 verified" "http://[::1]:$port/img?t=v6" --sha256 "$sha"
if ! grep -F "GET /img?t=v6 " "$tmp/faultd.log" | grep -qF "host=[::1]:$port peer=::1"; then
	fail=$((fail + 1))
	echo "FAIL ipv6-literal: faultd did not see Host: [::1]:$port from ::1"
fi
run ipv6-drop50-resume 0 "resuming at 1 MiB of 3 MiB" "http://[::1]:$port/drop50/img?t=v6" \
	--sha256 "$sha"
ranged "$base/drop50/img?t=v6" "range=bytes=1572866-"
run ipv6-zone-refused 2 "IPv6 zone id" "http://[fe80::1%25lo]:$port/img"

# netinit.proxy: tinyproxy (Debian's, our own config, no service) in front of
# faultd; a drop mid-body is resumed through it with Range and If-Range
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
if command -v tinyproxy >/dev/null 2>&1; then
	tinyproxy -d -c "$tmp/tinyproxy.conf" >/dev/null 2>&1 &
	px_pid=$!
	wait_port "$pport" || { echo "$0: tinyproxy did not start" >&2; exit 1; }
	run proxy-drop50-resume 0 "resuming at 1 MiB of 3 MiB" "$base/drop50/img?t=px" \
		--proxy "http://127.0.0.1:$pport" --sha256 "$sha"
	ranged "$base/drop50/img?t=px" "range=bytes=1572866-"
	ranged "$base/drop50/img?t=px" 'if-range="'
	# both requests went through the proxy, in absolute-form
	if [ "$(grep -cF "GET $base/drop50/img?t=px HTTP/1.1" "$tmp/tinyproxy.log")" != 2 ]; then
		fail=$((fail + 1))
		echo "FAIL proxy-drop50-resume: tinyproxy did not relay both requests:"
		sed 's/^/    /' "$tmp/tinyproxy.log"
	fi
	run proxy-down 1 "cannot connect to the proxy 127.0.0.1 port $dead" "$base/img" \
		--proxy "127.0.0.1:$dead"
	kill "$px_pid"
	px_pid=
else
	fail=$((fail + 1))
	echo "FAIL proxy: tinyproxy missing: run make deps"
fi

# Happy Eyeballs, in a netns of our own (serialized with the other labs):
# dual.test has AAAA 2001:db8:5::1 (a neighbour that does not exist: SYNs
# vanish) and A 127.0.0.1 (faultd); v6only.test only the AAAA.
he_case() {
	ns=v6app-he$$
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip -n "$ns" link add v6a type veth peer name v6b
	ip -n "$ns" link set v6a up
	ip -n "$ns" link set v6b up
	ip -n "$ns" addr add 2001:db8:5::2/64 dev v6a nodad
	ip -n "$ns" neigh add 2001:db8:5::1 lladdr 02:00:00:00:5e:01 dev v6a nud permanent
	ip netns exec "$ns" python3 "$top/tests/fault/faultd.py" "$tmp" >"$tmp/port-ns" \
		2>"$tmp/faultd-ns.log" &
	ip netns exec "$ns" python3 "$top/tests/host/fakedns.py" 127.0.0.1 \
		"dual.test=2001:db8:5::1,127.0.0.1" "v6only.test=2001:db8:5::1" \
		>"$tmp/dns-ready" 2>"$tmp/fakedns.log" &
	i=0
	until grep -q port "$tmp/port-ns" 2>/dev/null && grep -q ready "$tmp/dns-ready"; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "$0: faultd or fakedns did not start in $ns" >&2; exit 1; }
		sleep 0.05
	done
	nsport=$(sed -n 's/^faultd: port //p' "$tmp/port-ns")
	echo "nameserver 127.0.0.1" >"$tmp/resolv.conf"
	t0=$(date +%s%N)
	HE_PREFIX="ip netns exec $ns"
	run he-dual-stack 0 "sha256 verified" \
		"http://dual.test:$nsport/img?t=he" --resolv "$tmp/resolv.conf" --sha256 "$sha"
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "     he-dual-stack: whole fetch ${ms} ms (IPv6 black hole, IPv4 after 250 ms)"
	grep -q "dual.test AAAA" "$tmp/fakedns.log" || { fail=$((fail + 1)); echo "FAIL no AAAA query"; }
	if [ "$ms" -ge 3000 ]; then
		fail=$((fail + 1))
		echo "FAIL he-dual-stack: ${ms} ms; the IPv6 black hole should cost 250 ms"
	fi
	# the control: the IPv6 address alone really is a black hole
	HE_PREFIX="ip netns exec $ns"
	run he-v6-blackhole 1 "cannot connect to v6only.test" \
		"http://v6only.test:$nsport/img" --resolv "$tmp/resolv.conf" --connect-timeout 1
	HE_PREFIX=
	ip netns pids "$ns" | xargs -r kill 2>/dev/null || true
	ip netns del "$ns"
	ns=
}
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null 2>&1; then
	exec 9>/tmp/netlab.lock
	flock 9
	he_case
	flock -u 9
else
	echo "skip he-dual-stack: needs root for a network namespace"
fi

# numbers and errno names that are not words
if grep -l -e 'of -1 bytes' -e '17592186044415' -e 'Argument list too long' "$tmp"/log*; then
	fail=$((fail + 1))
	echo "FAIL messages: -1 sizes or errno names instead of words in the logs above"
fi
echo "fetch host tests: $pass passed, $fail failed"
[ "$fail" = 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The small storm (issue 14, make storm-test, part of check): 8 clients,
# each in its own network namespace running build/host/netinit-fetch-asan
# (src/fetch.c) with its own --mac, against two nginx mirrors, each on its
# own link shaped to 100 Mbit/s by tc (tests/host/storm_lib.sh).
#   spread   both mirrors in the same written order, spreading on: each
#            mirror serves 4 +- 1 clients (the MACs are fixed, so the split
#            is the same every run; test_mirror covers the evenness over
#            many MACs)
#   nospread the same with --spread 0: mirror A serves all 8, B none
#   busy     one mirror (faultd, /503win2/) answers 503 "Retry-After: 2"
#            for 2 s from the first request: every client says "mirror
#            busy (503)", waits, and gets the image on its second request;
#            exactly 8 503s (a client that came back early, as the 0.5-1.5 s
#            backoff would, gets a second 503), none back within 2 s
#   cache-nginx, cache-squid  the 8 clients through a cache in front of
#            mirror A, started from Debian's nginx-light and squid with
#            examples/cache/nginx-cache.conf and squid.conf as shipped: the
#            origin sends the image once (nginx: block by block, slice 1m,
#            cache lock), and a Range request through the cache gets the
#            right bytes
# Every client must end with the image byte for byte. Runs under
# /tmp/netlab.lock (taken here); about 30 s.
set -eu

# shellcheck source=tests/host/storm_lib.sh
. "$(dirname "$0")/storm_lib.sh"

bin=${1:-$top/build/host/netinit-fetch-asan}
[ -x "$bin" ] || st_die "$bin missing: run make host"
N=8
RATE=100
tmp=$(mktemp -d /tmp/nistorm.XXXXXX)
chmod 755 "$tmp"	# squid runs as proxy
cleanup() {
	st_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass=0
fail=0
ok() {
	pass=$((pass + 1))
	echo "pass $1"
}
bad() {
	fail=$((fail + 1))
	echo "FAIL $1"
}

st_lock
mkdir -p "$tmp/www"
head -c 8388611 /dev/urandom >"$tmp/www/img"
sha=$(sha256sum "$tmp/www/img" | cut -d' ' -f1)
st_setup "$tmp/lab"
st_host a 10.77.0.1 "$RATE"
st_host b 10.77.0.2 "$RATE"
st_host f 10.77.0.3 "$RATE"
st_host k 10.77.0.4 "$RATE"
st_host q 10.77.0.5 "$RATE"
st_clients "$N"
st_nginx a 10.77.0.1 "$tmp/www"
st_nginx b 10.77.0.2 "$tmp/www"
st_faultd f 10.77.0.3 "$tmp/www"
sed -e "s|@CACHE_DIR@|$tmp/lab/kcache|" -e "s|@LISTEN@|10.77.0.4:80|" -e "s|@ORIGIN@|10.77.0.1|" \
	"$top/examples/cache/nginx-cache.conf" >"$tmp/nginx-cache.conf"
st_nginx k 10.77.0.4 "$tmp/www" "$tmp/nginx-cache.conf"
st_squid q 10.77.0.5 10.77.0.1

# all_good RUN: every client exited 0 with the image
all_good() {
	i=1
	good=0
	while [ "$i" -le "$N" ]; do
		if [ "$(cut -d' ' -f3 "$tmp/$1/c$i.t")" = 0 ] && cmp -s "$tmp/www/img" "$tmp/$1/c$i.img"; then
			good=$((good + 1))
		else
			echo "    client $i:"
			sed 's/^/      /' "$tmp/$1/c$i.log"
		fi
		i=$((i + 1))
	done
	if [ "$good" = "$N" ]; then
		ok "$1: $N/$N clients have the image"
	else
		bad "$1: only $good of $N clients have the image"
	fi
}

# clients NAME: distinct clients that got a 200 from nginx NAME
clients() {
	st_served "$1" | awk '$2 == 200' | cut -d' ' -f1 | sort -u | wc -l
}

t0=$(date +%s)
urls="http://10.77.0.1/img http://10.77.0.2/img"
# shellcheck disable=SC2086 # two URLs
st_storm "$N" "$tmp/spread" "$bin" $urls --sha256 "$sha" --timeout 10
all_good spread
a=$(clients a)
b=$(clients b)
if [ "$a" -ge 3 ] && [ "$a" -le 5 ] && [ $((a + b)) = "$N" ]; then
	ok "spread: mirror A served $a clients, B $b"
else
	bad "spread: mirror A served $a clients, B $b (want 4 +- 1 each, $N in all)"
fi
grep -q 'netinit.spread' "$tmp/spread/c1.log" || bad "spread: no mirror-order line in c1's log"

: >"$tmp/lab/a/logs/access.log"
: >"$tmp/lab/b/logs/access.log"
# shellcheck disable=SC2086
st_storm "$N" "$tmp/nospread" "$bin" $urls --sha256 "$sha" --timeout 10 --spread 0
all_good nospread
a=$(clients a)
b=$(clients b)
if [ "$a" = "$N" ] && [ "$b" = 0 ]; then
	ok "nospread: mirror A served $a clients, B $b"
else
	bad "nospread: mirror A served $a clients, B $b (want $N and 0)"
fi

st_storm "$N" "$tmp/busy" "$bin" http://10.77.0.3/503win2/img --sha256 "$sha" --timeout 10 \
	--retries 2
all_good busy
log="$tmp/lab/f/faultd.log"
n503=$(grep -c 'GET /503win2/img .*-> 503' "$log" || true)
n200=$(grep -c 'GET /503win2/img .*-> 200' "$log" || true)
told=$(grep -l 'mirror busy (503), retrying in' "$tmp"/busy/c*.log | wc -l)
if [ "$n503" = "$N" ] && [ "$n200" = "$N" ] && [ "$told" = "$N" ]; then
	ok "busy: $n503 answers 503, $n200 answers 200, $told clients said 'mirror busy'"
else
	bad "busy: $n503 answers 503, $n200 answers 200, $told clients said 'mirror busy' (want $N each)"
fi
# no client asked again within 2 s of a 503 ("faultd: TIME CLIENT GET PATH ...")
early=$(awk '$4 == "GET" && $5 == "/503win2/img" {
		if (($3 in t) && $2 - t[$3] < 2) n++
		if ($NF == 503) t[$3] = $2
	} END { print n + 0 }' "$log")
if [ "$early" = 0 ]; then
	ok "busy: no client came back within 2 s of its 503"
else
	bad "busy: $early clients came back within 2 s of their 503"
fi
grep -q 'all mirrors failed' "$tmp"/busy/c*.log && bad "busy: a client backed off on top"

# cache NAME URL: the storm through a cache; mirror A (the origin) sends the
# image once; a Range through the cache (curl, from client 1) is right
cache() {
	: >"$tmp/lab/a/logs/access.log"
	st_storm "$N" "$tmp/$1" "$bin" "$2" --sha256 "$sha" --timeout 10
	all_good "$1"
	sent=$(awk '{ s += $3 } END { printf "%.0f", s }' "$tmp/lab/a/logs/access.log")
	size=$(stat -c %s "$tmp/www/img")
	if [ "$sent" -ge "$size" ] && [ "$sent" -le $((size + size / 20)) ]; then
		ok "$1: the origin sent $sent bytes for $N clients (the image is $size)"
	else
		bad "$1: the origin sent $sent bytes for $N clients (want the image, $size, once)"
	fi
	ip netns exec "$ST_P-c1" curl -s -r 1000001- -o "$tmp/$1/range" "$2" || true
	if tail -c +1000002 "$tmp/www/img" | cmp -s - "$tmp/$1/range"; then
		ok "$1: Range bytes=1000001- through the cache"
	else
		bad "$1: Range bytes=1000001- through the cache gave other bytes"
	fi
}
cache cache-nginx http://10.77.0.4/img
cache cache-squid http://10.77.0.5/img

echo "storm test: $pass passed, $fail failed in $(($(date +%s) - t0)) s"
[ "$fail" = 0 ]

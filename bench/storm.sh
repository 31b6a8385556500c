#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make bench-storm (issue 14): N = 1, 8, 32, 64 clients fetching one image
# at once, each client build/host/netinit-fetch (netinit's fetch stage) in
# its own network namespace with its own MAC (tests/host/storm_lib.sh).
# Servers are nginx on links shaped by tc to STORM_MBIT (200 Mbit/s: a
# scaled model of a gigabit server for clients on 2 cores):
#   one    one mirror: throughput as a share of its link
#   two    two mirrors, each on its own link, spreading on: bytes each served
#   cache  examples/cache/nginx-cache.conf (slice 1m) on a STORM_MBIT link in
#          front of one distant mirror on a STORM_ORIGIN_MBIT link: bytes the
#          origin and the cache served
# Raw rows go to bench/storm.csv, the report to bench/storm.md and
# bench/storm.png (bench/storm_report.py, gnuplot). Stream mode's rows are
# left "not measured yet". Under /tmp/netlab.lock; about 10 minutes.
# Environment: STORM_NS (client counts, default "1 8 32 64"), STORM_MIB
# (image size, 64), STORM_MBIT (200), STORM_ORIGIN_MBIT (50), STORM_CONFIGS
# ("one two cache").
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/host/storm_lib.sh
. "$top/tests/host/storm_lib.sh"

NS=${STORM_NS:-1 8 32 64}
MIB=${STORM_MIB:-64}
MBIT=${STORM_MBIT:-200}
OMBIT=${STORM_ORIGIN_MBIT:-50}
CONFIGS=${STORM_CONFIGS:-one two cache}
bin=$top/build/host/netinit-fetch
[ -x "$bin" ] || st_die "$bin missing: run make host"
work=$top/build/storm
csv=$top/bench/storm.csv
max=0
for n in $NS; do
	[ "$n" -le "$max" ] || max=$n
done

cleanup() {
	st_cleanup
	rm -rf "$work/runs"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

st_lock
rm -rf "$work"
mkdir -p "$work/www" "$work/runs"
head -c $((MIB << 20)) /dev/urandom >"$work/www/img"
sha=$(sha256sum "$work/www/img" | cut -d' ' -f1)
bytes=$((MIB << 20))
echo "config,n,client,start,end,rc,bytes,mirror_a,mirror_b,origin,cache,link_mbit,links" >"$csv"
# the machine while it ran: other helpers share the 2 cores
echo "meta,load,,,,,,,,,,$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/'),$(nproc)" >>"$csv"

st_setup "$work/lab"
st_host a 10.77.0.1 "$MBIT"
st_host b 10.77.0.2 "$MBIT"
st_host o 10.77.0.4 "$OMBIT"
st_host k 10.77.0.3 "$MBIT"
st_clients "$max"
st_nginx a 10.77.0.1 "$work/www"
st_nginx b 10.77.0.2 "$work/www"
st_nginx o 10.77.0.4 "$work/www"
sed -e "s|@CACHE_DIR@|$work/cache|" -e "s|@LISTEN@|10.77.0.3:80|" -e "s|@ORIGIN@|10.77.0.4|" \
	"$top/examples/cache/nginx-cache.conf" >"$work/cache.conf"

# sum of body bytes nginx NAME sent (access log), then the log emptied
sent() {
	f="$work/lab/$1/logs/access.log"
	if [ -e "$f" ]; then
		awk '{ s += $3 } END { printf "%.0f", s }' "$f"
		: >"$f"
	else
		echo 0
	fi
}

# run CONFIG N URL...: one storm, one csv row per client
run() {
	cfg=$1
	n=$2
	shift 2
	out="$work/runs/$cfg-$n"
	echo "storm: $cfg, $n clients, $(cut -d' ' -f1-3 /proc/loadavg)"
	st_storm "$n" "$out" "$bin" "$@" --sha256 "$sha" --timeout 60 --quiet
	a=$(sent a)
	b=$(sent b)
	o=$(sent o)
	k=$(sent k)
	links=1
	[ "$cfg" != two ] || links=2
	i=1
	while [ "$i" -le "$n" ]; do
		read -r s e rc <"$out/c$i.t"
		[ "$rc" = 0 ] || { echo "storm: client $i of $cfg-$n failed:"; cat "$out/c$i.log"; }
		echo "$cfg,$n,$i,$s,$e,$rc,$bytes,$a,$b,$o,$k,$MBIT,$links" >>"$csv"
		i=$((i + 1))
	done
	rm -rf "$out"
}

for cfg in $CONFIGS; do
	if [ "$cfg" = cache ]; then
		rm -rf "$work/cache"
		st_nginx k 10.77.0.3 "$work/www" "$work/cache.conf"
	fi
	for n in $NS; do
		case $cfg in
		one) run one "$n" http://10.77.0.1/img ;;
		two) run two "$n" http://10.77.0.1/img http://10.77.0.2/img ;;
		cache) run cache "$n" http://10.77.0.3/img ;;
		*) st_die "unknown config $cfg (one, two, cache)" ;;
		esac
	done
done
echo "meta,load_end,,,,,,,,,,$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/'),$(nproc)" >>"$csv"
python3 "$top/bench/storm_report.py" "$csv" "$top/bench"

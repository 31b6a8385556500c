#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make bench: netinit against the alternatives, in one run, on the same
# kernel, images and server. Writes bench/results.csv (raw data, one row
# per measurement), then bench/results.md and bench/*.png
# (bench/report.py, gnuplot). Sections (BENCH_SECTIONS, default all):
#   ram       minimum QEMU -m to reach the live root, 16 MiB steps, for a
#             380 MiB incompressible image, one row per way of booting it
#   curve     the same for 64/128/256/512 MiB images, combined vs netinit
#   guest     in-guest download MiB/s, netinit vs busybox wget, 5 each
#             (alternating), and netinit's boot timeline from its log
#   host      loopback nginx -> tmpfs, 1 GiB: netinit-fetch with and
#             without --sha256, curl, curl | tee | sha256sum, wget, dd
#             tmpfs->tmpfs; ceilings: one core's memcpy rate and nginx's
#             send rate into bench/sink.py; 5 each (alternating), wall
#             and CPU; BENCH_FETCH_BEFORE=PATH adds another netinit-fetch
#             build (e.g. one that hashed in line, before the hashing
#             child) with and without --sha256, in the same rounds
#   sizes     binary and initrd sizes
#   stream    stream mode (netinit.stream=on, standalone) beside fetch:
#             minimum -m for stream, netinit fetch (standalone) and
#             combined.igz (ramfs) for each of BENCH_SIZES (default
#             "64 380"), and stream alone for BENCH_STREAM_ONLY (default
#             "1024 2048"; the full set: BENCH_SIZES="64 380 1024 2048"
#             BENCH_STREAM_ONLY=); then, on a 380 MiB image at -m 1024:
#             time from kernel start to the live root and the bytes
#             nginx sent (stream, fetch, stream + dm-verity; REPS rounds,
#             alternating), and one boot each with nibench.live: figures
#             from the live root (MemAvailable, bench/liveread.c's random
#             4 KiB read latency and sequential read of /pad.bin)
#   cache     (not in the default list) fetch, stream and cache mode side
#             by side on the 380 MiB image at -m 1024, REPS rounds: time
#             from kernel start to the live root and to the network no
#             longer needed (BENCH_SECTIONS=cache BENCH_NAME=results-cache)
# BENCH_QUICK=1: 1 run instead of 5, curve at 64 and 128 MiB only, no
# stream-only sizes; the report says so. BENCH_REPS overrides the
# number of runs. BENCH_NAME (default results) names the CSV and the page:
# a run of some sections only (e.g. BENCH_SECTIONS=stream
# BENCH_NAME=results-stream) then leaves the full run's results.md alone. BENCH_BUILD (default build/bench) holds the work files,
# BENCH_OUT (default bench) gets results.csv, results.md and the PNGs. Every boot goes through the iPXE ROM as in
# tests/qemu/run-all.sh; a boot is ended as soon as its outcome shows on
# the console (bench/lib.sh).
set -eu

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

SECTIONS=${BENCH_SECTIONS:-ram curve guest host sizes stream}
QUICK=${BENCH_QUICK:-0}
REPS=5
CURVE_SIZES="64 128 256 512"
# fetch and combined.igz at 1024 and 2048 MiB add about an hour under
# TCG (downloads of 1-2 GiB, initrds of 2-4 GiB): opt in with
# BENCH_SIZES="64 380 1024 2048" BENCH_STREAM_ONLY=
STREAM_SIZES="64 380"
STREAM_ONLY="1024 2048"
if [ "$QUICK" = 1 ]; then
	REPS=1
	CURVE_SIZES="64 128"
	STREAM_ONLY=
fi
STREAM_SIZES=${BENCH_SIZES:-$STREAM_SIZES}
STREAM_ONLY=${BENCH_STREAM_ONLY-$STREAM_ONLY}
REPS=${BENCH_REPS:-$REPS}
# extra kernel arguments for the next boot (nibench.live)
EXTRA=
MAIN_SIZE=380
GUEST_MEM=1024
outdir=${BENCH_OUT:-$top/bench}
csv="$outdir/${BENCH_NAME:-results}.csv"
tmp_csv="$bdir/results.csv.tmp"

want() {
	case " $SECTIONS " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# in_list WORD LIST: WORD is one of the blank-separated words of LIST
in_list() {
	for w in $2; do
		[ "$w" != "$1" ] || return 0
	done
	return 1
}

# row SECTION CASE PARAM METRIC VALUE NOTE
row() {
	printf '%s,%s,%s,%s,%s,%s\n' "$1" "$2" "$3" "$4" "$5" "$(echo "$6" | tr ',' ';')" >>"$tmp_csv"
}

say() {
	echo "bench [$(date -u +%H:%M:%S)]: $*"
}

cleanup() {
	boot_stop
	nginx_stop
	host_cleanup 2>/dev/null || true
}

# --- preparation -----------------------------------------------------

prepare() {
	[ -x "$top/build/netinit" ] || die "build/netinit missing: run 'make' first"
	# the host build of the fetch core, on trees whose Makefile has it
	if make -C "$top" -n build/host/netinit-fetch >/dev/null 2>&1; then
		make -C "$top" -s build/host/netinit-fetch
	fi
	rm -rf "$www"
	sh "$top/tests/lab/netinit-initrds.sh" "$www"
	sh "$top/bench/bb-initrd.sh" >/dev/null
	mkdir -p "$logs"
	ln -s "$lab/kernel/vmlinuz" "$www/vmlinuz"
	ln -s "$bdir/bb-wget.igz" "$www/bb-wget.igz"
	sizes=""
	want ram && sizes="$MAIN_SIZE"
	want guest && sizes="$sizes $MAIN_SIZE"
	want curve && sizes="$sizes $CURVE_SIZES"
	want stream && sizes="$sizes $STREAM_SIZES"
	want cache && sizes="$sizes $MAIN_SIZE"
	# combined.igz (a second copy of the image) only where it is booted
	csizes=$sizes
	want stream && sizes="$sizes $MAIN_SIZE $STREAM_ONLY"
	# images of earlier runs that this one does not boot go (2 GiB each
	# at the largest size)
	for f in "$bdir"/image-*.squashfs "$bdir"/combined-genkernel-*.igz; do
		[ -e "$f" ] || continue
		n=${f##*-}
		n=${n%%.*}
		case "$f" in
		*combined*) in_list "$n" "$csizes" && continue ;;
		*) in_list "$n" "$sizes" && continue ;;
		esac
		rm -f "$f" "$f.verity"
	done
	for n in $(echo "$sizes" | tr ' ' '\n' | sort -un); do
		sh "$top/bench/mkimage.sh" "$n" "$bdir/image-$n.squashfs" >/dev/null
		ln -s "$bdir/image-$n.squashfs" "$www/image-$n.squashfs"
		sha256sum "$bdir/image-$n.squashfs" | cut -d' ' -f1 >"$bdir/image-$n.sha256"
		in_list "$n" "$csizes" || continue
		"$top/gen_initramfs.sh" combined --base "$www/netinit-genkernel.igz" \
			--image "$bdir/image-$n.squashfs" --dest /image.squashfs \
			--output "$bdir/combined-genkernel-$n.igz" >/dev/null
		ln -s "$bdir/combined-genkernel-$n.igz" "$www/combined-genkernel-$n.igz"
	done
	if want stream; then
		# dm-verity's hash tree beside the stream image, its root hash
		f="$bdir/image-$MAIN_SIZE.squashfs"
		veritysetup format "$f" "$f.verity" | sed -n 's/^Root hash:[[:space:]]*//p' \
			>"$bdir/image-$MAIN_SIZE.roothash"
		[ -s "$bdir/image-$MAIN_SIZE.roothash" ] || die "veritysetup format printed no root hash"
		chmod 0644 "$f.verity"
		ln -s "$f.verity" "$www/image-$MAIN_SIZE.squashfs.verity"
	fi
}

# --- boots -----------------------------------------------------------

# ipxe_script CASE SIZE: the boot.ipxe of one way of booting image-SIZE.
# "-ramfs" cases put a root= on the command line (the kernel then unpacks
# the initramfs into ramfs, uncapped); without root= it is a tmpfs capped
# at half of RAM. The genkernel stand-in ignores root=.
ipxe_script() {
	img="image-$2.squashfs"
	sha=$(cat "$bdir/image-$2.sha256")
	bytes=$(stat -c %s "$bdir/$img")
	k="kernel http://10.0.2.100/vmlinuz console=ttyS0 no_timer_check panic=-1 netinit.onerror=halt${EXTRA:+ $EXTRA}"
	gk="cdroot loop=/image.squashfs"
	fetch="netinit.url=http://10.0.2.100/$img netinit.sha256=$sha netinit.size=$bytes"
	case "$1" in
	combined-ramfs) printf '%s\n' "#!ipxe" "$k $gk root=/dev/ram0 netinit.sha256=$sha" \
		"initrd http://10.0.2.100/combined-genkernel-$2.igz" boot ;;
	combined-tmpfs) printf '%s\n' "#!ipxe" "$k $gk netinit.sha256=$sha" \
		"initrd http://10.0.2.100/combined-genkernel-$2.igz" boot ;;
	appended-ramfs) printf '%s\n' "#!ipxe" \
		"$k $gk root=/dev/ram0 netinit.sha256=$sha initrd=initrd.magic" \
		"initrd http://10.0.2.100/netinit-genkernel.igz" \
		"initrd http://10.0.2.100/$img /image.squashfs" boot ;;
	bbwget-ramfs) printf '%s\n' "#!ipxe" \
		"$k $gk root=/dev/ram0 bbwget.url=http://10.0.2.100/$img" \
		"initrd http://10.0.2.100/bb-wget.igz" boot ;;
	bbwget-ramfs-sha256) printf '%s\n' "#!ipxe" \
		"$k $gk root=/dev/ram0 bbwget.url=http://10.0.2.100/$img bbwget.sha256=$sha" \
		"initrd http://10.0.2.100/bb-wget.igz" boot ;;
	bbwget-tmpfs) printf '%s\n' "#!ipxe" "$k $gk bbwget.url=http://10.0.2.100/$img" \
		"initrd http://10.0.2.100/bb-wget.igz" boot ;;
	netinit-genkernel) printf '%s\n' "#!ipxe" "$k $gk $fetch" \
		"initrd http://10.0.2.100/netinit-genkernel.igz" boot ;;
	netinit-genkernel-ramfs) printf '%s\n' "#!ipxe" "$k $gk root=/dev/ram0 $fetch" \
		"initrd http://10.0.2.100/netinit-genkernel.igz" boot ;;
	netinit-dracut) printf '%s\n' "#!ipxe" \
		"$k root=live:/image.squashfs.img rd.live.overlay.overlayfs=1 $fetch" \
		"initrd http://10.0.2.100/netinit-dracut.igz" boot ;;
	netinit-standalone) printf '%s\n' "#!ipxe" "$k $fetch" \
		"initrd http://10.0.2.100/netinit-standalone.igz" boot ;;
	stream) printf '%s\n' "#!ipxe" "$k netinit.url=http://10.0.2.100/$img netinit.stream=on" \
		"initrd http://10.0.2.100/netinit-standalone.igz" boot ;;
	cache) printf '%s\n' "#!ipxe" "$k netinit.url=http://10.0.2.100/$img netinit.stream=cache" \
		"initrd http://10.0.2.100/netinit-standalone.igz" boot ;;
	stream-verity) printf '%s\n' "#!ipxe" \
		"$k netinit.url=http://10.0.2.100/$img netinit.stream=on netinit.verity=$(cat "$bdir/image-$2.roothash")" \
		"initrd http://10.0.2.100/netinit-standalone.igz" boot ;;
	*) die "unknown case $1" ;;
	esac
}

# Per-boot wall-clock limit: generous for a loaded 2-core machine (a
# 380 MiB boot takes 35-45 s alone), small enough to catch a hang.
limit_for() {
	echo $((90 + $1 / 3))
}

# nginx's access log (combined format: $7 the path, $10 the body bytes
# sent) since http_mark: http_sum PATH prints "BYTES GETS" for PATH.
http_mark() {
	mark=$(wc -l <"$bdir/nginx/logs/access.log")
}
http_sum() {
	# nginx logs a request when it ends: the one QEMU's end cut short too
	sleep 1
	tail -n +$((mark + 1)) "$bdir/nginx/logs/access.log" |
		awk -v p="$1" '$7 == p { b += $10; n++ } END { printf "%d %d\n", b, n }'
}

# try CASE SIZE MEM: one boot; 0 if it reached the live root.
try() {
	http_mark
	bench_boot "ram-$1-$2-$3" "$3" "$(ipxe_script "$1" "$2")" "$(limit_for "$2")"
	case "$1" in
	stream* | netinit*)
		# shellcheck disable=SC2046 # two numbers
		set -- "$@" $(http_sum "/image-$2.squashfs")
		row http "$1" "$2" "m$3" "$4" "$5 GETs of the image; boot $BOOT_RESULT"
		;;
	esac
	detail=
	# cache: a pass is the copy complete, not only the live root
	if [ "$1" = cache ] && [ "$BOOT_RESULT" = pass ] &&
		! grep -aq 'the network is no longer needed' "$logs/ram-$1-$2-$3.log"; then
		BOOT_RESULT=fail
		BOOT_WHY=copy-gave-way
		detail=$(tr -d '\r' <"$logs/ram-$1-$2-$3.log" | grep -aoE 'cache: [0-9]+ MiB RAM available[^:]*' | head -n 1)
	fi
	if [ "$BOOT_WHY" = netinit-error ]; then
		# netinit's own reason: the line before "boot failed"
		detail=$(tr -d '\r' <"$logs/ram-$1-$2-$3.log" | grep -a 'netinit: ' |
			grep -aB1 'boot failed' | head -n 1 | sed 's/^\[[^]]*\] //')
	elif [ "$BOOT_WHY" = oom-kill ]; then
		# who ran out: the kernel's OOM lines
		detail=$(tr -d '\r' <"$logs/ram-$1-$2-$3.log" |
			grep -aE 'invoked oom-killer|Out of memory' | sed 's/^.*\] //' |
			cut -c1-80 | tr '\n' ';' | sed 's/;$//')
	fi
	row boot "$1" "$2" "m$3" "$BOOT_RESULT" "$BOOT_WHY ${BOOT_SECS}s${detail:+ $detail}"
	say "  $1 image $2 MiB, -m $3: $BOOT_RESULT ($BOOT_WHY, ${BOOT_SECS} s)"
	[ "$BOOT_RESULT" = pass ]
}

# bisect CASE SIZE LO HI: the least -m (multiple of 16) at which CASE
# boots image-SIZE. LO must fail and HI must pass; both are checked, and
# widened (doubling the gap) if the guess was wrong, up to 4096 MiB.
bisect() {
	c=$1
	n=$2
	lo=$3
	hi=$4
	lo_seen=0
	# one row per case and size in a run (the sections share some)
	if grep -q "^ram,$c,$n,min_mib," "$tmp_csv"; then
		say "$c, $n MiB image: measured above"
		return 0
	fi
	while ! try "$c" "$n" "$hi"; do
		gap=$((hi - lo))
		lo=$hi
		lo_seen=1
		hi=$((hi + 2 * gap))
		if [ "$lo" -ge 4096 ]; then
			row ram "$c" "$n" min_mib "" "no boot up to $lo MiB"
			return 0
		fi
	done
	# a failed guess for HI is a measured failure: LO needs no second boot
	while [ "$lo_seen" = 0 ] && try "$c" "$n" "$lo"; do
		gap=$((hi - lo))
		hi=$lo
		lo=$((lo - 2 * gap))
		if [ "$lo" -lt 32 ]; then
			lo=32
			if try "$c" "$n" "$lo"; then
				row ram "$c" "$n" min_mib "$lo" "boots at the 32 MiB floor"
				return 0
			fi
			break
		fi
	done
	while [ $((hi - lo)) -gt 16 ]; do
		# shellcheck disable=SC2017 # rounds down to a 16 MiB step
		mid=$((lo + (hi - lo) / 32 * 16))
		if try "$c" "$n" "$mid"; then
			hi=$mid
		else
			lo=$mid
		fi
	done
	row ram "$c" "$n" min_mib "$hi" "fails at $lo"
	row ram "$c" "$n" fail_why "$lo" "$(grep "^boot,$c,$n,m$lo," "$tmp_csv" | tail -n 1 | cut -d, -f5-6 | tr , " ")"
	say "$c, $n MiB image: needs $hi MiB (fails at $lo)"
}

# Guesses from development runs on this lab (2026-11-24): each pair is
# [measured failure, measured minimum], so an unchanged tree needs two
# boots a row; a changed one costs more boots, as bisect() widens.
ram_section() {
	say "minimum RAM, $MAIN_SIZE MiB image"
	bisect netinit-genkernel "$MAIN_SIZE" 464 480
	bisect netinit-genkernel-ramfs "$MAIN_SIZE" 464 480
	bisect netinit-dracut "$MAIN_SIZE" 496 512
	bisect netinit-standalone "$MAIN_SIZE" 464 480
	bisect bbwget-ramfs "$MAIN_SIZE" 448 464
	bisect bbwget-tmpfs "$MAIN_SIZE" 816 832
	bisect combined-ramfs "$MAIN_SIZE" 848 864
	bisect appended-ramfs "$MAIN_SIZE" 848 864
	bisect combined-tmpfs "$MAIN_SIZE" 1216 1232
}

curve_section() {
	for n in $CURVE_SIZES; do
		say "curve: $n MiB image"
		case "$n" in
		64) bisect netinit-genkernel 64 144 160; bisect combined-ramfs 64 208 224 ;;
		128) bisect netinit-genkernel 128 208 224; bisect combined-ramfs 128 336 352 ;;
		256) bisect netinit-genkernel 256 336 352; bisect combined-ramfs 256 592 608 ;;
		512) bisect netinit-genkernel 512 688 704; bisect combined-ramfs 512 1152 1168 ;;
		*) bisect netinit-genkernel "$n" $((n + 96)) $((n + 128))
		   bisect combined-ramfs "$n" $((2 * n + 64)) $((2 * n + 128)) ;;
		esac
	done
}

# ts LOG TEXT: the printk time (seconds) of the first console line with TEXT.
ts() {
	tr -d '\r' <"$1" | grep -aF -- "$2" | head -n 1 |
		sed -n 's/^\[ *\([0-9][0-9]*\.[0-9]*\)\].*/\1/p'
}

# --- stream mode --------------------------------------------------------

# Guesses [fails, passes] for the stream section's bisections, from
# development runs on this lab (2026-11-27); a wrong guess costs boots,
# never a wrong figure (bisect() checks both ends).
stream_guess() {
	case "$1:$2" in
	stream:*) echo 80 96 ;;
	netinit-standalone:64) echo 144 160 ;;
	netinit-standalone:380) echo 464 480 ;;
	netinit-standalone:*) echo $(($2 + $2 / 8 + 96)) $(($2 + $2 / 8 + 112)) ;;
	cache:*) echo $(($2 + $2 / 8 + 112)) $(($2 + $2 / 8 + 128)) ;;
	combined-ramfs:64) echo 208 224 ;;
	combined-ramfs:380) echo 848 864 ;;
	combined-ramfs:*) echo $((2 * $2 + $2 / 8 + 64)) $((2 * $2 + $2 / 8 + 80)) ;;
	esac
}

# field LOG KEY: the value of KEY=VALUE in liveread's lines of LOG
field() {
	tr -d '\r' <"$1" | grep -a "NIBENCH-" | grep -aoE -- "[ ]$2=[0-9.]+" | head -n 1 | cut -d= -f2
}

# live_boot CASE SIZE ROUND: one boot of CASE at -m $GUEST_MEM; rows for
# the time from kernel start to the live root (netinit's "switched root"),
# the bytes nginx sent for the image and its hash tree, and, with
# nibench.live in EXTRA, liveread's figures from the live root. A boot
# that did not use the mode its case names is a failed sample.
live_boot() {
	c=$1
	n=$2
	name="stream-$c-$3"
	l="$logs/$name.log"
	http_mark
	lim=$(limit_for "$n")
	[ -z "$EXTRA" ] || lim=$((2 * lim))
	bench_boot "$name" "$GUEST_MEM" "$(ipxe_script "$c" "$n")" "$lim"
	img=$(http_sum "/image-$n.squashfs")
	tree=$(http_sum "/image-$n.squashfs.verity")
	case "$c" in
	stream) mode="stream: /dev/nbd" ;;
	stream-verity) mode="verity: /dev/mapper/netinit-root checks every block" ;;
	*) mode="netinit: fetched" ;;
	esac
	if [ "$BOOT_RESULT" = pass ] && ! grep -aqF "$mode" "$l"; then
		BOOT_RESULT=fail
		BOOT_WHY="not in its mode (no '$mode' line)"
	elif [ "$BOOT_RESULT" = pass ] && [ "$c" = netinit-standalone ] &&
		grep -aqF "stream: /dev/nbd" "$l"; then
		BOOT_RESULT=fail
		BOOT_WHY="not in its mode (streamed)"
	fi
	row boot "$c" "$n" "$3" "$BOOT_RESULT" "$BOOT_WHY ${BOOT_SECS}s at -m $GUEST_MEM"
	if [ "$BOOT_RESULT" != pass ]; then
		say "  $name: $BOOT_RESULT ($BOOT_WHY), no sample"
		return 0
	fi
	t=$(ts "$l" "netinit: switched root")
	row stream "$c" "$3" live_s "$t" "kernel start to netinit's switch_root, -m $GUEST_MEM"
	row stream "$c" "$3" image_bytes "${img% *}" "${img#* } GETs, image $(stat -c %s "$bdir/image-$n.squashfs") bytes"
	row stream "$c" "$3" tree_bytes "${tree% *}" "${tree#* } GETs of the hash tree"
	msg="live root at ${t:-?} s, image bytes ${img% *} in ${img#* } GETs"
	if [ -n "$EXTRA" ]; then
		avail=$(tr -d '\r' <"$l" | grep -ao 'NIBENCH-MEM .*MemAvailable: *[0-9]*' | head -n 1 | sed 's/.*MemAvailable: *//')
		dev=$(tr -d '\r' <"$l" | grep -ao 'NIBENCH-ROOT [^ ]*' | head -n 1 | cut -d' ' -f2)
		row live "$c" "$n" mem_avail_kb "$avail" "root on ${dev:-?}; -m $GUEST_MEM"
		row live "$c" "$n" seq_mib_s "$(field "$l" mib_s)" "/pad.bin, $(field "$l" bytes) bytes in $(field "$l" secs) s"
		for k in med p90 max mean; do
			row live "$c" "$n" "rand_${k}_us" "$(field "$l" "${k}_us")" "$(field "$l" n) reads of 4 KiB"
		done
		msg="$msg; MemAvailable $avail kB, seq $(field "$l" mib_s) MiB/s, rand median $(field "$l" med_us) us"
	fi
	say "  $name: $msg"
}

stream_section() {
	say "stream: minimum RAM for $STREAM_SIZES (stream, fetch, combined)${STREAM_ONLY:+ and $STREAM_ONLY (stream only)}"
	row meta stream 0 load "$(cut -d' ' -f1-3 /proc/loadavg)" "load average as the stream section starts"
	for n in $STREAM_SIZES $STREAM_ONLY; do
		cases=stream
		in_list "$n" "$STREAM_SIZES" && cases="stream netinit-standalone combined-ramfs"
		for c in $cases; do
			# shellcheck disable=SC2046 # two numbers
			bisect "$c" "$n" $(stream_guess "$c" "$n")
		done
	done
	n=$MAIN_SIZE
	say "stream: time and bytes to the live root, $n MiB image, -m $GUEST_MEM"
	i=1
	while [ "$i" -le "$REPS" ]; do
		for c in stream netinit-standalone stream-verity; do
			live_boot "$c" "$n" "$i"
		done
		i=$((i + 1))
	done
	say "stream: in the live root (nibench.live)"
	EXTRA=nibench.live
	for c in stream netinit-standalone stream-verity; do
		live_boot "$c" "$n" live
	done
	EXTRA=
	row meta stream 0 load_end "$(cut -d' ' -f1-3 /proc/loadavg)" "load average as the stream section ends"
}

# --- cache mode ---------------------------------------------------------

# fetch, stream and cache side by side (netinit.stream=off/on/cache,
# standalone, $MAIN_SIZE MiB, -m $GUEST_MEM), REPS rounds alternating:
# kernel start to the live root (netinit's switch_root) and to the moment
# the network is no longer needed (fetch: its "fetched" line; cache: the
# resident's "the network is no longer needed", the bench image's init
# waits for it; stream: never).
cache_section() {
	n=$MAIN_SIZE
	say "cache: fetch, stream and cache, $n MiB image, -m $GUEST_MEM"
	row meta cache 0 load "$(cut -d' ' -f1-3 /proc/loadavg)" "load average as the cache section starts"
	i=1
	while [ "$i" -le "$REPS" ]; do
		for c in netinit-standalone stream cache; do
			l="$logs/cache-$c-$i.log"
			bench_boot "cache-$c-$i" "$GUEST_MEM" "$(ipxe_script "$c" "$n")" \
				"$((2 * $(limit_for "$n")))"
			live=$(ts "$l" "netinit: switched root")
			case $c in
			netinit-standalone) off=$(ts "$l" "netinit: fetched ") ;;
			stream) off= ;;
			cache) off=$(ts "$l" "the network is no longer needed") ;;
			esac
			row cache "$c" "$i" live_s "$live" "kernel start to switch_root; boot $BOOT_RESULT"
			row cache "$c" "$i" offline_s "$off" "kernel start to the network no longer needed"
			say "  cache-$c-$i: $BOOT_RESULT $BOOT_WHY, live root at ${live:-?} s, off the network at ${off:-never} s"
		done
		i=$((i + 1))
	done
	# the least -m at which the copy completes (below it cache mode
	# boots and stays a stream: the live root alone is stream's minimum)
	say "cache: minimum RAM for the copy to complete, $n MiB image"
	# shellcheck disable=SC2046 # two numbers
	bisect cache "$n" $(stream_guess cache "$n")
	row meta cache 0 load_end "$(cut -d' ' -f1-3 /proc/loadavg)" "load average as the cache section ends"
}

# One side-by-side round per repetition: netinit (genkernel contract,
# tmpfs) and busybox wget (into ramfs, its best case), same image, same
# server, same -m. MiB/s over the whole download command: netinit from
# its "bound" line (the next step is the connect) to "fetched", wget from
# the line before it runs to the line after it exits.
guest_section() {
	n=$MAIN_SIZE
	bytes=$(stat -c %s "$bdir/image-$n.squashfs")
	i=1
	while [ "$i" -le "$REPS" ]; do
		for c in netinit-genkernel bbwget-ramfs bbwget-ramfs-sha256; do
			name="guest-$c-$i"
			bench_boot "$name" "$GUEST_MEM" "$(ipxe_script "$c" "$n")" "$(limit_for "$n")"
			row boot "$c" "$n" "guest$i" "$BOOT_RESULT" "$BOOT_WHY ${BOOT_SECS}s"
			l="$logs/$name.log"
			if [ "$BOOT_RESULT" != pass ]; then
				say "  $name: $BOOT_RESULT ($BOOT_WHY), no sample"
				continue
			fi
			if [ "$c" = netinit-genkernel ]; then
				a=$(ts "$l" "netinit: eth0: bound to")
				b=$(ts "$l" "netinit: fetched")
				for m in "kernel:Linux version" "netinit-start:netinit: netinit" \
					"link-up:link up" "lease:bound to" \
					"first-byte:netinit: fetching" "last-byte:netinit: fetched" \
					"verified:sha256 verified" "ready:netinit: image ready" \
					"handoff:netinit: handing off"; do
					row timeline netinit "$i" "${m%%:*}" "$(ts "$l" "${m#*:}")" ""
				done
			elif [ "$c" = bbwget-ramfs-sha256 ]; then
				a=$(ts "$l" "bbwget: wget http")
				b=$(ts "$l" "bbwget: sha256 done")
			else
				a=$(ts "$l" "bbwget: wget http")
				b=$(ts "$l" "bbwget: wget done")
				for m in "kernel:Linux version" "init-start:bbwget: starting" \
					"link-up:bbwget: eth0: link up" "lease:bbwget: eth0: bound" \
					"wget-start:bbwget: wget http" "handoff:bbwget: wget done"; do
					row timeline bbwget "$i" "${m%%:*}" "$(ts "$l" "${m#*:}")" ""
				done
			fi
			rate=$(awk -v a="$a" -v b="$b" -v n="$bytes" \
				'BEGIN { if (b > a) printf "%.2f", n / 1048576 / (b - a) }')
			row guest "$c" "$i" mib_s "$rate" "$n MiB in $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b - a }') s"
			say "  $name: $rate MiB/s"
		done
		i=$((i + 1))
	done
}

# --- host throughput ---------------------------------------------------

HOST_DIR=
HOST_MNT=0

host_cleanup() {
	[ -n "$HOST_DIR" ] || return 0
	rm -f "$HOST_DIR/src.bin" "$HOST_DIR/dst.bin" "$www/big.bin"
	if [ "$HOST_MNT" = 1 ]; then
		umount "$HOST_DIR" 2>/dev/null || true
		HOST_MNT=0
	fi
	rmdir "$HOST_DIR" 2>/dev/null || true
	HOST_DIR=
}

# A tmpfs of our own (3 GiB) if we may mount one, else /dev/shm when it
# has room for the 2 GiB of source and destination.
host_tmpfs() {
	HOST_DIR=$bdir/tmpfs
	mkdir -p "$HOST_DIR"
	if mount -t tmpfs -o size=3g,mode=0755 nibench-tmpfs "$HOST_DIR" 2>/dev/null; then
		HOST_MNT=1
		return 0
	fi
	rmdir "$HOST_DIR"
	HOST_DIR=/dev/shm/nibench-$$
	mkdir -p "$HOST_DIR"
	free_kb=$(df -k "$HOST_DIR" | awk 'NR == 2 { print $4 }')
	[ "$free_kb" -ge 2200000 ] ||
		die "host: cannot mount a tmpfs and /dev/shm has only ${free_kb} KiB free (2.2 GiB needed)"
}

# host_run TOOL I: one timed run of TOOL, round I; rows wall_s and cpu_s.
# TOOLs that write $HOST_DIR/dst.bin must leave the 1 GiB there, the same
# bytes as the source (checked in round 1).
host_run() {
	t=$1
	round=$2
	rm -f "$HOST_DIR/dst.bin"
	dst=1
	case "$t" in
	dd) set -- dd if="$HOST_DIR/src.bin" of="$HOST_DIR/dst.bin" bs=1M status=none ;;
	curl) set -- curl -sS -o "$HOST_DIR/dst.bin" "$url" ;;
	wget) set -- wget -q -O "$HOST_DIR/dst.bin" "$url" ;;
	netinit-fetch) set -- "$nf" "$url" -o "$HOST_DIR/dst.bin" --quiet ;;
	netinit-fetch-sha256)
		set -- "$nf" "$url" -o "$HOST_DIR/dst.bin" --quiet --sha256 "$src_sha" ;;
	netinit-fetch-before) set -- "$BENCH_FETCH_BEFORE" "$url" -o "$HOST_DIR/dst.bin" --quiet ;;
	netinit-fetch-sha256-before)
		set -- "$BENCH_FETCH_BEFORE" "$url" -o "$HOST_DIR/dst.bin" --quiet --sha256 "$src_sha" ;;
	netinit-fetch-sha256-portable)
		# the same with the portable SHA-256 rounds: the code before SHA-NI
		set -- "$nf" "$url" -o "$HOST_DIR/dst.bin" --quiet --sha256 "$src_sha" \
			--portable-sha256 ;;
	curl-sha256sum)
		# the peer way of checking while receiving: curl | tee FILE | sha256sum
		# shellcheck disable=SC2016 # expanded by the inner sh
		set -- sh -c 'curl -sS "$1" | tee "$2" | sha256sum | grep -q "^$3 "' \
			sh "$url" "$HOST_DIR/dst.bin" "$src_sha" ;;
	server)
		# nginx's own send rate, read into one buffer and thrown away
		dst=0
		set -- python3 "$top/bench/sink.py" "$NGINX_PORT" /big.bin ;;
	esac
	r=$(python3 "$top/bench/timeit.py" "$@" 2>"$logs/host-$t-$round.err") ||
		die "host: $t failed: $(tail -n 3 "$logs/host-$t-$round.err")"
	if [ "$dst" = 1 ]; then
		got=$(stat -c %s "$HOST_DIR/dst.bin" 2>/dev/null || echo 0)
		[ "$got" = 1073741824 ] || die "host: $t wrote $got bytes, not 1 GiB"
		if [ "$round" = 1 ] && ! cmp -s "$HOST_DIR/src.bin" "$HOST_DIR/dst.bin"; then
			die "host: $t wrote different bytes"
		fi
	fi
	# shellcheck disable=SC2086 # three numbers
	set -- $r
	row host "$t" "$round" wall_s "$1" ""
	row host "$t" "$round" cpu_s "$(awk -v u="$2" -v s="$3" 'BEGIN { printf "%.3f", u + s }')" "user $2 sys $3"
	say "  $t run $round: $1 s wall, user $2 s, sys $3 s"
}

host_section() {
	host_tmpfs
	say "host: 1 GiB in $HOST_DIR"
	head -c 1G /dev/urandom >"$HOST_DIR/src.bin"
	src_sha=$(sha256sum "$HOST_DIR/src.bin" | cut -d' ' -f1)
	ln -sf "$HOST_DIR/src.bin" "$www/big.bin"
	url="http://127.0.0.1:$NGINX_PORT/big.bin"
	nf="$top/build/host/netinit-fetch"
	cc -O2 -o "$bdir/memcpy" "$top/bench/memcpy.c" || die "host: cannot build bench/memcpy.c"
	tools="server dd curl curl-sha256sum wget"
	if [ -x "$nf" ]; then
		tools="$tools netinit-fetch netinit-fetch-sha256 netinit-fetch-sha256-portable"
		if [ -n "${BENCH_FETCH_BEFORE:-}" ]; then
			[ -x "$BENCH_FETCH_BEFORE" ] || die "host: BENCH_FETCH_BEFORE=$BENCH_FETCH_BEFORE is no program"
			tools="$tools netinit-fetch-before netinit-fetch-sha256-before"
			row host before 0 before "" "${BENCH_FETCH_BEFORE_NOTE:-$BENCH_FETCH_BEFORE}"
		fi
	else
		row host netinit-fetch 0 missing "" "build/host/netinit-fetch not built (no make target on this tree)"
		say "host: build/host/netinit-fetch not available, row skipped"
	fi
	row host env 0 versions "" "$(curl --version | head -n 1 | cut -d' ' -f1-2) / $(wget --version | head -n 1 | cut -d' ' -f1-3) / $(nginx -v 2>&1 | cut -d' ' -f3) / $(dd --version | head -n 1)"
	row host cpu 0 sha_ni "$(grep -qw sha_ni /proc/cpuinfo && echo 1 || echo 0)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
	n=1
	while [ "$n" -le "$REPS" ]; do
		secs=$("$bdir/memcpy") || die "host: bench/memcpy failed"
		row host memcpy "$n" wall_s "$secs" "1 GiB in 256 KiB memcpy() pieces, one core"
		say "  memcpy run $n: $secs s"
		for t in $tools; do
			host_run "$t" "$n"
		done
		n=$((n + 1))
	done
	host_cleanup
}

# --- sizes -------------------------------------------------------------

sizes_section() {
	row size netinit-binary "" bytes "$(stat -c %s "$top/build/netinit")" "static klibc, stripped"
	bb=$(readlink -f /bin/busybox)
	row size busybox-binary "" bytes "$(stat -c %s "$bb")" "busybox-static $(dpkg-query -W -f '${Version}' busybox-static 2>/dev/null)"
	cb=$(readlink -f "$(command -v curl)")
	lib=$(ldd "$cb" | awk '/libcurl/ { print $3 }')
	row size curl-binary "" bytes "$(stat -c %s "$cb")" "dynamic; libcurl $(stat -L -c %s "$lib") bytes more; no static curl package in Debian"
	for c in genkernel dracut; do
		row size "initrd-$c" "" bytes "$(stat -c %s "$lab/$c.igz")" "base, gzip"
		row size "initrd-netinit-$c" "" bytes "$(stat -c %s "$www/netinit-$c.igz")" "gen_initramfs.sh --base"
	done
	row size initrd-netinit-standalone "" bytes "$(stat -c %s "$www/netinit-standalone.igz")" "gen_initramfs.sh --standalone"
	row size initrd-bbwget "" bytes "$(stat -c %s "$bdir/bb-wget.igz")" "genkernel stand-in + virtio modules + wget /init"
}

# --- main --------------------------------------------------------------

trap cleanup EXIT
trap 'exit 130' INT TERM
start=$(date +%s)
mkdir -p "$bdir" "$outdir"
: >"$tmp_csv"
say "sections: $SECTIONS (quick=$QUICK), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
prepare
nginx_start "$www"
row meta run 0 started "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg); $(qemu-system-x86_64 --version | head -n 1)"
row meta run 0 quick "$QUICK" "reps $REPS; curve $CURVE_SIZES; stream $STREAM_SIZES${STREAM_ONLY:+ (stream only $STREAM_ONLY)}"
row meta run 0 sections "$SECTIONS" ""
row meta run 0 commit "$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$(uname -r)"
for s in sizes host guest ram curve stream cache; do
	want "$s" || continue
	"${s}_section"
done
nginx_stop
row meta run 0 seconds "$(($(date +%s) - start))" "load at end $(cut -d' ' -f1-3 /proc/loadavg)"
{
	echo "section,case,param,metric,value,note"
	cat "$tmp_csv"
} >"$csv"
say "raw data in $csv; writing the report"
python3 "$top/bench/report.py" "$csv" "$outdir" "$logs"
say "done in $(($(date +%s) - start)) s"

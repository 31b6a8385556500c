#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Stream mode against a misbehaving network: QEMU on a tap in a network
# namespace this script creates, real nginx (nginx-light) serving the image
# on the lab's addresses, the standalone initrd booted directly (-kernel,
# static ip=), netinit.stream=on. The live root (a 64 MiB image made from
# tests/lab/liveroot-stream.sh's, with its own /sbin/init) prints
# NETINIT-FAULT-READY at the moment the fault belongs and waits for a "go"
# line from the host on its second serial port (/dev/ttyS1, a unix socket
# here); the host injects the fault, then sends "go". Cases:
#   nginx-kill  the live root has read half of /pad.bin (64 MiB); nginx is
#               killed (SIGKILL) for 20 s, then started again: the read
#               completes with the right md5, the resident logged the stall
#               and the recovery (>= 15 s later), no I/O error anywhere
#   link-down   the same read; the client's tap is put down on the host side
#               for 30 s: the read stalls (>= 25 s), then completes, right md5
#   mirror      two nginx on two addresses, netinit.url lists both; the first
#               is killed once the live root is up: the rest of the read comes
#               from the second (its access log), right md5
#   verity      netinit.verity=ROOTHASH (veritysetup format); after the
#               handoff a few bytes of /cold.bin's data (a 4 MiB file the
#               boot never read: nginx's log of Range headers proves its
#               chunk was never asked for) are overwritten in the served
#               file, its mtime (nginx's ETag) kept: reading /cold.bin is EIO,
#               the kernel's dm-verity line names that data block, /pad.bin
#               and every other file still read right
#   cache       netinit.stream=cache: once the console says "the network is
#               no longer needed" the tap is put down for good; the live root
#               drops its page cache and reads every file right (pad, cold and
#               the md5 of all others) from the resident's copy, which holds
#               no TCP socket (its fds against /proc/net/tcp*), one socket in
#               all (the AF_UNIX one to the kernel)
#   cache-sha   cache mode pinned by dm-verity and a netinit.sha256 the image
#               does not match: the copy is dropped with a loud line, the
#               root keeps streaming, every file reads right
#   cache-pressure  cache mode at netinit.stream.rate=1024 (a 64 s copy);
#               the live root fills a tmpfs until MemAvailable < 64 MiB:
#               the copy gives way (one line, its RAM back: the resident's
#               VmRSS after it), no OOM kill, every file reads right
# Every case also checks all the image's other files (one md5 of their md5s).
# SFAULT_BREAK=1 makes each fault fatal to prove the checks can fail (every
# case must then FAIL): stream.timeout below the outage (nginx-kill,
# link-down), the second mirror's copy with another mtime, so another ETag
# (mirror), no netinit.verity (verity: /cold.bin reads wrong bytes),
# netinit.stream=on (cache: never off the network, the reads after the link
# went down fail), the right sha256 (cache-sha), no RAM pressure
# (cache-pressure: the copy completes).
# SFAULT_CASES picks cases (default all). Needs root; run it under
# `flock /tmp/netlab.lock` (make netlab-stream does).
set -eu

# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/../qemu/lib.sh"

ns="sf-$$"
br="sfbr$$"
tap="sftap$$"
srv=10.37.0.1
srv2=10.37.0.2
client=10.37.0.50
mac=52:54:00:37:00:01
work="$lab/sfault"
sw="$work/www"
brk=${SFAULT_BREAK:-0}
pids=""
qpid=""

[ "$(id -u)" = 0 ] || die "needs root (network namespaces and tap devices)"
[ -c /dev/net/tun ] || die "needs /dev/net/tun for tap devices (modprobe tun)"
command -v nginx >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin"
command -v nginx >/dev/null 2>&1 || die "nginx not found; run 'make deps' (nginx-light)"

cleanup() {
	for p in $qpid $pids; do
		kill "$p" 2>/dev/null || true
	done
	pids=""
	qpid=""
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

# The image: liveroot-stream.sh's 64 MiB root with this script's /sbin/init
# and /cold.bin (4 MiB, sorted before everything the boot reads: its data
# sits at the start of the image, far from the blocks the boot needs).
image() {
	base="$lab/stream/stream-64.squashfs"
	mkdir -p "$lab/stream"
	sh "$top/tests/lab/liveroot-stream.sh" "$base" 64 >/dev/null
	img="$work/sfault.squashfs"
	if [ -s "$img" ] && [ -z "$(find "$base" "$0" -newer "$img" 2>/dev/null)" ]; then
		return 0
	fi
	tree="$work/tree"
	rm -rf "$tree"
	unsquashfs -no-progress -quiet -d "$tree" "$base" >/dev/null
	rm -f "$tree/sbin/init"
	cat >"$tree/sbin/init" <<'EOS'
#!/bin/sh
# tests/netlab/stream-faults.sh's live root: holds at the point the host
# injects its fault (a "go" line on /dev/ttyS1), then reads through the stream
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
[ -r /proc/self/stat ] || mount -t proc proc /proc
[ -c /dev/console ] || mount -t devtmpfs devtmpfs /dev 2>/dev/null
[ -d /sys/class/net ] || mount -t sysfs sysfs /sys 2>/dev/null
mkdir -p /tmp
say() {
	echo "$*" >/dev/console
}
hold() {
	# open before READY: bytes that reach a closed tty are lost
	exec 3</dev/ttyS1
	say "NETINIT-FAULT-READY $1"
	read -r g <&3
	exec 3<&-
	say "NETINIT-FAULT-GO $g"
	date +%s >/tmp/t0
}
# the resident's memory and its sockets (TCP: inode in /proc/net/tcp*)
resident() {
	for c in /proc/[0-9]*/cmdline; do
		case "$(tr '\0' ' ' <"$c" 2>/dev/null)" in
		@*) r=${c#/proc/}; r=${r%/cmdline} ;;
		esac
	done
	all=0 tcp=0
	for f in /proc/"$r"/fd/*; do
		l=$(readlink "$f")
		case "$l" in
		socket:*)
			all=$((all + 1))
			i=${l#socket:[}
			! grep -q " ${i%]} " /proc/net/tcp /proc/net/tcp6 2>/dev/null || tcp=$((tcp + 1))
			;;
		esac
	done
	say "NETINIT-CACHE-$1 $(grep -E '^(VmRSS|VmLck):' "/proc/$r/status" | tr -s ' \n\t' '  ')sockets=$all tcp=$tcp"
}
stty -F /dev/ttyS1 -echo 2>/dev/null
awk '$2 == "/run/netinit/ro" { print "NETINIT-STREAM-ROOT " $1 " " $2 " " $3 }' \
	/proc/mounts >/dev/console
case " $(cat /proc/cmdline) " in
*" sfault=cache "*)
	resident AT-ROOT
	hold cache-copied
	resident OFFLINE
	echo 3 >/proc/sys/vm/drop_caches
	out=$(md5sum /cold.bin 2>&1) && say "NETINIT-FAULT-COLD read ${out%% *}"
	pad=$(md5sum /pad.bin | cut -d' ' -f1)
	;;
*" sfault=pressure "*)
	resident AT-ROOT
	date +%s >/tmp/t0
	i=0
	mkdir -p /run/hog
	mount -t tmpfs -o size=100% hog /run/hog
	while [ "$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)" -gt 65536 ] &&
		dd if=/dev/zero of=/run/hog/$i bs=1M count=8 2>/dev/null; do
		i=$((i + 1))
	done
	say "NETINIT-CACHE-HOG $((i * 8)) MiB $(grep MemAvailable: /proc/meminfo | tr -s ' ')"
	sleep 2
	resident AFTER-HOG
	umount /run/hog
	pad=$(md5sum /pad.bin | cut -d' ' -f1)
	;;
*" sfault=cold "*)
	hold cold-unread
	if out=$(md5sum /cold.bin 2>&1); then
		say "NETINIT-FAULT-COLD read ${out%% *}"
	else
		say "NETINIT-FAULT-COLD failed: $out"
	fi
	pad=$(md5sum /pad.bin | cut -d' ' -f1)
	;;
*)
	pad=$({ dd if=/pad.bin bs=1M count=32; hold mid-read; dd if=/pad.bin bs=1M skip=32; } \
		2>/dev/console | md5sum | cut -d' ' -f1)
	;;
esac
say "NETINIT-FAULT-PAD $pad after $(($(date +%s) - $(cat /tmp/t0))) s"
say "NETINIT-FAULT-FILES $(cd /run/netinit/ro && find . -type f ! -path ./cold.bin ! -path ./pad.bin |
	sort | xargs md5sum | md5sum | cut -d' ' -f1)"
say "NETINIT-LIVE-OK pid=$$"
sync
poweroff -f
EOS
	chmod 0755 "$tree/sbin/init"
	python3 - "$tree/cold.bin" <<'EOS'
import random, sys
rng = random.Random(20261128)
with open(sys.argv[1], "wb") as f:
    f.write(rng.getrandbits(8 * 4 * 1024 * 1024).to_bytes(4 * 1024 * 1024, "little"))
EOS
	md5sum "$tree/cold.bin" | cut -d' ' -f1 >"$work/cold.md5"
	(cd "$tree" && find . -type f ! -path ./cold.bin ! -path ./pad.bin | LC_ALL=C sort |
		xargs md5sum | md5sum | cut -d' ' -f1) >"$work/files.md5"
	rm -f "$img.tmp"
	mksquashfs "$tree" "$img.tmp" -noappend -noD -all-root -mkfs-time 0 -all-time 0 \
		-no-progress -quiet >/dev/null
	# where /cold.bin's bytes are in the image (stored uncompressed: -noD)
	python3 - "$img.tmp" "$tree/cold.bin" >"$work/cold.offset" <<'EOS'
import sys
img, cold = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
off = img.find(cold[:65536])
assert off >= 0 and img[off:off + len(cold)] == cold, "cold.bin not stored whole"
print(off)
EOS
	rm -rf "$tree"
	mv "$img.tmp" "$img"
}

# nginx_up NAME ADDR: nginx (one process: master_process off) in the
# namespace on ADDR:80 serving $sw; access log with the Range header in
# $work/nginx-NAME/access.log (appended across restarts). Sets NGINX_PID.
nginx_up() {
	pre="$work/nginx-$1"
	mkdir -p "$pre/tmp"
	cat >"$pre/nginx.conf" <<CONF
daemon off;
master_process off;
pid $pre/nginx.pid;
error_log $pre/error.log warn;
events { worker_connections 64; }
http {
	log_format range '\$request \$status "\$http_range" \$body_bytes_sent';
	access_log $pre/access.log range;
	client_body_temp_path $pre/tmp/body;
	proxy_temp_path $pre/tmp/proxy;
	fastcgi_temp_path $pre/tmp/fastcgi;
	uwsgi_temp_path $pre/tmp/uwsgi;
	scgi_temp_path $pre/tmp/scgi;
	types { }
	default_type application/octet-stream;
	keepalive_timeout 120;
	server {
		listen $2:80;
		root $sw;
		location / { }
	}
}
CONF
	# not through in_ns: $! must be nginx itself (ip netns exec execs it)
	ip netns exec "$ns" nginx -c "$pre/nginx.conf" -p "$pre" -e "$pre/error.log" 2>>"$pre/stderr.log" &
	NGINX_PID=$!
	pids="$pids $NGINX_PID"
	i=0
	while ! in_ns python3 -c "import socket; socket.create_connection(('$2',80),1)" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -ge 50 ] || ! kill -0 "$NGINX_PID" 2>/dev/null; then
			cat "$pre/error.log" "$pre/stderr.log" >&2
			die "nginx on $2:80 did not start"
		fi
		sleep 0.1
	done
}

# nginx_kill PID: SIGKILL, and reaped
nginx_kill() {
	kill -KILL "$1"
	wait "$1" 2>/dev/null || true
}

net_setup() {
	cleanup
	ip netns add "$ns"
	in_ns ip link set lo up
	in_ns ip link add "$br" type bridge forward_delay 0
	in_ns ip link set "$br" up
	in_ns ip addr add "$srv/24" dev "$br"
	in_ns ip addr add "$srv2/24" dev "$br"
	in_ns ip tuntap add "$tap" mode tap
	in_ns ip link set "$tap" master "$br" up
}

# boot_bg NAME KARGS: QEMU in the background (qpid), console in
# $logs/sfault-NAME.log, its second serial port on the unix socket $sock.
boot_bg() {
	log="$logs/sfault-$1.log"
	sock="$work/ctl-$1.sock"
	rm -f "$sock" "$logs/sfault-$1.status"
	start=$(date +%s)
	ip netns exec "$ns" timeout "${QEMU_TIMEOUT:-240}" qemu-system-x86_64 -accel tcg -m 384 \
		-display none -no-reboot -serial mon:stdio \
		-serial "unix:$sock,server=on,wait=off" \
		-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no" \
		-device "virtio-net-pci,netdev=n0,mac=$mac" \
		-kernel "$sw/vmlinuz" -initrd "$sw/netinit-standalone.igz" \
		-append "console=ttyS0 no_timer_check panic=-1 netinit.onerror=halt ip=$client:$srv::255.255.255.0 netinit.stream=on $2" \
		</dev/null >"$log" 2>&1 &
	qpid=$!
}

# wait_line NAME TEXT SECS: waits (at most SECS) for TEXT in the console log
wait_line() {
	i=0
	until grep -aqF "$2" "$logs/sfault-$1.log"; do
		i=$((i + 1))
		[ $i -lt $(($3 * 5)) ] && kill -0 "$qpid" 2>/dev/null || return 1
		sleep 0.2
	done
}

# ready NAME: waits for the live root's NETINIT-FAULT-READY; false if QEMU
# ended first
ready() {
	until grep -aq NETINIT-FAULT-READY "$logs/sfault-$1.log"; do
		kill -0 "$qpid" 2>/dev/null || return 1
		sleep 0.2
	done
}

# go: the live root's "go" (its read starts or resumes); if it cannot be
# sent the guest waits into QEMU_TIMEOUT and the case fails
go() {
	printf 'go\n' | socat -u - "UNIX-CONNECT:$sock" ||
		echo "stream-faults: cannot send 'go' to QEMU's second serial port $sock" >&2
}

# boot_end NAME: waits for QEMU; secs, and boot_ended's status
boot_end() {
	rc=0
	wait "$qpid" || rc=$?
	qpid=""
	boot_ended "sfault-$1" "$rc"
	secs=$(($(date +%s) - start))
}

# common_checks NAME [ROOT DEVICE]: the live root read every other file right
common_checks() {
	n="sfault-$1"
	check_live "$n"
	check "$n" "NETINIT-STREAM-ROOT ${2:-/dev/nbd0} /run/netinit/ro squashfs"
	check "$n" "NETINIT-FAULT-PAD $(cat "$lab/stream/stream-64.squashfs.padmd5") "
	check "$n" "NETINIT-FAULT-FILES $(cat "$work/files.md5")"
	check_not "$n" "Kernel panic"
	readsecs=$(grep -ao 'NETINIT-FAULT-PAD [0-9a-f]* after [0-9]*' "$logs/$n.log" | sed 's/.* //')
}

# no_io_errors NAME: nothing failed on the way
no_io_errors() {
	check_not "sfault-$1" "I/O error"
	check_not "sfault-$1" "SQUASHFS error"
	check_not "sfault-$1" "answering EIO"
}

# recovered NAME: the stall and the recovery lines; sets rec (seconds)
recovered() {
	check "sfault-$1" "netinit-stream: read of "
	check "sfault-$1" "stalled: http://"
	rec=$(grep -ao 'netinit-stream: recovered: [^ ]* answered after [0-9]*' "$logs/sfault-$1.log" |
		tail -n 1 | sed 's/.* //')
	[ -n "$rec" ] || {
		echo "sfault-$1: missing: netinit-stream: recovered: ..." >&2
		ok=0
	}
}

record() {
	tally "sfault-$1" "$ok" "$(printf '%-11s' "$1")" "$secs" "$2"
}

case_nginx_kill() {
	nginx_up a "$srv"
	tmo=""
	[ "$brk" = 0 ] || tmo="netinit.stream.timeout=8"
	boot_bg nginx-kill "netinit.url=http://$srv/sfault.squashfs $tmo"
	if ready nginx-kill; then
		nginx_kill "$NGINX_PID"
		go
		sleep 20
		nginx_up a "$srv"
	fi
	boot_end nginx-kill
	ok=1
	common_checks nginx-kill
	no_io_errors nginx-kill
	recovered nginx-kill
	[ "${rec:-0}" -ge 15 ] || { echo "sfault-nginx-kill: recovered after ${rec:-?} s, want >= 15" >&2; ok=0; }
	record nginx-kill "nginx down 20 s: read stalled, recovered after ${rec:-?} s, pad read in ${readsecs:-?} s"
}

case_link_down() {
	nginx_up a "$srv"
	tmo=""
	[ "$brk" = 0 ] || tmo="netinit.stream.timeout=5 netinit.idle_timeout=5"
	boot_bg link-down "netinit.url=http://$srv/sfault.squashfs $tmo"
	if ready link-down; then
		in_ns ip link set "$tap" down
		go
		sleep 30
		in_ns ip link set "$tap" up
	fi
	boot_end link-down
	ok=1
	common_checks link-down
	no_io_errors link-down
	recovered link-down
	[ "${readsecs:-0}" -ge 25 ] || { echo "sfault-link-down: the read took ${readsecs:-?} s: it never stalled" >&2; ok=0; }
	record link-down "link down 30 s: pad read in ${readsecs:-?} s (recovered after ${rec:-?} s)"
}

case_mirror() {
	# the second mirror's path: a link to the same file (same size and
	# mtime: the same ETag), served by one more nginx on the second address
	if [ "$brk" = 0 ]; then
		ln -sf sfault.squashfs "$sw/b.squashfs"
		tmo=""
	else
		# another mtime: another ETag, so "image changed on the server"
		cp "$work/sfault.squashfs" "$sw/b.squashfs"
		touch -d @1 "$sw/b.squashfs"
		tmo="netinit.stream.timeout=10"
	fi
	nginx_up b "$srv2"
	pid_b=$NGINX_PID
	: >"$work/nginx-b/access.log"
	nginx_up a "$srv"
	boot_bg mirror "netinit.url=http://$srv/sfault.squashfs,http://$srv2/b.squashfs $tmo"
	if ready mirror; then
		nginx_kill "$NGINX_PID"
		go
	fi
	boot_end mirror
	kill "$pid_b" 2>/dev/null || true
	ok=1
	common_checks mirror
	no_io_errors mirror
	# refused, or reset when the kill caught a GET ahead in flight
	log_has sfault-mirror "stalled: http://$srv/sfault.squashfs: Connection refused" ||
		check sfault-mirror "stalled: http://$srv/sfault.squashfs: Connection reset by peer"
	check sfault-mirror "netinit-stream: recovered: http://$srv2/b.squashfs answered after"
	gets=$(grep -c '^GET /b.squashfs HTTP/1.1 206 ' "$work/nginx-b/access.log" || true)
	[ "$gets" -gt 0 ] || { echo "sfault-mirror: the second mirror served nothing" >&2; ok=0; }
	record mirror "first mirror killed: $gets GETs from the second"
}

case_verity() {
	verity_image
	mtime=$(stat -c %Y "$img")
	# a 4 KiB block in the middle of /cold.bin, and its 128 KiB stream chunk
	bad=$(($(cat "$work/cold.offset") + 2 * 1024 * 1024 + 100))
	blk=$((bad / 4096))
	pin="netinit.verity=$roothash"
	[ "$brk" = 0 ] || pin=""
	nginx_up a "$srv"
	boot_bg verity "netinit.url=http://$srv/verity.squashfs sfault=cold $pin"
	ok=1
	if ready verity; then
		# never asked for so far: no Range of the image covers the block
		if python3 - "$work/nginx-a/access.log" "$bad" <<'EOS'; then
import re, sys
bad = int(sys.argv[2])
for line in open(sys.argv[1]):
    m = re.match(r'GET /verity\.squashfs HTTP/1\.1 \d+ "bytes=(\d+)-(\d*)"', line)
    if m and int(m.group(1)) <= bad <= int(m.group(2) or 1 << 62):
        sys.exit(1)
EOS
			:
		else
			echo "sfault-verity: the block at $bad was read before the fault" >&2
			ok=0
		fi
		python3 - "$img" "$bad" <<'EOS'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2]))
    b = f.read(16)
    f.seek(int(sys.argv[2]))
    f.write(bytes(x ^ 0xff for x in b))
EOS
		touch -d "@$mtime" "$img"	# the same ETag: nginx's is mtime and size
		go
	fi
	boot_end verity
	common_checks verity /dev/mapper/netinit-root
	check sfault-verity "NETINIT-FAULT-COLD failed: md5sum: can't read '/cold.bin': Input/output error"
	check sfault-verity "verity: "
	check sfault-verity "data block $blk is corrupted"
	check_not sfault-verity "NETINIT-FAULT-COLD read"
	check_not sfault-verity "image changed on the server"
	check_not sfault-verity "answering EIO"
	record verity "block $blk of /cold.bin corrupted: EIO, named; the rest reads right"
}

case_cache() {
	nginx_up a "$srv"
	mode=cache
	[ "$brk" = 0 ] || mode=on
	boot_bg cache "netinit.url=http://$srv/sfault.squashfs netinit.stream=$mode \
netinit.stream.timeout=20 sfault=cache"
	if ready cache; then
		wait_line cache "the network is no longer needed" 90 || true
		in_ns ip link set "$tap" down
		go
	fi
	boot_end cache
	ok=1
	common_checks cache
	no_io_errors cache
	check sfault-cache "NETINIT-FAULT-COLD read $(cat "$work/cold.md5")"
	check sfault-cache "netinit-stream: image in RAM after "
	check sfault-cache " sockets=1 tcp=0"
	inram=$(grep -ao 'image in RAM after [0-9]*' "$logs/sfault-cache.log" | sed 's/.* //')
	rss=$(grep -ao 'NETINIT-CACHE-OFFLINE VmLck: [0-9]* kB VmRSS: [0-9]*' "$logs/sfault-cache.log" |
		sed 's/.* //')
	record cache "in RAM after ${inram:-?} s (resident VmRSS ${rss:-?} kB), link down: every file right"
}

# a verity-pinned copy of the image, root hash in $roothash (case_verity, the cache cases)
verity_image() {
	img="$sw/verity.squashfs"
	rm -f "$img" "$img.verity"
	cp -p "$work/sfault.squashfs" "$img"
	roothash=$(veritysetup format "$img" "$img.verity" | sed -n 's/^Root hash:[[:space:]]*//p')
	[ -n "$roothash" ] || die "veritysetup format printed no root hash"
	chmod 0644 "$img.verity"
}

case_cache_sha() {
	verity_image
	real=$(sha256sum "$img" | cut -d' ' -f1)
	pin=$(sha256sum "$img.verity" | cut -d' ' -f1)
	[ "$brk" = 0 ] || pin=$real
	nginx_up a "$srv"
	boot_bg cache-sha "netinit.url=http://$srv/verity.squashfs netinit.stream=cache \
netinit.verity=$roothash netinit.sha256=$pin"
	if ready cache-sha; then
		wait_line cache-sha "is not netinit.sha256" 90 || true
		go
	fi
	boot_end cache-sha
	ok=1
	common_checks cache-sha /dev/mapper/netinit-root
	no_io_errors cache-sha
	check sfault-cache-sha "!!! cache: sha256 $real is not netinit.sha256: copy dropped"
	check_not sfault-cache-sha "no longer needed"
	record cache-sha "sha256 pin not matched: copy dropped loudly, the root streams"
}

case_cache_pressure() {
	nginx_up a "$srv"
	hog=pressure
	[ "$brk" = 0 ] || hog=nohog
	boot_bg cache-pressure "netinit.url=http://$srv/sfault.squashfs netinit.stream=cache \
netinit.stream.rate=1024 sfault=$hog"
	if ready cache-pressure; then
		go
	fi
	boot_end cache-pressure
	ok=1
	common_checks cache-pressure
	no_io_errors cache-pressure
	check sfault-cache-pressure "NETINIT-CACHE-HOG "
	check sfault-cache-pressure "netinit-stream: cache: "
	check sfault-cache-pressure " spare: copy dropped, the root streams"
	check_not sfault-cache-pressure "no longer needed"
	check_not sfault-cache-pressure "invoked oom-killer"
	check_not sfault-cache-pressure "Out of memory"
	rss=$(grep -ao 'NETINIT-CACHE-AFTER-HOG VmLck: [0-9]* kB VmRSS: [0-9]*' \
		"$logs/sfault-cache-pressure.log" | sed 's/.* //')
	if [ -z "$rss" ] || [ "$rss" -ge 32768 ]; then
		echo "sfault-cache-pressure: the resident's VmRSS after the hog is ${rss:-?} kB" >&2
		ok=0
	fi
	record cache-pressure "tmpfs filled: the copy gave way (resident VmRSS ${rss:-?} kB), no OOM kill"
}

mkdir -p "$work" "$sw" "$logs"
sh "$top/tests/lab/kernel.sh"
mods="$lab/kernel/lib/modules/$(cat "$lab/kernel/version")"
image
"$top/gen_initramfs.sh" --standalone --netinit "$top/build/netinit" --modules "$mods" \
	--output "$sw/netinit-standalone.igz" >/dev/null
ln -sf "$lab/kernel/vmlinuz" "$sw/vmlinuz"
ln -sf "$work/sfault.squashfs" "$sw/sfault.squashfs"
rm -f "$sw/b.squashfs"
rm -rf "$work"/nginx-*
for c in ${SFAULT_CASES:-nginx-kill link-down mirror verity}; do
	case $c in
	nginx-kill | link-down | mirror | verity | cache | cache-sha | cache-pressure) ;;
	*) die "unknown case $c (nginx-kill link-down mirror verity cache cache-sha cache-pressure)" ;;
	esac
	net_setup
	"case_$(echo "$c" | tr - _)"
	cleanup
done
printf '%s' "$table"
echo "stream faults: $pass passed, $fail failed"
[ "$fail" = 0 ]

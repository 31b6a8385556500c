#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# End-to-end boots of stream mode (BIOS, iPXE ROM, slirp; see lib.sh), the
# image served by tests/host/streamd.py (keep-alive, Range, ETag) on
# 127.0.0.1 and the standalone netinit initrd:
#   stream-on      netinit.stream=on, 512 MiB, a 64 MiB live root: the
#                  resident '@netinit-stream' process runs in the live root,
#                  the root is squashfs on /dev/nbd0, the image is not in RAM
#                  (Shmem well below its size), /pad.bin reads back with the
#                  right md5 (every byte through the stream)
#   fetch-off      the same image fetched (netinit.stream=off): the control
#                  for boot time and MemAvailable
#   auto-lowmem    netinit.stream=auto, a 256 MiB live root on a 192 MiB
#                  guest: auto streams, the live root is reached, pad md5 right
#   fetch-lowmem   the same machine and image with stream off: refused
#                  (does not fit), the point of stream mode
#   verity         netinit.verity=ROOTHASH: the hash tree (veritysetup
#                  format) fetched from <URL>.verity, dm-verity over
#                  /dev/nbd0: the live root is on /dev/mapper/netinit-root
#   verity-wrong   a wrong root hash: refused before the handoff
#   verity-retry   the same with netinit.onerror=shell (dracut's initrd, which
#                  has a shell): at the shell, no backend process, /dev/nbd0
#                  disconnected, no netinit-root; 'exit' retries on /dev/nbd0
#   norange-auto   a server that ignores Range (streamd's /norange/):
#                  auto says so and fetches, the live root is reached
#   no-nbd         the nbd module refused (module_blacklist=nbd): one line
#                  naming it, then the error path
#   no-dm-verity   the same for dm-verity under netinit.verity
#   truncated      the image cut to 16 MiB on the server, netinit.size pins
#                  the whole: refused before the handoff in one line
#   gen-verity     what a user runs: gen_initramfs.sh --image --verity
#                  --boot-url pins sha256, size and the root hash of the
#                  tree it writes next to (a copy of) the image; its own
#                  stream.ipxe boots (netinit.stream=on): the live root is
#                  on /dev/mapper/netinit-root, the sha256 pin does not
#                  stop the stream
#   gen-verity-auto  the same initrd, netinit.stream=auto on 512 MiB (where
#                  the image fits): auto caches it (streams, then copies)
#   dracut-verity  dracut 059 with the verity case's image and root hash,
#                  no root= on the command line: netinit names the verity
#                  device by its kernel name, root=live:/dev/dm-N, in
#                  /etc/cmdline.d (dracut's udev rules skip a dm device
#                  libdevmapper did not announce, so a /dev/mapper name
#                  would never appear and dmsquash-live would wait for ever)
#                  (gen-verity-auto is not in the default list)
#   dracut         the real dracut 059 initrd (dmsquash-live) takes
#                  root=live:/dev/nbd0 from the stream: the live root is
#                  reached, its lower layer on nbd0, the backend alive
#   dracut106      the same with dracut-ng 106 (Debian trixie's; downloaded
#                  by tests/lab/dracut106-initrd.sh on first use, then kept),
#                  no root= on the command line: netinit's /etc/cmdline.d
#                  names the device
#   nbd-server     netinit.url=nbd://10.0.2.101/live: Debian's nbd-server
#                  (guestfwd to 127.0.0.1) exports the image; netinit does
#                  the handshake and the kernel holds the connection: the
#                  root on /dev/nbd0, no resident process, pad md5 right
#   nbdkit         the same from nbdkit (file plugin, dir=: every file an
#                  export), nbd://10.0.2.102/stream-64.squashfs
#   nbd-verity     nbdkit, netinit.verity=ROOTHASH: the hash tree is the
#                  export <EXPORT>.verity (/dev/nbd1), the root on
#                  /dev/mapper/netinit-root
#   nbd-dracut     dracut 059 on root=live:/dev/nbd0 from nbd-server: the
#                  live root is reached, no resident process
#   nbd-verity-wrong  nbd:// with a wrong root hash: refused, and both
#                  devices (image /dev/nbd0, tree /dev/nbd1) disconnected
#   nbd-noexport   nbd://10.0.2.101/nope (nbd-server has no such export):
#                  one line with the server's words, then the error path
# STREAM_CASES picks cases (default: all). Prints a table with the seconds to
# the live root (kernel clock at "switched root"), MemAvailable in the live
# root and the HTTP requests for the image.
set -eu

# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"

work="$lab/stream"
sw="$work/www"
mkdir -p "$sw" "$logs"
sh "$top/tests/lab/kernel.sh"
mods="$lab/kernel/lib/modules/$(cat "$lab/kernel/version")"
sh "$top/tests/lab/liveroot-stream.sh" "$work/stream-64.squashfs" 64
all="stream-on fetch-off auto-lowmem fetch-lowmem verity verity-wrong verity-retry gen-verity norange-auto no-nbd no-dm-verity truncated dracut dracut-verity dracut106 nbd-server nbdkit nbd-verity nbd-verity-wrong nbd-dracut nbd-noexport"
cases=${STREAM_CASES:-$all}
case " $cases " in
*lowmem*) sh "$top/tests/lab/liveroot-stream.sh" "$work/stream-256.squashfs" 256 ;;
esac
"$top/gen_initramfs.sh" --standalone --netinit "$top/build/netinit" --modules "$mods" \
	--output "$sw/netinit-standalone.igz" >/dev/null
case " $cases " in
*"dracut "* | *" dracut-verity "* | *" verity-retry "*)
	sh "$top/tests/lab/dracut-initrd.sh" >/dev/null
	"$top/gen_initramfs.sh" --base "$lab/dracut.igz" --netinit "$top/build/netinit" \
		--modules "$mods" --output "$sw/netinit-dracut.igz" >/dev/null
	;;
esac
case " $cases " in
*" dracut106 "*)
	sh "$top/tests/lab/dracut106-initrd.sh" >/dev/null
	"$top/gen_initramfs.sh" --base "$lab/dracut106.igz" --netinit "$top/build/netinit" \
		--modules "$mods" --output "$sw/netinit-dracut106.igz" >/dev/null
	;;
esac
ln -sf "$lab/kernel/vmlinuz" "$sw/vmlinuz"
case " $cases " in
*" truncated "*)
	# the image cut short on the server, its size pinned (as gen_initramfs.sh pins it)
	head -c 16777216 "$work/stream-64.squashfs" >"$sw/truncated.squashfs"
	;;
esac
base="console=ttyS0 no_timer_check panic=-1 netinit.onerror=halt"
case " $cases " in
*" gen-verity"*)
	# the user's way, in its own directory (the verity case's tree stays):
	# the image copied in, the tree and the boot files written beside it
	mkdir -p "$sw/gv"
	cp "$work/stream-64.squashfs" "$sw/gv/stream-64.squashfs"
	ln -sf "$lab/kernel/vmlinuz" "$sw/gv/vmlinuz"
	"$top/gen_initramfs.sh" --standalone --verity --netinit "$top/build/netinit" --modules "$mods" \
		--image "$sw/gv/stream-64.squashfs" --url http://10.0.2.100/gv/stream-64.squashfs \
		--boot-url http://10.0.2.100/gv/ --kernel-name vmlinuz --append "$base" \
		--output "$sw/gv/netinit.igz" >"$work/gv.out"
	for f in stream-64.squashfs.verity stream.ipxe; do
		[ -s "$sw/gv/$f" ] || die "gen_initramfs.sh --verity wrote no $f: $(cat "$work/gv.out")"
	done
	;;
esac
# the hash tree next to the image, and its root hash (a new salt each run)
roothash=$(veritysetup format "$work/stream-64.squashfs" "$work/stream-64.squashfs.verity" |
	sed -n 's/^Root hash:[[:space:]]*//p')
[ -n "$roothash" ] || die "veritysetup format printed no root hash"
chmod 0644 "$work/stream-64.squashfs.verity"
ln -sf "$work/stream-64.squashfs.verity" "$sw/stream-64.squashfs.verity"
for f in "$work"/stream-*.squashfs; do ln -sf "$f" "$sw/${f##*/}"; done

# streamd on a free port (HTTP_PORT, as lib.sh's ipxe_boot wants), access log
# in $logs/stream-http.log
HTTP_PORT=$(free_port)
python3 "$top/tests/host/streamd.py" "$sw" "$HTTP_PORT" >"$work/port" 2>"$logs/stream-http.log" &
HTTP_PID=$!
NBDKIT_PID=
nbd_stop() {
	[ ! -s "$work/nbd-server.pid" ] || kill "$(cat "$work/nbd-server.pid")" 2>/dev/null || true
	rm -f "$work/nbd-server.pid"
	[ -z "$NBDKIT_PID" ] || kill "$NBDKIT_PID" 2>/dev/null || true
}
trap 'http_stop; nbd_stop' EXIT INT TERM
i=0
until grep -q port "$work/port" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || die "streamd did not start"
	sleep 0.1
done

# The nbd:// cases' servers on free ports, reached by the guest through
# guestfwd: nbd-server at 10.0.2.101:10809 (exports "live" and
# "live.verity"), nbdkit at 10.0.2.102:10809 (every file of its dir=)
case " $cases " in
*" nbd"*)
	np=$(free_port)
	kp=$(free_port)
	printf '[generic]\n\tlistenaddr = 127.0.0.1\n\tport = %s\n[live]\n\texportname = %s\n\treadonly = true\n[live.verity]\n\texportname = %s\n\treadonly = true\n' \
		"$np" "$work/stream-64.squashfs" "$work/stream-64.squashfs.verity" >"$work/nbd-server.conf"
	nbd-server -C "$work/nbd-server.conf" -p "$work/nbd-server.pid" >"$logs/nbd-server-daemon.log" 2>&1
	rm -rf "$work/nbdkit"
	mkdir -p "$work/nbdkit"
	ln "$work/stream-64.squashfs" "$work/stream-64.squashfs.verity" "$work/nbdkit/"
	nbdkit -f -r -i 127.0.0.1 -p "$kp" file dir="$work/nbdkit" >"$logs/nbdkit-daemon.log" 2>&1 &
	NBDKIT_PID=$!
	wait_port "$np" || die "nbd-server did not start: $(cat "$logs/nbd-server-daemon.log")"
	wait_port "$kp" || die "nbdkit did not start: $(cat "$logs/nbdkit-daemon.log")"
	QEMU_NIC_EXTRA=",guestfwd=tcp:10.0.2.101:10809-cmd:socat - TCP:127.0.0.1:$np,guestfwd=tcp:10.0.2.102:10809-cmd:socat - TCP:127.0.0.1:$kp"
	;;
esac


# boot NAME MEM IMAGE ARGS [INITRD]: one boot (IMAGE a path on the HTTP
# server, or a whole nbd:// URL); sets secs, live (s to the
# live root: netinit's switch, or the next stage's first live line), avail
# (MemAvailable kB), shmem (kB), reqs (GETs of the image)
boot() {
	: >"$logs/stream-http.log"
	case $3 in
	*://*) url=$3 ;;
	*) url=http://10.0.2.100/$3 ;;
	esac
	secs=$(ipxe_boot "$1" "$2" "$(printf '#!ipxe\nkernel http://10.0.2.100/vmlinuz %s\ninitrd http://10.0.2.100/netinit-%s.igz\nboot\n' \
		"$base netinit.url=$url $4" "${5:-standalone}")")
	measure "$1" "$3"
}

# measure NAME IMAGE-PATH: the figures of boot NAME (see boot)
measure() {
	live=$(grep -a -e 'netinit: switched root' -e 'Run /sbin/init\|switching root\|Switching root' \
		"$logs/$1.log" | head -n 1 |
		sed -n 's/^\[ *\([0-9]*\)\.\([0-9]\).*/\1.\2/p')
	avail=$(grep -a -o 'NETINIT-LIVE-MEM .*MemAvailable: [0-9]*' "$logs/$1.log" | head -n 1 |
		sed 's/.*MemAvailable: //')
	shmem=$(grep -a -o 'NETINIT-LIVE-MEM .*Shmem: [0-9]*' "$logs/$1.log" | head -n 1 |
		sed 's/.*Shmem: //')
	reqs=$(grep -c "GET /${2#norange/} \|GET /$2 " "$logs/stream-http.log" || true)
	# the backend's own count at the live root (before /pad.bin is read)
	stats=$(grep -a -o 'NETINIT-STREAM-STATS [0-9]* HTTP requests, [0-9]* MiB' "$logs/$1.log" |
		head -n 1 | sed 's/NETINIT-STREAM-STATS //; s/ HTTP requests,/ GETs,/')
}

# live_checks NAME IMAGE STREAMED [dracut | ROOT DEVICE]; STREAMED: 1 over
# HTTP (the resident process), nbd (the kernel alone), 0 fetched
live_checks() {
	check_live "$1"
	check "$1" "NETINIT-STREAM-PAD $(cat "$work/$2.padmd5")"
	check_not "$1" "Kernel panic"
	check_not "$1" "Out of memory"
	img_kb=$(($(wc -c <"$work/$2") / 1024))
	if [ "$3" = nbd ]; then
		check_not "$1" "NETINIT-STREAM-PROC"
		check_not "$1" "NETINIT-STREAM-PS"
		check "$1" "the kernel holds the connection"
	fi
	if [ "$3" = 1 ]; then
		check "$1" "NETINIT-STREAM-PROC pid="
		check "$1" "cmdline=@netinit-stream"
	fi
	if [ "$3" != 0 ]; then
		case ${4:-/dev/nbd0} in
		dracut) ;;
		*) check "$1" "NETINIT-STREAM-ROOT ${4:-/dev/nbd0} /run/netinit/ro squashfs" ;;
		esac
		check_not "$1" "netinit-stream: answering EIO"
		# the image is not in RAM: Shmem far below its size
		if [ -z "$shmem" ] || [ "$shmem" -ge $((img_kb / 4)) ]; then
			echo "$1: Shmem ${shmem:-?} KiB, want < $((img_kb / 4)) (image $img_kb KiB)" >&2
			ok=0
		fi
	else
		check "$1" "NETINIT-STREAM-ROOT /dev/loop0 /run/netinit/ro squashfs"
		if [ -z "$shmem" ] || [ "$shmem" -lt "$img_kb" ]; then
			echo "$1: Shmem ${shmem:-?} KiB, want >= the image's $img_kb KiB" >&2
			ok=0
		fi
	fi
}

record() {
	tally "$1" "$3" "$(printf '%-14s %-40s' "$1" "$2")" "$secs" \
		"live root at ${live:-?} s (${stats:-no backend}), MemAvailable ${avail:-?} kB, Shmem ${shmem:-?} kB, $reqs GETs in all"
}

for c in $cases; do
	ok=1
	case $c in
	stream-on)
		boot "$c" 512 stream-64.squashfs "netinit.stream=on"
		check "$c" "stream: /dev/nbd0 is the image"
		live_checks "$c" stream-64.squashfs 1
		record "$c" "stream on, 64 MiB image, 512 MiB" "$ok"
		;;
	fetch-off)
		boot "$c" 512 stream-64.squashfs "netinit.stream=off"
		check_not "$c" "@netinit-stream"
		live_checks "$c" stream-64.squashfs 0
		record "$c" "fetch (stream off), same image and RAM" "$ok"
		;;
	auto-lowmem)
		boot "$c" 192 stream-256.squashfs "netinit.stream=auto"
		check "$c" "netinit.stream=auto: streaming the "
		live_checks "$c" stream-256.squashfs 1
		record "$c" "auto, 256 MiB image on 192 MiB: streams" "$ok"
		;;
	fetch-lowmem)
		boot "$c" 192 stream-256.squashfs "netinit.stream=off"
		check "$c" "boot it with at least"
		check_refused "$c"
		record "$c" "off, 256 MiB image on 192 MiB: refused" "$ok"
		;;
	verity)
		boot "$c" 512 stream-64.squashfs "netinit.stream=on netinit.verity=$roothash"
		check "$c" "verity: /dev/mapper/netinit-root checks every block of /dev/nbd0"
		live_checks "$c" stream-64.squashfs 1 /dev/mapper/netinit-root
		record "$c" "verity: dm-verity over /dev/nbd0" "$ok"
		;;
	verity-wrong)
		# the same tree, a root hash with its first digit changed
		bad=$(printf '%s' "$roothash" | sed 's/^0/1/; t; s/^./0/')
		boot "$c" 512 stream-64.squashfs "netinit.stream=on netinit.verity=$bad"
		check "$c" "verity: the root hash does not match the hash tree"
		check_refused "$c"
		record "$c" "verity: a wrong root hash is refused" "$ok"
		;;
	verity-retry)
		bad=$(printf '%s' "$roothash" | sed 's/^0/1/; t; s/^./0/')
		fifo="$work/retry.in"
		rm -f "$fifo"
		mkfifo "$fifo"
		: >"$logs/stream-http.log"
		QEMU_STDIN=$fifo ipxe_boot "$c" 512 "$(printf '#!ipxe\nkernel http://10.0.2.100/vmlinuz %s\ninitrd http://10.0.2.100/netinit-dracut.igz\nboot\n' \
			"${base%halt}shell netinit.url=http://10.0.2.100/stream-64.squashfs netinit.stream=on \
netinit.verity=$bad rd.live.overlay.overlayfs=1")" >"$work/secs" &
		qpid=$!
		exec 3>"$fifo"
		if wait_log "$c" "'exit' to retry the boot" 1 150; then
			sleep 3
			# what the failure left: the backend (its comm), /dev/nbd0
			# connected (its pid file), the dm device; markers computed by
			# the shell (the console echoes what is typed); bash may take
			# the first line for a terminal answer: typed again if need be
			for try in 1 2 3; do
				# shellcheck disable=SC2016 # the guest's shell expands it
				printf '%s\n' 'for f in /proc/[0-9]*/comm; do read -r x <"$f"; [ "$x" != netinit-stream ] || echo NIRETRY-BACKEND-$((1+1)); done 2>/dev/null; [ ! -e /sys/block/nbd0/pid ] || echo NIRETRY-NBD0-$((2+2)); [ ! -e /dev/mapper/netinit-root ] || echo NIRETRY-DM-$((3+3)); echo NIRETRY-DONE-$((4+4))' >&3
				! wait_log "$c" NIRETRY-DONE-8 1 10 || break
				echo "$c: try $try: no output yet, typing the probe again" >&2
			done
			printf 'exit\n' >&3
			wait_log "$c" "'exit' to retry the boot" 2 150 || true
			sleep 2
			printf 'echo o >/proc/sysrq-trigger\n' >&3
		fi
		wait "$qpid" || true
		exec 3>&-
		rm -f "$fifo"
		secs=$(cat "$work/secs")
		live='' avail='' shmem='' stats='' reqs=$(grep -c "GET /stream-64.squashfs " "$logs/stream-http.log" || true)
		check "$c" "NIRETRY-DONE-8"
		check_not "$c" "NIRETRY-BACKEND-2"
		check_not "$c" "NIRETRY-NBD0-4"
		check_not "$c" "NIRETRY-DM-6"
		check "$c" "netinit: shell exited: retrying the boot"
		n=$(grep -a -c "stream: /dev/nbd0 is the image" "$logs/$c.log" || true)
		[ "$n" = 2 ] || { echo "$c: /dev/nbd0 attached $n times, want 2 (one per attempt)" >&2; ok=0; }
		n=$(grep -a -c "verity: the root hash does not match the hash tree" "$logs/$c.log" || true)
		[ "$n" = 2 ] || { echo "$c: the root hash refused $n times, want 2" >&2; ok=0; }
		check_not "$c" "Kernel panic"
		record "$c" "verity: failure undone, the retry on nbd0" "$ok"
		;;
	norange-auto)
		boot "$c" 512 norange/stream-64.squashfs "netinit.stream=auto"
		check "$c" "answered a Range request with the whole file (HTTP 200)"
		check "$c" "netinit.stream=auto: fetching: no mirror can stream"
		live_checks "$c" stream-64.squashfs 0
		record "$c" "auto, server ignores Range: fetches" "$ok"
		;;
	no-nbd)
		boot "$c" 512 stream-64.squashfs "netinit.stream=on module_blacklist=nbd"
		check "$c" "stream mode needs the kernel's nbd module"
		check_refused "$c"
		record "$c" "nbd module refused: one line" "$ok"
		;;
	truncated)
		boot "$c" 512 truncated.squashfs "netinit.stream=on \
netinit.size=$(wc -c <"$work/stream-64.squashfs")"
		check "$c" "the image is 16777216 bytes, netinit.size pins $(wc -c <"$work/stream-64.squashfs")"
		check_refused "$c"
		record "$c" "truncated on the server, size pinned: refused" "$ok"
		;;
	no-dm-verity)
		boot "$c" 512 stream-64.squashfs "netinit.stream=on netinit.verity=$roothash \
module_blacklist=dm_verity"
		check "$c" "dm-verity"
		check_refused "$c"
		record "$c" "dm-verity module refused: one line" "$ok"
		;;
	gen-verity | gen-verity-auto)
		# gen_initramfs.sh's own stream.ipxe, as written (auto: one word changed)
		: >"$logs/stream-http.log"
		script=$(cat "$sw/gv/stream.ipxe")
		[ "$c" != gen-verity-auto ] || script=$(printf '%s\n' "$script" | sed 's/netinit\.stream=on/netinit.stream=auto/')
		secs=$(ipxe_boot "$c" 512 "$script")
		measure "$c" gv/stream-64.squashfs
		# the root hash the run pinned (its first 16 digits, as netinit logs it)
		check "$c" "against root hash $(sed -n 's/.*pinned as netinit.verity=\([0-9a-f]\{16\}\).*/\1/p' "$work/gv.out")..."
		check_not "$c" "netinit.sha256 pins the whole image"
		[ "$c" != gen-verity-auto ] || check "$c" "netinit.stream=auto: caching the "
		check "$c" "verity: /dev/mapper/netinit-root checks every block of /dev/nbd0"
		live_checks "$c" stream-64.squashfs 1 /dev/mapper/netinit-root
		record "$c" "gen_initramfs --verity, its stream.ipxe${c#gen-verity}" "$ok"
		;;
	dracut-verity)
		boot "$c" 512 stream-64.squashfs "netinit.stream=on netinit.verity=$roothash \
rd.live.overlay.overlayfs=1" dracut
		check "$c" "verity: /dev/mapper/netinit-root checks every block of /dev/nbd0"
		check "$c" "dracut: root=live:/dev/dm-0 (/etc/cmdline.d"
		check "$c" "dracut: root was live:/dev/dm-0, is now live:/dev/dm-0"
		live_checks "$c" stream-64.squashfs 1 dracut
		record "$c" "dracut 059 on the verity device /dev/dm-0" "$ok"
		;;
	dracut | dracut106)
		# 059 with root=live: on the command line; 106 without: only
		# netinit's /etc/cmdline.d names the device
		root="root=live:/dev/nbd0 " via="command line"
		[ "$c" = dracut ] || root="" via=cmdline.d
		boot "$c" 512 stream-64.squashfs \
			"netinit.stream=on ${root}rd.live.overlay.overlayfs=1" "$c"
		dv=${c#dracut}
		check "$c" "netinit: handing off: mode dracut"
		check "$c" "dracut: root=live:/dev/nbd0"
		# dracut-ng names itself (059 names the build host's os-release)
		[ "$c" = dracut106 ] && check "$c" "dracut: dracut-106"
		check "$c" "dracut: root was live:/dev/nbd0, is now live:/dev/nbd0"
		live_checks "$c" stream-64.squashfs 1 dracut
		record "$c" "dracut ${dv:-059}: /dev/nbd0 via $via" "$ok"
		;;
	nbd-server)
		boot "$c" 512 nbd://10.0.2.101/live ""
		check "$c" "stream: /dev/nbd0 is nbd://10.0.2.101:10809/live ("
		live_checks "$c" stream-64.squashfs nbd
		record "$c" "nbd:// from nbd-server, kernel-held" "$ok"
		;;
	nbdkit)
		boot "$c" 512 nbd://10.0.2.102/stream-64.squashfs ""
		check "$c" "stream: /dev/nbd0 is nbd://10.0.2.102:10809/stream-64.squashfs ("
		live_checks "$c" stream-64.squashfs nbd
		record "$c" "nbd:// from nbdkit, kernel-held" "$ok"
		;;
	nbd-verity-wrong)
		bad=$(printf '%s' "$roothash" | sed 's/^0/1/; t; s/^./0/')
		boot "$c" 512 nbd://10.0.2.102/stream-64.squashfs "netinit.verity=$bad"
		check "$c" "verity: the root hash does not match the hash tree"
		check "$c" "block nbd1: NBD_DISCONNECT"
		check "$c" "block nbd0: NBD_DISCONNECT"
		check_refused "$c"
		record "$c" "nbd:// wrong root hash: both devices disconnected" "$ok"
		;;
	nbd-verity)
		boot "$c" 512 nbd://10.0.2.102/stream-64.squashfs "netinit.verity=$roothash"
		check "$c" "stream: /dev/nbd1 is nbd://10.0.2.102:10809/stream-64.squashfs.verity ("
		check "$c" "verity: /dev/mapper/netinit-root checks every block of /dev/nbd0"
		live_checks "$c" stream-64.squashfs nbd /dev/mapper/netinit-root
		record "$c" "nbd:// + verity: tree from EXPORT.verity" "$ok"
		;;
	nbd-dracut)
		boot "$c" 512 nbd://10.0.2.101/live \
			"root=live:/dev/nbd0 rd.live.overlay.overlayfs=1" dracut
		check "$c" "netinit: handing off: mode dracut"
		check "$c" "dracut: root=live:/dev/nbd0"
		live_checks "$c" stream-64.squashfs nbd dracut
		record "$c" "nbd://, dracut 059: root=live:/dev/nbd0" "$ok"
		;;
	nbd-noexport)
		boot "$c" 512 nbd://10.0.2.101/nope ""
		check "$c" "nbd://10.0.2.101:10809/nope: the server has no export of that name"
		check_not "$c" "/dev/nbd0 is"
		check_refused "$c"
		record "$c" "nbd:// export unknown: one line" "$ok"
		;;
	*) die "unknown case $c ($all)" ;;
	esac
done
printf '%s' "$table"
echo "stream e2e: $pass passed, $fail failed"
[ "$fail" = 0 ]

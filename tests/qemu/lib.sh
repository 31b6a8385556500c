#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Shared pieces of the end-to-end tests: a real HTTP server on 127.0.0.1
# and QEMU booting through its iPXE ROM (-boot n) on slirp with
# restrict=on, so the guest reaches nothing but what is forwarded:
#   10.0.2.2 (slirp: DHCP, TFTP of boot.ipxe)
#   10.0.2.100:80 -> guestfwd -> socat -> the HTTP server on 127.0.0.1
# Source it; it defines functions, and the pass/fail counters and the
# result table that tally() keeps.
# A boot that runs into its time limit (QEMU_TIMEOUT) fails, whatever its
# console says, unless the case sets hang_expected=1 before its checks:
# every boot notes how QEMU ended (boot_ended) and tally() and
# check_refused() read it.

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lab/ports.sh
. "$top/tests/lab/ports.sh"
lab="$top/build/lab"
www="$lab/www"
logs="$lab/logs"
export marker='NETINIT-LIVE-OK pid=1'
# The marker as a whole token: pid=1 and not pid=137 (the serial console
# ends the line with \r, or a kernel message may follow it).
export marker_re='NETINIT-LIVE-OK pid=1([^0-9]|$)'
hang_expected=0
HTTP_PORT=
HTTP_PID=

pass=0
fail=0
table=""

# tally NAME OK COLUMNS SECONDS [MORE]: counts a case (OK = 1: passed) and
# adds "COLUMNS result SECONDSs  MORE" to $table; a failed case shows the end
# of its console log, $logs/NAME.log. A boot that hit its time limit fails
# (boot_finished).
tally() {
	if boot_finished "$1" && [ "$2" = 1 ]; then
		pass=$((pass + 1))
		res=pass
	else
		fail=$((fail + 1))
		res=FAIL
		echo "--- $1 failed; last lines of $logs/$1.log:" >&2
		tail -n 30 "$logs/$1.log" >&2
	fi
	table="$table$(printf '%s %-5s %4ss%s' "$3" "$res" "$4" "${5:+  $5}")
"
}

# check NAME TEXT: the boot log must hold TEXT, else ok=0 and which is missing.
check() {
	log_has "$1" "$2" && return 0
	echo "$1: missing: $2" >&2
	# shellcheck disable=SC2034 # the caller's verdict
	ok=0
}

# check_not NAME TEXT: the boot log must not hold TEXT.
check_not() {
	log_has "$1" "$2" || return 0
	echo "$1: unexpected: $2" >&2
	# shellcheck disable=SC2034 # the caller's verdict
	ok=0
}

# check_live NAME: the live root's init ran as PID 1 (the whole marker).
check_live() {
	log_live "$1" && return 0
	echo "$1: missing: $marker (as a whole token)" >&2
	# shellcheck disable=SC2034 # the caller's verdict
	ok=0
}

# check_refused NAME: the boot took netinit's error path: it halted
# (netinit.onerror=halt) and the machine powered off before the time limit,
# never handed off, no panic, no live root (from any PID).
check_refused() {
	check "$1" "halting (netinit.onerror=halt)"
	# shellcheck disable=SC2034 # the caller's verdict
	boot_finished "$1" 2>/dev/null || ok=0	# tally() says why
	check_not "$1" "handing off"
	check_not "$1" "Kernel panic"
	check_not "$1" "NETINIT-LIVE-OK"
}

# boot_ended NAME STATUS: notes how the boot's timeout(1) ended, in
# $logs/NAME.status: "timeout" (124: the limit was hit) or "exit STATUS".
boot_ended() {
	mkdir -p "$logs"
	if [ "$2" = 124 ]; then
		echo timeout >"$logs/$1.status"
	else
		echo "exit $2" >"$logs/$1.status"
	fi
}

# boot_finished NAME: false, with a line, when the boot ran into its time
# limit and the case did not set hang_expected=1; also false when the boot
# never noted how it ended.
boot_finished() {
	if ! [ -f "$logs/$1.status" ]; then
		echo "$1: no $logs/$1.status: the boot did not note how QEMU ended" >&2
		return 1
	fi
	[ "$(cat "$logs/$1.status")" = timeout ] || return 0
	[ "$hang_expected" = 1 ] && return 0
	echo "$1: QEMU ran into the time limit (QEMU_TIMEOUT=${QEMU_TIMEOUT:-default}): the guest hung" >&2
	return 1
}

die() {
	echo "$0: $*" >&2
	exit 1
}

# http_start DIR: serves DIR on a free 127.0.0.1 port (HTTP_PORT), access log
# in $logs/http.log.
http_start() {
	mkdir -p "$logs"
	: >"$logs/http.log"
	HTTP_PORT=$(free_port)
	python3 -m http.server --bind 127.0.0.1 --directory "$1" "$HTTP_PORT" \
		>>"$logs/http.log" 2>&1 &
	HTTP_PID=$!
	wait_port "$HTTP_PORT" || die "HTTP server on 127.0.0.1:$HTTP_PORT did not start"
}

http_stop() {
	[ -z "$HTTP_PID" ] || kill "$HTTP_PID" 2>/dev/null || true
	HTTP_PID=
}

# ipxe_boot NAME MEM_MB IPXE_SCRIPT: boots QEMU through the iPXE ROM with
# IPXE_SCRIPT as boot.ipxe; the serial console goes to $logs/NAME.log.
# QEMU_NIC_EXTRA is appended to the -nic option (more guestfwd= rules);
# QEMU_STDIN (default /dev/null) is what the serial console reads.
# Times out after QEMU_TIMEOUT (default 180) seconds. Prints the seconds taken.
ipxe_boot() {
	name=$1
	mem=$2
	tftp="$lab/tftp-$name"
	log="$logs/$name.log"
	mkdir -p "$tftp" "$logs"
	printf '%s\n' "$3" >"$tftp/boot.ipxe"
	rm -f "$logs/$name.status"
	start=$(date +%s)
	rc=0
	timeout "${QEMU_TIMEOUT:-180}" qemu-system-x86_64 -accel tcg -m "$mem" \
		-nographic -no-reboot -boot n \
		-nic "user,model=virtio-net-pci,restrict=on,tftp=$tftp,bootfile=boot.ipxe,guestfwd=tcp:10.0.2.100:80-cmd:socat - TCP:127.0.0.1:$HTTP_PORT${QEMU_NIC_EXTRA:-}" \
		<"${QEMU_STDIN:-/dev/null}" >"$log" 2>&1 || rc=$?
	boot_ended "$name" "$rc"
	echo $(($(date +%s) - start))
}

# log_has NAME TEXT: the boot log holds TEXT (fixed string).
log_has() {
	grep -aqF -- "$2" "$logs/$1.log"
}

# wait_log NAME TEXT COUNT SECONDS: until TEXT appears COUNT times in the
# boot log (false after SECONDS).
wait_log() {
	i=0
	while n=$(grep -a -c -F -- "$2" "$logs/$1.log" 2>/dev/null) || true
	      [ "${n:-0}" -lt "$3" ]; do
		i=$((i + 1))
		[ "$i" -lt $(($4 * 5)) ] || return 1
		sleep 0.2
	done
}

# log_live NAME: the boot log holds the live root's marker from PID 1.
log_live() {
	grep -aqE -- "$marker_re" "$logs/$1.log"
}

# prepare: builds the lab (kernel, live root, next-stage initrds) and the
# netinit initrds the boots use, into $www.
prepare() {
	rm -rf "$www"
	sh "$top/tests/lab/netinit-initrds.sh" "$www"
	ln -s "$lab/kernel/vmlinuz" "$www/vmlinuz"
	ln -s "$lab/image.squashfs" "$www/image.squashfs"
	"$top/gen_initramfs.sh" combined --base "$www/netinit-genkernel.igz" \
		--image "$lab/image.squashfs" --dest /image.squashfs \
		--output "$www/combined-genkernel.igz" >/dev/null
	"$top/gen_initramfs.sh" combined --base "$www/netinit-dracut.igz" \
		--image "$lab/image.squashfs" --dest /image.squashfs.img \
		--output "$www/combined-dracut.igz" >/dev/null
}

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# End-to-end fault matrix of the fetch stage: real netboots (iPXE ROM,
# genkernel contract) whose image comes from tests/fault/faultd.py, which
# breaks the download on purpose (see its header for the modes). Each boot
# asserts on the guest console: the resume, restart or failover happened,
# "sha256 verified" and the live root's marker; or, for mirrors that can
# only fail, each one-line error, the halt and no handoff. No boot may
# show a panic, a soft lockup or a kernel BUG, or run into its time limit.
# FAULT_CASES (default: all) picks cases by name. Prints a table and
# "N passed, N failed".
set -eu

# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"

FAULTD_PID=

faultd_stop() {
	[ -z "$FAULTD_PID" ] || kill "$FAULTD_PID" 2>/dev/null || true
	FAULTD_PID=
}

# faultd_start DIR: faultd serves DIR; HTTP_PORT (used by ipxe_boot) is its port.
faultd_start() {
	mkdir -p "$logs"
	: >"$logs/faultd.log"
	python3 "$top/tests/fault/faultd.py" "$1" >"$logs/faultd.port" 2>"$logs/faultd.log" &
	FAULTD_PID=$!
	i=0
	until grep -q port "$logs/faultd.port" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || die "faultd did not start"
		sleep 0.1
	done
	HTTP_PORT=$(sed -n 's/^faultd: port //p' "$logs/faultd.port")
}

# fault_boot NAME URLS EXTRA_ARGS [MEM_MB]: a genkernel boot fetching from
# URLS (comma-separated paths on faultd); prints the seconds taken.
fault_boot() {
	urls=$(printf '%s' "$2" | sed 's|\([^,]*\)|http://10.0.2.100\1|g')
	script="#!ipxe
kernel http://10.0.2.100/vmlinuz console=ttyS0 no_timer_check panic=-1 netinit.onerror=halt cdroot loop=/image.squashfs netinit.url=$urls netinit.sha256=$sha $3
initrd http://10.0.2.100/netinit-genkernel.igz
boot"
	ipxe_boot "fault-$1" "${4:-384}" "$script"
}

# expect NAME good|bad TEXT...: the boot reached the live root (good) or
# halted without handoff (bad), and its console holds every TEXT.
expect() {
	name=$1
	kind=$2
	secs=$3
	shift 3
	log="fault-$name"
	ok=1
	missing=""
	for t in "$@"; do
		log_has "$log" "$t" || { ok=0; missing="$missing [$t]"; }
	done
	for t in "Kernel panic" "soft lockup" "BUG:"; do
		log_has "$log" "$t" && { ok=0; missing="$missing [not: $t]"; }
	done
	boot_finished "$log" 2>/dev/null || { ok=0; missing="$missing [powered off in time]"; }
	if [ "$kind" = good ]; then
		log_has "$log" "sha256 verified" || { ok=0; missing="$missing [sha256 verified]"; }
		log_live "$log" || { ok=0; missing="$missing [$marker]"; }
	else
		for t in "sha256 verified" "handing off" "NETINIT-LIVE-OK"; do
			log_has "$log" "$t" && { ok=0; missing="$missing [not: $t]"; }
		done
		log_has "$log" "halting (netinit.onerror=halt)" || { ok=0; missing="$missing [halt]"; }
	fi
	[ $ok = 1 ] || echo "--- $name: missing$missing" >&2
	tally "$log" "$ok" "$(printf '%-14s' "$name")" "$secs"
}

want() {
	[ -z "${FAULT_CASES:-}" ] && return 0
	case " $FAULT_CASES " in *" $1 "*) return 0 ;; esac
	return 1
}

img=/image.squashfs
: "${QEMU_TIMEOUT:=120}"
export QEMU_TIMEOUT
prepare
sha=$(sha256sum "$lab/image.squashfs" | cut -d' ' -f1)
cp "$lab/image.squashfs" "$www/big.squashfs"
truncate -s 200M "$www/big.squashfs"
size=$(stat -c %s "$lab/image.squashfs")
half=$((size / 2))
faultd_start "$www"
trap faultd_stop EXIT INT TERM

if want drop50; then
	s=$(fault_boot drop50 "/drop50$img" "")
	expect drop50 good "$s" "connection lost at $half of $size bytes (Broken pipe): resuming" \
		"resuming at 4 MiB of 8 MiB" "1 resumed"
fi
if want norange; then
	s=$(fault_boot norange "/norange-drop50$img?t=e2e" "")
	expect norange good "$s" "connection lost at $half of $size bytes" \
		"ignored the Range request (HTTP 200): restarting from 0"
fi
if want stall; then
	s=$(fault_boot stall "/stall$img" "netinit.idle_timeout=3")
	expect stall good "$s" "(Connection timed out): resuming" "resuming at 4 MiB of 8 MiB"
fi
if want mirrors; then
	s=$(fault_boot mirrors "/404$img,/wrongbytes$img,/500-once$img?t=e2e" "netinit.retries=1")
	expect mirrors good "$s" "/404$img: HTTP 404 from 10.0.2.100" \
		"/wrongbytes$img: sha256 mismatch: expected $sha" \
		"/500-once$img?t=e2e: HTTP 500 from 10.0.2.100: server error" \
		"all mirrors failed, round 2 of 2"
fi
if want redirects; then
	s=$(fault_boot redirects "/redir4$img" "")
	expect redirects good "$s" "fetched 8 MiB from 10.0.2.100"
fi
if want chunked; then
	s=$(fault_boot chunked "/chunked$img" "")
	expect chunked good "$s" "fetching http://10.0.2.100/chunked$img (size unknown, chunked)" \
		"fetched 8 MiB from 10.0.2.100"
fi
if want bad-mirrors; then
	s=$(fault_boot bad-mirrors "/redirect-loop$img,/truncated$img,/wrongbytes$img" \
		"netinit.retries=0")
	expect bad-mirrors bad "$s" \
		"/redirect-loop$img: too many or bad redirects (last: /redirect-loop$img)" \
		"/truncated$img: download failed at $half of $size bytes" \
		"/wrongbytes$img: sha256 mismatch: expected $sha"
fi
# Bigger than the guest's RAM, no netinit.size: refused after the head
# (Content-Length) or as the bytes arrive (chunked), the connection dropped
# with the body in flight, no handoff, no soft lockup.
if want big; then
	s=$(fault_boot big "/big.squashfs" "netinit.retries=0" 192)
	expect big bad "$s" "image is 200 MiB but this machine has"
fi
if want big-chunked; then
	s=$(fault_boot big-chunked "/chunked/big.squashfs" "netinit.retries=0" 192)
	expect big-chunked bad "$s" "image of unknown size (chunked, no netinit.size): " \
		"MiB of RAM left: boot with more RAM, or set netinit.size to refuse early"
fi
printf 'fault          result time\n%s' "$table"
echo "fetch faults e2e: $pass passed, $fail failed"
[ "$fail" = 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Lab tool: boots KERNEL + INITRD directly in QEMU (TCG, no firmware, no
# network) with "APPEND console=ttyS0 no_timer_check panic=-1", serial to a log file under
# build/lab/logs/, and succeeds only if the log holds the live root's
# marker from PID 1: "NETINIT-LIVE-OK pid=1".
# Prints the log path and the boot time in seconds.
# Env: QEMU_TIMEOUT (seconds, default 120), QEMU_LOG (log path),
#      QEMU_NIC (default "none"; a -nic value, e.g. "user,restrict=on"),
#      QEMU_ARGS (extra QEMU arguments, split on spaces).
set -eu

usage() {
	cat <<EOF
usage: $0 KERNEL INITRD "APPEND" [MEM_MB]
  KERNEL   e.g. build/lab/kernel/vmlinuz
  INITRD   e.g. build/lab/genkernel-combined.igz (tests/lab/combine.sh)
  APPEND   kernel command line; console=ttyS0 no_timer_check panic=-1 are added
  MEM_MB   guest RAM (default 512)
env: QEMU_TIMEOUT=120 QEMU_LOG=build/lab/logs/... QEMU_NIC=none QEMU_ARGS=
exit: 0 when the log holds 'NETINIT-LIVE-OK pid=1', 1 otherwise
EOF
}

case "${1-}" in
-h | --help) usage; exit 0 ;;
esac
if [ $# -lt 3 ] || [ $# -gt 4 ]; then
	usage >&2
	exit 2
fi
kernel=$1
initrd=$2
append=$3
mem=${4:-512}
tmo=${QEMU_TIMEOUT:-120}
nic=${QEMU_NIC:-none}
marker='NETINIT-LIVE-OK pid=1'

for n in "$mem" "$tmo"; do
	case "$n" in
	'' | *[!0-9]*)
		echo "qemu-direct.sh: '$n' is not a number (MEM_MB, QEMU_TIMEOUT)" >&2
		exit 2
		;;
	esac
done
for f in "$kernel" "$initrd"; do
	if ! [ -r "$f" ]; then
		echo "qemu-direct.sh: cannot read '$f'; build it first" \
			"(tests/lab/kernel.sh, tests/lab/*.sh)" >&2
		exit 1
	fi
done
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	echo "qemu-direct.sh: qemu-system-x86_64 not found; run 'make deps'" >&2
	exit 1
fi

top=$(cd "$(dirname "$0")/../.." && pwd)
if [ -n "${QEMU_LOG-}" ]; then
	log=$QEMU_LOG
else
	name=$(basename "$initrd")
	log="$top/build/lab/logs/${name%.*}-$(date +%Y%m%d-%H%M%S)-$$.log"
fi
mkdir -p "$(dirname "$log")"
: >"$log"

uptime_s() { cut -d ' ' -f 1 /proc/uptime; }

t0=$(uptime_s)
rc=0
# shellcheck disable=SC2086 # QEMU_ARGS is a list of words on purpose
timeout --foreground -k 5 "$tmo" qemu-system-x86_64 \
	-accel tcg -m "$mem" -smp 1 -nographic -no-reboot \
	-monitor none -serial "file:$log" -nic "$nic" \
	-kernel "$kernel" -initrd "$initrd" \
	-append "$append console=ttyS0 no_timer_check panic=-1" \
	${QEMU_ARGS-} </dev/null || rc=$?
t1=$(uptime_s)
secs=$(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')

echo "qemu-direct.sh: log $log"
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "qemu-direct.sh: QEMU killed after the ${tmo}s timeout (QEMU_TIMEOUT)"
elif [ "$rc" != 0 ]; then
	echo "qemu-direct.sh: QEMU exited with status $rc"
fi
if grep -aqE "$marker([^0-9]|$)" "$log"; then
	echo "qemu-direct.sh: PASS '$marker' after ${secs}s"
	exit 0
fi
echo "qemu-direct.sh: FAIL no '$marker' after ${secs}s; last lines:" >&2
tail -n 25 "$log" | tr -d '\r' >&2
if grep -q 'NETINIT-LIVE-OK' "$log"; then
	echo "qemu-direct.sh: the live root ran, but not as PID 1" >&2
fi
exit 1

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Self-test of lib.sh's verdicts, in seconds and without a guest: a fake
# qemu-system-x86_64 (first in PATH) prints a console and then exits or
# hangs, and the checks must judge it as the e2e scripts rely on:
#   - the live root's marker counts only as a whole token: pid=1 (with the
#     console's \r, or at the end of the log), never pid=137 or pid=12
#   - a boot that runs into QEMU_TIMEOUT fails tally() and check_refused(),
#     even when its console looks right ("halting" and then a hang),
#     unless the case set hang_expected=1
# run-all.sh runs it first. Exit 0 = lib.sh is sound.
set -eu

# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"

t=$(mktemp -d "${TMPDIR:-/tmp}/nilibtest.XXXXXX")
trap 'rm -rf "$t"' EXIT INT TERM
lab="$t/lab"
logs="$t/logs"
mkdir -p "$t/bin" "$logs"
# the fake QEMU: prints $FAKE_CONSOLE, then sleeps $FAKE_HANG seconds
cat >"$t/bin/qemu-system-x86_64" <<'EOF'
#!/bin/sh
printf '%b' "$FAKE_CONSOLE"
[ "${FAKE_HANG:-0}" = 0 ] || exec sleep "$FAKE_HANG"
EOF
chmod 755 "$t/bin/qemu-system-x86_64"
PATH="$t/bin:$PATH"
bad=0

# expect WHAT WANT GOT: WANT and GOT are 1 (pass) or 0 (fail)
expect() {
	if [ "$2" = "$3" ]; then
		printf 'ok:   %s\n' "$1"
	else
		printf 'FAIL: %s (want %s, got %s)\n' "$1" "$2" "$3" >&2
		bad=1
	fi
}

# boot NAME CONSOLE [HANG_S]: one fake boot through ipxe_boot, 2 s limit
boot() {
	FAKE_CONSOLE=$2 FAKE_HANG=${3:-0} QEMU_TIMEOUT=2 ipxe_boot "$1" 64 '#!ipxe' >/dev/null
}

# live NAME CONSOLE: 1 when check_live accepts the console
live() {
	boot "$1" "$2"
	ok=1
	check_live "$1" 2>/dev/null
	echo "$ok"
}

expect "marker pid=1 with \\r\\n" 1 "$(live m1 'init\nNETINIT-LIVE-OK pid=1\r\n')"
expect "marker pid=1 at the end of the log" 1 "$(live m2 'NETINIT-LIVE-OK pid=1')"
expect "marker pid=1 then a kernel message" 1 "$(live m3 'NETINIT-LIVE-OK pid=1[    9.1] reboot\n')"
expect "marker pid=137 is not PID 1" 0 "$(live m4 'NETINIT-LIVE-OK pid=137\r\n')"
expect "marker pid=12 is not PID 1" 0 "$(live m5 'NETINIT-LIVE-OK pid=12\n')"

# refused NAME CONSOLE HANG: 1 when check_refused and tally pass the boot
refused() {
	boot "$1" "$2" "$3"
	ok=1
	check_refused "$1" 2>/dev/null
	p=$pass
	tally "$1" "$ok" "$1" 0 2>/dev/null
	[ "$ok" = 1 ] && [ "$pass" = $((p + 1)) ] && echo 1 || echo 0
}

halt='netinit: boot failed: halting (netinit.onerror=halt)\r\nreboot: Power down\r\n'
expect "halted and powered off: refused" 1 "$(refused r1 "$halt" 0)"
expect "halting, then a hang into the limit: a failure" 0 "$(refused r2 "$halt" 30)"
expect "a live root from pid 137 is no refusal" 0 "$(refused r3 "${halt}NETINIT-LIVE-OK pid=137\r\n" 0)"

# tally alone: a boot whose console passed every check but that hit the limit
boot h1 'NETINIT-LIVE-OK pid=1\r\n' 30
f=$fail
tally h1 1 h1 0 2>/dev/null
expect "marker, then a hang into the limit: tally fails it" 1 "$((fail - f))"
hang_expected=1
p=$pass
tally h1 1 h1 0 2>/dev/null
expect "the same with hang_expected=1: tally passes it" 1 "$((pass - p))"
hang_expected=0

[ "$bad" = 0 ] || die "lib.sh verdicts are wrong (above)"
echo "lib-test: lib.sh verdicts sound"

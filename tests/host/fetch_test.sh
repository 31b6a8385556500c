#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Host-level fault tests of the fetch stage: build/host/netinit-fetch-asan
# (src/fetch.c under ASan/UBSan) against tests/fault/faultd.py on
# 127.0.0.1, one case per fault. Each case checks the exit status, a line
# of the tool's output, and that the output file is the image byte for byte
# (or, on failure, that neither it nor its .part exists). Seconds, no QEMU.
# Usage: fetch_test.sh [BINARY]
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$top/build/host/netinit-fetch-asan}
[ -x "$bin" ] || { echo "$0: $bin missing: run make host" >&2; exit 1; }
tmp=$(mktemp -d /tmp/nifetch-host.XXXXXX)
srv_pid=
cleanup() {
	[ -z "$srv_pid" ] || kill "$srv_pid" 2>/dev/null || true
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
base="http://127.0.0.1:$port"
# a port nobody listens on: bind, read the number, close
dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

pass=0
fail=0
n=0

# run NAME WANT_RC WANT_TEXT ARGS...: WANT_RC 0 also needs the exact image.
run() {
	name=$1
	want_rc=$2
	want=$3
	shift 3
	n=$((n + 1))
	out="$tmp/out$n"
	start=$(date +%s)
	rc=0
	"$bin" --retries 0 --timeout 5 -o "$out" "$@" >"$tmp/log$n" 2>&1 || rc=$?
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
run truncated-then-good 0 "resuming at 1 MiB" "$base/truncated/img" "$base/img" --sha256 "$sha"
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
echo "fetch host tests: $pass passed, $fail failed"
[ "$fail" = 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Captures QEMU slirp's DHCP replies (to the iPXE ROM's DHCP) as unit-test
# fixtures: tests/fixtures/dhcp/slirp-offer.bin and slirp-ack.bin (BOOTP
# payloads). The guest runs with restrict=on and no forwarding: it reaches
# nothing. Usage: tests/lab/capture-slirp.sh
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
out="$top/tests/fixtures/dhcp"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

timeout 25 qemu-system-x86_64 -accel tcg -m 128 -nographic -no-reboot -boot n \
	-netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0 \
	-object filter-dump,id=f0,netdev=n0,file="$tmp/dhcp.pcap" \
	</dev/null >/dev/null 2>&1 || true

python3 - "$tmp/dhcp.pcap" "$out" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
pos, found = 24, {}
while pos + 16 <= len(data):
    incl = struct.unpack("<I", data[pos + 8:pos + 12])[0]
    pkt = data[pos + 16:pos + 16 + incl]
    pos += 16 + incl
    if len(pkt) < 42 or pkt[12:14] != b"\x08\x00" or pkt[23] != 17:
        continue
    ihl = (pkt[14] & 15) * 4
    udp = 14 + ihl
    if struct.unpack("!H", pkt[udp:udp + 2])[0] != 67:
        continue
    body = pkt[udp + 8:]
    i = 240
    while i < len(body) and body[i] != 255:
        if body[i] == 0:
            i += 1
            continue
        if body[i] == 53:
            kind = {2: "offer", 5: "ack"}.get(body[i + 2])
            if kind and kind not in found:
                found[kind] = body
        i += 2 + body[i + 1]
for kind in ("offer", "ack"):
    if kind not in found:
        sys.exit("capture-slirp: no DHCP %s seen from slirp" % kind)
    open("%s/slirp-%s.bin" % (sys.argv[2], kind), "wb").write(found[kind])
print("captured slirp offer %d bytes, ack %d bytes" % (len(found["offer"]), len(found["ack"])))
PY

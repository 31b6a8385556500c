#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Captures real DHCP replies from dnsmasq as unit-test fixtures.

With --routes, dnsmasq also sends classless static routes (option 121,
RFC 3442) and only the ACK is saved, as dnsmasq-ack-121.bin.

Runs inside network namespaces this script creates (never touches any
other network): ni-cap-srv runs dnsmasq on a veth; ni-cap-cli sends
DISCOVER, REQUEST, and a REQUEST for a foreign address over a packet
socket and saves each reply's BOOTP payload to tests/fixtures/dhcp/.
Usage: tests/lab/capture-dhcp.py (as root).
"""
import os, socket, struct, subprocess, sys, time

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "dhcp")
MAC = bytes.fromhex("525400123456")
XID = 0x4e455449


def sh(*cmd):
    subprocess.run(cmd, check=True)


def bootp(msg_type, extra=b""):
    hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, XID, 0, 0x8000,
                      b"\0" * 4, b"\0" * 4, b"\0" * 4, b"\0" * 4,
                      MAC + b"\0" * 10, b"\0" * 64, b"\0" * 128)
    opts = bytes([53, 1, msg_type]) + bytes([61, 7, 1]) + MAC + extra
    opts += bytes([55, 8, 1, 3, 6, 12, 15, 26, 28, 121]) + b"\xff"
    return hdr + bytes([99, 130, 83, 99]) + opts


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def frame(payload):
    udp = struct.pack("!HHHH", 68, 67, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     b"\0" * 4, b"\xff" * 4)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + udp


def exchange(sock, ifindex, payload, want_type):
    sock.sendto(frame(payload), ("veth-cli", 0x0800, 0, 0, b"\xff" * 6))
    end = time.time() + 5
    while time.time() < end:
        sock.settimeout(end - time.time())
        pkt = sock.recv(2048)
        ihl = (pkt[0] & 15) * 4
        if pkt[9] != 17 or struct.unpack("!H", pkt[ihl + 2:ihl + 4])[0] != 68:
            continue
        body = pkt[ihl + 8:]
        if struct.unpack("!I", body[4:8])[0] != XID:
            continue
        i = 240
        while i < len(body) and body[i] != 255:
            if body[i] == 0:
                i += 1
                continue
            if body[i] == 53 and body[i + 2] == want_type:
                return body
            i += 2 + body[i + 1]
    sys.exit("no reply of type %d" % want_type)


def client():
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
    s.bind(("veth-cli", 0x0800))
    offer = exchange(s, 0, bootp(1), 2)
    yi = offer[16:20]
    sid = None
    i = 240
    while offer[i] != 255:
        if offer[i] == 0:
            i += 1
            continue
        if offer[i] == 54:
            sid = offer[i + 2:i + 6]
        i += 2 + offer[i + 1]
    ack = exchange(s, 0, bootp(3, bytes([50, 4]) + yi + bytes([54, 4]) + sid), 5)
    nak = exchange(s, 0, bootp(3, bytes([50, 4]) + bytes([10, 98, 0, 7]) + bytes([54, 4]) + sid), 6)
    saved = (("dnsmasq-offer.bin", offer), ("dnsmasq-ack.bin", ack), ("dnsmasq-nak.bin", nak))
    if ROUTES:
        saved = (("dnsmasq-ack-121.bin", ack),)
    for name, data in saved:
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("captured", len(offer), len(ack), len(nak), "bytes")


ROUTES = "--routes" in sys.argv
EXTRA = ["--dhcp-option=121,10.98.0.0/16,10.99.0.254,192.168.77.128/25,10.99.0.253,"
         "0.0.0.0/0,10.99.0.1"] if ROUTES else []


def main():
    if "--client" in sys.argv:
        client()
        return
    os.makedirs(OUT, exist_ok=True)
    for ns in ("ni-cap-srv", "ni-cap-cli"):
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
        sh("ip", "netns", "add", ns)
    try:
        sh("ip", "link", "add", "veth-srv", "netns", "ni-cap-srv", "type", "veth",
           "peer", "name", "veth-cli", "netns", "ni-cap-cli")
        sh("ip", "-n", "ni-cap-srv", "addr", "add", "10.99.0.1/24", "dev", "veth-srv")
        sh("ip", "-n", "ni-cap-srv", "link", "set", "veth-srv", "up")
        sh("ip", "-n", "ni-cap-cli", "link", "set", "veth-cli", "address", "52:54:00:12:34:56")
        sh("ip", "-n", "ni-cap-cli", "link", "set", "veth-cli", "up")
        dns = subprocess.Popen(["ip", "netns", "exec", "ni-cap-srv", "dnsmasq", "-d", "-q",
                                "--conf-file=/dev/null", "--port=0", "--interface=veth-srv",
                                "--bind-interfaces", "--dhcp-authoritative",
                                "--dhcp-range=10.99.0.50,10.99.0.99,255.255.255.0,1h",
                                "--dhcp-option=option:router,10.99.0.1",
                                "--dhcp-option=option:dns-server,10.99.0.1,10.99.0.2",
                                "--dhcp-option=option:domain-name,lab.example",
                                "--dhcp-option=option:mtu,1400",
                                "--dhcp-boot=boot.ipxe,,10.99.0.1",
                                "--dhcp-host=52:54:00:12:34:56,netboot-client",
                                "--dhcp-leasefile=/dev/null"] + EXTRA)
        time.sleep(1.5)
        try:
            sh("ip", "netns", "exec", "ni-cap-cli", sys.executable, __file__, "--client",
               *(["--routes"] if ROUTES else []))
        finally:
            dns.terminate()
            dns.wait()
    finally:
        for ns in ("ni-cap-srv", "ni-cap-cli"):
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)


main()

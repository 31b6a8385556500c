#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A DHCP server that refuses the first REQUEST (DHCPNAK), then serves.

For the namespace lab (tests/netlab/lab.sh): it proves that netinit goes
back to DISCOVER after a NAK (RFC 2131 4.4.1) instead of giving up or using
the refused address. Real packets on a real bridge: it binds UDP port 67 on
the interface given and answers by broadcast. Usage:
    nak-dhcpd.py IFACE SERVER_IP CLIENT_IP
Logs one line per packet on stdout.
"""
import socket
import struct
import sys

IFACE, SERVER, CLIENT = sys.argv[1], sys.argv[2], sys.argv[3]
MAGIC = b"\x63\x82\x53\x63"


def options(pkt):
    """Options of a BOOTREQUEST as a dict, walking lengths carefully."""
    opts, i = {}, 240
    while i < len(pkt):
        code = pkt[i]
        if code == 255:
            break
        if code == 0:
            i += 1
            continue
        if i + 1 >= len(pkt):
            break
        n = pkt[i + 1]
        opts[code] = pkt[i + 2:i + 2 + n]
        i += 2 + n
    return opts


def reply(req, mtype, yiaddr):
    hdr = struct.pack("!BBBB", 2, 1, 6, 0) + req[4:8] + b"\0" * 4 + b"\0" * 4
    hdr += socket.inet_aton(yiaddr) + socket.inet_aton(SERVER) + b"\0" * 4
    hdr += req[28:44] + b"\0" * 192 + MAGIC
    opt = bytes([53, 1, mtype]) + bytes([54, 4]) + socket.inet_aton(SERVER)
    if mtype != 6:
        opt += bytes([1, 4]) + socket.inet_aton("255.255.255.0")
        opt += bytes([51, 4]) + struct.pack("!I", 3600)
    else:
        msg = b"lab: refusing the first request on purpose"
        opt += bytes([56, len(msg)]) + msg
    return hdr + opt + b"\xff"


def main():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, IFACE.encode())
    s.bind(("0.0.0.0", 67))
    naked = False
    while True:
        pkt, _ = s.recvfrom(2048)
        if len(pkt) < 244 or pkt[0] != 1 or pkt[236:240] != MAGIC:
            continue
        mtype = options(pkt).get(53, b"\0")[0]
        mac = pkt[28:34].hex(":")
        if mtype == 1:
            out, name = reply(pkt, 2, CLIENT), "OFFER"
        elif mtype == 3 and not naked:
            naked = True
            out, name = reply(pkt, 6, CLIENT), "NAK"
        elif mtype == 3:
            out, name = reply(pkt, 5, CLIENT), "ACK"
        else:
            continue
        s.sendto(out, ("255.255.255.255", 68))
        print(f"nak-dhcpd: type {mtype} from {mac}: sent {name}", flush=True)


main()

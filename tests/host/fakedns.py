#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""fakedns: a tiny authoritative DNS server over UDP for the host tests.

Usage: fakedns.py ADDR NAME=ADDR[,ADDR...]...
Listens on ADDR port 53 (IPv4 or IPv6 text) and answers each NAME's A and
AAAA questions with the addresses given for it (IPv4 ones as A, IPv6 ones
as AAAA; none of a type: NOERROR without answers), anything else with
NXDOMAIN. Logs one line per query on stderr ("fakedns: NAME TYPE"), and
prints "fakedns: ready" on stdout once listening.
"""
import socket
import struct
import sys


def parse_question(q):
    i, labels = 12, []
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode("ascii", "replace"))
        i += 1 + q[i]
    qtype, qclass = struct.unpack("!HH", q[i + 1:i + 5])
    return ".".join(labels).lower(), qtype, qclass, i + 5


def answer(q, names):
    name, qtype, _, end = parse_question(q)
    addrs = names.get(name)
    rcode = 0 if addrs is not None else 3
    want = [a for a in (addrs or []) if (":" in a) == (qtype == 28) and qtype in (1, 28)]
    head = struct.pack("!HHHHHH", struct.unpack("!H", q[:2])[0], 0x8400 | 0x0100 | rcode, 1,
                       len(want), 0, 0)
    body = q[12:end]
    for a in want:
        fam = socket.AF_INET6 if qtype == 28 else socket.AF_INET
        rdata = socket.inet_pton(fam, a)
        body += struct.pack("!HHHIH", 0xc00c, qtype, 1, 60, len(rdata)) + rdata
    sys.stderr.write("fakedns: %s %s\n" % (name, {1: "A", 28: "AAAA"}.get(qtype, qtype)))
    sys.stderr.flush()
    return head + body


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    names = {}
    for arg in sys.argv[2:]:
        name, _, addrs = arg.partition("=")
        names[name.lower()] = [a for a in addrs.split(",") if a]
    fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((sys.argv[1], 53))
    print("fakedns: ready", flush=True)
    while True:
        q, peer = s.recvfrom(512)
        try:
            s.sendto(answer(q, names), peer)
        except (IndexError, struct.error, UnicodeError):
            pass


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Captures real DNS responses from dnsmasq as unit-test fixtures.

Runs dnsmasq on the loopback of a network namespace this script creates
(ninet-dnscap; nothing else is reached), asks it the A record of a few
names (and the AAAA record of others) with the query netinit's
dns_build_query_type() makes (id 0x1234, RD) and saves each response to
tests/fixtures/dns/<case>.bin:
  a           mirror.lab.example   A record
  cname       images.lab.example   CNAME -> CNAME -> A (compressed names)
  nx          missing.lab.example  NXDOMAIN
  nodata      txt.lab.example      exists (TXT) but no A record
  multi       multi.lab.example    two A records
  aaaa        mirror.lab.example   AAAA record (the name has A and AAAA)
  aaaa-cname  images.lab.example   CNAME -> CNAME -> AAAA
  aaaa-nodata v4only.lab.example   A record only: AAAA says no data
  aaaa-multi  multi6.lab.example   two AAAA records
  a-v4only    v4only.lab.example   A record (the name has no AAAA)
  a-v6only    multi6.lab.example   AAAA records only: A says no data
  aaaa-nodata-txt txt.lab.example  exists (TXT) but no AAAA record
Usage: tests/lab/capture-dns.py (as root).
"""
import os, socket, struct, subprocess, time

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "dns")
NS = "ninet-dnscap"
A, AAAA = 1, 28
CASES = [("a", "mirror.lab.example", A), ("cname", "images.lab.example", A),
         ("nx", "missing.lab.example", A), ("nodata", "txt.lab.example", A),
         ("multi", "multi.lab.example", A), ("aaaa", "mirror.lab.example", AAAA),
         ("aaaa-cname", "images.lab.example", AAAA),
         ("aaaa-nodata", "v4only.lab.example", AAAA),
         ("aaaa-multi", "multi6.lab.example", AAAA),
         ("a-v4only", "v4only.lab.example", A), ("a-v6only", "multi6.lab.example", A),
         ("aaaa-nodata-txt", "txt.lab.example", AAAA)]


def query(name, qtype):
    q = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\0" + struct.pack("!HH", qtype, 1)


def main():
    if os.environ.get("IN_NS") != "1":
        subprocess.run(["ip", "netns", "add", NS], check=True)
        try:
            env = dict(os.environ, IN_NS="1")
            subprocess.run(["ip", "netns", "exec", NS, __file__], check=True, env=env)
        finally:
            subprocess.run(["ip", "netns", "del", NS])
        return
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    d = subprocess.Popen(["dnsmasq", "--keep-in-foreground", "--no-hosts", "--no-resolv",
                          "--pid-file=", "--user=root", "--listen-address=127.0.0.1",
                          "--bind-interfaces", "--domain=lab.example",
                          "--host-record=mirror.lab.example,10.33.0.1,2001:db8:33::1",
                          "--host-record=v4only.lab.example,10.33.0.4",
                          "--host-record=multi6.lab.example,2001:db8:33::7",
                          "--host-record=multi6.lab.example,2001:db8:33::8",
                          "--cname=images.lab.example,www.lab.example",
                          "--cname=www.lab.example,mirror.lab.example",
                          "--txt-record=txt.lab.example,hello",
                          "--host-record=multi.lab.example,10.33.0.7",
                          "--host-record=multi.lab.example,10.33.0.8",
                          "--local=/lab.example/"])
    try:
        time.sleep(0.5)
        os.makedirs(OUT, exist_ok=True)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(3)
        for case, name, qtype in CASES:
            s.sendto(query(name, qtype), ("127.0.0.1", 53))
            resp, _ = s.recvfrom(4096)
            with open(os.path.join(OUT, case + ".bin"), "wb") as f:
                f.write(resp)
            print(f"{case}: {name}: {len(resp)} bytes, rcode {resp[3] & 15}, "
                  f"{struct.unpack('!H', resp[6:8])[0]} answers")
    finally:
        d.terminate()
        d.wait()


main()

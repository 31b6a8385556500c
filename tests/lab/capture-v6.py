#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Captures real Router Advertisements and DHCPv6 replies as unit-test fixtures.

Runs inside network namespaces this script creates (never touches any other
network): ni6cap-srv-PID runs dnsmasq (stateful DHCPv6 with enable-ra,
then ra-stateless) and radvd (RDNSS, DNSSL, MTU) on a veth; ni6cap-cli-PID
sends a Router Solicitation on a raw ICMPv6 socket and DHCPv6 Solicit,
Request and Information-Request on UDP 546, and saves what comes back to
tests/fixtures/ndisc/ and tests/fixtures/dhcp6/:
  ndisc/dnsmasq-ra-stateful.bin   RA, M and O flags, prefix without A
  ndisc/dnsmasq-ra-stateless.bin  RA, O flag, autonomous prefix, RDNSS, DNSSL
  ndisc/radvd-ra.bin              RA, autonomous prefix, MTU, RDNSS, DNSSL
  dhcp6/dnsmasq-advertise.bin, dnsmasq-reply.bin (IA_NA), dnsmasq-info-reply.bin
Usage: tests/lab/capture-v6.py (as root).
"""
import ctypes, os, select, shutil, socket, struct, subprocess, sys, tempfile, time

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
MAC = bytes.fromhex("525400123456")
XID = 0x4e4554
IAID = 0x00123456
SRV = "ni6cap-srv-%d" % os.getpid()
CLI = "ni6cap-cli-%d" % os.getpid()


def sh(*cmd, check=True):
    subprocess.run(cmd, check=check)


def ns_enter(name):
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    if ctypes.CDLL(None, use_errno=True).setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
        sys.exit("setns %s failed" % name)
    os.close(fd)


def duid():
    return struct.pack("!HHHH", 1, 10, 3, 1) + MAC


def dhcp6(mtype, server_id=None, addr=None, ia=True):
    m = struct.pack("!I", mtype << 24 | XID) + duid()
    m += struct.pack("!HHH", 8, 2, 0) + struct.pack("!HHHH", 6, 4, 23, 24)
    if server_id:
        m += struct.pack("!HH", 2, len(server_id)) + server_id
    if ia:
        sub = b""
        if addr:
            sub = struct.pack("!HH", 5, 24) + addr + struct.pack("!II", 0, 0)
        m += struct.pack("!HHIII", 3, 12 + len(sub), IAID, 0, 0) + sub
    return m


def opt(msg, code):
    off = 4
    while off + 4 <= len(msg):
        c, l = struct.unpack("!HH", msg[off:off + 4])
        if c == code:
            return msg[off + 4:off + 4 + l]
        off += 4 + l
    return None


def save(sub, name, data):
    d = os.path.join(TOP, "fixtures", sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
    print("saved %s/%s (%d bytes)" % (sub, name, len(data)))


def get_ra(ifindex, want_flags=None):
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"veth1")
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
    end = time.time() + 20
    while time.time() < end:
        s.sendto(bytes([133, 0, 0, 0, 0, 0, 0, 0, 1, 1]) + MAC, ("ff02::2", 0, 0, ifindex))
        r, _, _ = select.select([s], [], [], 2)
        if r:
            data = s.recv(2000)
            if data[0] == 134:
                s.close()
                return data
    sys.exit("no RA within 20 s")


def dhcp_xchg(sock, ifindex, msg, want):
    for _ in range(10):
        sock.sendto(msg, ("ff02::1:2", 547, 0, ifindex))
        r, _, _ = select.select([sock], [], [], 2)
        if r:
            data = sock.recv(2000)
            if data[0] == want:
                return data
    sys.exit("no DHCPv6 message %d" % want)


def client(step):
    ns_enter(CLI)
    ifindex = socket.if_nametoindex("veth1")
    if step == "stateful":
        save("ndisc", "dnsmasq-ra-stateful.bin", get_ra(ifindex))
        u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        u.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"veth1")
        u.bind(("::", 546))
        adv = dhcp_xchg(u, ifindex, dhcp6(1), 2)
        save("dhcp6", "dnsmasq-advertise.bin", adv)
        ia = opt(adv, 3)
        addr = ia[16:32] if ia and len(ia) >= 40 else None
        rep = dhcp_xchg(u, ifindex, dhcp6(3, opt(adv, 2), addr), 7)
        save("dhcp6", "dnsmasq-reply.bin", rep)
    elif step == "stateless":
        save("ndisc", "dnsmasq-ra-stateless.bin", get_ra(ifindex))
        u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        u.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"veth1")
        u.bind(("::", 546))
        save("dhcp6", "dnsmasq-info-reply.bin", dhcp_xchg(u, ifindex, dhcp6(11, ia=False), 7))
    else:
        save("ndisc", "radvd-ra.bin", get_ra(ifindex))


def run_server(argv):
    return subprocess.Popen(["ip", "netns", "exec", SRV] + argv)


def main():
    if os.getuid() != 0:
        sys.exit("needs root (network namespaces)")
    tmp = tempfile.mkdtemp()
    try:
        sh("ip", "netns", "add", SRV)
        sh("ip", "netns", "add", CLI)
        sh("ip", "link", "add", "ni6cap%d" % os.getpid(), "netns", SRV, "type", "veth",
           "peer", "name", "veth1", "netns", CLI)
        sh("ip", "-n", SRV, "link", "set", "ni6cap%d" % os.getpid(), "name", "veth0")
        for ns, dev in ((SRV, "veth0"), (CLI, "veth1")):
            sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.%s.accept_dad=0" % dev)
            sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.%s.accept_ra=0" % dev)
        sh("ip", "-n", CLI, "link", "set", "veth1", "address", MAC.hex(":"))
        sh("ip", "-n", SRV, "addr", "add", "2001:db8:1::1/64", "dev", "veth0")
        sh("ip", "-n", SRV, "link", "set", "veth0", "up")
        sh("ip", "-n", CLI, "link", "set", "veth1", "up")
        time.sleep(1)
        common = ["dnsmasq", "-k", "--conf-file=/dev/null", "--port=0", "--interface=veth0",
                  "--bind-interfaces", "--pid-file=" + tmp + "/pid", "--enable-ra",
                  "--dhcp-option=option6:dns-server,[2001:db8:1::53]",
                  "--domain=lab.example", "--dhcp-option=option6:domain-search,lab.example,example.org"]
        for step, rng in (("stateful", "2001:db8:1::100,2001:db8:1::1ff,64,1h"),
                          ("stateless", "2001:db8:1::,ra-stateless,64")):
            p = run_server(common + ["--dhcp-range=" + rng])
            time.sleep(1)
            pid = os.fork()
            if pid == 0:
                client(step)
                os._exit(0)
            _, st = os.waitpid(pid, 0)
            p.terminate()
            p.wait()
            if st:
                sys.exit("capture %s failed" % step)
        if shutil.which("radvd"):
            with open(tmp + "/radvd.conf", "w") as f:
                f.write("interface veth0 { AdvSendAdvert on; MinRtrAdvInterval 3; "
                        "MaxRtrAdvInterval 10; AdvLinkMTU 1400; "
                        "prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; }; "
                        "RDNSS 2001:db8:1::53 2001:db8:1::54 { }; "
                        "DNSSL lab.example example.org { }; };\n")
            p = run_server(["radvd", "-n", "-C", tmp + "/radvd.conf", "-p", tmp + "/radvd.pid",
                            "-m", "stderr"])
            time.sleep(1)
            pid = os.fork()
            if pid == 0:
                client("radvd")
                os._exit(0)
            _, st = os.waitpid(pid, 0)
            p.terminate()
            p.wait()
            if st:
                sys.exit("capture radvd failed")
        else:
            print("radvd not installed: radvd-ra.bin not captured", file=sys.stderr)
    finally:
        sh("ip", "netns", "del", SRV, check=False)
        sh("ip", "netns", "del", CLI, check=False)
        shutil.rmtree(tmp, ignore_errors=True)


main()

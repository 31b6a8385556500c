#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""faultd: an HTTP/1.1 file server on 127.0.0.1 and [::1] that misbehaves on purpose.

The first path segment picks the fault; the rest names a file under the
served directory. Without a known fault segment the path is a plain file
(with Range support), so the same server can serve kernels and initrds.
Counters ("the first request") are kept per full path, query included:
add ?t=NAME to give each test its own.

  /FILE                   200, or 206 for "Range: bytes=N-" (sendfile)
  /drop50/FILE            a request from byte 0 gets half of the body, then
                          the connection is closed; ranged requests are fine
  /norange-drop50/FILE    ignores Range (always 200); the first request is
                          dropped at 50%, later ones are complete
  /stall/FILE             a request from byte 0 gets half of the body, then
                          nothing (the connection stays open, silent, for
                          up to 120 s); ranged requests are fine
  /badrange-drop50/FILE   as drop50, but ranged requests get a 206 whose
                          Content-Range starts at 0 (not what was asked)
  /404/FILE               404 Not Found
  /500-once/FILE          500 for the first request, then the file
  /wrongbytes/FILE        the file with one byte in the middle changed (same
                          length: only the digest can tell)
  /truncated/FILE         claims the whole length, sends only the first half
                          of the file and closes, on every request
  /redirN/FILE            N redirects (301 302 303 307 308 in turn, every
                          other one an absolute URL) then FILE
  /redirect-loop/FILE     redirects to itself forever
  /chunked/FILE           Transfer-Encoding: chunked (odd chunk sizes, a
                          chunk extension, a trailer); Range gives a chunked 206
  /chunked-drop50/FILE    chunked, dropped at 50% from byte 0
  /nolength/FILE          HTTP/1.0 body delimited by the close, no length
  /slow/FILE              the file at about 2 MiB/s (progress lines)

Every file answer carries an ETag ("mtime-size" in hex, as nginx) and a
Last-Modified; a Range with an If-Range that matches neither gets a 200.
The modes below break only the first request of their path (query
included), so the restart they should cause can succeed:

  /replaced/FILE          the first request gets another version of FILE
                          (same size, first half changed, its own ETag) and
                          is dropped at 50%; later ones get FILE
  /replaced-noifrange/FILE  as replaced, but later requests ignore If-Range:
                          a 206 of FILE under FILE's (new) ETag
  /othertotal/FILE        first request dropped at 50%; a ranged request
                          gets a 206 naming a total 1000 bytes larger
  /416/FILE               first request dropped at 50%; a ranged request
                          gets 416 with "Content-Range: bytes */SIZE"
  /chunked-star/FILE      first request chunked and dropped at 50%; a ranged
                          request gets a 206 "bytes N-M/*" covering only half
                          of the rest
  /trickle/FILE           first request: half the body at once, then 1 byte
                          a second (for up to 120 s)
  /gzip/FILE              the file gzip-compressed, Content-Encoding: gzip
  /continue100/FILE       "100 Continue" heads every 20 ms, never a final one
  /slowhead/FILE          a 200 status line, then a header line a second
  /always206/FILE         a 206 with the whole file to a request without Range
  /stall-head/FILE        reads the request, answers nothing (up to 120 s)
  /clte/FILE              chunked body with Transfer-Encoding: chunked and
                          Content-Length both
  /double-te/FILE         chunked body with two Transfer-Encoding: chunked

Backpressure: the first request of the path (query included) is turned
away, later ones get FILE:

  /503raN/FILE            503 with "Retry-After: N" (delta-seconds)
  /429raN/FILE            429 with "Retry-After: N"
  /503dateN/FILE          503 with Retry-After as the HTTP-date N seconds
                          after the Date header it carries (429dateN alike)
  /503clockN/FILE         as 503dateN without a Date header: the client's
                          clock must place the date
  /503busyN/FILE          503 with "Retry-After: N" on every request
  /503winN/FILE           503 with "Retry-After: N" to every request within
                          N seconds of the path's first one, then FILE (a
                          storm: clients that wait as told come back after)

Usage: faultd.py DIR [PORT [ADDR]]  (PORT 0 or absent: a free one). Listens on
ADDR, else on 127.0.0.1 and, when the host has IPv6, on the same port of ::1. Prints
"faultd: port N" on stdout once listening, then one access line per request
on stderr: time client method path range if-range user-agent host peer ->
status.
"""
import email.utils
import gzip
import http.server
import os
import re
import socket
import sys
import threading
import time

MODES = ("drop50", "badrange-drop50", "norange-drop50", "stall", "404", "500-once", "wrongbytes",
         "truncated", "redirect-loop", "chunked", "chunked-drop50", "nolength", "slow",
         "replaced", "replaced-noifrange", "othertotal", "416", "chunked-star", "trickle",
         "gzip", "continue100", "slowhead", "clte", "double-te", "always206", "stall-head")
COUNTS = {}
LOCK = threading.Lock()


def first_time(key):
    with LOCK:
        COUNTS[key] = COUNTS.get(key, 0) + 1
        return COUNTS[key] == 1


FIRST_SEEN = {}


def within(key, secs):
    """True within @secs seconds of the first request for @key."""
    with LOCK:
        t0 = FIRST_SEEN.setdefault(key, time.monotonic())
        return time.monotonic() - t0 < secs


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faultd/1"

    def log_message(self, fmt, *args):
        sys.stderr.write("faultd: %s\n" % (fmt % args))

    def log_request(self, code="-", size="-"):
        sys.stderr.write("faultd: %.3f %s %s %s range=%s if-range=%s ua=%s host=%s peer=%s -> %s\n" % (
            time.time(), self.client_address[0], self.command, self.path,
            self.headers.get("Range", "-"), self.headers.get("If-Range", "-"),
            self.headers.get("User-Agent", "-"), self.headers.get("Host", "-"),
            self.client_address[0], code))
        sys.stderr.flush()

    def head(self, code, headers):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()

    def busy(self, code, form, secs):
        """@code with Retry-After: @secs as delta-seconds, or as an HTTP-date
        with a Date of the same clock (date) or without any Date (clock)."""
        now = int(time.time())
        body = b"busy, come back later\n"
        self.log_request(code)
        self.send_response_only(code)
        if form == "date":
            self.send_header("Date", email.utils.formatdate(now, usegmt=True))
        if form in ("date", "clock"):
            self.send_header("Retry-After", email.utils.formatdate(now + secs, usegmt=True))
        else:
            self.send_header("Retry-After", str(secs))
        for k, v in (("Content-Type", "text/plain"), ("Content-Length", str(len(body))),
                     ("Connection", "close")):
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def error(self, code):
        body = b"<html><body>error %d</body></html>\n" % code
        self.head(code, [("Content-Type", "text/html"), ("Content-Length", str(len(body)))])
        self.wfile.write(body)

    def range_start(self, size):
        m = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
        if not m:
            return None
        if_range = self.headers.get("If-Range")
        if if_range is not None and if_range not in self.validators:
            return None
        start = int(m.group(1))
        return start if start < size else None

    def send_bytes(self, f, start, count):
        """sendfile from the file; count bytes from start."""
        sock = self.connection
        sock.sendfile(f, start, count)

    def do_GET(self):
        self.close_connection = True
        path = self.path.split("?", 1)[0]
        parts = path.lstrip("/").split("/", 1)
        mode = ""
        m = re.fullmatch(r"redir(\d)", parts[0])
        busy = re.fullmatch(r"(503|429)(ra|date|clock|busy|win)(\d+)", parts[0])
        if len(parts) == 2 and (parts[0] in MODES or m or busy):
            mode, rel = parts
        else:
            rel = path.lstrip("/")
        if mode == "404":
            return self.error(404)
        if busy and busy.group(2) == "win" and within(self.path, int(busy.group(3))):
            return self.busy(int(busy.group(1)), "ra", int(busy.group(3)))
        if busy and busy.group(2) != "win" and (busy.group(2) == "busy" or
                                                first_time(self.path)):
            return self.busy(int(busy.group(1)), busy.group(2), int(busy.group(3)))
        if mode == "500-once" and first_time(self.path):
            return self.error(500)
        if m:
            return self.redirect(int(m.group(1)), rel)
        if mode == "redirect-loop":
            self.head(302, [("Location", path), ("Content-Length", "0")])
            return
        # no ".." segments; symlinks inside the directory are followed
        full = os.path.join(self.server.root, rel)
        if ".." in rel.split("/") or not os.path.isfile(full):
            return self.error(404)
        with open(full, "rb") as f:
            st = os.fstat(f.fileno())
            size = st.st_size
            self.validators = ('"%x-%x"' % (int(st.st_mtime), size),
                               email.utils.formatdate(st.st_mtime, usegmt=True))
            if mode in HOSTILE:
                return HOSTILE[mode](self, f, size)
            if mode.startswith("chunked"):
                return self.chunked(f, size, mode)
            if mode == "nolength":
                self.request_version = "HTTP/1.0"
                self.head(200, [])
                return self.send_bytes(f, 0, size)
            start = self.range_start(size)
            if mode == "norange-drop50":
                start = None
            cut = None  # bytes of the body sent before the fault
            if start is None and mode in ("drop50", "badrange-drop50", "stall"):
                cut = size // 2
            if start is not None and mode == "badrange-drop50":
                start = 0
            if mode == "norange-drop50" and first_time(self.path):
                cut = size // 2
            if mode == "truncated":
                cut = max(0, size // 2 - (start or 0))
            if start is None:
                self.head(200, [("Content-Length", str(size)), ("Accept-Ranges", "bytes")] +
                          self.vheaders())
                start = 0
            else:
                self.head(206, [("Content-Length", str(size - start)),
                                ("Content-Range", "bytes %d-%d/%d" % (start, size - 1, size))] +
                          self.vheaders())
            if mode == "wrongbytes":
                data = bytearray(f.read())
                data[size // 2] ^= 0xff
                self.wfile.write(bytes(data[start:]))
                return
            if mode == "slow":
                return self.slow(f, start, size)
            if cut is None:
                return self.send_bytes(f, start, size - start)
            if cut:
                self.send_bytes(f, start, cut)
            if mode == "stall":
                self.stall()

    def vheaders(self):
        return [("ETag", self.validators[0]), ("Last-Modified", self.validators[1])]

    def plain(self, f, size, cut=None):
        """FILE with Range and If-Range; @cut: body bytes sent before closing."""
        start = self.range_start(size)
        if start is None:
            self.head(200, [("Content-Length", str(size))] + self.vheaders())
            start = 0
        else:
            self.head(206, [("Content-Length", str(size - start)),
                            ("Content-Range", "bytes %d-%d/%d" % (start, size - 1, size))] +
                      self.vheaders())
        self.send_bytes(f, start, size - start if cut is None else cut)

    def first_half_then(self, f, size, ranged):
        """A first request gets half the file; later ones call @ranged if ranged."""
        if first_time(self.path):
            self.head(200, [("Content-Length", str(size))] + self.vheaders())
            return self.send_bytes(f, 0, size // 2)
        start = self.range_start(size)
        if start is None:
            return self.plain(f, size)
        return ranged(start)

    def m_replaced(self, f, size, if_range=True):
        if first_time(self.path):
            data = bytearray(f.read())
            for i in range(size // 2):
                data[i] ^= 0x55
            self.head(200, [("Content-Length", str(size)), ("ETag", '"old-%x"' % size)])
            self.wfile.write(bytes(data[:size // 2]))
            return
        if not if_range:
            del self.headers["If-Range"]
        self.plain(f, size)

    def m_replaced_noifrange(self, f, size):
        self.m_replaced(f, size, if_range=False)

    def m_othertotal(self, f, size):
        def ranged(start):
            big = size + 1000
            self.head(206, [("Content-Length", str(big - start)),
                            ("Content-Range", "bytes %d-%d/%d" % (start, big - 1, big))])
            self.send_bytes(f, start, size - start)
        self.first_half_then(f, size, ranged)

    def m_416(self, f, size):
        def ranged(start):
            body = b"range not satisfiable\n"
            self.head(416, [("Content-Range", "bytes */%d" % size),
                            ("Content-Length", str(len(body)))])
            self.wfile.write(body)
        self.first_half_then(f, size, ranged)

    def m_chunked_star(self, f, size):
        if first_time(self.path):
            return self.chunked(f, size, "chunked-drop50")
        start = self.range_start(size)
        if start is None:
            return self.chunked(f, size, "chunked")
        last = start + (size - start) // 2 - 1
        self.head(206, [("Content-Length", str(last - start + 1)),
                        ("Content-Range", "bytes %d-%d/*" % (start, last))])
        self.send_bytes(f, start, last - start + 1)

    def m_trickle(self, f, size):
        if not first_time(self.path):
            return self.plain(f, size)
        self.plain(f, size, size // 2)
        for pos in range(size // 2, min(size, size // 2 + 120)):
            time.sleep(1)
            self.send_bytes(f, pos, 1)

    def m_gzip(self, f, size):
        body = gzip.compress(f.read())
        self.head(200, [("Content-Length", str(len(body))), ("Content-Encoding", "gzip")] +
                  self.vheaders())
        self.wfile.write(body)

    def m_continue100(self, f, size):
        self.log_request(100)
        for _ in range(6000):
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.wfile.flush()
            time.sleep(0.02)

    def m_slowhead(self, f, size):
        self.log_request(200)
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for i in range(120):
            self.wfile.flush()
            time.sleep(1)
            self.wfile.write(b"X-Slow-%d: %d\r\n" % (i, i))

    def m_always206(self, f, size):
        self.head(206, [("Content-Length", str(size)),
                        ("Content-Range", "bytes 0-%d/%d" % (size - 1, size))])
        self.send_bytes(f, 0, size)

    def m_stall_head(self, f, size):
        self.log_request("-")
        self.stall()

    def m_clte(self, f, size):
        self.chunked(f, size, "chunked", [("Content-Length", str(size))])

    def m_double_te(self, f, size):
        self.chunked(f, size, "chunked", [("Transfer-Encoding", "chunked")])

    def slow(self, f, start, size):
        """64 KiB every 1/32 s: about 2 MiB/s."""
        pos = start
        while pos < size:
            n = min(65536, size - pos)
            self.send_bytes(f, pos, n)
            pos += n
            time.sleep(1 / 32)

    def stall(self):
        """Silent, connection open, until the client gives up (or 120 s)."""
        self.connection.settimeout(120)
        try:
            while self.connection.recv(4096):
                pass
        except OSError:
            pass

    def redirect(self, n, rel):
        codes = (301, 302, 303, 307, 308)
        target = "/%s" % rel if n == 0 else "/redir%d/%s" % (n - 1, rel)
        if n % 2:
            target = "http://%s%s" % (self.headers.get("Host", "127.0.0.1"), target)
        self.head(codes[n % len(codes)], [("Location", target), ("Content-Length", "0")])

    def chunked(self, f, size, mode, extra=()):
        start = self.range_start(size)
        hdrs = [("Transfer-Encoding", "chunked")] + list(extra)
        if start is None:
            code, start = 200, 0
        else:
            code = 206
            hdrs.append(("Content-Range", "bytes %d-%d/%d" % (start, size - 1, size)))
        self.head(code, hdrs)
        cut = size // 2 if mode == "chunked-drop50" and start == 0 else size
        f.seek(start)
        pos, n, out = start, 0, self.wfile
        sizes = (1, 4093, 65536, 100003, 7)
        while pos < cut:
            want = min(sizes[n % len(sizes)], cut - pos)
            data = f.read(want)
            ext = ";faultd=%d" % n if n % 3 == 0 else ""
            out.write(b"%x%s\r\n" % (len(data), ext.encode()) + data + b"\r\n")
            pos += len(data)
            n += 1
        if cut == size:
            out.write(b"0\r\nX-Faultd-Trailer: yes\r\n\r\n")
        out.flush()


HOSTILE = {
    "replaced": Handler.m_replaced,
    "replaced-noifrange": Handler.m_replaced_noifrange,
    "othertotal": Handler.m_othertotal,
    "416": Handler.m_416,
    "chunked-star": Handler.m_chunked_star,
    "trickle": Handler.m_trickle,
    "gzip": Handler.m_gzip,
    "continue100": Handler.m_continue100,
    "slowhead": Handler.m_slowhead,
    "clte": Handler.m_clte,
    "double-te": Handler.m_double_te,
    "always206": Handler.m_always206,
    "stall-head": Handler.m_stall_head,
}


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Server6(Server):
    address_family = socket.AF_INET6

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        super().server_bind()


def main():
    if len(sys.argv) not in (2, 3, 4):
        sys.exit(__doc__)
    addr = sys.argv[3] if len(sys.argv) == 4 else "127.0.0.1"
    srv = Server((addr, int(sys.argv[2]) if len(sys.argv) >= 3 else 0), Handler)
    srv.root = os.path.realpath(sys.argv[1])
    if len(sys.argv) < 4:
        try:
            srv6 = Server6(("::1", srv.server_address[1]), Handler)
            srv6.root = srv.root
            threading.Thread(target=srv6.serve_forever, daemon=True).start()
        except OSError as e:
            sys.stderr.write("faultd: no IPv6 listener on ::1: %s\n" % e)
    print("faultd: port %d" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

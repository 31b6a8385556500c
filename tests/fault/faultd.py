#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""faultd: an HTTP/1.1 file server on 127.0.0.1 that misbehaves on purpose.

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

Usage: faultd.py DIR [PORT]  (PORT 0 or absent: a free one). Prints
"faultd: port N" on stdout once listening, then one access line per request
on stderr: method path range user-agent -> status.
"""
import http.server
import os
import re
import socket
import sys
import threading
import time

MODES = ("drop50", "badrange-drop50", "norange-drop50", "stall", "404", "500-once", "wrongbytes",
         "truncated", "redirect-loop", "chunked", "chunked-drop50", "nolength", "slow")
COUNTS = {}
LOCK = threading.Lock()


def first_time(key):
    with LOCK:
        COUNTS[key] = COUNTS.get(key, 0) + 1
        return COUNTS[key] == 1


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faultd/1"

    def log_message(self, fmt, *args):
        sys.stderr.write("faultd: %s\n" % (fmt % args))

    def log_request(self, code="-", size="-"):
        sys.stderr.write("faultd: %s %s range=%s ua=%s -> %s\n" % (
            self.command, self.path, self.headers.get("Range", "-"),
            self.headers.get("User-Agent", "-"), code))
        sys.stderr.flush()

    def head(self, code, headers):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()

    def error(self, code):
        body = b"<html><body>error %d</body></html>\n" % code
        self.head(code, [("Content-Type", "text/html"), ("Content-Length", str(len(body)))])
        self.wfile.write(body)

    def range_start(self, size):
        m = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
        if not m:
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
        if len(parts) == 2 and (parts[0] in MODES or m):
            mode, rel = parts
        else:
            rel = path.lstrip("/")
        if mode == "404":
            return self.error(404)
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
            size = os.fstat(f.fileno()).st_size
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
                self.head(200, [("Content-Length", str(size)), ("Accept-Ranges", "bytes")])
                start = 0
            else:
                self.head(206, [("Content-Length", str(size - start)),
                                ("Content-Range", "bytes %d-%d/%d" % (start, size - 1, size))])
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

    def chunked(self, f, size, mode):
        start = self.range_start(size)
        hdrs = [("Transfer-Encoding", "chunked")]
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


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    srv = Server(("127.0.0.1", int(sys.argv[2]) if len(sys.argv) == 3 else 0), Handler)
    srv.root = os.path.realpath(sys.argv[1])
    print("faultd: port %d" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

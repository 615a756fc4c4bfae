#!/usr/bin/python3
"""Small TCP server for the twhazard samples.

Protocol (one text header line per request, then an optional body):
  REQ <body_len> <resp_len> <mode>\n  + body_len bytes
      server answers resp_len bytes at once, then per mode:
        cc  client closes: wait for the next request or EOF, then close (passive close)
        sc  server closes first: shutdown(SHUT_WR) (FIN), read until EOF, close
        ab  abortive close: SO_LINGER {1,0} + close (RST instead of FIN)
  CHAT\n
      server answers "WELCOME\n", then logs every byte it receives until EOF
      (then closes) or until --idle-timeout seconds without data (then aborts).
  EOF before any header: "sink" connection (read until EOF, close).
"""
import argparse
import os
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from twlog import JsonLog, errname  # noqa: E402

MARKER = b"OLD-INCARNATION-DATA"
CHUNK = 1 << 20


class Conn:
    def __init__(self, sock, peer, cid, log, args):
        self.s = sock
        self.peer = peer
        self.cid = cid
        self.log = log
        self.args = args
        self.buf = b""
        self.rx = 0
        self.tx = 0

    def recv_some(self):
        d = self.s.recv(CHUNK)
        self.rx += len(d)
        return d

    def read_line(self):
        while b"\n" not in self.buf:
            d = self.recv_some()
            if not d:
                return None
            self.buf += d
            if b"\n" not in self.buf and len(self.buf) > 4096:
                raise ValueError("header too long")
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("ascii", "replace")

    def read_exact(self, n):
        got = min(n, len(self.buf))
        self.buf = self.buf[got:]
        view = bytearray(CHUNK)
        while got < n:
            k = self.s.recv_into(view, min(CHUNK, n - got))
            if k == 0:
                raise EOFError("EOF inside body")
            self.rx += k
            got += k
        return got

    def drain_to_eof(self):
        view = bytearray(CHUNK)
        n = 0
        while True:
            k = self.s.recv_into(view, CHUNK)
            if k == 0:
                return n
            self.rx += k
            n += k

    def send_resp(self, n):
        block = b"R" * min(n, CHUNK)
        left = n
        while left > 0:
            k = min(left, len(block))
            self.s.sendall(block[:k])
            left -= k
        self.tx += n

    def close(self, how):
        if how == "abort":
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.s.close()
        self.log.ev("close", conn=self.cid, pport=self.peer[1], how=how, rx=self.rx, tx=self.tx)

    def run(self):
        try:
            self._run()
        except Exception as e:  # noqa: BLE001
            self.log.ev("error", conn=self.cid, errno=errname(e), msg=str(e)[:200], rx=self.rx, tx=self.tx)
            try:
                self.s.close()
            except OSError:
                pass

    def _run(self):
        nreq = 0
        while True:
            line = self.read_line()
            if line is None:
                if not self.args.quiet:
                    self.log.ev("eof", conn=self.cid, requests=nreq, rx=self.rx)
                self.close("close")
                return
            parts = line.split()
            if parts and parts[0] == "REQ":
                body, resp, mode = int(parts[1]), int(parts[2]), parts[3]
                self.read_exact(body)
                nreq += 1
                self.send_resp(resp)
                self.log.ev("request", conn=self.cid, n=nreq, body=body, resp=resp, mode=mode)
                if mode == "cc":
                    continue
                if mode == "ab":
                    self.close("abort")
                    return
                if mode == "sc":
                    self.s.shutdown(socket.SHUT_WR)
                    self.log.ev("shutdown_wr", conn=self.cid)
                    extra = len(self.buf) + self.drain_to_eof()
                    self.log.ev("eof", conn=self.cid, requests=nreq, extra=extra, rx=self.rx)
                    self.close("close")
                    return
                raise ValueError("bad mode " + mode)
            if parts and parts[0] == "CHAT":
                self.chat()
                return
            raise ValueError("bad header %r" % line[:80])

    def chat(self):
        self.s.sendall(b"WELCOME\n")
        self.tx += 8
        self.log.ev("chat_welcome", conn=self.cid)
        data = bytearray(self.buf)
        self.buf = b""
        self.s.settimeout(self.args.idle_timeout)
        how = "close"
        while True:
            try:
                d = self.recv_some()
            except socket.timeout:
                how = "abort"
                break
            if not d:
                break
            self.log.ev("chat_data", conn=self.cid, bytes=len(d), data=d[:200].decode("latin-1"))
            data += d
        self.s.settimeout(None)
        self.log.ev("chat_end", conn=self.cid, end="eof" if how == "close" else "idle_timeout",
                    total=len(data), data=bytes(data[:400]).decode("latin-1"),
                    marker_received=MARKER in data)
        self.close(how)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", default="0.0.0.0")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--log", required=True)
    ap.add_argument("--label", default="server")
    ap.add_argument("--ready-file")
    ap.add_argument("--idle-timeout", type=float, default=3.0)
    ap.add_argument("--max-seconds", type=float, default=200.0, help="exit after this long")
    ap.add_argument("--quiet", action="store_true", help="log only the close event of each connection (long loops)")
    args = ap.parse_args()
    log = JsonLog(args.log, "server", args.label)
    fam = socket.AF_INET6 if ":" in args.addr else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((args.addr, args.port))
    ls.listen(512)
    ls.settimeout(0.5)
    log.ev("listening", addr=args.addr, port=args.port)
    if args.ready_file:
        open(args.ready_file, "w").close()
    deadline = time.time() + args.max_seconds
    cid = 0
    while time.time() < deadline:
        try:
            s, peer = ls.accept()
        except socket.timeout:
            continue
        s.settimeout(None)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        cid += 1
        if not args.quiet:
            log.ev("accept", conn=cid, peer=peer[0], pport=peer[1])
        c = Conn(s, peer, cid, log, args)
        threading.Thread(target=c.run, daemon=True).start()
    log.ev("exit", accepted=cid)


if __name__ == "__main__":
    main()

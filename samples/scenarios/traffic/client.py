#!/usr/bin/python3
"""Small TCP client for the twhazard samples (see server.py for the protocol).

Connection i starts at t0 + i*interval (if --interval) and/or --gap seconds after the previous one
closed. Per connection: connect (optionally from a fixed --bind-port with SO_REUSEADDR), then
  --proto none : close at once (the seed-000 loop)
  --proto req  : --requests requests "REQ body resp mode"; mode cc: client closes after the last
                 response; sc: server closes first, client reads to EOF then closes; ab: server aborts
  --proto chat : "CHAT", wait for WELCOME, touch --ready-file, wait for --go-file, send --post-data,
                 shutdown(SHUT_WR), read to EOF.
Every event is logged as one JSON line (see twlog.py).
"""
import argparse
import os
import random
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from twlog import JsonLog, errname  # noqa: E402

CHUNK = 1 << 20


def recv_exact(s, n):
    view = bytearray(min(max(n, 1), CHUNK))
    got = 0
    while got < n:
        k = s.recv_into(view, min(len(view), n - got))
        if k == 0:
            return got, True
        got += k
    return got, False


def recv_to_eof(s):
    view = bytearray(CHUNK)
    got = 0
    while True:
        k = s.recv_into(view, CHUNK)
        if k == 0:
            return got
        got += k


def send_body(s, n):
    block = b"Q" * min(n, CHUNK)
    left = n
    while left > 0:
        k = min(left, len(block))
        s.sendall(block[:k])
        left -= k


def parse_list(text):
    out = set()
    for part in (text or "").split(","):
        part = part.strip()
        if part:
            out.add(int(part))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--log", required=True)
    ap.add_argument("--label", default="client")
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--first-conn", type=int, default=1, help="number of the first connection (for logs)")
    ap.add_argument("--interval", type=float, default=0.0, help="seconds between connection starts")
    ap.add_argument("--gap", type=float, default=0.0, help="seconds to sleep after each close")
    ap.add_argument("--duration", type=float, default=0.0, help="stop starting connections after this long")
    ap.add_argument("--bind-addr", default="")
    ap.add_argument("--bind-port", type=int, default=0)
    ap.add_argument("--proto", choices=["none", "req", "chat"], default="req")
    ap.add_argument("--mode", choices=["cc", "sc", "ab"], default="cc")
    ap.add_argument("--abort-conns", default="", help="comma list of connection numbers sent with mode ab")
    ap.add_argument("--req-bytes", type=int, default=64)
    ap.add_argument("--resp-bytes", type=int, default=256)
    ap.add_argument("--requests", type=int, default=1)
    ap.add_argument("--random-seed", type=int, default=None,
                    help="vary req/resp sizes (1..--req-bytes, 1..--resp-bytes) and requests (1..--requests)")
    ap.add_argument("--split-header", action="store_true", help="send the request header as its own segment")
    ap.add_argument("--ready-file")
    ap.add_argument("--go-file")
    ap.add_argument("--post-data", default="NEW-INCARNATION-DATA-AFTER-INJECTION-OK\n")
    ap.add_argument("--io-timeout", type=float, default=30.0)
    ap.add_argument("--quiet", action="store_true", help="log only connect results (long loops)")
    ap.add_argument("--until-ok", action="store_true", help="stop after the first successful connect")
    args = ap.parse_args()

    log = JsonLog(args.log, "client", args.label)
    rng = random.Random(args.random_seed)
    aborts = parse_list(args.abort_conns)
    fam = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    t0 = time.time()
    for k in range(args.count):
        i = args.first_conn + k
        if args.interval:
            delay = t0 + k * args.interval - time.time()
            if delay > 0:
                time.sleep(delay)
        if args.duration and time.time() - t0 >= args.duration:
            break
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if args.bind_port or args.bind_addr:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((args.bind_addr, args.bind_port))
        bport = s.getsockname()[1] if args.bind_port else None
        if not args.quiet:
            log.ev("connect", conn=i, bind_port=bport)
        c0 = time.time()
        try:
            s.connect((args.host, args.port))
        except OSError as e:
            lat = (time.time() - c0) * 1000
            log.ev("connect_error", conn=i, errno=errname(e), latency_ms=round(lat, 3), start=round(c0, 6))
            s.close()
            if args.gap:
                time.sleep(args.gap)
            continue
        lat = (time.time() - c0) * 1000
        lport = s.getsockname()[1]
        log.ev("connected", conn=i, lport=lport, latency_ms=round(lat, 3), start=round(c0, 6))
        s.settimeout(args.io_timeout)
        how = "close"
        try:
            if args.proto == "req":
                nreq = args.requests
                if args.random_seed is not None:
                    nreq = rng.randint(1, args.requests)
                mode = "ab" if i in aborts else args.mode
                for r in range(nreq):
                    body, resp = args.req_bytes, args.resp_bytes
                    if args.random_seed is not None:
                        body, resp = rng.randint(1, args.req_bytes), rng.randint(1, args.resp_bytes)
                    m = mode if r == nreq - 1 else "cc"
                    hdr = ("REQ %d %d %s\n" % (body, resp, m)).encode()
                    if args.split_header:
                        s.sendall(hdr)
                        time.sleep(0.002)
                        send_body(s, body)
                    else:
                        if body <= 65536:
                            s.sendall(hdr + b"Q" * body)
                        else:
                            s.sendall(hdr)
                            send_body(s, body)
                    if not args.quiet:
                        log.ev("sent", conn=i, req=r + 1, bytes=len(hdr) + body, mode=m)
                    got, eof = recv_exact(s, resp)
                    if not args.quiet:
                        log.ev("recv", conn=i, req=r + 1, bytes=got, eof=eof)
                if mode in ("sc", "ab"):
                    extra = recv_to_eof(s)
                    if not args.quiet:
                        log.ev("eof", conn=i, extra=extra)
            elif args.proto == "chat":
                s.sendall(b"CHAT\n")
                got, eof = recv_exact(s, 8)
                log.ev("chat_welcome", conn=i, bytes=got)
                if args.ready_file:
                    open(args.ready_file, "w").close()
                if args.go_file:
                    end = time.time() + 20
                    while not os.path.exists(args.go_file) and time.time() < end:
                        time.sleep(0.05)
                    log.ev("go", conn=i, seen=os.path.exists(args.go_file))
                s.sendall(args.post_data.encode())
                log.ev("sent", conn=i, bytes=len(args.post_data), data=args.post_data)
                s.shutdown(socket.SHUT_WR)
                extra = recv_to_eof(s)
                log.ev("eof", conn=i, extra=extra)
        except OSError as e:
            how = "after_error"
            log.ev("io_error", conn=i, errno=errname(e), msg=str(e)[:200])
        s.close()
        if not args.quiet:
            log.ev("close", conn=i, lport=lport, how=how)
        if args.until_ok:
            break
        if args.gap:
            time.sleep(args.gap)
    log.ev("done", elapsed_s=round(time.time() - t0, 3))


if __name__ == "__main__":
    main()

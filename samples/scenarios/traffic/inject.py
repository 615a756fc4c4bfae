#!/usr/bin/python3
"""Old-incarnation segment injector for the twhazard samples (runs in the router namespace).

It sniffs the old and the new incarnation of one quadruple on the router's server-facing
interface (SYN/FIN/RST and small data segments only; no pure ACKs, no bulk data), waits until the client says the new connection
is idle (--ready-file), then sends toward the server, as if from the client:
  mode overlap (client without timestamps, overlapping sequence spaces):
    (a) replay_old_data: an exact replay of the old incarnation's first client data segment
    (b) crafted_old_in_window: seq = the server's current rcv_nxt, ack = its current snd_nxt
        (both inside the OLD incarnation's client/server ranges), no options, a marker payload
  mode paws (timestamps on both ends):
    (c1) replay_old_data: exact replay, carries the old TSval
    (c2) crafted_in_window_old_ts: seq/ack as in (b) but with the old TSval/TSecr, marker payload
It writes every injected segment and the sniffed sequence ranges to --out (JSON), then touches
--go-file so the client continues.
"""
import argparse
import json
import os
import sys
import threading
import time

from scapy.all import AsyncSniffer, Ether, IP, TCP, Raw, conf  # noqa: E402

MARKER = b"OLD-INCARNATION-DATA"
M32 = 1 << 32


def d32(a, b):
    """a - b in serial arithmetic, as a signed 32-bit number (RFC 1982)."""
    x = (a - b) % M32
    return x - M32 if x >= M32 // 2 else x


def seg_info(p):
    t = p[TCP]
    ts = None
    for o in t.options:
        if o[0] == "Timestamp":
            ts = o[1]
    return {"src": p[IP].src, "sport": t.sport, "dst": p[IP].dst, "dport": t.dport,
            "flags": str(t.flags), "seq": t.seq, "ack": t.ack,
            "len": len(bytes(t.payload)), "win": t.window,
            "tsval": ts[0] if ts else None, "tsecr": ts[1] if ts else None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", default="s0")
    ap.add_argument("--client", default="10.0.1.2")
    ap.add_argument("--cport", type=int, default=5000)
    ap.add_argument("--server", default="10.0.2.2")
    ap.add_argument("--sport", type=int, default=8080)
    ap.add_argument("--mode", choices=["overlap", "paws"], required=True)
    ap.add_argument("--started-file", required=True)
    ap.add_argument("--ready-file", required=True)
    ap.add_argument("--go-file", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    conf.verb = 0

    pkts = []
    lock = threading.Lock()

    def collect(p):
        if TCP in p:
            with lock:
                pkts.append((float(p.time), bytes(p), p))

    bpf = ("tcp and host %s and port %d and host %s and port %d and "
           "(tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) != 0 or "
           "(ip[2:2] < 400 and ip[2:2] - ((ip[0] & 0xf) << 2) - ((tcp[12] & 0xf0) >> 2) > 0))"
           % (args.server, args.sport, args.client, args.cport))
    sn = AsyncSniffer(iface=args.iface, filter=bpf, prn=collect, store=False)
    sn.start()
    time.sleep(1.0)
    open(args.started_file, "w").close()

    end = time.time() + 60
    while not os.path.exists(args.ready_file) and time.time() < end:
        time.sleep(0.05)
    if not os.path.exists(args.ready_file):
        sys.exit("client never became ready")
    time.sleep(0.3)

    with lock:
        snap = list(pkts)
    c2s = lambda p: p[IP].src == args.client  # noqa: E731
    syns = [p for _, _, p in snap if c2s(p) and p[TCP].flags.S and not p[TCP].flags.A]
    isn_c = []
    for p in syns:
        if p[TCP].seq not in isn_c:
            isn_c.append(p[TCP].seq)
    if len(isn_c) < 2:
        sys.exit("did not see two incarnations: client ISNs %r" % isn_c)
    isn_c0, isn_c1 = isn_c[0], isn_c[-1]

    def synack_for(isn):
        for _, _, p in snap:
            if not c2s(p) and p[TCP].flags.S and p[TCP].flags.A and p[TCP].ack == (isn + 1) % M32:
                return p
        return None

    sa0, sa1 = synack_for(isn_c0), synack_for(isn_c1)
    isn_s0, isn_s1 = sa0[TCP].seq, sa1[TCP].seq
    t_sa1 = [t for t, _, p in snap if p is sa1][0]

    def in_old(p):  # old incarnation: before the new SYN-ACK, sequence near the old ISNs
        return (c2s(p) and 0 <= d32(p[TCP].seq, isn_c0) < (1 << 30)) or \
               (not c2s(p) and 0 <= d32(p[TCP].seq, isn_s0) < (1 << 30))

    old_c = [p for t, _, p in snap if t < t_sa1 and c2s(p) and not p[TCP].flags.S and not p[TCP].flags.R]
    old_s = [p for t, _, p in snap if t < t_sa1 and not c2s(p) and not p[TCP].flags.S]
    fin_c = [p for p in old_c if p[TCP].flags.F]
    fin_s = [p for p in old_s if p[TCP].flags.F]
    old_client_end = (fin_c[0][TCP].seq + 1) % M32      # old client snd_nxt after its FIN
    old_server_end = (fin_s[0][TCP].seq + 1) % M32
    replay_src = [(t, raw, p) for t, raw, p in snap
                  if t < t_sa1 and c2s(p) and len(bytes(p[TCP].payload)) > 0 and p[TCP].seq == (isn_c0 + 1) % M32]
    if not replay_src:
        sys.exit("no old client data segment sniffed")
    _, replay_raw, replay_pkt = replay_src[0]

    new = [(t, p) for t, _, p in snap if t >= t_sa1]
    rcv_nxt = (isn_c1 + 1) % M32
    snd_nxt = (isn_s1 + 1) % M32
    cwin = replay_pkt[TCP].window
    for _, p in new:
        ln = len(bytes(p[TCP].payload)) + (1 if p[TCP].flags.F else 0)
        if c2s(p) and not p[TCP].flags.S:
            e = (p[TCP].seq + ln) % M32
            if d32(e, rcv_nxt) > 0:
                rcv_nxt = e
            cwin = p[TCP].window
        elif not c2s(p) and not p[TCP].flags.S:
            e = (p[TCP].seq + ln) % M32
            if d32(e, snd_nxt) > 0:
                snd_nxt = e

    def rng(lo, hi):
        return {"first": lo, "end": hi, "size": (hi - lo) % M32}

    facts = {
        "old_client_isn": isn_c0, "old_server_isn": isn_s0,
        "old_client_range": rng(isn_c0, old_client_end),
        "old_server_range": rng(isn_s0, old_server_end),
        "new_client_isn": isn_c1, "new_server_isn": isn_s1,
        "new_client_isn_inside_old_client_range": 0 <= d32(isn_c1, isn_c0) <= d32(old_client_end, isn_c0),
        "new_server_isn_inside_old_server_range": 0 <= d32(isn_s1, isn_s0) <= d32(old_server_end, isn_s0),
        "new_server_isn_minus_old_server_snd_nxt": d32(isn_s1, old_server_end),
        "server_rcv_nxt_at_injection": rcv_nxt, "server_snd_nxt_at_injection": snd_nxt,
        "source": "sniffed live in the router namespace by inject.py (scapy), not from the twhazard analyzer",
    }

    s = conf.L2socket(iface=args.iface)
    injected = []

    def send(name, raw, expect):
        t = time.time()
        s.send(raw)
        p = Ether(raw)
        info = seg_info(p)
        info.update({"name": name, "t": round(t, 6), "expected": expect,
                     "seq_inside_old_client_range": 0 <= d32(info["seq"], isn_c0) < d32(old_client_end, isn_c0),
                     "ack_inside_old_server_range": 0 < d32(info["ack"], isn_s0) <= d32(old_server_end, isn_s0),
                     "seq_minus_server_rcv_nxt": d32(info["seq"], rcv_nxt),
                     "ack_minus_server_snd_nxt": d32(info["ack"], snd_nxt),
                     "payload": bytes(p[TCP].payload)[:40].decode("latin-1")})
        injected.append(info)

    send("replay_old_data", replay_raw,
         "PAWS reject (old TSval): dup ACK, data not delivered" if args.mode == "paws"
         else "out of the new window (before rcv_nxt): dup ACK with D-SACK, data not delivered")
    time.sleep(0.7)          # beyond the 500 ms out-of-window ACK rate limit
    eth = replay_pkt[Ether]
    opts = []
    if args.mode == "paws":
        tsval, tsecr = seg_info(replay_pkt)["tsval"], seg_info(replay_pkt)["tsecr"]
        opts = [("NOP", None), ("NOP", None), ("Timestamp", (tsval, tsecr))]
    crafted = (Ether(src=eth.src, dst=eth.dst) /
               IP(src=args.client, dst=args.server, ttl=replay_pkt[IP].ttl, id=replay_pkt[IP].id + 7) /
               TCP(sport=args.cport, dport=args.sport, seq=rcv_nxt, ack=snd_nxt, flags="PA",
                   window=cwin, options=opts) / Raw(MARKER))
    send("crafted_in_window_old_ts" if args.mode == "paws" else "crafted_old_in_window", bytes(crafted),
         "PAWS reject (old TSval): marker NOT delivered" if args.mode == "paws"
         else "accepted by the new connection: marker delivered to the server application (corruption)")
    time.sleep(0.7)
    open(args.go_file, "w").close()
    time.sleep(1.5)
    sn.stop()
    s.close()
    with lock:
        after = [seg_info(p) | {"t": round(t, 6)} for t, _, p in pkts if t >= injected[0]["t"]]
    json.dump({"mode": args.mode, "facts": facts, "injected": injected,
               "sniffed_after_first_injection": after}, open(args.out, "w"), indent=1)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Build samples/<case>/truth.json from the raw truth files (kernel counters, program logs,
nft counters, ss samples). Nothing here reads the capture: the truth comes from the kernel and
from the traffic programs only."""
import argparse
import glob
import json
import os


def load_jsonl(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


def client_summary(events):
    s = {"connects": 0, "connect_ok": 0, "connect_errors": {}, "io_errors": {}}
    lats = []
    ports = []
    for e in events:
        if e["ev"] == "connected":
            s["connects"] += 1
            s["connect_ok"] += 1
            lats.append(e["latency_ms"])
            ports.append(e["lport"])
        elif e["ev"] == "connect_error":
            s["connects"] += 1
            s["connect_errors"][e["errno"]] = s["connect_errors"].get(e["errno"], 0) + 1
            lats.append(e["latency_ms"])
        elif e["ev"] == "io_error":
            s["io_errors"][e["errno"]] = s["io_errors"].get(e["errno"], 0) + 1
    if lats:
        s["max_connect_latency_ms"] = max(lats)
        s["min_connect_latency_ms"] = min(lats)
    s["distinct_local_ports"] = len(set(ports))
    return s


def server_summary(events):
    s = {"accepted": 0, "closes": {}, "errors": {}}
    for e in events:
        if e["ev"] == "close":
            s["closes"][e["how"]] = s["closes"].get(e["how"], 0) + 1
        elif e["ev"] == "accept":
            s["accepted"] += 1
        elif e["ev"] == "error":
            s["errors"][e["errno"]] = s["errors"].get(e["errno"], 0) + 1
        elif e["ev"] == "exit":
            s["accepted"] = e["accepted"]
        elif e["ev"] == "chat_end":
            s.setdefault("chat", []).append({"conn": e["conn"], "end": e["end"], "total": e["total"],
                                             "marker_received": e["marker_received"], "data": e["data"]})
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--extra")
    ap.add_argument("roles", nargs="*", help="role=namespace")
    a = ap.parse_args()
    truth_dir = os.path.join(a.out, "truth")
    roles = dict(r.split("=", 1) for r in a.roles)
    t = {"case": a.case}
    t["kernel"] = open(os.path.join(truth_dir, "uname.txt")).read().strip()
    t["namespace_names"] = roles
    t["namespaces"] = {}
    for role in sorted(roles):
        p = os.path.join(truth_dir, "nstat", role + ".json")
        if os.path.exists(p):
            t["namespaces"][role] = json.load(open(p))["delta"]
    # sysctls set explicitly by the scenario
    sc = {}
    for line in open(os.path.join(truth_dir, "sysctls.txt")):
        ns, kv = line.split(None, 1)
        k, v = kv.strip().split("=", 1)
        sc.setdefault(ns, {})[k] = v.replace("\t", " ")
    t["sysctls_set"] = sc
    # programs
    progs = {}
    allc = []
    for p in sorted(glob.glob(os.path.join(truth_dir, "logs", "client*.jsonl"))):
        ev = load_jsonl(p)
        allc += ev
        progs[os.path.basename(p)[:-6]] = client_summary(ev)
    tot = client_summary(allc)
    servers = {}
    for p in sorted(glob.glob(os.path.join(truth_dir, "logs", "server*.jsonl"))):
        servers[os.path.basename(p)[:-6]] = server_summary(load_jsonl(p))
    t["programs"] = dict(tot)
    if len(progs) > 1:
        t["programs"]["per_client_log"] = progs
    t["programs"]["servers"] = servers
    # nft counters
    p = os.path.join(truth_dir, "nft_counters.json")
    if os.path.exists(p):
        t["nft_counters"] = json.load(open(p))
    # ss TIME_WAIT samples
    p = os.path.join(truth_dir, "ss_time_wait.txt")
    if os.path.exists(p):
        ns2role = {v: k for k, v in roles.items()}
        peak, n = {}, {}
        for line in open(p):
            f = line.split()
            if len(f) < 3:
                continue
            r = ns2role.get(f[1], f[1])
            peak[r] = max(peak.get(r, 0), int(f[2]))
            n[r] = n.get(r, 0) + 1
        t["ss_time_wait_peak"] = peak
        t["ss_time_wait_samples"] = n
    if a.extra:
        extra = json.load(open(a.extra))
        for k, v in extra.items():
            t[k] = v
    json.dump(t, open(os.path.join(a.out, "truth.json"), "w"), indent=1, sort_keys=False)
    open(os.path.join(a.out, "truth.json"), "a").write("\n")


if __name__ == "__main__":
    main()

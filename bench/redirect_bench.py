#!/usr/bin/env python3
"""Tracked-link redirects beside nginx answering a bare 302, in one run (wrk on loopback).

    python3 bench/redirect_bench.py [--engage .build/release/engage] [--duration 10] [--repeats 3]

1. Runs ../shared/bench/anchor_redirect.sh (nginx: plain 302, 302 + access log, buffered log).
2. Creates a tracked link in a fresh SQLite file, starts `engage serve` (release build), and
   runs wrk -t2 -c64 --latency on GET /r/CODE: every answer is a 302 sent after its click
   was committed. Reports requests/s, p50, p99 (median of repeats), the clicks stored, and
   the ratio to nginx's plain 302.
"""
import argparse, json, os, re, signal, socket, statistics, subprocess, sys, tempfile, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("ENGAGE_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wrk(url, duration):
    out = subprocess.run(["wrk", "-t2", "-c64", f"-d{duration}s", "--latency", url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = {m.group(1): m.group(2) for m in re.finditer(r"^\s+(50|99)%\s+(\S+)", out, re.M)}
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, pct, total, int(bad.group(1)) if bad else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engage", default=os.path.join(ROOT, ".build", "release", "engage"))
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    result = tempfile.mktemp(prefix="nginx-anchor-")
    subprocess.run(["bash", os.path.join(SHARED, "bench", "anchor_redirect.sh"), str(free_port()), str(a.duration), str(a.repeats)],
                   env={**os.environ, "RESULT": result}, check=True, capture_output=True)
    anchors = [json.loads(l) for l in open(result)]
    work = tempfile.mkdtemp(prefix="engage-redirect-bench-")
    db = os.path.join(work, "engage.sqlite")
    code = subprocess.run([a.engage, "link", "create", "--db", db, "--target", "https://www.example.com/spring-sale",
                           "--utm-source", "vk", "--utm-medium", "advocacy", "--utm-campaign", "spring_sale_2025", "--utm-content", "adv-e00042"],
                          check=True, capture_output=True, text=True).stdout.split()[0]
    port = free_port()
    server = subprocess.Popen([a.engage, "serve", "--db", db, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except Exception:
                time.sleep(0.05)
        runs = [wrk(f"http://127.0.0.1:{port}/r/{code}", a.duration) for _ in range(a.repeats)]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    import sqlite3
    stored = sqlite3.connect(db).execute("SELECT COUNT(*) FROM clicks").fetchone()[0]
    answered = sum(r[2] for r in runs)
    rps = statistics.median(r[0] for r in runs)
    print(f"wrk -t2 -c64 -d{a.duration}s --latency on loopback, median of {a.repeats}, {os.cpu_count()} cores\n")
    print("| server | requests/s | p50 | p99 |")
    print("|---|---:|---:|---:|")
    plain = None
    for r in anchors:
        print(f"| nginx {r['path']} ({r['what']}) | {r['rps_median']:,.0f} | {r['p50_ms_median']:.2f}ms | {r['p99_ms_median']:.2f}ms |")
        if r["path"] == "/r/":
            plain = r["rps_median"]
    mid = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
    print(f"| engage /r/CODE (SQLite, click committed before the answer) | {rps:,.0f} | {mid[1].get('50')} | {mid[1].get('99')} |")
    print(f"\nclicks answered {answered:,}, stored {stored:,}; non-3xx answers: {sum(r[3] for r in runs)}")
    if plain:
        print(f"engage / nginx plain 302 = {rps / plain:.2f}")
    print("raw anchor lines:", json.dumps(anchors))


if __name__ == "__main__":
    main()

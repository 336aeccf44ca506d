#!/usr/bin/env python3
"""Tracked-link redirects beside nginx answering a bare 302, in one run (wrk on loopback).

    python3 bench/redirect_bench.py [--engage .build/release/engage] [--duration 10] [--repeats 3]
                                    [--postgres-url postgres://user@127.0.0.1:5432/db?sslmode=disable]
                                    [--connections 64,256] [--instances 2,4]

1. Runs ../shared/bench/anchor_redirect.sh (nginx: plain 302, 302 + access log, buffered log).
2. Creates a tracked link in a fresh SQLite file, starts `engage serve` (release build), and
   runs wrk -t2 -c64 --latency on GET /r/CODE: every answer is a 302 sent after its click
   was durable (appended to the server's click log, folded into the database every 100 ms;
   the count of stored clicks is read after the server stopped and folded all). Reports requests/s, p50, p99 (median of repeats), the clicks stored, and
   the ratio to nginx's plain 302.
3. With --postgres-url: two `engage serve` instances on a fresh schema of that server behind
   nginx running the configuration of docs/deployment.md ("Several instances"), and wrk
   on nginx's /r/CODE the same way; --instances 2,4 runs it with two, then four instances
   (each on a fresh schema).
4. With --connections 64,256: steps 1–3 once per number of open connections (wrk -c), each
   table with its own nginx figures; the default is 64 alone. Both servers answer more at
   higher concurrency, Engage more so (its answers wait for a group commit), so the ratio
   is reported at each.
"""
import argparse, json, os, re, signal, socket, statistics, subprocess, sys, tempfile, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from serving import nginx_config  # noqa: E402  (the documented multi-instance nginx.conf)
SHARED = os.environ.get("ENGAGE_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_healthy(port, tries=400):
    """Until GET /healthz answers (or `tries` × 50 ms have passed)."""
    for _ in range(tries):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except Exception:
            time.sleep(0.05)


def wrk(url, duration, conns=64):
    out = subprocess.run(["wrk", "-t2", f"-c{conns}", f"-d{duration}s", "--latency", url], capture_output=True, text=True, check=True).stdout
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
    ap.add_argument("--postgres-url", default=None, help="also several instances on this PostgreSQL server behind nginx (see --instances)")
    ap.add_argument("--instances", default="2", help="with --postgres-url: comma-separated numbers of instances behind nginx, one row each (default 2)")
    ap.add_argument("--connections", default="64", help="comma-separated wrk -c values, one table each (default 64)")
    a = ap.parse_args()
    try:
        a.instances = [int(n) for n in a.instances.split(",")]
    except ValueError:
        ap.error(f"--instances takes whole numbers separated by commas, not '{a.instances}'")
    if min(a.instances) < 2:
        ap.error("--instances: each number is 2 or more (one instance is the SQLite row; the nginx configuration balances two or more)")
    for conns in [int(c) for c in a.connections.split(",")]:
        run_at(a, conns)


def run_at(a, conns):
    """Steps 1–3 with `conns` open connections; prints one table."""
    result = tempfile.mktemp(prefix="nginx-anchor-")
    subprocess.run(["bash", os.path.join(SHARED, "bench", "anchor_redirect.sh"), str(free_port()), str(a.duration), str(a.repeats)],
                   env={**os.environ, "RESULT": result, "CONNS": str(conns)}, check=True, capture_output=True)
    anchors = [json.loads(l) for l in open(result)]
    work = tempfile.mkdtemp(prefix="engage-redirect-bench-")
    db = os.path.join(work, "engage.sqlite")
    code = subprocess.run([a.engage, "link", "create", "--db", db, "--target", "https://www.example.com/spring-sale",
                           "--utm-source", "vk", "--utm-medium", "advocacy", "--utm-campaign", "spring_sale_2025", "--utm-content", "adv-e00042"],
                          check=True, capture_output=True, text=True).stdout.split()[0]
    port = free_port()
    server = subprocess.Popen([a.engage, "serve", "--db", db, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(port)
        runs = [wrk(f"http://127.0.0.1:{port}/r/{code}", a.duration, conns) for _ in range(a.repeats)]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    import sqlite3
    stored = sqlite3.connect(db).execute("SELECT COUNT(*) FROM clicks").fetchone()[0]
    pgs = [instances_behind_nginx(a, conns, n, code_args=["--utm-source", "vk", "--utm-medium", "advocacy"])
           for n in a.instances] if a.postgres_url else []
    answered = sum(r[2] for r in runs)
    rps = statistics.median(r[0] for r in runs)
    print(f"wrk -t2 -c{conns} -d{a.duration}s --latency on loopback, median of {a.repeats}, {os.cpu_count()} cores\n")
    print("| server | requests/s | p50 | p99 |")
    print("|---|---:|---:|---:|")
    plain = None
    for r in anchors:
        print(f"| nginx {r['path']} ({r['what']}) | {r['rps_median']:,.0f} | {r['p50_ms_median']:.2f}ms | {r['p99_ms_median']:.2f}ms |")
        if r["path"] == "/r/":
            plain = r["rps_median"]
    mid = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
    print(f"| engage /r/CODE (SQLite, click in the click log before the answer) | {rps:,.0f} | {mid[1].get('50')} | {mid[1].get('99')} |")
    for pg in pgs:
        pmid = sorted(pg["runs"], key=lambda r: r[0])[len(pg["runs"]) // 2]
        print(f"| engage /r/CODE, {pg['n']} instances on PostgreSQL behind nginx (docs/deployment.md) | {pg['rps']:,.0f} | {pmid[1].get('50')} | {pmid[1].get('99')} |")
    print(f"\nclicks answered {answered:,}, stored {stored:,}; non-3xx answers: {sum(r[3] for r in runs)}")
    for pg in pgs:
        print(f"{pg['n']} instances on PostgreSQL: clicks answered {pg['answered']:,}, stored {pg['stored']:,}; non-3xx answers: {pg['bad']}")
    if plain:
        print(f"engage / nginx plain 302 = {rps / plain:.2f}" + "".join(f"; {pg['n']} PostgreSQL instances behind nginx / nginx plain 302 = {pg['rps'] / plain:.2f}" for pg in pgs))
    print("raw anchor lines:", json.dumps(anchors))
    print()


def instances_behind_nginx(a, conns, n, code_args):
    """wrk through nginx on `n` (≥ 2) engage serve instances sharing a fresh PostgreSQL schema."""
    schema = f"redirect_bench_{os.getpid()}_{n}"
    db = a.postgres_url + ("&" if "?" in a.postgres_url else "?") + f"schema={schema}"
    base = a.postgres_url.split("?")[0]
    work = tempfile.mkdtemp(prefix="engage-redirect-pg-")
    code = subprocess.run([a.engage, "link", "create", "--db", db, "--target", "https://www.example.com/spring-sale"] + code_args,
                          check=True, capture_output=True, text=True).stdout.split()[0]
    ports = [free_port() for _ in range(n)]
    lb = free_port()
    servers = [subprocess.Popen([a.engage, "serve", "--db", db, "--port", str(p)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for p in ports]
    conf = os.path.join(work, "nginx.conf")
    open(conf, "w").write(nginx_config(ports[0], ports[1], lb, more=ports[2:]))
    nginx = subprocess.Popen(["nginx", "-p", work, "-c", conf, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for p in ports + [lb]:
            wait_healthy(p)
        runs = [wrk(f"http://127.0.0.1:{lb}/r/{code}", a.duration, conns) for _ in range(a.repeats)]
    finally:
        for s in servers:
            s.send_signal(signal.SIGTERM)
        for s in servers:
            s.wait(timeout=60)
        nginx.terminate()
        nginx.wait(timeout=10)
    stored = int(subprocess.run(["psql", base, "-qAtX", "-c", f"SELECT count(*) FROM {schema}.clicks"], check=True,
                                capture_output=True, text=True).stdout.strip())
    subprocess.run(["psql", base, "-qc", f"DROP SCHEMA {schema} CASCADE"], capture_output=True)
    return {"n": n, "runs": runs, "rps": statistics.median(r[0] for r in runs), "answered": sum(r[2] for r in runs), "stored": stored,
            "bad": sum(r[3] for r in runs)}


if __name__ == "__main__":
    main()

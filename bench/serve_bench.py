#!/usr/bin/env python3
"""wrk against `engage serve` on the demo data: the overview API endpoint and the overview page.

    python3 bench/serve_bench.py [--engage .build/release/engage] [--duration 10] [--threads 2] [--connections 64]

Generates the demo data into a temporary SQLite file, adds a user and an API token, starts
`engage serve` on a free loopback port, and runs wrk (Debian's) against
  1. GET /api/v1/reports/social (the overview's JSON, default period: last complete month)
     with the token as a Bearer header;
  2. GET / (the overview page) with a session cookie from signing in through the form.
Prints requests/s and the latency percentiles wrk reports (--latency), as a Markdown table.
"""
import argparse, http.cookiejar, os, re, signal, socket, subprocess, tempfile, time, urllib.parse, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wrk(url, header, a):
    out = subprocess.run(["wrk", f"-t{a.threads}", f"-c{a.connections}", f"-d{a.duration}s", "--latency", "-H", header, url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = {m.group(1): m.group(2) for m in re.finditer(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M)}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, pct, int(non2xx.group(1)) if non2xx else 0, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engage", default=os.path.join(ROOT, ".build", "release", "engage"))
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=64)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="engage-serve-bench-")
    db = os.path.join(work, "engage.sqlite")
    subprocess.run([a.engage, "demo", "--db", db, "--out", os.path.join(work, "demo")], check=True, capture_output=True)
    subprocess.run([a.engage, "user", "add", "bench", "--role", "viewer", "--db", db], input="bench-password\n", text=True, check=True, capture_output=True)
    token = subprocess.run([a.engage, "token", "create", "--role", "viewer", "--db", db], check=True, capture_output=True, text=True).stdout.split()[0]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([a.engage, "serve", "--db", db, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = opener.open(base + "/login").read().decode()
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        opener.open(base + "/login", urllib.parse.urlencode({"csrf": csrf, "name": "bench", "password": "bench-password"}).encode())
        session = next(c.value for c in jar if c.name == "engage_session")
        rows = []
        for label, url, header in [("GET /api/v1/reports/social (Bearer)", base + "/api/v1/reports/social", f"Authorization: Bearer {token}"),
                                   ("GET / overview page (cookie)", base + "/", f"Cookie: engage_session={session}")]:
            rps, pct, bad, _ = wrk(url, header, a)
            rows.append((label, rps, pct, bad))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(f"wrk -t{a.threads} -c{a.connections} -d{a.duration}s --latency, loopback, {os.cpu_count()} cores, demo data\n")
    print("| endpoint | requests/s | p50 | p90 | p99 | non-2xx |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, rps, pct, bad in rows:
        print(f"| {label} | {rps:,.0f} | {pct.get('50')} | {pct.get('90')} | {pct.get('99')} | {bad} |")


if __name__ == "__main__":
    main()

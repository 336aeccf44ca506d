#!/usr/bin/env python3
"""Page weight and time to first byte of every dashboard page, as an admin sees it.

    python3 bench/pages_bench.py [--engage .build/release/engage] [--db FILE | --data DIR]
                                 [--from YYYY-MM-DD --to YYYY-MM-DD] [--repeats 5]

Without --db or --data: the demo data (`engage demo`, a year ending yesterday) and its
default period (the last complete month). With --data: the folder is imported into a fresh
SQLite file first (e.g. the N=1000 set of ../shared/bench/gen_data.py --contract-names),
with the import's wall time printed. Then `engage serve` is started, an admin signs in
through the form, and every page is fetched once (its first load: reports built, caches
filled) and `--repeats` times more over one keep-alive connection, measuring:
  - TTFB: from sending the request to the status line and headers having arrived;
  - total: until the last byte of the body;
  - bytes: the HTML as sent (pages inline their charts as SVG; the stylesheet and the
    script are two shared static files, listed once at the end).
Prints the medians as a Markdown table. The posts CSV of the whole period is fetched the
same way (it is streamed: TTFB is when its first rows arrive).
"""
import argparse, http.client, os, re, statistics, subprocess, sys, tempfile, time, urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import serving  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Client:
    """One keep-alive connection with the session cookie."""

    def __init__(self, port):
        self.port = port
        self.cookie = ""
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def request(self, method, path, body=None, headers=None):
        h = {"Cookie": self.cookie} if self.cookie else {}
        h.update(headers or {})
        t0 = time.perf_counter()
        self.conn.request(method, path, body=body, headers=h)
        r = self.conn.getresponse()
        ttfb = time.perf_counter() - t0
        data = r.read()
        total = time.perf_counter() - t0
        return r, data, ttfb, total

    def sign_in(self, name, password):
        r, page, _, _ = self.request("GET", "/login")
        pre = re.search(r"engage_pre=([^;]+)", r.getheader("Set-Cookie") or "").group(1)
        csrf = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
        self.cookie = f"engage_pre={pre}"
        r, _, _, _ = self.request("POST", "/login", body=urllib.parse.urlencode({"csrf": csrf, "name": name, "password": password}),
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
        session = re.search(r"engage_session=([^;]+)", r.getheader("Set-Cookie") or "")
        if not session:
            raise SystemExit("FAIL - sign-in refused")
        self.cookie = f"engage_session={session.group(1)}"


def first_href(client, page, prefix):
    _, body, _, _ = client.request("GET", page)
    m = re.search(rb'href="(' + re.escape(prefix.encode()) + rb'[^"?#]+)', body)
    return m.group(1).decode() if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engage", default=os.path.join(ROOT, ".build", "release", "engage"))
    ap.add_argument("--db")
    ap.add_argument("--data")
    ap.add_argument("--from", dest="start")
    ap.add_argument("--to", dest="end")
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="engage-pages-bench-")
    db = a.db
    if not db:
        db = os.path.join(work, "engage.sqlite")
        if a.data:
            t0 = time.perf_counter()
            subprocess.run([a.engage, "import", a.data, "--db", db], check=True, stdout=subprocess.DEVNULL)
            print(f"import of {a.data}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        else:
            subprocess.run([a.engage, "demo", "--db", db, "--out", os.path.join(work, "demo")], check=True, capture_output=True)
    # the user stays in a given database, so a second run finds it there
    subprocess.run([a.engage, "user", "add", "pagebench", "--role", "admin", "--db", db], input="pagebench-password\n",
                   text=True, capture_output=True)
    port = serving.free_port()
    log = open(os.path.join(work, "serve.log"), "w")
    print(f"server log: {log.name}", file=sys.stderr)
    server = serving.start(a.engage, db, port, log=log)
    try:
        c = Client(port)
        c.sign_in("pagebench", "pagebench-password")
        period = f"from={a.start}&to={a.end}" if a.start and a.end else ""
        if period:
            c.request("GET", "/?" + period)  # the period is remembered for the pages opened without one
        q = ("?" + period) if period else ""
        account = first_href(c, "/" + q, "/accounts/")
        survey = first_href(c, "/surveys", "/surveys/")
        link = first_href(c, "/links", "/links/")
        pages = ["/", account, "/competitors", "/posts", "/traffic", "/advocacy/funnel", "/advocacy/leaderboards",
                 "/advocacy/content", "/advocacy/traffic", "/advocacy/sales", "/advocacy/recruiting", "/surveys", survey,
                 "/content", "/share", "/links", link, "/import", "/accounts", "/users", "/schedules", "/settings",
                 "/posts?format=csv"]
        rows = []
        for path in [p for p in pages if p]:
            dated = path == "/" or path.startswith(("/accounts/", "/competitors", "/posts", "/traffic", "/advocacy/", "/links/"))
            url = path + (("&" if "?" in path else "?") + period if period and dated else "")
            r, body, _, first = c.request("GET", url)
            print(f"{url}: {r.status}, {len(body):,} bytes, {first:.2f} s (first)", file=sys.stderr, flush=True)
            if r.status != 200:
                raise SystemExit(f"FAIL - {url}: {r.status}")
            ttfbs, totals = [], []
            for _ in range(a.repeats):
                _, body, ttfb, total = c.request("GET", url)
                ttfbs.append(ttfb)
                totals.append(total)
            rows.append((path, len(body), first, statistics.median(ttfbs), statistics.median(totals), body.count(b"\n") if "csv" in path else None))
        statics = []
        for path in ["/static/app.css", "/static/app.js"]:
            _, body, _, _ = c.request("GET", path)
            statics.append((path, len(body)))
    finally:
        serving.stop(server)
    print(f"`engage serve` on SQLite, {os.cpu_count()} cores, loopback, one keep-alive connection, median of {a.repeats} after a warm-up; "
          f"period: {a.start + ' — ' + a.end if period else 'the default (last complete month)'}\n")
    print("| page | HTML KB | first load ms | TTFB ms | total ms |")
    print("|---|---:|---:|---:|---:|")
    for path, size, first, ttfb, total, lines in rows:
        label = path if lines is None else f"{path} ({lines - 1:,} posts)"
        print(f"| `{label}` | {size / 1024:,.1f} | {first * 1000:,.1f} | {ttfb * 1000:,.1f} | {total * 1000:,.1f} |")
    print("\nShared static files (cached for an hour): " + ", ".join(f"`{p}` {n / 1024:.1f} KB" for p, n in statics))


if __name__ == "__main__":
    main()

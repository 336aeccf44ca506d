#!/usr/bin/env python3
"""Times Engage beside the performance anchors of shared/bench, in one run, on the same data.

    python3 bench/compare.py [--n 1000] [--data-root /tmp/perfdata] [--anchors duckdb,sqlite]
                             [--engage .build/release/engage] [--repeats 1]
                             [--postgres-url postgres://user@127.0.0.1:5432/db?sslmode=disable]
                             [--social-only]

1. Generates the data with shared/bench/gen_data.py N DIR --contract-names (once; reused).
2. Runs `engage import` into a fresh SQLite file (and, with --postgres-url, a fresh schema
   on that PostgreSQL server), then `engage report social --format json`
   for the month (2025-03) and the year (2025), each under /usr/bin/time -v (wall, peak RSS).
   With --social-only Engage imports accounts, daily rows and posts alone (a folder of links
   to those three files), so that the whole import's time is the posts' whole cost: the
   table then also shows posts / whole import.
3. Runs the anchors (anchor_duckdb.py, anchor_sqlite.py, …) on the same folder.
4. Checks Engage's numbers: its JSON accounts go through shared/bench/common.report_digest
   and must equal every anchor's digest for each period.
5. Prints a Markdown table and the ratios Engage / anchor, and writes the raw figures as JSON.
"""
import argparse, json, os, platform, re, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("ENGAGE_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
BENCH = os.path.join(SHARED, "bench")
sys.path.insert(0, BENCH)
import common  # noqa: E402  (shared/bench/common.py: the digest and period definitions)


def timed(cmd):
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{cmd} failed:\n{p.stderr[-3000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", p.stderr).group(1)
    secs = sum(float(v) * 60 ** i for i, v in enumerate(reversed(wall.split(":"))))
    return p.stdout, p.stderr, secs, rss


def engage_digest(accounts):
    """Engage's JSON accounts in the anchors' key order, then common.report_digest."""
    keys = ["account_id", "network", "name", "competitor", "followers_end", "new_followers", "unfollows",
            "follower_growth_gross_pct", "follower_growth_net_pct", "reach_total", "reach_is_upper_bound",
            "reach_organic", "reach_viral", "reach_paid", "unique_visitors", "views_total", "posts", "posts_per_day",
            "likes", "comments", "shares", "engagements", "love_rate_pct", "talk_rate_pct", "amplification_rate_pct",
            "er_followers_pct", "err_pct", "er_post_avg_pct", "er_view_avg_pct", "clicks", "ctr_pct", "spend", "cpc"]
    out = []
    for a in accounts:
        r = {k: a[k] for k in keys}
        if r["spend"] is not None:
            r["spend"] = round(r["spend"], 2)
        r["top_posts"] = [{"post_id": t["post_id"], "reach": t["reach"], "engagements": t["engagements"],
                           "er_post_pct": t["er_post_pct"]} for t in a["top_posts"]]
        out.append(r)
    return common.report_digest(out)


def run_engage(engage, data, work, pg_url=None):
    if pg_url:
        schema = f"bench_{os.getpid()}_{int(time.time() * 1000) % 10**9}"
        db = pg_url + ("&" if "?" in pg_url else "?") + f"schema={schema}"
    else:
        db = os.path.join(work, "engage.sqlite")
        common.remove_db(db)
    out, err, secs, rss = timed([engage, "import", "--quiet", "--db", db, data])
    per_file = {m.group(1): (int(m.group(2)), float(m.group(3)))
                for m in re.finditer(r"^(\S+\.csv): (\d+) rows in ([\d.]+) s", out, re.M)}
    res = {"import_s": secs, "import_rss_mb": rss, "files": per_file, "periods": {}}
    posts_rows, posts_s = per_file["posts.csv"]
    res["posts_rows_per_s"] = posts_rows / posts_s
    res["db_mb"] = None if pg_url else os.path.getsize(db) / 2 ** 20
    for name, (f, t) in common.PERIODS.items():
        out, err, secs, rss = timed([engage, "report", "social", "--db", db, "--from", f, "--to", t, "--format", "json"])
        rep = json.loads(out)
        res["periods"][name] = {"report_s": secs, "rss_mb": rss, "report_digest": engage_digest(rep["accounts"])}
    if pg_url:
        subprocess.run(["psql", pg_url.split("?")[0], "-q", "-c", f"DROP SCHEMA {schema} CASCADE"], capture_output=True)
    return res


def run_anchor(name, data):
    out, err, secs, rss = timed([sys.executable, os.path.join(BENCH, f"anchor_{name}.py"), data])
    r = json.loads(out.strip().splitlines()[-1])
    r["wall_s"], r["peak_rss_mb"] = secs, rss
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=float, default=1000)
    ap.add_argument("--data-root", default="/tmp/perfdata")
    ap.add_argument("--anchors", default="duckdb,sqlite")
    ap.add_argument("--engage", default=os.path.join(ROOT, ".build", "release", "engage"))
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--out", default=None)
    ap.add_argument("--postgres-url", default=None, help="also time Engage on this PostgreSQL server (a fresh schema per run)")
    ap.add_argument("--social-only", action="store_true", help="Engage imports accounts, daily rows and posts only")
    a = ap.parse_args()
    data = os.path.join(a.data_root, f"N{a.n:g}")
    if not os.path.exists(os.path.join(data, "manifest.json")):
        subprocess.run([sys.executable, os.path.join(BENCH, "gen_data.py"), f"{a.n:g}", data, "--contract-names"], check=True)
    rows = json.load(open(os.path.join(data, "manifest.json")))["rows"]
    work = tempfile.mkdtemp(prefix="engage-bench-")
    engage_data = data
    if a.social_only:
        engage_data = os.path.join(work, "social")
        os.mkdir(engage_data)
        for f in ("accounts.csv", "account_daily.csv", "posts.csv"):
            os.symlink(os.path.join(data, f), os.path.join(engage_data, f))
    runs = {"engage": []}
    if a.postgres_url:
        runs["engage-postgres"] = []
    anchors = [x for x in a.anchors.split(",") if x]
    for x in anchors:
        runs[x] = []
    for _ in range(a.repeats):           # interleaved, as shared/bench/bench.py does
        runs["engage"].append(run_engage(a.engage, engage_data, work))
        if a.postgres_url:
            runs["engage-postgres"].append(run_engage(a.engage, engage_data, work, a.postgres_url))
        for x in anchors:
            runs[x].append(run_anchor(x, data))
    shutil.rmtree(work, ignore_errors=True)

    med = statistics.median
    e = runs["engage"]
    print(f"N={a.n:g}: {rows['accounts']} accounts, {rows['account_daily']} daily rows, {rows['posts']} posts "
          f"({os.cpu_count()} cores, {platform.release()}), median of {a.repeats}\n")
    print("| engine | post import rows/s | import peak RSS MB | social month s | social year s |")
    print("|---|---:|---:|---:|---:|")
    engage_runs = [("engage (SQLite)", "engage")] + ([("engage (PostgreSQL)", "engage-postgres")] if a.postgres_url else [])
    for label, key in engage_runs:
        rr = runs[key]
        print(f"| {label} | {med(r['posts_rows_per_s'] for r in rr):,.0f} | {med(r['import_rss_mb'] for r in rr):,.0f} | "
              f"{med(r['periods']['month']['report_s'] for r in rr):.3f} | {med(r['periods']['year']['report_s'] for r in rr):.3f} |")
    ok = True
    if a.postgres_url:
        for p in ("month", "year"):
            if runs["engage-postgres"][0]["periods"][p]["report_digest"] != e[0]["periods"][p]["report_digest"]:
                ok = False
                print(f"MISMATCH: engage on PostgreSQL gives another {p} report than on SQLite", file=sys.stderr)
    for x in anchors:
        rs = runs[x]
        posts_s = med(r["load_parts_s"]["posts"] for r in rs)
        print(f"| {x} | {rows['posts'] / posts_s:,.0f} | {med(r['peak_rss_mb'] for r in rs):,.0f} (whole run) | "
              f"{med(r['periods']['month']['social_s'] for r in rs):.3f} | {med(r['periods']['year']['social_s'] for r in rs):.3f} |")
        for p in ("month", "year"):
            if rs[0]["periods"][p]["report_digest"] != e[0]["periods"][p]["report_digest"]:
                ok = False
                print(f"MISMATCH: engage's {p} report differs from {x}'s", file=sys.stderr)
    print("\nRatios (engage / anchor; > 1 means Engage is faster for rows/s, slower for seconds):")
    for x in anchors:
        rs = runs[x]
        ip = med(r["posts_rows_per_s"] for r in e) / (rows["posts"] / med(r["load_parts_s"]["posts"] for r in rs))
        ms = med(r["periods"]["month"]["report_s"] for r in e) / med(r["periods"]["month"]["social_s"] for r in rs)
        ys = med(r["periods"]["year"]["report_s"] for r in e) / med(r["periods"]["year"]["social_s"] for r in rs)
        whole = (f"; posts / whole import ×{med(r['load_parts_s']['posts'] for r in rs) / med(r['import_s'] for r in e):.2f}"
                 if a.social_only else "")
        print(f"- vs {x}: post import rows/s ×{ip:.2f}{whole}; month report time ×{ms:.2f}; year report time ×{ys:.2f}")
    for label, key in engage_runs:
        r = sorted(runs[key], key=lambda r: r["import_s"])[len(runs[key]) // 2]
        parts = ", ".join(f"{f} {s:.2f}" for f, (_, s) in r["files"].items())
        print(f"- {label}: whole `engage import` {r['import_s']:.2f} s, the process from start to exit ({parts}; "
              "the rest: opening, the end of the import, commit)"
              + (f" = {rows['posts'] / r['import_s']:,.0f} posts/s whole" if a.social_only else ""))
    print(f"\nEngage's numbers {'equal' if ok else 'DIFFER FROM'} the anchors' (report digests, month and year).")
    print("Engage's report times are whole processes (start, open, query, JSON); the anchors' are in-process.")
    if a.out:
        json.dump({"n": a.n, "rows": rows, "runs": runs}, open(a.out, "w"), indent=1)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

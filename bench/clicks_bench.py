#!/usr/bin/env python3
"""Click tables (advocacy): Engage beside the DuckDB anchor of shared/bench, in one run.

    python3 bench/clicks_bench.py [--n 1000] [--data-root /tmp/perfdata] [--engage .build/release/engage]
                                  [--repeats 3] [--postgres-url postgres://…]

1. Generates the data with shared/bench/gen_data.py N DIR --contract-names (once; reused):
   N=1000 is 10M clicks over 2025 on ~10k tracked links, ~4 % of them from known bots.
2. Imports it into a fresh SQLite file (and a fresh PostgreSQL schema with --postgres-url).
3. Times `engage report clicks --from … --to … --format json` (human clicks and distinct
   visitors per link and UTC day, and per advocate and UTC day) for the month and the year,
   each as a whole process, median of --repeats.
4. Runs shared/bench/anchor_duckdb.py on the same folder (its `clicks_s` is the same two
   tables, fetched into Python) and checks that Engage's tables have the anchor's digests
   (common.groups_digest).
5. Prints a Markdown table with the ratios.
6. With --grow-to N (PostgreSQL): copies the imported clicks with COPY, piped from one psql to
   another, each copy with its own visitors (`visitor_hash || '.r'`), until the table holds
   N clicks (100,000,000 = the 10M clicks ten times over the same year), `VACUUM ANALYZE`s it
   as autovacuum would, times the month and the year again and reports the table's size on
   disk. Every link-day group then has exactly N/10M times the clicks and distinct visitors
   of the 10M table: checked.
"""
import argparse, json, os, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("ENGAGE_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
BENCH = os.path.join(SHARED, "bench")
sys.path.insert(0, BENCH)
import common  # noqa: E402


def engage_tables(engage, db, f, t):
    start = time.perf_counter()
    p = subprocess.run([engage, "report", "clicks", "--db", db, "--from", f, "--to", t, "--format", "json"],
                       capture_output=True, text=True, check=True)
    secs = time.perf_counter() - start
    d = json.loads(p.stdout)
    return secs, common.groups_digest(d["links"]), common.groups_digest(d["employees"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--data-root", default="/tmp/perfdata")
    ap.add_argument("--engage", default=os.path.join(ROOT, ".build/release/engage"))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--postgres-url")
    ap.add_argument("--grow-to", type=int, help="PostgreSQL: grow the clicks table to this many rows with COPY")
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema")
    a = ap.parse_args()
    data = os.path.join(a.data_root, f"N{a.n}")
    if not os.path.exists(os.path.join(data, "clicks.csv")):
        subprocess.run([sys.executable, os.path.join(BENCH, "gen_data.py"), str(a.n), data, "--contract-names"], check=True)
    targets = [("sqlite", os.path.join(a.data_root, f"clicks-N{a.n}.sqlite"))]
    if a.postgres_url:
        schema = f"clicks_bench_{os.getpid()}"
        targets.append(("postgres", a.postgres_url + ("&" if "?" in a.postgres_url else "?") + f"schema={schema}"))
    results = {}
    for engine, db in targets:
        if engine == "sqlite":
            common.remove_db(db)
        start = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", a.engage, "import", "--quiet", "--db", db, data], capture_output=True, text=True, check=True)
        load = time.perf_counter() - start
        rss = int(p.stderr.strip().splitlines()[-1]) / 1024
        clicks_line = next((l for l in p.stdout.splitlines() if l.startswith("clicks.csv")), "")
        res = {"import_s": load, "import_rss_mb": rss, "clicks_import": clicks_line, "periods": {}}
        for name, (f, t) in common.PERIODS.items():
            runs = [engage_tables(a.engage, db, f, t) for _ in range(a.repeats)]
            res["periods"][name] = {"s": statistics.median(r[0] for r in runs), "runs": [round(r[0], 3) for r in runs],
                                    "link_day": runs[0][1], "employee_day": runs[0][2]}
        results[engine] = res
    anchor_runs = []
    for _ in range(a.repeats):
        p = subprocess.run([sys.executable, os.path.join(BENCH, "anchor_duckdb.py"), data], capture_output=True, text=True, check=True)
        anchor_runs.append(json.loads(p.stdout.strip().splitlines()[-1]))
    anchor = {name: {"s": statistics.median(r["periods"][name]["clicks_s"] for r in anchor_runs),
                     "runs": [r["periods"][name]["clicks_s"] for r in anchor_runs],
                     "link_day": anchor_runs[0]["periods"][name]["link_day"],
                     "employee_day": anchor_runs[0]["periods"][name]["employee_day"]} for name in common.PERIODS}
    ok = True
    print(f"\n## Click tables, N={a.n} ({anchor_runs[0]['rows']['clicks']:,} clicks), median of {a.repeats}\n")
    print("| engine | month s | year s | year ÷ DuckDB | tables equal DuckDB's |")
    print("|---|---:|---:|---:|---|")
    print(f"| DuckDB {anchor_runs[0]['version']} (anchor, in-process query + fetch) | {anchor['month']['s']:.3f} | {anchor['year']['s']:.3f} | 1.00 | — |")
    for engine, res in results.items():
        same = all(res["periods"][p][k] == anchor[p][k] for p in common.PERIODS for k in ("link_day", "employee_day"))
        ok &= same
        print(f"| Engage on {engine} (`engage report clicks`, whole process) | {res['periods']['month']['s']:.3f} | "
              f"{res['periods']['year']['s']:.3f} | {res['periods']['year']['s'] / anchor['year']['s']:.2f} | {'yes' if same else 'NO'} |")
    for engine, res in results.items():
        print(f"\n{engine}: import {res['import_s']:.1f} s, peak RSS {res['import_rss_mb']:.0f} MB ({res['clicks_import']}); runs {json.dumps({p: v['runs'] for p, v in res['periods'].items()})}")
    print(f"duckdb runs: {json.dumps({p: v['runs'] for p, v in anchor.items()})}; load (s): {json.dumps([r.get('load_parts_s') for r in anchor_runs])}")
    print(json.dumps({"engage": results, "duckdb": anchor}), file=sys.stderr)
    if a.postgres_url and a.grow_to:
        ok &= grow(a, results["postgres"], a.postgres_url.split("?")[0], schema, targets[1][1])
    if a.postgres_url and not a.keep:
        subprocess.run(["psql", a.postgres_url.split("?")[0], "-q", "-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE"], capture_output=True)
    sys.exit(0 if ok else 1)


def psql(base, sql):
    return subprocess.run(["psql", base, "-qAt", "-c", sql], capture_output=True, text=True, check=True).stdout.strip()


def grow(a, small, base, schema, db):
    """Grows the PostgreSQL clicks table to a.grow_to rows by COPY; times the click tables on it."""
    n0 = int(psql(base, f"SELECT count(*) FROM {schema}.clicks"))
    copies = a.grow_to // n0 - 1
    cols = "link_code, clicked_at, visitor_hash, agent_id, agent_class, referrer, is_bot, occurrence, import_id, day, employee_id"
    select = (f"SELECT link_code, clicked_at, visitor_hash || '.' || r, agent_id, agent_class, referrer, is_bot, occurrence, "
              f"import_id, day, employee_id FROM {schema}.clicks, generate_series(1, {copies}) r")
    start = time.perf_counter()
    out = subprocess.Popen(["psql", base, "-qAt", "-c", f"COPY ({select}) TO STDOUT"], stdout=subprocess.PIPE)
    subprocess.run(["psql", base, "-qAt", "-c", f"COPY {schema}.clicks ({cols}) FROM STDIN"], stdin=out.stdout, check=True)
    out.stdout.close()
    if out.wait() != 0:
        raise SystemExit("COPY TO STDOUT failed")
    copy_s = time.perf_counter() - start
    start = time.perf_counter()
    psql(base, f"VACUUM ANALYZE {schema}.clicks")
    vacuum_s = time.perf_counter() - start
    n = int(psql(base, f"SELECT count(*) FROM {schema}.clicks"))
    size = int(psql(base, f"SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('{schema}.clicks')"))
    heap = int(psql(base, f"SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree('{schema}.clicks')"))
    periods = {}
    for name, (f, t) in common.PERIODS.items():
        runs = [engage_tables(a.engage, db, f, t) for _ in range(a.repeats)]
        periods[name] = {"s": statistics.median(r[0] for r in runs), "runs": [round(r[0], 3) for r in runs],
                         "link_day": runs[0][1], "employee_day": runs[0][2]}
    k = copies + 1
    ok = all(periods[p][t]["groups"] == small["periods"][p][t]["groups"]
             and periods[p][t]["clicks"] == k * small["periods"][p][t]["clicks"]
             and periods[p][t]["uniques"] == k * small["periods"][p][t]["uniques"]
             for p in common.PERIODS for t in ("link_day", "employee_day"))
    print(f"\n## Click tables on PostgreSQL at {n:,} clicks\n")
    print(f"COPY of {n - n0:,} rows into the monthly partitions: {copy_s:.1f} s = {(n - n0) / copy_s:,.0f} rows/s; "
          f"VACUUM ANALYZE {vacuum_s:.1f} s; size on disk {size / 2**30:.1f} GiB (heap {heap / 2**30:.1f} GiB, "
          f"indexes {(size - heap) / 2**30:.1f} GiB) = {size / n:.0f} bytes a click\n")
    print("| period | s (median) | runs | groups (link-day) | human clicks | = ×%d the 10M table |" % k)
    print("|---|---:|---|---:|---:|---|")
    for p, v in periods.items():
        print(f"| {p} | {v['s']:.2f} | {v['runs']} | {v['link_day']['groups']:,} | {v['link_day']['clicks']:,} | {'yes' if ok else 'NO'} |")
    return ok


if __name__ == "__main__":
    main()

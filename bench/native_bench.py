#!/usr/bin/env python3
"""Native exports against the contract format, the same data side by side (issue #13).

Writes, from one seed:
  meta/   a Meta Business Suite Facebook post export of N posts (UTF-8 BOM, Lifetime rows,
          captions with newlines and quotes), and contract/meta/ the same posts as
          accounts.csv + posts.csv;
  vk/     a year of VK community statistics (long format, zero rows left out, demographic
          rows), and contract/vk/ the same days as accounts.csv + account_daily.csv;
then times `engage import` of each into a fresh SQLite file, interleaved, REPEATS times, and
prints each time and the native/contract ratio (the issue asks for under 2x).

    python3 bench/native_bench.py ENGAGE_BINARY [--posts 100000] [--repeats 3] [--out DIR]
"""
import argparse, csv, datetime, os, random, shutil, subprocess, tempfile, time

def write_meta(dirpath, contract, n, rnd):
    os.makedirs(dirpath, exist_ok=True); os.makedirs(contract, exist_ok=True)
    head = ["Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)", "Publish time", "Caption type",
            "Permalink", "Is crosspost", "Is share", "Post type", "Languages", "Custom labels", "Funded content status",
            "Data comment", "Date", "Views", "Reach", "Reactions, Comments and Shares", "Reactions", "Comments", "Shares",
            "Total clicks", "Link clicks", "Other Clicks"]
    start = datetime.datetime(2025, 1, 1)
    with open(os.path.join(dirpath, "Jan-01-2025_Dec-31-2025_1931058604954295.csv"), "w", encoding="utf-8-sig", newline="") as f, \
         open(os.path.join(contract, "posts.csv"), "w", encoding="utf-8", newline="") as g:
        w, c = csv.writer(f, lineterminator="\n"), csv.writer(g, lineterminator="\n")
        w.writerow(head)
        c.writerow(["post_id", "account_id", "published_at", "type", "url", "text", "likes", "comments", "shares", "views", "reach", "clicks"])
        for i in range(n):
            t = start + datetime.timedelta(seconds=rnd.randrange(365 * 86400) // 60 * 60)
            views, likes, comments, shares = rnd.randrange(100, 50000), rnd.randrange(0, 900), rnd.randrange(0, 90), rnd.randrange(0, 40)
            reach, clicks = views * 3 // 4, rnd.randrange(0, 200)
            text = f'Post {i}: "quoted" words\nsecond line {rnd.random():.6f}'
            url = f"https://www.facebook.com/111/posts/{i}"
            kind = rnd.choice(["Photos", "Videos", "Reels", "Links"])
            w.writerow([f"111_{i}", "111", "Zerno", "", text, "", t.strftime("%m/%d/%Y %H:%M"), "", url, "No", "No", kind, "", "", "", "",
                        "Lifetime", views, reach, likes + comments + shares, likes, comments, shares, clicks + 5, clicks, 5])
            c.writerow([f"facebook:111_{i}", "facebook:111", t.strftime("%Y-%m-%dT%H:%M:00"), {"Photos": "photo", "Videos": "video", "Reels": "reel", "Links": "link"}[kind],
                        url, text, likes, comments, shares, views, reach, clicks])
    with open(os.path.join(contract, "accounts.csv"), "w", encoding="utf-8") as g:
        g.write("account_id,network,name,timezone\nfacebook:111,facebook,Zerno,UTC\n")

def write_vk(dirpath, contract, rnd):
    os.makedirs(dirpath, exist_ok=True); os.makedirs(contract, exist_ok=True)
    days = [datetime.date(2025, 1, 1) + datetime.timedelta(days=d) for d in range(365)]
    followers, rows, daily = 20000, [], []
    for d in days:
        new, left = rnd.randrange(0, 40), rnd.randrange(0, 15)
        followers += new - left
        views, visitors, reach, viral = rnd.randrange(0, 3000), rnd.randrange(0, 900), rnd.randrange(0, 9000), rnd.randrange(0, 500)
        ds = d.strftime("%d.%m.%Y")
        for crit, p1, v in [("views", "", views), ("visitors", "", visitors), ("reach", "", reach), ("reach_viral", "", viral),
                            ("members", "Новые участники", new), ("members", "Вышедшие участники", left)]:
            if v: rows.append((ds, crit, p1, "", v))
        for age in ["18-21", "21-24", "24-27", "27-30", "30-35", "35-45", "45+"]:
            for sex in ["М", "Ж"]:
                v = rnd.randrange(0, 30)
                if v: rows.append((ds, "gender_age", sex, age, v))
        for city in ["Москва", "Санкт-Петербург", "Казань"]:
            rows.append((ds, "cities", city, "", rnd.randrange(1, 100)))
        daily.append((d.isoformat(), followers, new, left, reach, viral, views, visitors))
    rows.reverse()  # newest day first, as VK writes it
    with open(os.path.join(dirpath, "vkontakte_group_01_2025-01-01_2025-12-31.csv"), "w", encoding="utf-8", newline="") as f:
        f.write('"Дата","Критерий","Парам. №1","Парам. №2","Значение"\n')
        for r in rows: f.write('"%s","%s","%s","%s",%d\n' % r)
    with open(os.path.join(contract, "accounts.csv"), "w", encoding="utf-8") as g:
        g.write("account_id,network,timezone\nvk_brand,vk,Europe/Moscow\n")
    with open(os.path.join(contract, "account_daily.csv"), "w", encoding="utf-8") as g:
        g.write("account_id,date,followers,new_followers,unfollows,reach,reach_viral,page_views,unique_visitors\n")
        for d, fo, new, left, reach, viral, views, visitors in daily:
            g.write(f"vk_brand,{d},{fo},{new},{left},{reach},{viral},{views},{visitors}\n")
    return followers, days[-1].isoformat(), len(rows)

def timed(cmd):
    s = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    e = time.perf_counter() - s
    if r.returncode != 0: raise SystemExit(f"failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")
    return e

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("engage"); ap.add_argument("--posts", type=int, default=100_000); ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out"); ap.add_argument("--seed", type=int, default=13)
    a = ap.parse_args()
    work = a.out or tempfile.mkdtemp(prefix="engage-native-bench-")
    rnd = random.Random(a.seed)
    write_meta(os.path.join(work, "meta"), os.path.join(work, "contract", "meta"), a.posts, rnd)
    total, last, vk_rows = write_vk(os.path.join(work, "vk"), os.path.join(work, "contract", "vk"), rnd)
    print(f"data: {a.posts} Meta posts, a year of VK community statistics ({vk_rows} rows) in {work}")
    cases = {
        "meta native": [os.path.join(work, "meta")],
        "meta contract": [os.path.join(work, "contract", "meta")],
        "vk native": ["--account", "vk_brand", "--timezone", "Europe/Moscow", "--followers", f"{total}@{last}", os.path.join(work, "vk")],
        "vk contract": [os.path.join(work, "contract", "vk")],
    }
    times = {k: [] for k in cases}
    for _ in range(a.repeats):
        for name, args in cases.items():
            db = os.path.join(work, "bench.sqlite")
            for suffix in ["", "-wal", "-shm"]:
                if os.path.exists(db + suffix): os.remove(db + suffix)
            times[name].append(timed([a.engage, "import", "--db", db, "--quiet"] + args))
    for name in cases:
        print(f"{name:14s} " + " ".join(f"{t:.2f}" for t in times[name]) + f" s  (best {min(times[name]):.2f})")
    for k in ["meta", "vk"]:
        print(f"{k}: native / contract = {min(times[k + ' native']) / min(times[k + ' contract']):.2f}")
    if not a.out: shutil.rmtree(work)

if __name__ == "__main__":
    main()

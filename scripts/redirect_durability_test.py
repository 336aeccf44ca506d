#!/usr/bin/env python3
"""A click that was answered is on disk: kill -9 the server right after the redirects.

    python3 scripts/redirect_durability_test.py ENGAGE_BINARY

Creates a tracked link in a fresh SQLite file, starts `engage serve`, follows the link N
times (each answer must be a 302 to the tagged target), kills the server with SIGKILL at
once, and checks that all N clicks are stored — once any `engage` command has opened the
database again (answered clicks a killed server had not folded in yet are in its click log,
`engage.sqlite-clicklog/`, and move in then) — and that the link still redirects after a
restart.
"""
import http.client, os, signal, sqlite3, subprocess, sys, tempfile, time, urllib.request

from serving import free_port, start

N = 200


def main():
    engage = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="engage-redirect-")
    db = os.path.join(work, "engage.sqlite")
    out = subprocess.run([engage, "link", "create", "--db", db, "--target", "https://example.com/sale?x=1#top",
                          "--utm-source", "vk", "--utm-medium", "social"], check=True, capture_output=True, text=True).stdout.split("\n")
    code, tagged = out[0].strip(), out[1].strip()
    port = free_port()
    server = start(engage, db, port)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for i in range(N):
        conn.request("GET", f"/r/{code}", headers={"User-Agent": f"durability-test/{i % 7}"})
        r = conn.getresponse()
        r.read()
        if r.status != 302 or r.getheader("Location") != tagged:
            raise SystemExit(f"FAIL - answer {i}: {r.status} {r.getheader('Location')}")
    server.send_signal(signal.SIGKILL)
    server.wait()
    def stored():
        return sqlite3.connect(db).execute("SELECT COUNT(*) FROM clicks WHERE link_code = ?", (code,)).fetchone()[0]
    log = db + "-clicklog"
    waiting = [f for f in os.listdir(log) if f.endswith(".clicks")] if os.path.isdir(log) else []
    print(f"after kill -9: {stored()} clicks in the database, {len(waiting)} click log file(s) not folded in yet")
    subprocess.run([engage, "migrate", "--db", db], check=True, capture_output=True)
    if stored() != N:
        raise SystemExit(f"FAIL - {N} clicks answered, {stored()} stored after kill -9 and reopening")
    left = [f for f in os.listdir(log) if f.endswith(".clicks")] if os.path.isdir(log) else []
    if left:
        raise SystemExit(f"FAIL - click log files left after folding: {left}")
    print(f"ok - {N} answered clicks are stored after kill -9 (none twice)")
    server = start(engage, db, port)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", f"/r/{code}")
    resp = conn.getresponse()
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    if resp.status != 302:
        raise SystemExit(f"FAIL - after the restart the link answers {resp.status}")
    print("ok - the link redirects after the restart; redirect durability test passed")


if __name__ == "__main__":
    main()

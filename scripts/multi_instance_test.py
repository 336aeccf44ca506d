#!/usr/bin/env python3
"""Two `engage serve` instances on one PostgreSQL database behind Debian's nginx.

    python3 scripts/multi_instance_test.py ENGAGE_BINARY POSTGRES_URL

nginx runs the configuration of docs/deployment.md ("Several instances") as it is written
there; only its three port numbers are replaced by free ones. Checks, on a fresh schema:
1. both instances started at once on the empty database migrate it once;
2. a session signed in on one instance works on the other;
3. an import through one instance is in the other's report at once;
4. one survey link sent to both instances at the same moment stores one answer;
5. a burst of redirects through nginx, one instance killed (kill -9) midway: every click
   whose 302 reached the client is stored, and none twice.
"""
import http.client, os, re, signal, subprocess, sys, tempfile, threading, time, urllib.parse

from serving import free_port, nginx_config, start, stop

HERE = os.path.dirname(os.path.abspath(__file__))


def fail(msg):
    raise SystemExit(f"FAIL - {msg}")


def ok(msg):
    print(f"ok - {msg}", flush=True)


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r, data.decode("utf-8", "replace")


def cookies(r):
    out = {}
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            out[name] = rest.split(";")[0]
    return out


def psql(url, sql):
    base = url.split("?")[0]
    return subprocess.run(["psql", base, "-qAtX", "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def engage(binary, *args, stdin=None):
    p = subprocess.run([binary, *args], input=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"engage {' '.join(args[:2])}: {p.stderr.strip()[-500:]}")
    return p.stdout


def main():
    binary, pg = os.path.abspath(sys.argv[1]), sys.argv[2]
    schema = f"multi_{os.getpid()}"
    db = pg + ("&" if "?" in pg else "?") + f"schema={schema}"
    work = tempfile.mkdtemp(prefix="engage-multi-")
    port_a, port_b, port_lb = free_port(), free_port(), free_port()
    procs = {}
    nginx = None
    try:
        # 1. both at once on an empty database
        logs = {n: open(os.path.join(work, f"{n}.log"), "w") for n in ("a", "b")}
        procs["a"] = subprocess.Popen([binary, "serve", "--db", db, "--port", str(port_a)], stdout=logs["a"], stderr=subprocess.STDOUT)
        procs["b"] = subprocess.Popen([binary, "serve", "--db", db, "--port", str(port_b)], stdout=logs["b"], stderr=subprocess.STDOUT)
        for n, port in (("a", port_a), ("b", port_b)):
            for _ in range(600):
                try:
                    if request(port, "GET", "/healthz")[0].status == 200:
                        break
                except OSError:
                    pass
                if procs[n].poll() is not None:
                    fail(f"instance {n} exited: {open(os.path.join(work, n + '.log')).read()[-1000:]}")
                time.sleep(0.05)
            else:
                fail(f"instance {n} never answered /healthz")
        rows, distinct, top = psql(db, f"SELECT count(*), count(DISTINCT version), max(version) FROM {schema}.engage_schema").split("|")
        if not (rows == distinct == top):
            fail(f"two instances starting at once migrated {rows} times for {distinct} versions")
        ok(f"two instances started at once migrated the empty database once ({top} versions)")

        # nginx in front, as documented
        conf = os.path.join(work, "nginx.conf")
        open(conf, "w").write(nginx_config(port_a, port_b, port_lb))
        nginx = subprocess.Popen(["nginx", "-p", work, "-c", conf, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        for _ in range(200):
            try:
                if request(port_lb, "GET", "/healthz")[0].status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        else:
            fail("nginx did not come up: " + open(os.path.join(work, "error.log")).read()[-800:])

        # 2. a session from one instance on the other
        engage(binary, "user", "add", "ann", "--role", "admin", "--db", db, stdin="multi-pass-1\n")
        r, page = request(port_a, "GET", "/login")
        pre = cookies(r).get("engage_pre", "")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        r, _ = request(port_a, "POST", "/login", body=urllib.parse.urlencode({"csrf": csrf, "name": "ann", "password": "multi-pass-1"}),
                       headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"engage_pre={pre}"})
        session = cookies(r).get("engage_session")
        if r.status not in (302, 303) or not session:
            fail(f"signing in on instance A answered {r.status}")
        r, page = request(port_b, "GET", "/", headers={"Cookie": f"engage_session={session}"})
        if r.status != 200 or "Overview" not in page:
            fail(f"instance B did not accept A's session: {r.status} {r.getheader('Location')}")
        ok("a session signed in on instance A works on instance B")

        # 3. an import through A, in B's report at once
        token = engage(binary, "token", "create", "--role", "admin", "--name", "multi", "--db", db).strip().split()[-1]
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
        for name, csv in (("accounts.csv", "account_id,network,name\nvk_multi,vk,Multi\n"),
                          ("posts.csv", "post_id,account_id,published_at,likes,comments,shares\n"
                                        "m1,vk_multi,2026-11-03T10:00:00+00:00,40,2,1\nm2,vk_multi,2026-11-04T10:00:00+00:00,10,0,0\n")):
            r, body = request(port_a, "POST", f"/api/v1/import?file={name}", body=csv.encode(), headers=auth)
            if r.status != 200:
                fail(f"import of {name} through A: {r.status} {body[:300]}")
        r, body = request(port_b, "GET", "/api/v1/reports/social?from=2026-11-01&to=2026-11-30", headers={"Authorization": f"Bearer {token}"})
        if r.status != 200 or '"vk_multi"' not in body or '"likes":50' not in body.replace(" ", ""):
            fail(f"instance B's report does not show the import made through A: {r.status} {body[:300]}")
        ok("an import through instance A is in instance B's report at once")

        # 4. one survey link, sent to both instances at the same moment
        emp = os.path.join(work, "employees")
        os.makedirs(emp)
        with open(os.path.join(emp, "employees.csv"), "w") as f:
            f.write("employee_id,name,department,is_manager,hired_on\n")
            for i in range(11):
                f.write(f"m{i:02d},Employee {i},Sales,false,2020-01-01\n")
        engage(binary, "import", "--quiet", "--db", db, emp)
        engage(binary, "survey", "create", "--questionnaire", os.path.join(HERE, "..", "questionnaires", "express-12.yaml"),
               "--name", "Multi", "--id", "multi", "--db", db)
        links = engage(binary, "survey", "invite", "--survey", "multi", "--db", db)
        tokens = re.findall(r"/s/([A-Za-z0-9_-]+)", links)
        if len(tokens) != 11:
            fail(f"expected 11 invitations, got {len(tokens)}")
        answers = "&".join(f"q{i:02d}={'yes' if i % 3 else 'no'}" for i in range(1, 13))
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        raced = []
        barrier = threading.Barrier(2)

        def send(port):
            barrier.wait()
            raced.append(request(port, "POST", f"/s/{tokens[0]}", body=answers, headers=form)[0].status)
        threads = [threading.Thread(target=send, args=(p,)) for p in (port_a, port_b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # five more answers on each instance: each holds at least the threshold (5) and
        # releases its batch when it stops
        for i, t in enumerate(tokens[1:]):
            r, _ = request(port_a if i < 5 else port_b, "POST", f"/s/{t}", body=answers, headers=form)
            if r.status != 200:
                fail(f"an answer was refused: {r.status}")

        # B stops (SIGTERM releases the six answers it holds, the raced link's among them)
        # and starts again for the burst; A releases its six when it stops at the end
        if stop(procs.pop("b")) != 0:
            fail("instance B did not stop cleanly")
        procs["b"] = start(binary, db, port_b, log=logs["b"])

        # 5. redirects through nginx, instance B killed midway
        out = engage(binary, "link", "create", "--db", db, "--target", "https://example.com/multi").split("\n")
        code = out[0].strip()
        request(port_a, "GET", f"/r/{code}", headers={"User-Agent": "multi-warmup"})
        request(port_b, "GET", f"/r/{code}", headers={"User-Agent": "multi-warmup"})
        total, workers = 3000, 8
        statuses = {}
        lock = threading.Lock()
        counter = iter(range(total))
        killed = threading.Event()

        def burst():
            conn = None
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                if i == total // 3 and not killed.is_set():
                    procs["b"].send_signal(signal.SIGKILL)
                    killed.set()
                try:
                    conn = conn or http.client.HTTPConnection("127.0.0.1", port_lb, timeout=30)
                    conn.request("GET", f"/r/{code}", headers={"User-Agent": f"multi-test/{i}"})
                    r = conn.getresponse()
                    r.read()
                    st = r.status
                except (OSError, http.client.HTTPException):
                    st = 0
                    conn = None
                with lock:
                    statuses[i] = st
        threads = [threading.Thread(target=burst) for _ in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        procs["b"].wait()
        answered = {i for i, s in statuses.items() if s == 302}
        other = sorted({s for s in statuses.values() if s != 302})
        stop(procs.pop("a"))
        stored = psql(db, f"SELECT a.user_agent FROM {schema}.clicks c JOIN {schema}.user_agents a ON a.agent_id = c.agent_id "
                              f"WHERE c.link_code = '{code}' AND a.user_agent LIKE 'multi-test/%'").split("\n")
        stored = [s for s in stored if s]
        seen = {}
        for ua in stored:
            seen[ua] = seen.get(ua, 0) + 1
        twice = [ua for ua, n in seen.items() if n > 1]
        if twice:
            fail(f"{len(twice)} clicks stored twice, e.g. {twice[:3]}")
        missing = [i for i in answered if f"multi-test/{i}" not in seen]
        if missing:
            fail(f"{len(missing)} of {len(answered)} answered clicks are not stored, e.g. {missing[:5]}")
        if len(answered) < total * 0.9:
            fail(f"only {len(answered)} of {total} redirects answered 302 (others: {other})")
        ok(f"{total} redirects through nginx, instance B killed after {total // 3}: {len(answered)} answered 302 "
           f"(others: {other or 'none'}), {len(stored)} stored, every answered click stored, none twice")

        # 4, checked now that both instances have released what they held
        used = psql(db, f"SELECT count(*) FROM {schema}.survey_invitations WHERE used = 1")
        vectors = psql(db, f"SELECT count(*) FROM {schema}.survey_vectors")
        if raced.count(200) < 1:
            fail(f"the raced link was refused on both instances: {raced}")
        if not (int(vectors) == int(used) == 11):
            fail(f"{used} invitations used and {vectors} answers stored for 11 links, one of them sent to both instances")
        ok(f"one link sent to both instances at once ({raced}): {vectors} answers stored for 11 links, the raced one once")
        print("multi-instance test passed")
    finally:
        for p in procs.values():
            p.kill()
        if nginx:
            nginx.terminate()
            nginx.wait(timeout=10)
        subprocess.run(["psql", pg.split("?")[0], "-qc", f"DROP SCHEMA IF EXISTS {schema} CASCADE"], capture_output=True)


if __name__ == "__main__":
    main()

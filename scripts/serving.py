"""Starting and stopping `engage serve` for the test scripts of this folder."""
import os, re, signal, socket, subprocess, time, urllib.request


def free_port():
    """A free TCP port on the loopback interface."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(engage, db, port, log=subprocess.DEVNULL, tries=300):
    """`engage serve` on 127.0.0.1:port, once it answers /healthz."""
    p = subprocess.Popen([engage, "serve", "--db", db, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    for _ in range(tries):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return p
        except Exception:
            time.sleep(0.05)
    p.kill()
    raise SystemExit("FAIL - engage serve did not answer /healthz")


def stop(p, timeout=30):
    """SIGTERM, then SIGKILL after `timeout` seconds; the exit status."""
    p.send_signal(signal.SIGTERM)
    try:
        return p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        return p.wait()


def nginx_config(upstream_a, upstream_b, listen, more=()):
    """The nginx.conf of docs/deployment.md ("Several instances"), its three ports replaced;
    each port of `more` joins both upstream groups as one more instance, written like the second."""
    doc = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "deployment.md"), encoding="utf-8").read()
    m = re.search(r"<!-- multi-instance nginx: begin -->\s*```nginx\n(.*?)```\s*<!-- multi-instance nginx: end -->", doc, re.S)
    if not m:
        raise SystemExit("FAIL - docs/deployment.md has no multi-instance nginx configuration")
    conf = m.group(1)
    for old, new in (("127.0.0.1:8081", f"127.0.0.1:{upstream_a}"), ("127.0.0.1:8082", f"127.0.0.1:{upstream_b}"),
                     ("listen 8080;", f"listen 127.0.0.1:{listen};")):
        if old not in conf:
            raise SystemExit(f"FAIL - the documented nginx configuration lost '{old}'")
        conf = conf.replace(old, new)
    second = re.compile(rf"^( *server 127\.0\.0\.1:){upstream_b}( .*)$", re.M)
    return second.sub(lambda m: "\n".join([m.group(0)] + [f"{m.group(1)}{p}{m.group(2)}" for p in more]), conf)

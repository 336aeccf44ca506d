"""Starting and stopping `engage serve` for the test scripts of this folder."""
import signal, socket, subprocess, time, urllib.request


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

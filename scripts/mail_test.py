#!/usr/bin/env python3
"""Scheduled reports by mail, against a real SMTP server (aiosmtpd, STARTTLS and AUTH).

    python3 scripts/mail_test.py ENGAGE_BINARY

Generates the demo into a temporary SQLite file, makes a self-signed certificate for an SMTP
server on localhost that requires STARTTLS and a password, starts `engage serve` pointing at
it (the certificate given with --smtp-ca-file, the password in $ENGAGE_SMTP_PASSWORD), signs
in as an admin through the form, schedules reports on /schedules and presses "Send now":

- the social report (Russian, HTML) reaches both recipients over TLS, signed in, with the
  period of the last calendar month in its subject and the report attached;
- the advocacy report as PDF (when Chromium is installed) arrives as a PDF;
- with the SMTP server down, "Send now" fails: the error is on the admin's page and in the
  server's log, and nothing is lost: once the server is back, the retry delivers it;
- a survey wave end to end in headless Chromium: an admin creates it on /surveys from a
  shipped questionnaire, sends the invitations of one department by e-mail (one message
  per employee, in the language chosen for those without one, each with its own link),
  five employees open the link from their message on a phone (390 px) and answer, the
  reminders go to the others only (a new link that works too), the SMTP server goes down
  during a second round of reminders (shown on the page and in the log, then delivered once
  it is back), the wave is closed and its results page shows the statements and drivers;
- the server stops cleanly on SIGTERM.
Exits non-zero on any failure.
"""
import argparse, datetime, email, sqlite3, email.policy, http.cookiejar, os, re, shutil, signal, ssl, subprocess, sys, tempfile, time
import urllib.parse, urllib.request

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from serving import free_port
from browser_test import OVERFLOW_JS

USER, PASSWORD = "reports", "smtp-secret-1"


def sign_in(page, base, name, password):
    """Signs a browser page in through the login form."""
    page.goto(base + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("section.login button[type=submit]")
    page.wait_for_selector("h1")


def check(cond, message):
    if not cond:
        raise AssertionError(message)
    print("ok -", message)


class Inbox:
    """Every message the SMTP server accepted: envelope, whether the session was TLS and
    signed in, and the parsed message."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({
            "rcpt": list(envelope.rcpt_tos), "from": envelope.mail_from, "tls": session.ssl is not None,
            "auth": session.authenticated, "message": email.message_from_bytes(envelope.content, policy=email.policy.default),
        })
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = getattr(auth_data, "login", None) == USER.encode() and getattr(auth_data, "password", None) == PASSWORD.encode()
    return AuthResult(success=ok)


def smtp_server(inbox, port, cert, key):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    c = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=ctx, require_starttls=True,
                   auth_require_tls=True, authenticator=authenticator, auth_required=True)
    c.start()
    return c


def wait_for(cond, seconds, what):
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("engage")
    a = ap.parse_args()
    engage = os.path.abspath(a.engage)
    work = tempfile.mkdtemp(prefix="engage-mail-")
    db = os.path.join(work, "engage.sqlite")
    subprocess.run([engage, "demo", "--db", db, "--out", os.path.join(work, "demo")], check=True, capture_output=True)
    subprocess.run([engage, "user", "add", "ann", "--role", "admin", "--db", db], input="mail-pass-1\n", text=True, check=True, capture_output=True)
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    inbox = Inbox()
    smtp_port = free_port()
    smtp = smtp_server(inbox, smtp_port, cert, key)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = os.path.join(work, "serve.log")
    log = open(log_path, "w")
    env = dict(os.environ, ENGAGE_SMTP_PASSWORD=PASSWORD)
    server = subprocess.Popen([engage, "serve", "--db", db, "--port", str(port), "--smtp-host", "localhost", "--smtp-port", str(smtp_port),
                               "--smtp-user", USER, "--smtp-from", "reports@zerno.example", "--smtp-ca-file", cert,
                               "--mail-retry-seconds", "2"], stdout=log, stderr=subprocess.STDOUT, env=env)
    code = None
    try:
        wait_for(lambda: ok(base + "/healthz"), 20, "engage serve")
        jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

        def get(path):
            return opener.open(base + path, timeout=30).read().decode()

        def post(path, fields):
            data = urllib.parse.urlencode(fields).encode()
            try:
                r = opener.open(urllib.request.Request(base + path, data=data), timeout=30)
                return r.status, r.headers.get("Location"), r.read().decode()
            except urllib.error.HTTPError as e:
                return e.code, e.headers.get("Location"), e.read().decode()

        def csrf(page):
            return re.search(r'name="csrf" value="([^"]+)"', page).group(1)

        login = get("/login")
        status, _, _ = post("/login", {"csrf": csrf(login), "name": "ann", "password": "mail-pass-1", "next": "/"})
        check(status == 302, "the admin signs in")
        page = get("/schedules")
        check("Scheduled reports" in page and "reports@zerno.example" in page, "the schedules page names the sender")
        token = csrf(page)
        bad = post("/schedules", {"csrf": token, "kind": "social", "every": "month", "lang": "ru", "format": "html",
                                  "recipients": "boss@zerno.example, not-an-address"})
        check(bad[0] == 422 and "not an e-mail address" in bad[2], "a bad address is refused with the reason")
        made = post("/schedules", {"csrf": token, "kind": "social", "every": "month", "lang": "ru", "format": "html",
                                   "recipients": "boss@zerno.example\nsmm@zerno.example"})
        check(made[0] == 303 and made[1].endswith("/schedules?done=schedule_added"), "a monthly social report is scheduled")
        page = get("/schedules")
        ids = re.findall(r'action="/schedules/(\d+)/send"', page)
        check(len(ids) == 1, "the schedule is listed")
        today = datetime.date.today()
        first = today.replace(day=1)
        last_month_end = first - datetime.timedelta(days=1)
        last_month = (last_month_end.replace(day=1), last_month_end)
        check(f"({last_month[0]} — {last_month[1]})" not in page, "the next run is next month's (it reports on this month)")

        # send now: delivered over STARTTLS, signed in, to both recipients
        post(f"/schedules/{ids[0]}/send", {"csrf": token})
        wait_for(lambda: len(inbox.messages) >= 1, 30, "the first message")
        m = inbox.messages[0]
        msg = m["message"]
        check(m["tls"] and m["auth"], f"the message came over TLS, signed in (tls={m['tls']}, auth={m['auth']})")
        check(sorted(m["rcpt"]) == ["boss@zerno.example", "smm@zerno.example"], f"both recipients ({m['rcpt']})")
        check(msg["Subject"].startswith("Engage: ") and f"{last_month[0]} — {last_month[1]}" in msg["Subject"],
              f"the subject names the last calendar month ({msg['Subject']})")
        parts = list(msg.iter_attachments())
        check(len(parts) == 1 and parts[0].get_filename() == f"social-{last_month[0]}-{last_month[1]}.html",
              f"the report is attached ({[p.get_filename() for p in parts]})")
        html = parts[0].get_content()
        check("<svg" in html and 'lang="ru"' in html, "the attachment is the Russian HTML report with its charts")
        body = msg.get_body(preferencelist=("plain",)).get_content()
        check("во вложении" in body, "the text says what is attached, in Russian")
        page = get("/schedules")
        check("not sent" not in page and str(today) in page, "the page shows when it was last sent")

        # a PDF, when Chromium is here
        if shutil.which("chromium"):
            post("/schedules", {"csrf": token, "kind": "advocacy", "every": "week", "lang": "en", "format": "pdf", "recipients": "hr@zerno.example"})
            pid = re.findall(r'action="/schedules/(\d+)/send"', get("/schedules"))[-1]
            post(f"/schedules/{pid}/send", {"csrf": token})
            wait_for(lambda: len(inbox.messages) >= 2, 60, "the PDF message")
            pdf = list(inbox.messages[1]["message"].iter_attachments())[0]
            check(pdf.get_content_type() == "application/pdf" and pdf.get_content()[:4] == b"%PDF", "the advocacy report arrives as a PDF")

        # the SMTP server down: the failure is shown and logged, and retried until it goes
        before = len(inbox.messages)
        smtp.stop()
        post(f"/schedules/{ids[0]}/send", {"csrf": token})
        wait_for(lambda: "not sent, will try again" in get("/schedules"), 30, "the failure on the page")
        log.flush()
        check("not sent (attempt 1" in open(log_path).read(), "the failure is in the server's log")
        check(len(inbox.messages) == before, "nothing was delivered while the server was down")
        smtp = smtp_server(inbox, smtp_port, cert, key)
        wait_for(lambda: len(inbox.messages) > before, 60, "the retry")
        check("not sent, will try again" not in get("/schedules"), "after the retry the error is gone from the page")
        check(sorted(inbox.messages[-1]["rcpt"]) == ["boss@zerno.example", "smm@zerno.example"], "the retried message reached both")

        smtp = survey_wave(base, inbox, lambda: smtp_server(inbox, smtp_port, cert, key), smtp, log, log_path, db, engage)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            code = "killed"
        log.close()
        try:
            smtp.stop()
        except Exception:
            pass
    check(code == 0, f"engage serve stops cleanly on SIGTERM (exit {code})")
    shutil.rmtree(work, ignore_errors=True)
    print("mail test passed")


def links_in(messages):
    return [re.search(r"(http://\S+/s/[A-Za-z0-9_-]+)", m["message"].get_body(preferencelist=("plain",)).get_content()).group(1) for m in messages]


def survey_wave(base, inbox, restart_smtp, smtp, log, log_path, db, engage):
    """A wave run from the browser, invitations and reminders by e-mail; returns the SMTP
    server running at the end."""
    from playwright.sync_api import sync_playwright
    department = "Маркетинг"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        desk = browser.new_page(viewport={"width": 1366, "height": 900}, locale="en-US")
        sign_in(desk, base, "ann", "mail-pass-1")
        desk.goto(base + "/surveys")
        desk.fill("input[name=name]", "Pulse by mail")
        desk.select_option("select[name=shipped]", "express-12.yaml")
        desk.fill("input[name=id]", "mailpulse")
        desk.click("form[action='/surveys'] button[type=submit]")
        desk.wait_for_url("**/surveys?done=survey_created")

        def shown():
            desk.goto(base + "/surveys")
            return desk.inner_text("main")

        check(desk.locator("a[href='/surveys/mailpulse']").count() == 1, "the admin creates a wave on /surveys")
        desk.goto(base + "/surveys/mailpulse/preview")
        check(desk.locator("form button[type=submit][disabled]").count() == 1 and "I look forward" in desk.inner_text("main"),
              "the form can be previewed (sending disabled)")

        # invitations by e-mail, one department, Russian for those without a language
        desk.goto(base + "/surveys")
        before = len(inbox.messages)
        row = desk.locator("form[action='/surveys/mailpulse/send']")
        row.locator("select[name=department]").select_option(department)
        row.locator("select[name=lang]").select_option("ru")
        row.locator("button[type=submit]").click()
        desk.wait_for_url("**/surveys?done=invitations_queued")
        con = sqlite3.connect(db)
        employed = con.execute("SELECT COUNT(*) FROM employees WHERE department = ? AND left_on IS NULL AND email <> ''", (department,)).fetchone()[0]
        con.close()
        wait_for(lambda: len(inbox.messages) - before >= employed, 60, "the invitations")
        time.sleep(1)
        invitations = inbox.messages[before:]
        check(len(invitations) == employed, f"one invitation per employee of the department ({len(invitations)} of {employed})")
        check(len({m["rcpt"][0] for m in invitations}) == employed and all(len(m["rcpt"]) == 1 for m in invitations),
              "each message goes to one employee, each to another")
        check(all(m["message"]["Subject"] == "Опрос: Pulse by mail" for m in invitations), "in Russian, naming the wave")
        body = invitations[0]["message"].get_body(preferencelist=("plain",)).get_content()
        check("анонимный" in body and "/s/" in body, "the text says the survey is anonymous and holds the link")
        links = links_in(invitations)
        check(len(set(links)) == employed, "every link is different")
        wait_for(lambda: f"{employed} sent · 0 sending · 0 failed" in shown(), 30, "the page to show them sent")
        check(True, "the wave shows the messages as sent")

        # five answer on a phone, from the link in their message
        phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="ru-RU")
        for i, link in enumerate(links[:5]):
            phone.goto(link)
            if i == 0:
                bad = phone.evaluate(OVERFLOW_JS)
                check(not bad, f"the answering page fits a phone: {bad}")
                check("ann" not in phone.inner_text("body"), "the answering page shows nobody signed in")
            for radio in phone.locator("input[type=radio][value=yes]").all():
                radio.check()
            phone.locator("form button[type=submit]").click()
            phone.wait_for_load_state()
            check("Спасибо" in phone.inner_text("main") or "Thank" in phone.inner_text("main"), f"employee {i + 1} answered on a phone")

        # reminders: only to the others, with a second link that works
        before = len(inbox.messages)
        desk.goto(base + "/surveys")
        desk.locator("form[action='/surveys/mailpulse/remind'] select[name=lang]").select_option("ru")
        desk.locator("form[action='/surveys/mailpulse/remind'] button[type=submit]").click()
        desk.wait_for_url("**/surveys?done=reminders_queued")
        wait_for(lambda: len(inbox.messages) - before >= employed - 5, 60, "the reminders")
        time.sleep(1)
        reminders = inbox.messages[before:]
        answered = {m["rcpt"][0] for m in invitations[:5]}
        check(len(reminders) == employed - 5 and not ({m["rcpt"][0] for m in reminders} & answered),
              f"reminders reach the {employed - 5} who have not answered, nobody else")
        check(all(m["message"]["Subject"] == "Напоминание — опрос: Pulse by mail" for m in reminders), "the reminder says it is one, in Russian")
        second = links_in(reminders)[0]
        phone.goto(second)
        check(phone.locator("input[type=radio]").count() > 0, "a reminder's link opens the form")

        # the SMTP server down during a round of reminders: shown, logged, delivered later
        smtp.stop()
        desk.goto(base + "/surveys")
        desk.locator("form[action='/surveys/mailpulse/remind'] button[type=submit]").click()
        desk.wait_for_url("**/surveys?done=reminders_queued")
        wait_for(lambda: "last error" in shown(), 30, "the failure on /surveys")
        log.flush()
        check("survey reminder for wave mailpulse not sent (attempt 1" in open(log_path).read(), "the failure is in the server's log")
        before = len(inbox.messages)
        smtp = restart_smtp()
        wait_for(lambda: len(inbox.messages) - before >= employed - 5, 60, "the reminders after the SMTP server is back")
        wait_for(lambda: "0 sending · 0 failed" in shown(), 30, "the page to show them sent")
        check(True, "the reminders are delivered once the SMTP server is back, nothing lost")

        # close: the answers join the results at once; statements and drivers shown
        desk.goto(base + "/surveys")
        desk.locator("form[action='/surveys/mailpulse/close'] button[type=submit]").click()
        desk.wait_for_url("**/surveys?done=wave_closed_done")
        desk.goto(base + "/surveys/mailpulse")
        text = desk.inner_text("main")
        check("Statements" in text and "I look forward to starting my working day." in text, "the results show each statement")
        check("Drivers" in text and "Not enough answers for drivers" in text, "drivers are there, saying five answers are too few")
        check("Preliminary" in text, "five answers are marked preliminary")
        check("5" in desk.inner_text(".kpis"), "five respondents")
        sign_in(phone, base, "ann", "mail-pass-1")
        phone.goto(base + "/surveys/mailpulse")
        bad = phone.evaluate(OVERFLOW_JS)
        check(not bad, f"the results page fits a phone: {bad}")
        browser.close()
    return smtp


def ok(url):
    try:
        urllib.request.urlopen(url, timeout=1)
        return True
    except Exception:
        return False


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print("FAIL -", e, file=sys.stderr)
        sys.exit(1)

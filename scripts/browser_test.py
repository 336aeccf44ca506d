#!/usr/bin/env python3
"""The dashboard in a real headless Chromium (Debian's, driven by Playwright).

    python3 scripts/browser_test.py ENGAGE_BINARY [--out DIR]

Generates the demo data into a temporary SQLite file, adds a user, starts `engage serve`
on a free loopback port, signs in through the login form, loads the overview and an
account page, switches to Russian, and saves a screenshot of each step to DIR
(default .build/browser-test). Asserts that the charts rendered with data (the daily ER
chart has one point per day of the period), that the language switch works and is
remembered, and that the server stops cleanly on SIGTERM. Exits non-zero on any failure.
"""
import argparse, datetime, os, signal, socket, subprocess, sys, tempfile, time, urllib.request

from playwright.sync_api import sync_playwright

from serving import free_port


# Every element's box inside the viewport and inside every ancestor that clips it (a table
# wider than its scrolling box is cut off there): the offending elements, at most 8.
OVERFLOW_JS = """() => {
  const W = document.documentElement.clientWidth, bad = [];
  if (document.documentElement.scrollWidth > W + 1) bad.push('the page is ' + document.documentElement.scrollWidth + ' px wide');
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    let left = 0, right = W;
    for (let a = el.parentElement; a; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') { const b = a.getBoundingClientRect(); left = Math.max(left, b.left); right = Math.min(right, b.right); }
    }
    if (r.right > right + 1 || r.left < left - 1) {
      bad.push(el.tagName.toLowerCase() + ' "' + (el.textContent || '').trim().slice(0, 30) + '" ' + Math.round(r.left) + '..' + Math.round(r.right) + ' px');
      if (bad.length >= 8) break;
    }
  }
  return bad;
}"""


def check(cond, message):
    if not cond:
        raise AssertionError(message)
    print("ok -", message)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("engage")
    ap.add_argument("--out", default=".build/browser-test")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    a = ap.parse_args()
    engage = os.path.abspath(a.engage)
    os.makedirs(a.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="engage-browser-")
    db = os.path.join(work, "engage.sqlite")
    subprocess.run([engage, "demo", "--db", db, "--out", os.path.join(work, "demo")], check=True, capture_output=True)
    subprocess.run([engage, "user", "add", "ann", "--role", "admin", "--db", db], input="browser-pass-1\n", text=True,
                   check=True, capture_output=True)
    subprocess.run([engage, "user", "add", "dima", "--role", "advocate", "--employee", "e1", "--db", db], input="browser-pass-2\n", text=True,
                   check=True, capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(a.out, "serve.log"), "w")
    server = subprocess.Popen([engage, "serve", "--db", db, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        else:
            raise AssertionError("engage serve did not answer /healthz")
        token = subprocess.run([engage, "token", "create", "--role", "viewer", "--name", "browser-test", "--db", db],
                               check=True, capture_output=True, text=True).stdout.split("\n")[0].strip()
        req = urllib.request.Request(base + "/api/v1/me", headers={"Authorization": "Bearer " + token})
        me = urllib.request.urlopen(req, timeout=5).read().decode()
        check('"role":"viewer"' in me, "a token from `engage token create` works on the API")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=a.chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US")
            page.goto(base + "/")
            check(page.url.startswith(base + "/login"), "an anonymous visit lands on the login form")
            page.screenshot(path=os.path.join(a.out, "1-login.png"))
            page.fill("input[name=name]", "ann")
            page.fill("input[name=password]", "wrong-password")
            page.click("section.login button[type=submit]")
            check("Wrong name or password" in page.inner_text("main"), "a wrong password is refused on the page")
            page.fill("input[name=password]", "browser-pass-1")
            page.click("section.login button[type=submit]")
            page.wait_for_selector("h1:has-text('Overview')")
            check(page.url.rstrip("/") == base, "signing in opens the overview")
            cookie = [c for c in page.context.cookies() if c["name"] == "engage_session"][0]
            check(cookie["httpOnly"] and cookie["sameSite"] == "Lax", "the session cookie is HttpOnly and SameSite=Lax")
            frm = datetime.date.fromisoformat(page.input_value("input[name=from]"))
            to = datetime.date.fromisoformat(page.input_value("input[name=to]"))
            days = (to - frm).days + 1
            charts = page.locator("main svg.chart")
            check(charts.count() >= 2, f"the overview draws charts ({charts.count()})")
            # the demo's native accounts without a follower total have no daily ER (by design):
            # the accounts with one have a point per day
            trends = page.locator("h2:has-text('Daily ER') + .charts svg.chart")
            counts = [trends.nth(i).locator("circle.pt").count() for i in range(trends.count())]
            points = max(counts, default=0)
            check(points == days, f"the daily ER charts of accounts with followers have one point per day ({points} of {days}; {counts})")
            rows = page.locator("#comparison + .scroll tbody tr").count()
            check(rows >= 2, f"the side-by-side table lists the accounts ({rows})")
            page.screenshot(path=os.path.join(a.out, "2-overview-en.png"), full_page=True)

            # a contract account with a full year (the demo's native accounts have 60 days)
            page.locator("#comparison + .scroll tbody tr a[href*='/accounts/vk_zerno']").first.click()
            page.wait_for_selector("main h2")
            check("/accounts/" in page.url, "an account name opens its page")
            account_charts = page.locator("main .charts svg.chart")
            check(account_charts.count() == 4, f"the account page draws four charts ({account_charts.count()})")
            er_points = account_charts.nth(0).locator("circle.pt").count()
            followers_points = account_charts.nth(1).locator("circle.pt").count()
            check(er_points == days and followers_points == days, f"daily ER and followers have a point per day ({er_points}, {followers_points})")
            check(page.locator("ul.formulas li").count() >= 10, "the account page lists its formulas")
            page.screenshot(path=os.path.join(a.out, "3-account-en.png"), full_page=True)

            page.click("a.lang")
            page.wait_for_selector("html[lang=ru]")
            check("Обзор" in page.inner_text("header"), "the switch turns the pages Russian")
            check("/accounts/" in page.url, "the switch stays on the same page")
            page.screenshot(path=os.path.join(a.out, "4-account-ru.png"), full_page=True)
            page.goto(base + "/")
            check(page.locator("html").get_attribute("lang") == "ru", "the language choice is remembered")
            page.screenshot(path=os.path.join(a.out, "5-overview-ru.png"), full_page=True)

            page.goto(base + "/posts?sort=reach")
            check(page.locator("table.posts tbody tr").count() > 0, "the posts table lists posts")
            page.screenshot(path=os.path.join(a.out, "6-posts-ru.png"), full_page=False)

            # the advocacy pages over the demo year (in Russian: the choice is remembered)
            year = f"from={(to - datetime.timedelta(days=364)).isoformat()}&to={to.isoformat()}"
            page.goto(base + "/advocacy/funnel?" + year)
            bars = page.locator("main svg.chart rect.bar").count()
            check(bars == 4, f"the program funnel has four stages ({bars})")
            check("Воронка программы" in page.inner_text("main"), "the advocacy pages speak Russian too")
            page.screenshot(path=os.path.join(a.out, "7-advocacy-funnel-ru.png"), full_page=True)
            page.click("nav.tabs a[href^='/advocacy/traffic']")
            page.wait_for_selector("nav.tabs a[aria-current][href^='/advocacy/traffic']")
            lines = page.locator("main svg.chart path.series").count()
            check(lines == 2, f"advocate and brand clicks are two lines ({lines})")
            pts = page.locator("main svg.chart path.series").first.get_attribute("d").count("L") + 1
            check(pts == 365, f"the click chart has a point per day of the year ({pts})")
            page.screenshot(path=os.path.join(a.out, "8-advocacy-traffic-ru.png"), full_page=True)
            page.goto(base + "/advocacy/leaderboards?" + year)
            check(page.locator("main table tbody tr").count() >= 10, "the leaderboards list advocates")
            page.screenshot(path=os.path.join(a.out, "9-advocacy-leaderboards-ru.png"), full_page=True)
            page.goto(base + "/content")
            check(page.locator("main table tbody tr").count() >= 50, "the content library lists the demo items")
            page.screenshot(path=os.path.join(a.out, "10-content-ru.png"), full_page=False)

            # the survey waves of the demo: heatmap by department, the working of the index
            wave = f"pulse-{(datetime.date.today() - datetime.timedelta(days=1)).year}"
            page.goto(base + "/surveys")
            check(page.locator(f"a[href='/surveys/{wave}']").count() == 1, "the surveys page lists the demo waves")
            page.goto(base + "/surveys/" + wave)
            check(page.locator("table.hm").first.locator("tbody tr").count() >= 5, "the survey heatmap has a row per department")
            check("× 100 / (" in page.inner_text("main"), "the survey page shows the working of the index")
            page.screenshot(path=os.path.join(a.out, "11-survey-ru.png"), full_page=True)

            # an upload through the import page (with app.js: the button is disabled while it
            # runs, progress shown); the answer is the import's own page (post/redirect/get)
            upload = os.path.join(work, "browser-posts.csv")
            with open(upload, "w") as fh:
                fh.write("post_id,account_id,published_at,likes,comments,shares\nbrowser_1,vk_zerno,2026-01-05T10:00:00Z,1,2,3\n")
            page.goto(base + "/import")
            page.set_input_files("form.import input[type=file]", upload)
            page.click("form.import button[type=submit]")
            page.wait_for_url("**/import?entry=*")
            check("Импортировано: 1" in page.inner_text("main"), "an upload lands on its own page, which says what was imported")
            check(page.locator("table.history tbody tr").count() >= 1 and "ann" in page.inner_text("table.history"),
                  "the history of imports lists it with who sent it")

            # the print view ("Save as PDF" from any browser): the report alone, its period
            # written in the page, charts kept, sections on their own pages
            page.goto(base + "/accounts/vk_zerno?" + year)
            page.emulate_media(media="print")
            check(not page.locator("header.top").is_visible() and not page.locator("form.picker").is_visible()
                  and not page.locator("nav.downloads").is_visible(), "printing leaves out the navigation, the picker and the buttons")
            check(page.locator("p.period-line").is_visible() and to.isoformat() in page.inner_text("p.period-line"), "printing writes the period")
            pdf = page.pdf(format="A4")
            pages_in_pdf = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
            check(pdf.startswith(b"%PDF") and pages_in_pdf >= 3, f"the account report prints to a PDF of several pages ({pages_in_pdf})")
            with open(os.path.join(a.out, "14-account-print.pdf"), "wb") as fh:
                fh.write(pdf)
            page.emulate_media(media="screen")
            check(page.locator("nav.downloads button.print-button").is_visible(), "report pages offer CSV, JSON and a print button")

            # nothing cut off: every page, as the admin sees it, on a laptop (1366 px) and a
            # phone (390 px), in both languages: no element outside the viewport or outside
            # a box that clips it
            pages = ["/", "/accounts/vk_zerno", "/competitors", "/posts", "/traffic", "/advocacy/funnel", "/advocacy/traffic",
                     "/advocacy/leaderboards", "/surveys", "/surveys/" + wave, "/content", "/share", "/links", "/import",
                     "/users", "/schedules", "/settings", "/accounts", "/links/a1", "/no-such-page"]
            for lang in ("en", "ru"):
                page.goto(base + f"/lang/{lang}?back=/")
                advocacy_words = []
                for width in (1366, 390):
                    page.set_viewport_size({"width": width, "height": 900})
                    for path in pages:
                        page.goto(base + path + ("&" if "?" in path else "?") + year if path.startswith(("/advocacy", "/accounts")) else base + path)
                        bad = page.evaluate(OVERFLOW_JS)
                        check(not bad, f"{path} at {width} px ({lang}) fits: {bad}")
                        if lang == "ru" and width == 1366 and "адвокац" in page.inner_text("body").lower():
                            advocacy_words.append(path)
                    page.goto(base + "/accounts/vk_zerno?" + year)
                    page.screenshot(path=os.path.join(a.out, f"12-account-{width}-{lang}.png"), full_page=True)
                if lang == "ru":
                    check(not advocacy_words, f"Russian pages say «амбассадоры», never «адвокация»: {advocacy_words}")
            # figures explained on touch screens: a KPI's value and its change are tap targets
            # whose formula shows on focus, not on hover only
            touch = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
            touch.add_cookies(page.context.cookies())
            tp = touch.new_page()
            tp.goto(base + "/accounts/vk_zerno?" + year)
            tip = tp.locator(".kpi .v .tip").first
            before = tp.evaluate("e => getComputedStyle(e, '::after').content", tip.element_handle())
            tip.tap()
            after = tp.evaluate("e => getComputedStyle(e, '::after').content", tip.element_handle())
            check(before in ("none", "normal") and "=" in after, f"a tap on a KPI shows its formula ({after[:60]}…)")
            check("подписчики" in after and "followers" not in after, "the formula is in the reader's language (Russian here)")
            change = tp.locator(".kpi .d.tip").first
            change.tap()
            shown = tp.evaluate("e => getComputedStyle(e, '::after').content", change.element_handle())
            check("2026" in shown or "20" in shown, f"a tap on a change shows what it is compared with ({shown[:60]}…)")
            tp.screenshot(path=os.path.join(a.out, "15-tap-formula-390.png"))
            touch.close()
            # the advocate's page on a phone: newest ten items, the rest folded away, share links
            # to the networks, a copy button (app.js), their standing; nothing cut off
            phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="ru-RU")
            phone.goto(base + "/login")
            phone.fill("input[name=name]", "dima")
            phone.fill("input[name=password]", "browser-pass-2")
            phone.click("section.login button[type=submit]")
            phone.wait_for_url("**/share")
            shown = phone.locator("main > .scroll table.share tbody tr").count()
            folded = phone.locator("details.older table.share tbody tr").count()
            check(shown == 10 and folded > 0, f"the advocate sees the newest ten items, {folded} older ones folded away")
            check(phone.locator("a[href^='https://t.me/share/url?url=']").count() == shown + folded, "each item has share links")
            check(phone.locator("button.copy-button:visible").count() == shown, "copy buttons are shown by app.js")
            bad = phone.evaluate(OVERFLOW_JS)
            check(not bad, f"the advocate's page fits a phone: {bad}")
            phone.screenshot(path=os.path.join(a.out, "13-share-390-ru.png"), full_page=True)
            browser.close()
        # graceful shutdown: a request in flight when SIGTERM arrives is still answered. The
        # upload's body is sent in two halves with SIGTERM in between, so the request is
        # certainly in flight.
        analyst = subprocess.run([engage, "token", "create", "--role", "analyst", "--db", db],
                                 check=True, capture_output=True, text=True).stdout.split("\n")[0].strip()
        body = b"account_id,network,name,competitor,timezone\nshutdown_test,vk,Shutdown test,false,UTC\n"
        head = (f"POST /api/v1/import?file=accounts.csv HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {analyst}\r\n"
                f"Content-Type: text/csv\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
        conn = socket.create_connection(("127.0.0.1", port), timeout=30)
        conn.sendall(head + body[:20])
        time.sleep(0.3)
        server.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        conn.sendall(body[20:])
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
        conn.close()
        status_line = answer.split(b"\r\n", 1)[0].decode(errors="replace")
        check(status_line.startswith("HTTP/1.1 200"), f"a request in flight at SIGTERM is answered ({status_line})")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            code = "killed"
        log.close()
    check(code == 0, f"engage serve stops cleanly on SIGTERM (exit {code})")
    print(f"browser test passed; screenshots in {a.out}")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print("FAIL -", e, file=sys.stderr)
        sys.exit(1)

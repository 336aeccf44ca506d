import EngageCore
import EngageReports
import EngageServer
import EngageStore
import EngageTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// What a new user found broken on the dashboard (#15): each test failed before its fix.
@Suite struct DashboardFixTests {
    static let march = "from=2026-03-01&to=2026-03-31"

    /// The posts filter form sends `type=&rubric=` when those fields are left empty: that is
    /// no filter (it showed "0 posts"). The API keeps its documented meaning: posts without one.
    @Test(arguments: engines) func emptyFilterFieldsMeanNoFilter(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            let jar = try await signedIn(client, "vera")
            let plain = try await client.execute(uri: "/posts?\(Self.march)&account=vk_main", method: .get, headers: jar)
            let form = try await client.execute(uri: "/posts?\(Self.march)&account=vk_main&type=&rubric=&sort=published&order=desc", method: .get, headers: jar)
            #expect(plain.text.contains("class=\"muted\">3 · "))
            #expect(form.status == .ok && form.text.contains("class=\"muted\">3 · "), "the form's empty fields filter nothing")
            let api = try await client.execute(uri: "/api/v1/posts?\(Self.march)&rubric=", method: .get, headers: bearer(f.viewerToken))
            #expect(api.text.contains("\"total\":2"), "the API's empty rubric= still selects posts without a rubric (p3, p4)")
        }
    }

    /// The period stays as chosen: the account page's picker stays on the account, links
    /// keep from/to, and a page opened without them shows the period this browser last chose.
    @Test(arguments: engines) func thePeriodCarriesAcrossPages(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            let jar = try await signedIn(client, "vera")
            let account = try await client.execute(uri: "/accounts/vk_main?\(Self.march)", method: .get, headers: jar)
            #expect(account.status == .ok)
            #expect(account.text.contains("<form class=\"picker\" method=\"get\" action=\"/accounts/vk_main\">"), "the picker stays on the account")
            #expect(account.text.contains("href=\"/accounts/vk_main?from="), "its presets too")
            #expect(account.text.contains("href=\"/posts?from=2026-03-01&amp;to=2026-03-31\""), "the navigation keeps the period")
            #expect(account.cookies["engage_period"] == "2026-03-01_2026-03-31")
            let overview = try await client.execute(uri: "/?\(Self.march)", method: .get, headers: jar)
            #expect(overview.text.contains("/accounts/vk_main?from=2026-03-01&amp;to=2026-03-31"), "links to an account keep the period")
            // opened without from/to: the remembered period, not the default month
            var remembered = jar
            remembered[.cookie] = (jar[.cookie] ?? "") + "; engage_period=2026-03-01_2026-03-31"
            let posts = try await client.execute(uri: "/posts", method: .get, headers: remembered)
            #expect(posts.text.contains("name=\"from\" value=\"2026-03-01\"") && posts.text.contains("class=\"muted\">4 · "))
            #expect(posts.text.contains("href=\"/traffic?from=2026-03-01&amp;to=2026-03-31\""))
            // an explicit period wins; a cookie that is not a period is ignored
            let april = try await client.execute(uri: "/posts?from=2026-04-01&to=2026-04-30", method: .get, headers: remembered)
            #expect(april.text.contains("class=\"muted\">0 · "))
            var junk = jar
            junk[.cookie] = (jar[.cookie] ?? "") + "; engage_period=2026-13-01_x"
            #expect(try await client.execute(uri: "/posts", method: .get, headers: junk).status == .ok)
            // the API answers from its query alone
            var apiHeaders = bearer(f.viewerToken)
            apiHeaders[.cookie] = "engage_period=2026-03-01_2026-03-31"
            let api = try await client.execute(uri: "/api/v1/posts", method: .get, headers: apiHeaders)
            #expect(api.status == .ok && !api.text.contains("\"from\":\"2026-03-01\""))
        }
    }

    /// The CSV of the posts listing is read by key, batch after batch: for every sort and
    /// direction (unknown reach and views last, ties broken by post id) it has exactly the
    /// rows, in exactly the order, of the listing read in one page.
    @Test(arguments: engines) func postsAreReadByKeyInTheListingsOrder(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            var csv = "post_id,account_id,published_at,likes,comments,shares,reach,views\n"
            for i in 0..<23 {
                // ties on every sort key, and unknown reach/views on some rows
                csv += "k\(i),vk_main,2026-03-\(String(format: "%02d", 1 + i % 5))T08:00:00Z,\(i % 4),\(i % 3),1,\(i % 6 == 0 ? "" : String(100 * (i % 5))),\(i % 7 == 0 ? "" : String(i % 2))\n"
            }
            let r = try await client.execute(uri: "/api/v1/import?file=posts.csv", method: .post, headers: bearer(f.analystToken), body: ByteBuffer(string: csv))
            #expect(r.status == .ok)
            let posts = Posts(store: f.store)
            for sort in PostSort.allCases {
                for descending in [true, false] {
                    var q = PostListQuery(period: Period(from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 3, day: 31)))
                    q.sort = sort
                    q.descending = descending
                    q.perPage = 500
                    let whole = try await posts.page(q).posts.map(\.post.postID)
                    #expect(whole.count == 27)
                    for batch in [1, 2, 5, 27, 100] {
                        var read: [String] = []
                        try await posts.each(q, batch: batch, maxBatch: batch) { read += $0.map(\.post.postID) }
                        #expect(read == whole, "\(sort) \(descending ? "desc" : "asc") in batches of \(batch)")
                    }
                    // batches that grow (1, 2, 4, 8, then 10 at most) meet every boundary too
                    var sizes: [Int] = [], grown: [String] = []
                    try await posts.each(q, batch: 1, maxBatch: 10) { sizes.append($0.count); grown += $0.map(\.post.postID) }
                    #expect(grown == whole && sizes == [1, 2, 4, 8, 10, 2])
                }
            }
            // and the HTTP answer streams the same rows
            let jar = try await signedIn(client, "vera")
            let body = try await client.execute(uri: "/posts?\(Self.march)&sort=reach&order=asc&format=csv", method: .get, headers: jar).text
            var q = PostListQuery(period: Period(from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 3, day: 31)))
            q.sort = .reach
            q.descending = false
            q.perPage = 500
            let ids = body.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
            #expect(ids == (try await posts.page(q).posts.map(\.post.postID)))
        }
    }

    /// Error pages keep the navigation and the user's language; /favicon.ico is served.
    @Test(arguments: engines) func errorPagesKeepTheNavigationAndTheLanguage(engine: Engine) async throws {
        try await withFixture(engine) { _, client in
            var jar = try await signedIn(client, "vera")
            jar[.cookie] = (jar[.cookie] ?? "") + "; engage_lang=ru"
            let missing = try await client.execute(uri: "/no/such/page", method: .get, headers: jar)
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("<html lang=\"ru\">") && missing.text.contains("Не найдено") && missing.text.contains("Такой страницы здесь нет."))
            #expect(missing.text.contains("<nav>") && missing.text.contains("href=\"/posts\""), "the navigation stays")
            let forbidden = try await client.execute(uri: "/users", method: .get, headers: jar)
            #expect(forbidden.status == .forbidden && forbidden.text.contains("Нет доступа") && forbidden.text.contains("<nav>"))
            let badAccount = try await client.execute(uri: "/accounts/nobody", method: .get, headers: jar)
            #expect(badAccount.status == .notFound && badAccount.text.contains("<nav>"))
            // the API keeps answering JSON in English
            let api = try await client.execute(uri: "/api/v1/nothing", method: .get, headers: jar)
            #expect(api.status == .notFound && api.text.contains("\"no such page or resource\""))
            let icon = try await client.execute(uri: "/favicon.ico", method: .get)
            #expect(icon.status == .ok && icon.headers[.contentType] == "image/x-icon")
            #expect(Array(icon.body.readableBytesView.prefix(4)) == [0, 0, 1, 0], "an ICO file")
            #expect(try await client.execute(uri: "/favicon.ico", method: .head).status == .ok)
        }
    }

    /// /links showed the 200 newest links and nothing said so: now every link is reachable,
    /// 50 a page read by key, with the total, a search, employee and campaign filters, and a
    /// page per link with its clicks per day.
    @Test(arguments: engines) func everyLinkIsReachableAndHasItsClicks(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            var links = "link_code,target,employee_id,utm_campaign,created_at\n"
            for i in 0..<123 {
                // 3 links share each second: ties broken by code
                links += "L\(String(format: "%03d", i)),https://example.com/p\(i),\(i % 2 == 0 ? "e1" : ""),\(i % 3 == 0 ? "spring" : "autumn"),2026-03-01T00:\(String(format: "%02d", i / 3 / 60)):\(String(format: "%02d", i / 3 % 60))Z\n"
            }
            let employees = "employee_id,name\ne1,Anna\n"
            let clicks = "clicked_at,link_code,visitor_hash,user_agent\n2026-03-02T10:00:00Z,L005,v1,Mozilla/5.0\n2026-03-02T11:00:00Z,L005,v2,Mozilla/5.0\n"
                + "2026-03-04T10:00:00Z,L005,v1,Mozilla/5.0\n2026-03-04T10:00:01Z,L005,,Googlebot/2.1\n"
            guard case .success = try await importFiles(["employees.csv": employees, "links.csv": links, "clicks.csv": clicks], into: f.store, dir: NSTemporaryDirectory()) else {
                Issue.record("links refused"); return
            }
            let jar = try await signedIn(client, "alex")
            var seen: [String] = [], next: String? = "/links"
            while let uri = next {
                let page = try await client.execute(uri: uri, method: .get, headers: jar)
                #expect(page.status == .ok && page.text.contains("123 links"))
                seen += page.text.matches(of: /href="\/links\/(L\d+)"/).map { String($0.1) }
                next = page.text.firstMatch(of: /href="(\/links\?after=[^"]+)"/).map { String($0.1).replacingOccurrences(of: "&amp;", with: "&") }
            }
            #expect(seen.count == 123 && Set(seen).count == 123, "every link once across the pages (\(seen.count))")
            #expect(seen.first == "L120" && seen.last == "L002", "newest first, ties by code")
            let anna = try await client.execute(uri: "/links?employee=e1&campaign=spring", method: .get, headers: jar)
            #expect(anna.text.contains(">21 links<") || anna.text.contains("21 links"), "e1's spring links: i even and divisible by 3")
            let brand = try await client.execute(uri: "/links?employee=-", method: .get, headers: jar)
            #expect(brand.text.contains("61 links"))
            let search = try await client.execute(uri: "/links?q=P12", method: .get, headers: jar)
            #expect(search.text.contains("4 links"), "p12, p120, p121, p122 in the target, case-insensitively")
            let percent = try await client.execute(uri: "/links?q=%25", method: .get, headers: jar)
            #expect(percent.text.contains("0 links"), "a % is searched for, not a wildcard")
            let one = try await client.execute(uri: "/links/L005?from=2026-03-01&to=2026-03-07", method: .get, headers: jar)
            #expect(one.status == .ok && one.text.contains("https://example.com/p5"))
            #expect(one.text.contains("Clicks per day · 3"), "human clicks only")
            #expect(one.text.contains("<td data-label=\"Day\">2026-03-02</td><td data-label=\"Clicks\">2</td><td data-label=\"Visitors\">2</td>"))
            #expect(one.text.contains("<td data-label=\"Day\">2026-03-04</td><td data-label=\"Clicks\">1</td><td data-label=\"Visitors\">1</td>"))
            #expect(one.text.matches(of: /circle class="pt"/).count == 7, "a point per day of the period")
            #expect(try await client.execute(uri: "/links/nothing", method: .get, headers: jar).status == .notFound)
            #expect(try await client.execute(uri: "/links?after=junk", method: .get, headers: jar).status == .badRequest)
        }
    }

    /// Every report page hands its data on: CSV and JSON of what it shows, and a print view
    /// with the period written out.
    @Test(arguments: engines) func reportPagesDownloadWhatTheyShow(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            let jar = try await signedIn(client, "vera")
            let page = try await client.execute(uri: "/?\(Self.march)", method: .get, headers: jar)
            #expect(page.text.contains("<p class=\"print-only period-line\">Period: 2026-03-01 — 2026-03-31</p>"))
            #expect(page.text.contains("href=\"/?from=2026-03-01&amp;to=2026-03-31&amp;format=csv\"") || page.text.contains("format=csv\" download"))
            let json = try await client.execute(uri: "/?\(Self.march)&format=json", method: .get, headers: jar)
            #expect(json.headers[.contentDisposition] == "attachment; filename=\"overview-2026-03-01-2026-03-31.json\"")
            let api = try await client.execute(uri: "/api/v1/reports/social?\(Self.march)", method: .get, headers: bearer(f.viewerToken))
            #expect(NSDictionary(dictionary: json.jsonObject) == NSDictionary(dictionary: api.jsonObject), "the overview's JSON is the report's")
            let account = try await client.execute(uri: "/accounts/vk_main?\(Self.march)&format=json", method: .get, headers: jar)
            let accounts = (account.jsonObject["accounts"] as? [[String: Any]]) ?? []
            #expect(accounts.count == 1, "the account page's JSON has its account only")
            let traffic = try await client.execute(uri: "/traffic?\(Self.march)&format=json", method: .get, headers: jar)
            #expect(Set(traffic.jsonObject.keys) == ["period", "traffic"])
            let csv = try await client.execute(uri: "/competitors?\(Self.march)&format=csv", method: .get, headers: jar)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true && csv.text.hasPrefix("# "))
            #expect(csv.text.contains("vk_main") && csv.text.contains("tg_comp"))
            let advocacy = try await client.execute(uri: "/advocacy/funnel?\(Self.march)&format=csv", method: .get, headers: jar)
            #expect(advocacy.status == .ok && advocacy.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(try await client.execute(uri: "/?\(Self.march)&format=pdf", method: .get, headers: jar).status == .badRequest)
        }
    }

    /// KPI cards say how each figure moved against the comparison range: absolute and
    /// relative, arrow and colour, "n/a" where that range has no data; the range is the period
    /// before, the same period a year before, or any other.
    @Test(arguments: engines) func kpiCardsShowTheChangeAgainstTheChosenRange(engine: Engine) async throws {
        try await withFixture(engine) { _, client in
            let jar = try await signedIn(client, "vera")
            // March (p1, p2, p3: 13 + 20 + 15 = 48 engagements) against 1–3 March (p1, p2: 33)
            let custom = try await client.execute(uri: "/accounts/vk_main?\(Self.march)&cmp_from=2026-03-01&cmp_to=2026-03-03", method: .get, headers: jar)
            #expect(custom.status == .ok)
            #expect(custom.text.contains("<div class=\"d up tip\" tabindex=\"0\" title=\"compared with 2026-03-01 — 2026-03-03: 33\">▲ +15 (+45.5 %)"))
            #expect(custom.text.contains("compared with 2026-03-01 — 2026-03-03</span>"))
            #expect(custom.text.contains("name=\"cmp_from\" value=\"2026-03-01\""), "the custom range stays in the form")
            // the headline ER is ER per post (LiveDune's and Popsters' ER); the period's ER by followers follows it
            let cards = custom.text.components(separatedBy: "<div class=\"kpis\">").dropFirst().first ?? ""
            let post = cards.range(of: "ER Post, averaged"), byFollowers = cards.range(of: "ER (by followers)")
            #expect(post != nil && byFollowers != nil && post!.lowerBound < byFollowers!.lowerBound)
            // a year before: no data there, so no change is claimed
            let year = try await client.execute(uri: "/accounts/vk_main?\(Self.march)&compare=year", method: .get, headers: jar)
            #expect(year.text.contains("compared with 2025-03-01 — 2025-03-31"))
            #expect(year.text.contains("n/a: nothing to compare with") && !year.text.contains("class=\"d up") && !year.text.contains("class=\"d down"))
            // the overview sums own accounts (not the competitor): 48 engagements, 3 posts
            let overview = try await client.execute(uri: "/?\(Self.march)&cmp_from=2026-03-01&cmp_to=2026-03-03", method: .get, headers: jar)
            #expect(overview.text.contains("<div class=\"kpis overview\">"))
            #expect(overview.text.contains("▲ +15 (+45.5 %)") && overview.text.contains("▲ +1 (+50.0 %)"), "engagements 33 → 48, posts 2 → 3")
            #expect(try await client.execute(uri: "/?\(Self.march)&cmp_from=2026-03-01", method: .get, headers: jar).status == .badRequest)
            #expect(try await client.execute(uri: "/?\(Self.march)&compare=decade", method: .get, headers: jar).status == .badRequest)
        }
    }
}

import EngageCore
import EngageImport
import EngageStore
import Foundation

/// Writes the demo data set (for `engage demo` and tests).
public enum DemoDataWriter {
    /// Writes the CSV files into `folder`; returns row counts by file.
    public static func write(to folder: String, endingOn lastDay: LocalDate, seed: UInt64) throws -> [String: Int] {
        var d = DemoData(endingOn: lastDay, seed: seed)
        return try d.write(to: folder)
    }

    /// The folder of the shipped questionnaire templates: `questionnaires/` in the current
    /// folder, or beside the executable's package (`.build/…/engage`), if there.
    public static func questionnairesFolder() -> String? {
        var candidates = [FileManager.default.currentDirectoryPath + "/questionnaires"]
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(dir.appendingPathComponent("questionnaires").path)
            dir = dir.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/express-12.yaml") }
    }

    /// Makes the demo's survey waves in `store` (before `responses.csv` is imported), from the
    /// templates in `questionnaires`.
    public static func createSurveys(in store: any Store, endingOn lastDay: LocalDate, questionnaires: String) async throws {
        let d = DemoData(endingOn: lastDay, seed: 0)
        let data = SurveyData(store: store)
        for w in d.surveyWaves where try await data.survey(id: w.id) == nil {
            let q = try QuestionnaireFile.load(path: questionnaires + "/" + w.questionnaire)
            try await data.create(id: w.id, name: w.name, questionnaire: q, now: d.firstDay.adding(days: w.day).startUTC + 36_000,
                                  closesOn: d.firstDay.adding(days: w.day + 21))  // closed three weeks on
        }
    }
}

/// A seeded, realistic demo data set in CONTRACT.md's CSV format: six accounts on four
/// networks (two of them competitors), a year of daily snapshots, a few thousand posts with
/// skewed engagement, audience messages, costs and site sessions with UTM tags and
/// conversions, and the employee advocacy program (DemoData+Advocacy.swift). The same seed
/// gives the same files.
struct DemoData {
    /// The demo's generator: SplitMix64 (EngageCore), with the draws below.
    typealias RNG = SplitMix64

    struct DemoAccount {
        var id: String, network: String, name: String, handle: String, competitor: Bool, timezone: String
        var followers: Double, growth: Double, postsPerDay: Double, likeRate: Double, reachRate: Double
        var boughtOnDay: Int? = nil
    }

    let firstDay: LocalDate
    let lastDay: LocalDate
    var rng: RNG

    init(endingOn lastDay: LocalDate, seed: UInt64) {
        self.lastDay = lastDay
        firstDay = lastDay.adding(days: -364)
        rng = RNG(state: seed)
    }

    static let rubrics = ["Новости", "Акции", "Рецепты", "За кадром", "Вопрос недели", "Отзывы"]
    static let types: [String: [String]] = [
        "vk": ["photo", "photo", "video", "clip", "text", "poll", "link"],
        "telegram": ["text", "text", "photo", "video", "link", "poll"],
        "instagram": ["photo", "carousel", "reel", "reel", "story"],
        "linkedin": ["text", "photo", "article", "document", "video"],
    ]
    static let typeBoost: [String: Double] = ["clip": 1.5, "reel": 1.6, "video": 1.2, "carousel": 1.25, "photo": 1.0, "text": 0.8,
                                              "link": 0.6, "poll": 1.1, "story": 0.5, "article": 0.9, "document": 1.05]
    static let rubricBoost: [String: Double] = ["Новости": 0.8, "Акции": 1.3, "Рецепты": 1.2, "За кадром": 1.1, "Вопрос недели": 1.4, "Отзывы": 0.9]
    static let hourBoost: [Double] = [0.5, 0.4, 0.3, 0.3, 0.3, 0.4, 0.6, 0.8, 0.9, 1.0, 1.0, 1.0, 1.1, 1.1, 1.0, 1.0, 1.0, 1.1, 1.2, 1.3, 1.4, 1.3, 1.0, 0.7]

    func accounts() -> [DemoAccount] {
        [
            DemoAccount(id: "vk_zerno", network: "vk", name: "Кофейня «Зерно» — ВКонтакте", handle: "zerno_coffee", competitor: false,
                        timezone: "Europe/Moscow", followers: 9_800, growth: 0.0011, postsPerDay: 1.6, likeRate: 0.032, reachRate: 0.22),
            DemoAccount(id: "tg_zerno", network: "telegram", name: "Зерно | кофе и люди (Telegram)", handle: "zerno_tg", competitor: false,
                        timezone: "Europe/Moscow", followers: 4_300, growth: 0.0016, postsPerDay: 2.2, likeRate: 0.021, reachRate: 0.45),
            DemoAccount(id: "ig_zerno", network: "instagram", name: "Zerno Coffee — Instagram", handle: "zerno.coffee", competitor: false,
                        timezone: "Europe/Moscow", followers: 7_200, growth: 0.0009, postsPerDay: 1.1, likeRate: 0.045, reachRate: 0.18,
                        boughtOnDay: 250),
            DemoAccount(id: "li_zerno", network: "linkedin", name: "Zerno Coffee Company — LinkedIn", handle: "zerno-coffee", competitor: false,
                        timezone: "UTC", followers: 1_900, growth: 0.0013, postsPerDay: 0.5, likeRate: 0.028, reachRate: 0.25),
            DemoAccount(id: "vk_bodro", network: "vk", name: "Кофейня «Бодро» (конкурент)", handle: "bodro", competitor: true,
                        timezone: "Europe/Moscow", followers: 1_500, growth: 0.0012, postsPerDay: 1.0, likeRate: 0.06, reachRate: 0.3),
            DemoAccount(id: "tg_coffeechain", network: "telegram", name: "CoffeeChain (competitor)", handle: "coffeechain", competitor: true,
                        timezone: "Europe/Moscow", followers: 21_000, growth: 0.0005, postsPerDay: 3.0, likeRate: 0.008, reachRate: 0.3),
        ]
    }

    /// Writes the CSV files into `folder`; returns row counts by file.
    mutating func write(to folder: String) throws -> [String: Int] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var files: [String: [String]] = [:]
        let accts = accounts()
        files["accounts.csv"] = ["account_id,network,name,handle,competitor,timezone"] + accts.map {
            [$0.id, $0.network, csv($0.name), $0.handle, $0.competitor ? "true" : "false", $0.timezone].joined(separator: ",")
        }
        var daily = ["account_id,date,followers,new_followers,unfollows,reach,reach_organic,reach_viral,reach_paid,impressions,page_views,unique_visitors"]
        var posts = ["post_id,account_id,published_at,type,rubric,url,text,likes,comments,shares,saves,views,reach,clicks,spend"]
        var messages = ["message_id,account_id,received_at,is_question,replied_at"]
        var periods = ["account_id,from,to,reach,unique_visitors"]
        var costs = ["date,amount,account_id,note"]
        var postNo = 0, msgNo = 0
        for a in accts {
            var followers = a.followers
            var monthReach: [String: Double] = [:], monthVisitors: [String: Double] = [:]
            var fake = 0.0
            for dayIndex in 0..<365 {
                let day = firstDay.adding(days: dayIndex)
                let weekend = day.weekday >= 6
                // followers: steady growth with noise; an Instagram purchase of followers mid-year
                var new = Double(rng.poisson(followers * a.growth * (weekend ? 0.8 : 1.05) * rng.lognormal(0, 0.35)))
                if a.boughtOnDay == dayIndex { let bought = (followers * 0.35).rounded(); new += bought; fake += bought }
                var unf = Double(rng.poisson(followers * 0.00055 * rng.lognormal(0, 0.25)))
                if fake > 0 { let churn = (fake * 0.004).rounded(); unf += churn; fake -= churn }
                followers = max(50, followers + new - unf)
                let real = followers - fake
                // posts of the day
                var dayOrganic = 0.0, dayViral = 0.0, dayPaid = 0.0
                let count = rng.poisson(a.postsPerDay * (weekend ? 0.6 : 1.1))
                for _ in 0..<count {
                    postNo += 1
                    let type = rng.pick(Self.types[a.network]!)
                    let rubric = rng.pick(Self.rubrics)
                    let hour = pickHour()
                    let minute = rng.int(0...59)
                    let boost = Self.typeBoost[type]! * Self.rubricBoost[rubric]! * Self.hourBoost[hour] * (weekend ? 1.15 : 1)
                    let organic = real * a.reachRate * rng.lognormal(0, 0.45) * (0.7 + 0.3 * boost)
                    let viral = rng.uniform() < 0.05 ? organic * rng.lognormal(0, 1.0) : organic * 0.03 * rng.uniform()
                    let promoted = !a.competitor && rng.uniform() < 0.07
                    let spend = promoted ? (rng.lognormal(log(2500), 0.6)).rounded() : 0
                    let paid = promoted ? spend * rng.lognormal(log(3), 0.4) : 0
                    let reach = organic + viral + paid
                    let likes = rng.poisson(reach * a.likeRate / a.reachRate * 0.1 * boost * rng.lognormal(0, 0.6))
                    let comments = rng.poisson(Double(likes) * 0.06 * rng.lognormal(0, 0.6) * (rubric == "Вопрос недели" ? 3 : 1))
                    let shares = rng.poisson(Double(likes) * (a.network == "telegram" ? 0.22 : 0.09) * rng.lognormal(0, 0.6))
                    let saves = rng.poisson(Double(likes) * 0.05)
                    let views = (reach * (1.2 + rng.uniform())).rounded()
                    let clicks = type == "link" ? rng.poisson(views * 0.03) : rng.poisson(views * 0.004)
                    dayOrganic += organic; dayViral += viral; dayPaid += paid
                    let offset = a.timezone == "UTC" ? "Z" : "+03:00"
                    let ts = String(format: "%@T%02d:%02d:00%@", day.description, hour, minute, offset)
                    let url = "https://example.com/\(a.network)/\(a.handle)/\(postNo)"
                    let text = csv("\(rubric): \(Self.texts[postNo % Self.texts.count])")
                    var fields = ["d\(postNo)", a.id, ts, type, rubric, url, text, "\(likes)", "\(comments)", "\(shares)", "\(saves)",
                                  String(Int(views))]
                    // competitors expose only public figures
                    fields += a.competitor ? ["", "", ""] : [String(Int(reach.rounded())), "\(clicks)", promoted ? String(format: "%.2f", spend) : ""]
                    posts.append(fields.joined(separator: ","))
                }
                // the daily snapshot; about 2 % of days are missing from the export
                if dayIndex > 0 && rng.uniform() < 0.02 { continue }
                let base = real * 0.015 * rng.lognormal(0, 0.3)
                let ro = (dayOrganic * 0.65 + base).rounded(), rv = (dayViral * 0.7).rounded(), rp = (dayPaid * 0.9).rounded()
                let visitors = (real * 0.006 * rng.lognormal(0, 0.4) + (ro + rv + rp) * 0.01).rounded()
                let month = String(day.description.prefix(7))
                monthReach[month, default: 0] += (ro + rv + rp) * 0.72
                monthVisitors[month, default: 0] += visitors * 0.64
                if a.competitor {
                    daily.append("\(a.id),\(day),\(Int(followers)),,,,,,,,,")
                } else {
                    daily.append([a.id, day.description, "\(Int(followers))", "\(Int(new))", "\(Int(unf))", "\(Int(ro + rv + rp))", "\(Int(ro))", "\(Int(rv))",
                                  "\(Int(rp))", "\(Int((ro + rv + rp) * 1.6))", "\(Int(visitors * 2.1))", "\(Int(visitors))"].joined(separator: ","))
                }
                // audience questions, mostly answered within the hour on weekdays
                if !a.competitor {
                    for _ in 0..<rng.poisson(a.followers / 4000) {
                        msgNo += 1
                        let at = day.startUTC + Int64(rng.int(6...20)) * 3600 + Int64(rng.int(0...3599)) - 3 * 3600
                        let isQuestion = rng.uniform() < 0.8
                        let answered = rng.uniform() < (weekend ? 0.7 : 0.92)
                        let delay = Int64(rng.lognormal(log(weekend ? 5400 : 1500), 0.8))
                        let replied = answered && at + delay < lastDay.adding(days: 1).startUTC ? (at + delay).isoUTC : ""
                        messages.append("q\(msgNo),\(a.id),\(at.isoUTC),\(isQuestion),\(replied)")
                    }
                }
            }
            // the network's own monthly totals for the VK account (unique reach is below the daily sum)
            if a.id == "vk_zerno" {
                for (month, reach) in monthReach.sorted(by: { $0.key < $1.key }) {
                    let parts = month.split(separator: "-").map { Int($0)! }
                    let from = LocalDate(year: parts[0], month: parts[1], day: 1)
                    let to = LocalDate(year: parts[0], month: parts[1], day: LocalDate.daysInMonth(year: parts[0], month: parts[1]))
                    guard from >= firstDay, to <= lastDay else { continue }
                    periods.append("\(a.id),\(from),\(to),\(Int(reach)),\(Int(monthVisitors[month]!))")
                }
            }
        }
        // costs: a monthly SMM agency fee (no account) and targeting budgets per account
        var d = firstDay
        while d <= lastDay {
            if d.components.day == 1 {
                costs.append("\(d),45000.00,,SMM agency fee")
                costs.append("\(d),\(String(format: "%.2f", rng.lognormal(log(12000), 0.3))),vk_zerno,VK targeting")
                costs.append("\(d),\(String(format: "%.2f", rng.lognormal(log(9000), 0.3))),ig_zerno,Instagram ads")
            }
            d = d.adding(days: 1)
        }
        files["account_daily.csv"] = daily
        files["account_periods.csv"] = periods
        files["posts.csv"] = posts
        files["messages.csv"] = messages
        files["costs.csv"] = costs
        files["sessions.csv"] = sessions()
        files.merge(advocacyFiles()) { a, _ in a }
        var counts: [String: Int] = [:]
        for (name, lines) in files {
            try (lines.joined(separator: "\n") + "\n").write(toFile: (folder as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
            counts[name] = lines.count - 1
        }
        return counts
    }

    mutating func pickHour() -> Int {
        let weights = Self.hourBoost.enumerated().map { $0.offset >= 8 && $0.offset <= 22 ? $0.element : 0.05 }
        var x = rng.uniform() * weights.reduce(0, +)
        for (h, w) in weights.enumerated() { x -= w; if x <= 0 { return h } }
        return 12
    }

    /// Site sessions: social networks by UTM or referrer, search, e-mail and direct visits;
    /// repeat visitors; conversions and leads more likely after several touches.
    mutating func sessions() -> [String] {
        var out = ["session_id,visitor_id,started_at,utm_source,utm_medium,utm_campaign,utm_content,utm_term,referrer,landing_page,converted,conversion_value,lead"]
        let sources: [(String, String, String, Double)] = [  // utm_source, utm_medium, referrer, weight
            ("vk", "social", "https://vk.com/", 22), ("telegram", "social", "", 14), ("instagram", "smm", "https://l.instagram.com/", 12),
            ("linkedin", "social", "https://www.linkedin.com/", 4), ("linkedin", "advocacy", "https://www.linkedin.com/", 3), ("", "", "https://vk.com/zerno_coffee", 6), ("", "", "https://t.me/zerno_tg", 4),
            ("google", "cpc", "https://www.google.com/", 10), ("yandex", "cpc", "https://yandex.ru/", 12), ("newsletter", "email", "", 6), ("", "", "", 16),
        ]
        let total = sources.reduce(0) { $0 + $1.3 }
        let campaigns = ["spring_menu", "loyalty_card", "new_store", "coffee_masterclass", "black_friday", "always_on"]
        let pages = ["/", "/menu", "/delivery", "/loyalty", "/stores", "/blog/brewing", "/careers"]
        var n = 0
        var visitors: [(id: Int, touches: Int)] = []
        for dayIndex in 0..<365 {
            let day = firstDay.adding(days: dayIndex)
            for _ in 0..<rng.poisson(day.weekday >= 6 ? 55 : 80) {
                n += 1
                let returning = !visitors.isEmpty && rng.uniform() < 0.3
                let vi = returning ? rng.int(max(0, visitors.count - 3000)...(visitors.count - 1)) : visitors.count
                if !returning { visitors.append((visitors.count + 1, 0)) }
                visitors[vi].touches += 1
                var x = rng.uniform() * total
                var src = sources[0]
                for s in sources { x -= s.3; if x <= 0 { src = s; break } }
                let at = day.startUTC + Int64(rng.int(5 * 3600...21 * 3600))
                let converted = rng.uniform() < 0.012 * Double(min(visitors[vi].touches, 4))
                let lead = !converted && rng.uniform() < 0.02 * Double(min(visitors[vi].touches, 3))
                let value = converted ? String(format: "%.2f", rng.lognormal(log(1400), 0.5)) : ""
                let campaign = src.0.isEmpty ? "" : rng.pick(campaigns)
                out.append(["w\(n)", "v\(visitors[vi].id)", at.isoUTC, src.0, src.1, campaign, "", "", src.2, rng.pick(pages),
                            converted ? "true" : "false", value, lead ? "true" : "false"].joined(separator: ","))
            }
        }
        return out
    }

    func csv(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static let texts = [
        "новый сезонный напиток уже в меню", "как мы обжариваем зерно — фото с производства", "ваш любимый десерт к кофе?",
        "скидка 20 % по карте лояльности до воскресенья", "рецепт: колд-брю дома за 12 часов", "встречайте нового бариста, Аню",
        "открываем третью кофейню, на Садовой", "спасибо за отзывы — читаем каждый", "мастер-класс по латте-арту в субботу",
    ]
}

extension SplitMix64 {
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-12), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
    mutating func lognormal(_ mu: Double, _ sigma: Double) -> Double { exp(mu + sigma * normal()) }
    mutating func poisson(_ lambda: Double) -> Int {
        if lambda <= 0 { return 0 }
        if lambda > 30 { return max(0, Int((lambda + lambda.squareRoot() * normal()).rounded())) }
        let l = exp(-lambda)
        var k = 0, p = 1.0
        repeat { k += 1; p *= uniform() } while p > l
        return k - 1
    }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(0...(xs.count - 1))] }
}

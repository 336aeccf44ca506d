import EngageCore
import EngageStore
import Foundation

/// The demo company's employee advocacy program, over the same year as the social data:
/// 120 employees in six departments, three invitation waves, a content library fed partly
/// by employees, shares on LinkedIn, VK and Telegram with a long-tailed activity, tracked
/// links (advocates' and the brand's) and their clicks (bots included), B2B leads credited
/// through utm_content, weekly SSI of the sales team, and candidates with referrals.
extension DemoData {
    struct DemoEmployee {
        var id: String, name: String, department: String, manager: Bool, hiredOn: LocalDate, leftOn: LocalDate?
        var birthYear: Int, gender: String
        var joinedDay: Int? = nil
        var activity = 0.0
    }

    static let firstNames = [("Анна", "f"), ("Мария", "f"), ("Елена", "f"), ("Ольга", "f"), ("Наталья", "f"), ("Ирина", "f"), ("Дарья", "f"),
                             ("Алексей", "m"), ("Дмитрий", "m"), ("Сергей", "m"), ("Андрей", "m"), ("Иван", "m"), ("Павел", "m"), ("Михаил", "m")]
    static let lastInitials = ["А.", "Б.", "В.", "Г.", "Д.", "Е.", "К.", "Л.", "М.", "Н.", "О.", "П.", "Р.", "С.", "Т."]
    static let departments: [(String, Int, Double)] = [  // name, people, how keen on sharing
        ("Кофейни", 52, 0.4), ("Обжарка", 14, 0.7), ("Маркетинг", 10, 2.2), ("Продажи B2B", 16, 1.8), ("HR", 6, 1.5), ("Офис", 22, 0.6),
    ]
    static let storyTitles = [
        "Как мы выбираем зерно в Эфиопии", "Новая кофейня на Садовой открыта", "Бариста Аня — чемпион города по латте-арту",
        "Зерно для офисов: кофе-брейки под ключ", "Мы ищем бариста в команду", "Отчёт об устойчивом развитии", "Сезонное меню: тыквенный раф",
        "День открытых дверей на обжарке", "Колд-брю в бутылках теперь в магазинах", "Кофе для ресторанов: оптовые условия",
        "Наша программа наставничества", "Как мы сократили отходы на 30 %", "Вакансия: менеджер по продажам B2B", "Мастер-класс для клиентов",
    ]

    /// The advocacy files (CONTRACT.md §1), keyed by file name, with rows consistent with
    /// the social data (same brand, same LinkedIn/VK/Telegram accounts, same year).
    mutating func advocacyFiles() -> [String: [String]] {
        let yearStart = firstDay.startUTC
        func at(_ dayIndex: Int, hour: Int = 9) -> Int64 { yearStart + Int64(dayIndex) * LocalDate.secondsPerDay + Int64(hour) * 3600 + Int64(rng.int(0...3599)) }
        let end = lastDay.adding(days: 1).startUTC

        // employees: most hired before the year, some during it; a few leave
        var staff: [DemoEmployee] = []
        for (dept, people, keen) in Self.departments {
            for i in 0..<people {
                let (first, gender) = rng.pick(Self.firstNames)
                let hired = rng.uniform() < 0.85 ? firstDay.adding(days: -rng.int(30...2500)) : firstDay.adding(days: rng.int(0...300))
                let left: LocalDate? = rng.uniform() < (dept == "Кофейни" ? 0.18 : 0.06) ? hired.adding(days: rng.int(60...700)) : nil
                var e = DemoEmployee(id: "e\(staff.count + 1)", name: "\(first) \(rng.pick(Self.lastInitials))", department: dept, manager: i == 0 || rng.uniform() < 0.08,
                                     hiredOn: hired, leftOn: left.flatMap { $0 > hired && $0 < lastDay ? $0 : nil }, birthYear: rng.int(1968...2003), gender: gender)
                e.activity = keen * rng.lognormal(0, 0.9)
                staff.append(e)
            }
        }
        var employees = ["employee_id,name,email,department,title,is_manager,hired_on,left_on,birth_year,gender"]
        for e in staff {
            employees.append([e.id, e.name, "\(e.id)@zerno.example", csv(e.department), e.manager ? "Руководитель" : "Сотрудник", e.manager ? "yes" : "no",
                              e.hiredOn.description, e.leftOn?.description ?? "", "\(e.birthYear)", e.gender].joined(separator: ","))
        }

        // invitations: office teams first, then everyone; keener people join sooner
        var invitations = ["employee_id,invited_at,cohort,joined_at"]
        let waves: [(String, Int, Set<String>)] = [("wave-1", 20, ["Маркетинг", "Продажи B2B", "HR"]), ("wave-2", 110, ["Офис", "Обжарка"]), ("wave-3", 220, ["Кофейни"])]
        for (cohort, day, depts) in waves {
            for i in staff.indices where depts.contains(staff[i].department) {
                let e = staff[i]
                let inviteDay = max(day, e.hiredOn.dayNumber - firstDay.dayNumber + 7)
                guard inviteDay < 360, e.leftOn.map({ $0.dayNumber - firstDay.dayNumber > inviteDay }) ?? true else { continue }
                let invited = at(inviteDay)
                var joined = ""
                if rng.uniform() < min(0.95, 0.45 + 0.2 * e.activity) {
                    let d = inviteDay + Int(rng.lognormal(log(3), 1.0))
                    if d < 364 { joined = at(d, hour: 11).isoUTC; staff[i].joinedDay = d }
                }
                invitations.append("\(e.id),\(invited.isoUTC),\(cohort),\(joined)")
            }
        }

        // the content library: the brand's items and employees' stories
        var content = ["content_id,title,url,submitted_by,submitted_at,status,approved_at,published_at"]
        var shareable: [(id: String, day: Int, pull: Double)] = []
        for n in 1...60 {
            let day = min(360, n * 6 + rng.int(0...5))
            let fromEmployee = rng.uniform() < 0.4
            let author = fromEmployee ? staff.filter { $0.joinedDay.map { $0 < day } ?? false }.randomElement(using: &rng) : nil
            let title = "\(Self.storyTitles[n % Self.storyTitles.count])\(n > Self.storyTitles.count ? " (\(n / Self.storyTitles.count + 1))" : "")"
            let status = rng.uniform() < 0.12 ? "rejected" : (day > 355 ? "submitted" : (rng.uniform() < 0.8 ? "published" : "approved"))
            let submitted = at(day, hour: 10)
            let approved = status == "approved" || status == "published" ? submitted + Int64(rng.int(3600...3 * Int(LocalDate.secondsPerDay))) : nil
            let published = status == "published" ? approved.map { $0 + Int64(rng.int(3600...2 * Int(LocalDate.secondsPerDay))) } : nil
            content.append(["k\(n)", csv(title), "https://zerno.example/stories/\(n)", author?.id ?? "", submitted.isoUTC, status,
                            approved.map { min($0, end - 1).isoUTC } ?? "", published.map { min($0, end - 1).isoUTC } ?? ""].joined(separator: ","))
            if status == "approved" || status == "published" { shareable.append(("k\(n)", day + 2, rng.lognormal(0, 0.5) * (fromEmployee ? 1.3 : 1))) }
        }

        // shares, links and their clicks
        var shares = ["share_id,employee_id,shared_at,content_id,network,impressions,likes,comments,shares,clicks"]
        var links = ["link_code,target,employee_id,content_id,utm_source,utm_medium,utm_campaign,utm_content,utm_term,created_at"]
        var clicks = ["clicked_at,link_code,visitor_hash,user_agent,referrer"]
        var linkOf: [String: String] = [:]
        var advocateLinks: [(code: String, employee: String, day: Int)] = []
        let agents = ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
                      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36",
                      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36",
                      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15"]
        let bots = ["LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", "TelegramBot (like TwitterBot)",
                    "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)"]
        let referrers = ["linkedin": "https://www.linkedin.com/", "vk": "https://vk.com/", "telegram": ""]
        var visitorNo = 0, shareNo = 0
        func addClicks(_ code: String, _ count: Int, from day: Int, network: String) {
            for _ in 0..<count {
                let d = day + min(6, Int(rng.lognormal(0, 0.8)))
                guard d < 365 else { continue }
                let bot = rng.uniform() < 0.07
                visitorNo += 1
                let visitor = rng.uniform() < 0.15 && visitorNo > 10 ? "h\(visitorNo - rng.int(1...10))" : "h\(visitorNo)"
                clicks.append([at(d, hour: rng.int(7...22)).isoUTC, code, bot ? "" : visitor, csv(bot ? rng.pick(bots) : rng.pick(agents)), referrers[network] ?? ""].joined(separator: ","))
            }
        }
        for item in shareable {
            // the brand's own link for the item, posted on its LinkedIn page
            let brandCode = "b-\(item.id)"
            links.append("\(brandCode),https://zerno.example/stories/\(item.id.dropFirst())?utm_source=linkedin&utm_medium=social&utm_campaign=\(item.id),,\(item.id),linkedin,social,\(item.id),,,\(at(item.day).isoUTC)")
            addClicks(brandCode, rng.poisson(25 * item.pull), from: item.day, network: "linkedin")
            for e in staff {
                guard let joined = e.joinedDay, joined <= item.day, e.leftOn.map({ $0.dayNumber - firstDay.dayNumber > item.day }) ?? true,
                      rng.uniform() < min(0.9, 0.12 * e.activity * item.pull) else { continue }
                let network = rng.uniform() < 0.6 ? "linkedin" : (rng.uniform() < 0.6 ? "vk" : "telegram")
                let day = min(364, item.day + Int(rng.lognormal(0, 1.0)))
                shareNo += 1
                let impressions = Int(rng.lognormal(log(network == "linkedin" ? 450 : 250), 0.8))
                let likes = rng.poisson(Double(impressions) * 0.035), comments = rng.poisson(Double(likes) * 0.12)
                let reshares = rng.poisson(Double(likes) * 0.06), linkClicks = rng.poisson(Double(impressions) * 0.012)
                shares.append("s\(shareNo),\(e.id),\(at(day, hour: rng.int(8...20)).isoUTC),\(item.id),\(network),\(impressions),\(likes),\(comments),\(reshares),\(linkClicks)")
                let key = e.id + "/" + item.id
                if linkOf[key] == nil {
                    let code = "a\(linkOf.count + 1)"
                    linkOf[key] = code
                    advocateLinks.append((code, e.id, day))
                    links.append("\(code),https://zerno.example/stories/\(item.id.dropFirst())?utm_source=\(network)&utm_medium=advocacy&utm_campaign=\(item.id)&utm_content=\(code),\(e.id),\(item.id),\(network),advocacy,\(item.id),\(code),,\(at(day).isoUTC)")
                }
                addClicks(linkOf[key]!, linkClicks, from: day, network: network)
            }
        }

        // B2B leads: through advocates' links (credited by utm_content) and other sources
        var leads = ["lead_id,created_at,source,utm_source,utm_medium,utm_campaign,utm_content,rep_id,stage,closed_at,won,value"]
        let sales = staff.filter { $0.department == "Продажи B2B" }
        var leadNo = 0
        func addLead(day: Int, source: String, medium: String, content: String, winRate: Double, closeDays: Double) {
            leadNo += 1
            let created = at(day, hour: 12)
            let rep = rng.pick(sales).id
            let closes = rng.uniform() < 0.75
            let won = closes && rng.uniform() < winRate
            let closed = closes ? created + Int64(rng.lognormal(log(closeDays), 0.5) * Double(LocalDate.secondsPerDay)) : nil
            let stage = closed.map { $0 < end ? (won ? "won" : "lost") : "negotiation" } ?? "qualified"
            let closedText = closed.flatMap { $0 < end ? $0.isoUTC : nil } ?? ""
            let value = won && !closedText.isEmpty ? String(format: "%.2f", rng.lognormal(log(180_000), 0.7)) : ""
            leads.append(["l\(leadNo)", created.isoUTC, source, medium == "advocacy" ? "linkedin" : "", medium, "", content, rep, stage, closedText,
                          won && !closedText.isEmpty ? "yes" : "no", value].joined(separator: ","))
        }
        for l in advocateLinks where rng.uniform() < 0.12 {
            addLead(day: min(364, l.day + rng.int(0...5)), source: "", medium: "advocacy", content: l.code, winRate: 0.32, closeDays: 21)
        }
        for day in 0..<365 {
            for (source, rate, win, close) in [("ads", 0.35, 0.14, 35.0), ("website", 0.25, 0.2, 28.0), ("events", 0.06, 0.25, 30.0)] where rng.uniform() < rate {
                addLead(day: day, source: source, medium: "", content: "", winRate: win, closeDays: close)
            }
        }

        // SSI of the sales team, weekly; it rises faster for those who share more
        var ssi = ["employee_id,date,total,brand,people,insights,relationships"]
        for e in sales {
            var parts = (0..<4).map { _ in 8 + rng.uniform() * 8 }
            let drift = 0.02 + 0.03 * min(e.activity, 3)
            for week in stride(from: 0, to: 365, by: 7) {
                parts = parts.map { min(25, max(0, $0 + drift + rng.normal() * 0.15)) }
                let p = parts.map { ($0 * 100).rounded() / 100 }
                ssi.append("\(e.id),\(firstDay.adding(days: week)),\(String(format: "%.2f", p.reduce(0, +))),\(p.map { String(format: "%.2f", $0) }.joined(separator: ","))")
            }
        }

        // candidates: job boards, the careers page, LinkedIn and employees' referrals
        var candidates = ["candidate_id,source,first_contact_at,referred_by,position,offer_accepted_at,hired"]
        let positions = ["Бариста", "Бариста", "Обжарщик", "Менеджер по продажам B2B", "Маркетолог", "Бухгалтер"]
        for n in 1...140 {
            let day = rng.int(0...350)
            let r = rng.uniform()
            let source = r < 0.4 ? "hh.ru" : (r < 0.6 ? "careers_site" : (r < 0.75 ? "linkedin" : "referral"))
            let referrer = source == "referral" ? staff.filter { $0.hiredOn.dayNumber - firstDay.dayNumber < day }.randomElement(using: &rng)?.id ?? "" : ""
            let hired = rng.uniform() < (source == "referral" ? 0.4 : 0.18)
            let days = rng.lognormal(log(source == "referral" ? 18 : 30), 0.4)
            let accepted = hired ? at(day) + Int64(days * Double(LocalDate.secondsPerDay)) : nil
            candidates.append(["c\(n)", source, at(day).isoUTC, referrer, rng.pick(positions),
                               accepted.flatMap { $0 < end ? $0.isoUTC : nil } ?? "", hired && (accepted ?? end) < end ? "yes" : "no"].joined(separator: ","))
        }

        var files = ["employees.csv": employees, "invitations.csv": invitations, "content.csv": content, "shares.csv": shares, "links.csv": links,
                     "clicks.csv": clicks, "leads.csv": leads, "ssi.csv": ssi, "candidates.csv": candidates]
        files.merge(surveyFiles(staff)) { a, _ in a }
        return files
    }

    /// The demo's survey waves (made by `engage demo` before the import): an express survey
    /// a year ago and now, and a three-component survey now.
    var surveyWaves: [(id: String, name: String, questionnaire: String, day: Int)] {
        [("pulse-\(firstDay.components.year)", "Пульс-опрос \(firstDay.components.year)", "express-12.yaml", 20),
         ("pulse-\(lastDay.components.year)", "Пульс-опрос \(lastDay.components.year)", "express-12.yaml", 340),
         ("index-\(lastDay.components.year)", "Индекс вовлечённости \(lastDay.components.year)", "three-component.yaml", 345)]
    }

    /// Anonymous responses for the waves (each employee answers with a probability; keener
    /// departments are more engaged), HR metrics per department, corporate events.
    mutating func surveyFiles(_ staff: [DemoEmployee]) -> [String: [String]] {
        let express = (1...12).map { String(format: "q%02d", $0) }
        let scored = ["w1", "w2", "w3", "w4", "w5", "w6", "m1", "m2", "m3", "m4", "m5", "m6", "e1", "e2", "e3", "e4", "e5", "e6"]
        var responses = ["survey_id,response_id,department,is_manager,age_band,gender,date,enps,comment," + (express + scored).joined(separator: ",")]
        let notes = ["Больше обучения, пожалуйста", "Спасибо за гибкий график", "Хочется больше обратной связи от руководителей",
                     "Кофе-брейки для команды — отличная идея", "Не хватает информации о планах компании"]
        let keen = Dictionary(uniqueKeysWithValues: Self.departments.map { ($0.0, $0.2) })
        var n = 0
        for (w, wave) in surveyWaves.enumerated() {
            let day = firstDay.adding(days: wave.day)
            for e in staff where e.hiredOn <= day && (e.leftOn.map { $0 >= day } ?? true) {
                guard rng.uniform() < (w == 0 ? 0.62 : 0.74) else { continue }
                n += 1
                // a person's engagement: the department's, a little better this year, and their own
                let p = min(0.97, max(0.05, 0.45 + 0.12 * (keen[e.department] ?? 1) + (w > 0 ? 0.05 : 0) + 0.15 * rng.normal()))
                let band = Survey.ageBand(birthYear: e.birthYear, in: day.components.year)
                var row = [wave.id, "d\(n)", csv(e.department), e.manager ? "yes" : "no", band, e.gender, day.description]
                if wave.questionnaire == "express-12.yaml" {
                    row += [String(min(10, max(0, Int((p * 11 + 1.5 * rng.normal()).rounded(.down))))), rng.uniform() < 0.2 ? csv(rng.pick(notes)) : ""]
                } else {
                    row += ["", ""]
                }
                if wave.questionnaire == "express-12.yaml" {
                    row += express.map { _ in rng.uniform() < p ? "yes" : "no" } + scored.map { _ in "" }
                } else {
                    let freq = ["never", "rarely", "sometimes", "often"], agree = ["disagree", "rather_disagree", "rather_agree", "agree"]
                    let agreeItems: Set<String> = ["w3", "w4", "w6", "m5", "e2", "e5"]
                    row += express.map { _ in "" } + scored.map { item in
                        let level = min(3, max(0, Int((p * 4 + 0.6 * rng.normal()).rounded(.down))))
                        return (agreeItems.contains(item) ? agree : freq)[level]
                    }
                }
                responses.append(row.joined(separator: ","))
            }
        }
        var hr = ["department,period,headcount,turnover_pct,absenteeism_pct,productivity"]
        for (dept, people, k) in Self.departments {
            for year in [firstDay.components.year, lastDay.components.year] {
                let turnover = max(1, 22 - 6 * k + 3 * rng.normal()), absent = max(0.5, 6 - 1.5 * k + rng.normal())
                hr.append("\(csv(dept)),\(year),\(people),\(String(format: "%.1f", turnover)),\(String(format: "%.1f", absent)),\(String(format: "%.1f", 90 + 12 * k + 5 * rng.normal()))")
            }
        }
        var events = ["event_id,date,invited,attended,name"]
        for (i, name) in ["Новогодний корпоратив", "Весенний забег", "День открытых дверей на обжарке", "Летний пикник", "Кофейный чемпионат", "Осенний квиз"].enumerated() {
            let invited = rng.int(40...110)
            events.append("ev\(i + 1),\(firstDay.adding(days: 25 + i * 58)),\(invited),\(Int(Double(invited) * (0.3 + 0.55 * rng.uniform()))),\(name)")
        }
        return ["responses.csv": responses, "hr_metrics.csv": hr, "events.csv": events]
    }
}

extension DemoData.RNG: RandomNumberGenerator {}

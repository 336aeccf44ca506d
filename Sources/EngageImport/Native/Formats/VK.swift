import EngageCore
import EngageStore
import Foundation

extension NativeFormat {
    /// VK community statistics, long format: one row per day × criterion × parameter;
    /// rows whose value is zero are left out (a missing row is 0).
    static let vkCommunity = NativeFormat(
        id: "vk-community", title: "VK community statistics", network: "vk",
        signature: [["дата", "date"], ["критерий", "criterion"], ["парам. №1", "param. #1", "парам. no1"], ["значение", "value"]],
        read: { r in
            let cDate = r.col(["дата", "date"], .date)
            let cCrit = r.col(["критерий", "criterion"], nil)
            let cP1 = r.col(["парам. №1", "param. #1", "парам. no1"], nil)
            _ = r.col(["парам. №2", "param. #2", "парам. no2"], nil)
            let cValue = r.col(["значение", "value"], nil)
            r.finishHeader()
            // criterion[/param 1] → the day's figure it sets
            let map: [String: WritableKeyPath<DailyPatch, Int?>] = [
                "views": \.pageViews, "visitors": \.uniqueVisitors, "reach": \.reach, "reach_viral": \.reachViral,
                "reach_ads": \.reachPaid, "members/новые участники": \.newFollowers, "members/вышедшие участники": \.unfollows,
                "members/new members": \.newFollowers, "members/left": \.unfollows,
            ]
            let shown = ["views": "account_daily.page_views", "visitors": "account_daily.unique_visitors", "reach": "account_daily.reach",
                         "reach_viral": "account_daily.reach_viral", "reach_ads": "account_daily.reach_paid",
                         "members/новые участники": "account_daily.new_followers", "members/вышедшие участники": "account_daily.unfollows",
                         "members/new members": "account_daily.new_followers", "members/left": "account_daily.unfollows"]
            var seen: Set<String> = [], ignored: Set<String> = []
            var lo: Int?, hi: Int?
            try r.forEachRow {
                guard let d = r.date(cDate, "Дата", expected: "DD.MM.YYYY", NativeValue.dayMonthYear) else { return }
                lo = min(lo ?? d.dayNumber, d.dayNumber); hi = max(hi ?? d.dayNumber, d.dayNumber)
                let crit = (r.text(cCrit) ?? "").lowercased()
                let p1 = (r.text(cP1) ?? "").lowercased()
                let key = map[crit] != nil && p1.isEmpty ? crit : "\(crit)/\(p1)"
                guard let path = map[key] else {
                    ignored.insert(crit.isEmpty ? "(empty)" : crit)
                    return
                }
                guard let v = r.nonNegative(cValue, "Значение") else { return }
                guard r.rowOK else { return }
                var day = r.result.day(d)
                // rows of one day and criterion add up (a file may repeat them): within Engage's limit
                let (sum, overflow) = (day[keyPath: path] ?? 0).addingReportingOverflow(v)
                guard !overflow, sum <= Limits.maxCount else {
                    r.fail(cValue, "Значение: the day's \(key) adds up to more than 10^12 (Engage's limit for a count)")
                    return
                }
                day[keyPath: path] = sum
                r.result.days[d.dayNumber] = day
                r.result.rows += 1
                seen.insert(key)
            }
            // zero rows are left out: every figure the file has is 0 on a day without its row
            if let lo, let hi {
                for n in lo...hi {
                    var day = r.result.day(LocalDate(dayNumber: n))
                    for k in seen { if day[keyPath: map[k]!] == nil { day[keyPath: map[k]!] = 0 } }
                    r.result.days[n] = day
                }
            }
            for k in seen.sorted() { r.result.mapping.append(("Критерий \(k)", shown[k]!)) }
            for k in ignored.sorted() { r.result.ignored.append("Критерий \(k)") }
            if !seen.contains("members/новые участники") && !seen.contains("members/new members") {
                r.result.notes.append("no joined/left members in this file: the follower series cannot be rebuilt from it")
            }
            r.result.notes.append("VK gives no follower total: give one with --followers N@YYYY-MM-DD (the community's member count on a day)")
        })

    /// VK post statistics: one row per post, lifetime totals as of the export; no views.
    static let vkPosts = NativeFormat(
        id: "vk-posts", title: "VK post statistics", network: "vk",
        signature: [["дата", "date"], ["ссылка", "link"], ["полный охват", "total reach"]],
        read: { r in
            let cDate = r.col(["дата", "date"], .publishedAt)
            let cText = r.col(["запись", "post"], .text)
            let cLink = r.col(["ссылка", "link"], .postID)
            let cReach = r.col(["полный охват", "total reach"], .reach)
            let cLikes = r.col(["нравится", "likes"], .likes)
            let cShares = r.col(["поделились", "shares"], .shares)
            let cComments = r.col(["комментариев", "комментарии", "comments"], .comments)
            let cClicks = r.col(["переходы по ссылке", "link clicks"], .clicks)
            r.finishHeader()
            r.result.notes.append("VK's export has no views: ER by views and CTR stay empty for these posts (the VK API's wall.get gives views)")
            try r.forEachRow {
                let at = r.wallClock(cDate, "Дата", expected: "YYYY-MM-DD H:MM", NativeValue.yearMonthDay)
                guard let link = r.text(cLink) else { r.fail(cLink, "Ссылка: a post link (https://vk.com/wall-…_…) is required"); return }
                guard let m = link.range(of: #"wall(-?\d+)_(\d+)"#, options: .regularExpression) else {
                    r.fail(cLink, "Ссылка: '\(link.prefix(60))' is not a VK post link (https://vk.com/wall-GROUP_POST)")
                    return
                }
                let wall = String(link[m].dropFirst(4))
                var p = NativePost(id: "vk:wall\(wall)", time: .local(at ?? 0))
                p.url = link
                p.text = r.text(cText).map(htmlEntitiesDecoded)
                p.reach = r.nonNegative(cReach, "Полный охват")
                p.likes = r.nonNegative(cLikes, "Нравится") ?? 0
                p.shares = r.nonNegative(cShares, "Поделились") ?? 0
                p.comments = r.nonNegative(cComments, "Комментариев") ?? 0
                p.clicks = r.nonNegative(cClicks, "Переходы по ссылке")
                guard r.rowOK, at != nil else { return }
                if r.result.accountNativeID == nil, let owner = wall.split(separator: "_").first {
                    r.result.accountNativeID = owner.hasPrefix("-") ? "club\(owner.dropFirst())" : "id\(owner)"
                }
                r.result.posts.append(p)
                r.result.rows += 1
            }
        })
}

/// `&#128526;`, `&amp;`, `&quot;`, `&lt;`, `&gt;`, `&#39;` decoded (VK cuts post texts and
/// writes them with HTML entities).
func htmlEntitiesDecoded(_ s: String) -> String {
    guard s.contains("&") else { return s }
    var out = ""
    var rest = Substring(s)
    while let amp = rest.firstIndex(of: "&") {
        out += rest[..<amp]
        let tail = rest[amp...]
        if let semi = tail.firstIndex(of: ";"), tail.distance(from: amp, to: semi) <= 10 {
            let name = tail[tail.index(after: amp)..<semi]
            var ch: String?
            if name.hasPrefix("#x") || name.hasPrefix("#X"), let v = UInt32(name.dropFirst(2), radix: 16), let u = Unicode.Scalar(v) { ch = String(u) }
            else if name.hasPrefix("#"), let v = UInt32(name.dropFirst()), let u = Unicode.Scalar(v) { ch = String(u) }
            else { ch = ["amp": "&", "quot": "\"", "lt": "<", "gt": ">", "apos": "'", "nbsp": " "][String(name)] }
            if let ch {
                out += ch
                rest = tail[tail.index(after: semi)...]
                continue
            }
        }
        out += "&"
        rest = tail.dropFirst()
    }
    return out + rest
}

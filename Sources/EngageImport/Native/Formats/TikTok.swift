import EngageCore
import EngageStore
import Foundation

extension NativeFormat {
    /// The day of a TikTok date without a year: rolled forward from the Overview ZIP's
    /// first day, or back from the export day.
    static func tiktokDay(_ s: String, _ r: NativeReader) -> LocalDate? {
        if let full = NativeValue.yearMonthDay(s) ?? NativeValue.namedMonth(s) { return LocalDate(dayNumber: Int(full / 86_400)) }
        guard let md = NativeValue.dayMonth(s) else { return nil }
        if let first = tiktokFirstDay(r.input.archive) {
            let y = first.components.year
            for year in [y, y + 1] {
                if let d = NativeValue.ymd(year, md.month, md.day), d >= first { return d }
            }
            return nil
        }
        return NativeValue.rolled(md, endingBy: r.result.asOf ?? LocalDate(utcInstant: Int64(Date().timeIntervalSince1970)))
    }

    /// `Overview_2026-09-03_1759400000_handle.zip`: the first day of the range.
    static func tiktokFirstDay(_ archive: String?) -> LocalDate? {
        guard let a = archive, let m = a.range(of: #"_(\d{4})-(\d{2})-(\d{2})_"#, options: .regularExpression) else { return nil }
        let n = NativeValue.numbers(String(a[m]))
        return n.count == 3 ? NativeValue.ymd(n[0], n[1], n[2]) : nil
    }

    /// The handle in `Followers_zerno.zip`, `Overview_2026-09-03_1759400000_zerno.zip` (the
    /// only place TikTok names the account of these files).
    static func tiktokHandle(_ archive: String?) -> String? {
        guard let a = archive, let m = a.range(of: #"^(Overview|Followers|Content|Viewers)_(\d{4}-\d{2}-\d{2}_\d+_)?"#, options: .regularExpression) else { return nil }
        let rest = a[m.upperBound...]
        guard rest.lowercased().hasSuffix(".zip") else { return nil }
        let handle = rest.dropLast(4)
        return handle.isEmpty ? nil : String(handle)
    }

    /// How TikTok writes its dates, for messages.
    static let tiktokDates = "a day and month (September 25, 28 May, 28 апреля)"

    /// TikTok Studio `Overview.csv`: the account's figures per day.
    static let tiktokOverview = NativeFormat(
        id: "tiktok-overview", title: "TikTok Studio: Overview (days)", network: "tiktok",
        signature: [["date"], ["video views"], ["profile views"]],
        read: { r in
            let cDate = r.col(["date"], .date)
            let cViews = r.col(["video views"], .impressions)
            let cProfile = r.col(["profile views"], .pageViews)
            let cReach = r.col(["reached audience"], .dailyReach)
            let cNew = r.col(["new followers"], .newFollowers)
            let cLost = r.col(["lost followers"], .unfollows)
            r.finishHeader()
            r.result.accountNativeID = tiktokHandle(r.input.archive)
            try r.readDays(date: cDate, expected: tiktokDates, { tiktokDay($0, r).map { Int64($0.dayNumber) * 86_400 } }, [
                (cViews, \.impressions, "Video Views"), (cProfile, \.pageViews, "Profile Views"), (cReach, \.reach, "Reached audience"),
                (cNew, \.newFollowers, "New followers"), (cLost, \.unfollows, "Lost followers"),
            ])
        })

    /// TikTok Studio `FollowerHistory.csv`: the follower total per day.
    static let tiktokFollowers = NativeFormat(
        id: "tiktok-followers", title: "TikTok Studio: follower history", network: "tiktok",
        signature: [["date"], ["followers"], ["difference in followers from previous day"]],
        read: { r in
            let cDate = r.col(["date"], .date)
            let cTotal = r.col(["followers"], .followers)
            r.finishHeader()
            r.result.accountNativeID = tiktokHandle(r.input.archive)
            try r.readDays(date: cDate, expected: tiktokDates, { tiktokDay($0, r).map { Int64($0.dayNumber) * 86_400 } }, [
                (cTotal, \.followers, "Followers"),
            ])
        })

    /// TikTok Studio `Content.csv`: one row per video, lifetime totals on the export day.
    static let tiktokContent = NativeFormat(
        id: "tiktok-content", title: "TikTok Studio: Content (videos)", network: "tiktok",
        signature: [["video link"], ["post time"], ["total views"]],
        read: { r in
            let cTime = r.col(["time"], .asOf)
            let cTitle = r.col(["video title"], .text)
            let cLink = r.col(["video link"], .postID)
            let cPost = r.col(["post time"], nil)
            let cLikes = r.col(["total likes"], .likes)
            let cComments = r.col(["total comments"], .comments)
            let cShares = r.col(["total shares"], .shares)
            let cViews = r.col(["total views"], .views)
            let cSaves = r.col(["add to favorites", "total favorites"], .saves)
            r.result.mapping.append(("Video link (the id's upload time), else Post time", NativeField.publishedAt.rawValue))
            r.finishHeader()
            var exportDay: LocalDate?
            try r.forEachRow {
                guard let link = r.text(cLink), let m = link.range(of: #"/video/(\d+)"#, options: .regularExpression) else {
                    r.fail(cLink, "Video link: a TikTok video link (…/video/ID) is required")
                    return
                }
                let id = String(link[m].dropFirst(7))
                // Time is the export day: rolled back from the file's own date
                if exportDay == nil, let t = r.text(cTime), let d = NativeFormat.tiktokDay(t, r) { exportDay = d }
                var time: NativePost.Time
                if let v = UInt64(id), v >> 32 > 1_400_000_000 { time = .instant(Int64(v >> 32)) } else {
                    guard let raw = r.text(cPost), let d = NativeFormat.tiktokDay(raw, r) else { r.fail(cPost, "Post time: a day and month is required"); return }
                    time = .local(Int64(d.dayNumber) * 86_400)
                }
                var p = NativePost(id: "tiktok:\(id)", time: time)
                p.url = link
                p.type = "video"
                p.text = r.text(cTitle)
                p.likes = r.nonNegative(cLikes, "Total likes") ?? 0
                p.comments = r.nonNegative(cComments, "Total comments") ?? 0
                p.shares = r.nonNegative(cShares, "Total shares") ?? 0
                p.views = r.nonNegative(cViews, "Total views")
                p.saves = r.nonNegative(cSaves, "Add to favorites")
                guard r.rowOK else { return }
                if r.result.accountHandle == nil, let h = link.range(of: #"@[A-Za-z0-9_.]+"#, options: .regularExpression) {
                    r.result.accountHandle = String(link[h])
                    r.result.accountNativeID = String(link[h].dropFirst())
                }
                r.result.posts.append(p)
                r.result.rows += 1
            }
            if let d = exportDay { r.result.asOf = d }
        })
}

import EngageCore
import EngageStore
import Foundation

extension NativeFormat {
    /// The exact time a Snowflake id carries (X posts since 2010): `(id >> 22) + 1288834974657` ms.
    static func snowflakeTime(_ id: String) -> Int64? {
        guard let v = UInt64(id), v >> 22 > 0 else { return nil }
        let ms = Int64(v >> 22) + 1_288_834_974_657
        return ms / 1000
    }

    /// `account_analytics_content_2026-09-01_2026-09-30.csv`: the range's last day.
    static func isoRangeEnd(_ name: String) -> LocalDate? {
        guard let m = name.range(of: #"\d{4}-\d{2}-\d{2}_(\d{4})-(\d{2})-(\d{2})"#, options: .regularExpression) else { return nil }
        let n = NativeValue.numbers(String(name[m]))
        return n.count == 6 ? NativeValue.ymd(n[3], n[4], n[5]) : nil
    }

    /// X (2024+) content export: one row per post, totals as of the export. The date has
    /// no time of day: the post id gives the exact instant.
    static let xContent = NativeFormat(
        id: "x-content", title: "X analytics: content (posts)", network: "x",
        signature: [["post id"], ["post link"], ["impressions"]],
        read: { r in
            let cID = r.col(["post id"], .postID)
            let cDate = r.col(["date"], nil)
            let cText = r.col(["post text"], .text)
            let cLink = r.col(["post link"], .url)
            let cImpr = r.col(["impressions"], .views)
            let cLikes = r.col(["likes"], .likes)
            let cReplies = r.col(["replies"], .comments)
            let cReposts = r.col(["reposts"], .shares)
            let cBookmarks = r.col(["bookmarks"], .saves)
            let cClicks = r.col(["url clicks"], .clicks)
            r.result.mapping.append(("Post id (Snowflake time)", NativeField.publishedAt.rawValue))
            if let cDate { r.result.mapping.append((r.header[cDate], "posts.published_at when the id carries no time")) }
            r.finishHeader()
            try r.forEachRow {
                guard let id = r.text(cID), id.allSatisfy(\.isNumber) else { r.fail(cID, "Post id: a numeric post id is required"); return }
                let time: NativePost.Time
                if let t = NativeFormat.snowflakeTime(id) { time = .instant(t) } else {
                    guard let at = r.wallClock(cDate, "Date", expected: "Sun, Sep 13, 2026", NativeValue.namedMonth) else { return }
                    time = .local(at)
                }
                var p = NativePost(id: "x:\(id)", time: time)
                p.text = r.text(cText)
                p.url = r.text(cLink)
                p.views = r.nonNegative(cImpr, "Impressions")
                p.likes = r.nonNegative(cLikes, "Likes") ?? 0
                p.comments = r.nonNegative(cReplies, "Replies") ?? 0
                p.shares = r.nonNegative(cReposts, "Reposts") ?? 0
                p.saves = r.nonNegative(cBookmarks, "Bookmarks")
                p.clicks = r.nonNegative(cClicks, "URL Clicks")
                guard r.rowOK else { return }
                r.result.posts.append(p)
                r.result.rows += 1
            }
            if let end = isoRangeEnd((r.input.name as NSString).lastPathComponent) { r.result.asOf = end }
        })

    /// X (2024+) account overview: one row per day.
    static let xOverview = NativeFormat(
        id: "x-overview", title: "X analytics: account overview (days)", network: "x",
        signature: [["date"], ["unfollows"], ["create post"]],
        read: { r in
            let cDate = r.col(["date"], .date)
            let cImpr = r.col(["impressions"], .impressions)
            let cNew = r.col(["new follows"], .newFollowers)
            let cUnf = r.col(["unfollows"], .unfollows)
            let cVisits = r.col(["profile visits"], .pageViews)
            r.finishHeader()
            try r.readDays(date: cDate, expected: "Sun, Sep 13, 2026", NativeValue.namedMonth, [
                (cImpr, \.impressions, "Impressions"), (cNew, \.newFollowers, "New follows"), (cUnf, \.unfollows, "Unfollows"),
                (cVisits, \.pageViews, "Profile visits"),
            ])
            r.result.notes.append("X gives no follower total: give one with --followers N@YYYY-MM-DD")
        })

    /// analytics.twitter.com's tweet activity export (until 2023): one row per tweet, UTC times.
    static let xLegacy = NativeFormat(
        id: "x-legacy-tweets", title: "Twitter analytics: tweet activity (legacy)", network: "x",
        signature: [["tweet id"], ["tweet permalink"], ["time"]],
        read: { r in
            let cID = r.col(["tweet id"], .postID)
            let cLink = r.col(["tweet permalink"], .url)
            let cText = r.col(["tweet text"], .text)
            let cTime = r.col(["time"], nil)
            let cImpr = r.col(["impressions"], .views)
            let cRT = r.col(["retweets"], .shares)
            let cReplies = r.col(["replies"], .comments)
            let cLikes = r.col(["likes", "favorites"], .likes)
            let cClicks = r.col(["url clicks"], .clicks)
            r.result.mapping.append(("Tweet id (Snowflake time), else time", NativeField.publishedAt.rawValue))
            r.finishHeader()
            try r.forEachRow {
                guard let id = r.text(cID), id.allSatisfy(\.isNumber) else { r.fail(cID, "Tweet id: a numeric id is required"); return }
                var time: NativePost.Time
                if let t = NativeFormat.snowflakeTime(id) { time = .instant(t) } else {
                    guard let c = cTime, let raw = r.text(c), let ts = ISOParse.timestamp(Array(raw.replacingOccurrences(of: " +", with: "+").replacingOccurrences(of: " -", with: "-").utf8)[...]) else {
                        r.fail(cTime, "time: expected YYYY-MM-DD HH:MM +0000")
                        return
                    }
                    var utc = ZoneClock.utc
                    time = .instant(utc.instant(ts))
                }
                var p = NativePost(id: "x:\(id)", time: time)
                p.url = r.text(cLink)
                p.text = r.text(cText)
                p.views = r.nonNegative(cImpr, "impressions")
                p.shares = r.nonNegative(cRT, "retweets") ?? 0
                p.comments = r.nonNegative(cReplies, "replies") ?? 0
                p.likes = r.nonNegative(cLikes, "likes") ?? 0
                p.clicks = r.nonNegative(cClicks, "url clicks")
                guard r.rowOK else { return }
                r.result.posts.append(p)
                r.result.rows += 1
            }
        })
}

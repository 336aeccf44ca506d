import EngageCore
import EngageStore
import Foundation

extension NativeFormat {
    /// A YouTube publish time in the forms the Studio writes (`Sep 26, 2026`,
    /// `2026-07-20 13:18:00`, `26.09.2026`, `26 сент. 2026 г.`).
    static func youtubeTime(_ s: String) -> Int64? {
        NativeValue.yearMonthDay(s) ?? NativeValue.namedMonth(s) ?? NativeValue.dayMonthYear(s) ?? NativeValue.monthDayYear(s)
    }

    /// YouTube Studio, Advanced mode → Export, `Table data.csv` (dimension Content): one
    /// row per video, totals for the chosen range; the first row is the `Total`.
    static let youtubeTable = NativeFormat(
        id: "youtube-table", title: "YouTube Studio: Table data (videos)", network: "youtube",
        signature: [["content", "контент"], ["video publish time", "время публикации видео"]],
        read: { r in
            let cID = r.col(["content", "контент"], .postID)
            let cTitle = r.col(["video title", "название видео"], .text)
            let cTime = r.col(["video publish time", "время публикации видео"], .publishedAt)
            let cViews = r.col(["views", "просмотры"], .views)
            let cLikes = r.col(["likes", "отметки \"нравится\"", "отметки «нравится»", "отметки нравится"], .likes)
            let cComments = r.col(["comments added", "комментарии", "added comments"], .comments)
            let cShares = r.col(["shares", "поделились"], .shares)
            r.finishHeader()
            if cLikes == nil || cComments == nil || cShares == nil {
                r.result.notes.append("Likes, Comments added or Shares were not chosen in the Studio's table: those count as 0 (add them to the table before exporting)")
            }
            var totals = 0
            try r.forEachRow {
                guard let id = r.text(cID) else { r.fail(cID, "Content: a video id is required"); return }
                if ["total", "итоговое значение", "итого", "totalt", "gesamt"].contains(id.lowercased()) { totals += 1; return }
                let at = r.wallClock(cTime, "Video publish time", expected: "Sep 26, 2026 or 2026-09-26 13:18:00", NativeFormat.youtubeTime)
                var p = NativePost(id: "youtube:\(id)", time: .local(at ?? 0))
                p.text = r.text(cTitle)
                p.url = "https://www.youtube.com/watch?v=\(id)"
                p.type = "video"
                p.views = r.nonNegative(cViews, "Views")
                p.likes = r.nonNegative(cLikes, "Likes") ?? 0
                p.comments = r.nonNegative(cComments, "Comments added") ?? 0
                p.shares = r.nonNegative(cShares, "Shares") ?? 0
                guard r.rowOK, at != nil else { return }
                r.result.posts.append(p)
                r.result.rows += 1
            }
            if totals > 0 { r.result.notes.append("the Total row is skipped") }
        })

    /// YouTube Studio's `Chart data.csv` / `Totals.csv` of the channel: a metric per day.
    /// Subscribers there are net (gained − lost).
    static let youtubeDaily = NativeFormat(
        id: "youtube-daily", title: "YouTube Studio: daily totals (Totals.csv / Chart data.csv)", network: "youtube",
        signature: [["date", "дата"], ["subscribers", "подписчики"]],
        read: { r in
            let cDate = r.col(["date", "дата"], .date)
            let cSubs = r.col(["subscribers", "подписчики"], .newFollowers)
            let cContent = r.col(["content", "контент"], nil)
            r.finishHeader()
            if cContent != nil {
                r.result.notes.append("a daily series per video: nothing is stored from it (Table data.csv holds the videos)")
                try r.forEachRow { r.result.rows += 1 }
                return
            }
            try r.forEachRow {
                if ["total", "итоговое значение"].contains((r.text(cDate) ?? "").lowercased()) { return }
                guard let d = r.date(cDate, "Date", expected: "YYYY-MM-DD", NativeFormat.youtubeTime) else { return }
                guard let net = r.count(cSubs, "Subscribers"), r.rowOK else { return }
                var day = r.result.day(d)
                // net subscribers: a day that lost more than it gained is a day of unfollows
                day.newFollowers = max(0, net)
                day.unfollows = max(0, -net)
                r.result.days[d.dayNumber] = day
                r.result.rows += 1
            }
            r.result.notes.append("YouTube gives net subscribers per day and no total: give one with --followers N@YYYY-MM-DD")
        })
}

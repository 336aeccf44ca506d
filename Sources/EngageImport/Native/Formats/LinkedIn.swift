import EngageCore
import EngageStore
import Foundation

extension NativeFormat {
    /// `M/D/YYYY` (LinkedIn writes US order everywhere), or an Excel serial day number.
    static func linkedInDate(_ s: String) -> Int64? {
        if let v = Double(s), v > 20_000, v < 80_000 { return Int64(Int(v) - 25_569) * 86_400 }
        return NativeValue.monthDayYear(s) ?? NativeValue.yearMonthDay(s)
    }

    /// A post's id from its link: the activity/share/ugcPost URN's number.
    static func linkedInPostID(_ link: String) -> String? {
        if let m = link.range(of: #"(activity|share|ugcPost)[:-](\d+)"#, options: .regularExpression) {
            let part = link[m]
            return String(part.drop { !$0.isNumber })
        }
        return nil
    }

    /// Creator analytics, sheet FOLLOWERS: A1 `Total followers on M/D/YYYY`, B1 the total;
    /// then `Date, New followers` per day.
    static let linkedInCreatorFollowers = NativeFormat(
        id: "linkedin-creator-followers", title: "LinkedIn creator analytics: FOLLOWERS", network: "linkedin",
        signature: [["date"], ["new followers"]], sheets: ["followers"],
        read: { r in
            let cDate = r.col(["date"], .date)
            let cNew = r.col(["new followers"], .newFollowers)
            r.finishHeader()
            if let first = r.sheetRows.first, first.cells.count >= 2, first.cells[0].lowercased().hasPrefix("total followers on") {
                let when = first.cells[0].dropFirst("total followers on".count).trimmingCharacters(in: .whitespaces)
                if let t = NativeFormat.linkedInDate(when), case .value(let total) = NativeValue.count(first.cells[1]), total >= 0 {
                    let d = LocalDate(dayNumber: Int(t / 86_400))
                    var day = r.result.day(d)
                    day.followers = total
                    r.result.days[d.dayNumber] = day
                    r.result.mapping.append(("A1/B1 (Total followers on \(d))", NativeField.followers.rawValue))
                } else {
                    r.issues.error(r.file, first.line, 1, "A1/B1: expected 'Total followers on M/D/YYYY' and a number")
                }
            } else {
                r.result.notes.append("no 'Total followers on …' in A1: give a total with --followers N@YYYY-MM-DD")
            }
            try r.readDays(date: cDate, expected: "M/D/YYYY", NativeFormat.linkedInDate, [(cNew, \.newFollowers, "New followers")])
        })

    /// Creator analytics, sheet ENGAGEMENT: `Date, Impressions, Engagements` per day.
    static let linkedInCreatorEngagement = NativeFormat(
        id: "linkedin-creator-engagement", title: "LinkedIn creator analytics: ENGAGEMENT", network: "linkedin",
        signature: [["date"], ["impressions"], ["engagements"]], sheets: ["engagement"],
        read: { r in
            let cDate = r.col(["date"], .date)
            let cImpr = r.col(["impressions"], .impressions)
            r.finishHeader()
            try r.readDays(date: cDate, expected: "M/D/YYYY", NativeFormat.linkedInDate, [(cImpr, \.impressions, "Impressions")])
        })

    /// Creator analytics, sheet TOP POSTS: two tables side by side (by engagements, by
    /// impressions), merged by the post's URL. LinkedIn gives no likes, comments or shares
    /// per post: its Engagements count as likes.
    static let linkedInCreatorPosts = NativeFormat(
        id: "linkedin-creator-posts", title: "LinkedIn creator analytics: TOP POSTS", network: "linkedin",
        signature: [["post url"], ["post publish date"], ["engagements"], ["impressions"]], sheets: ["top posts"],
        read: { r in
            let keys = r.header.map(headerKey)
            let urls = keys.indices.filter { keys[$0] == "post url" }
            let dates = keys.indices.filter { keys[$0] == "post publish date" }
            let cEng = keys.firstIndex(of: "engagements"), cImpr = keys.firstIndex(of: "impressions")
            r.result.mapping = [("Post URL (both tables)", "posts.post_id, posts.url"), ("Post publish date", NativeField.publishedAt.rawValue),
                                ("Engagements", "posts.likes (LinkedIn gives no split)"), ("Impressions", NativeField.views.rawValue)]
            r.result.notes.append("LinkedIn's creator export gives Engagements per post, not likes, comments and shares: they are counted as likes (ER is right, Love/Talk/Amplification rates are not)")
            var posts: [String: NativePost] = [:]
            var order: [String] = []
            try r.forEachRow {
                // each table: its URL column, the date next to it, the metric after that
                for (i, cURL) in urls.enumerated() {
                    guard let url = r.text(cURL) else { continue }
                    guard let id = NativeFormat.linkedInPostID(url) else { r.fail(cURL, "Post URL: '\(url.prefix(60))' is not a LinkedIn post link"); continue }
                    let cDate = i < dates.count ? dates[i] : nil
                    guard let at = r.wallClock(cDate, "Post publish date", expected: "M/D/YYYY", NativeFormat.linkedInDate) else { continue }
                    var p = posts[id] ?? NativePost(id: "linkedin:\(id)", time: .local(at))
                    p.url = url
                    if let c = cEng, c > cURL, (i + 1 >= urls.count || c < urls[i + 1]) { p.likes = r.nonNegative(c, "Engagements") ?? p.likes }
                    if let c = cImpr, c > cURL, (i + 1 >= urls.count || c < urls[i + 1]) { p.views = r.nonNegative(c, "Impressions") ?? p.views }
                    if posts[id] == nil { order.append(id) }
                    posts[id] = p
                }
            }
            r.result.posts = order.map { posts[$0]! }
            r.result.rows = order.count
        })

    /// Page analytics, content export: the daily sheet (`Metrics`, older `Update metrics
    /// (aggregated)`), header on row 2.
    static let linkedInPageMetrics = NativeFormat(
        id: "linkedin-page-metrics", title: "LinkedIn Page: content metrics (days)", network: "linkedin",
        signature: [["date"], ["impressions (total)"]], sheets: ["metrics", "update metrics (aggregated)"],
        read: { r in
            let cDate = r.col(["date"], .date)
            let cImpr = r.col(["impressions (total)"], .impressions)
            let cUnique = r.col(["unique impressions (organic)"], .reachOrganic)
            r.finishHeader()
            try r.readDays(date: cDate, expected: "MM/DD/YYYY", NativeFormat.linkedInDate, [
                (cImpr, \.impressions, "Impressions (total)"), (cUnique, \.reachOrganic, "Unique impressions (organic)"),
            ])
        })

    /// Page analytics, content export: the posts sheet (`All posts`, older `Update engagement`).
    static let linkedInPagePosts = NativeFormat(
        id: "linkedin-page-posts", title: "LinkedIn Page: posts", network: "linkedin",
        signature: [["post link"], ["created date"], ["impressions"]], sheets: ["all posts", "update engagement"],
        read: { r in
            let cTitle = r.col(["post title", "update title"], .text)
            let cLink = r.col(["post link", "update link"], .postID)
            let cDate = r.col(["created date"], .publishedAt)
            let cImpr = r.col(["impressions"], .views)
            let cClicks = r.col(["clicks"], .clicks)
            let cLikes = r.col(["likes", "reactions"], .likes)
            let cComments = r.col(["comments"], .comments)
            let cShares = r.col(["reposts", "shares"], .shares)
            r.finishHeader()
            try r.forEachRow {
                guard let link = r.text(cLink) else { r.fail(cLink, "Post link: a value is required"); return }
                let id = NativeFormat.linkedInPostID(link) ?? link
                let at = r.wallClock(cDate, "Created date", expected: "MM/DD/YYYY", NativeFormat.linkedInDate)
                var p = NativePost(id: "linkedin:\(id)", time: .local(at ?? 0))
                p.url = link
                p.text = r.text(cTitle)
                p.views = r.nonNegative(cImpr, "Impressions")
                p.clicks = r.nonNegative(cClicks, "Clicks")
                p.likes = r.nonNegative(cLikes, "Likes") ?? 0
                p.comments = r.nonNegative(cComments, "Comments") ?? 0
                p.shares = r.nonNegative(cShares, "Reposts") ?? 0
                guard r.rowOK, at != nil else { return }
                r.result.posts.append(p)
                r.result.rows += 1
            }
        })

    /// Page analytics, followers export: sheet `New followers`; its `Total followers` is the
    /// day's new followers, not the follower count.
    static let linkedInPageFollowers = NativeFormat(
        id: "linkedin-page-followers", title: "LinkedIn Page: new followers", network: "linkedin",
        signature: [["date"], ["total followers"]], sheets: ["new followers"],
        read: { r in
            let cDate = r.col(["date"], .date)
            let cNew = r.col(["total followers"], .newFollowers)
            r.finishHeader()
            try r.readDays(date: cDate, expected: "MM/DD/YYYY", NativeFormat.linkedInDate, [(cNew, \.newFollowers, "Total followers")])
            r.result.notes.append("LinkedIn's 'Total followers' is the day's new followers; there are no unfollows and no total: give one with --followers N@YYYY-MM-DD")
        })

    /// Page analytics, visitors export: sheet `Visitor metrics`.
    static let linkedInPageVisitors = NativeFormat(
        id: "linkedin-page-visitors", title: "LinkedIn Page: visitors", network: "linkedin",
        signature: [["date"], ["total page views (total)"]], sheets: ["visitor metrics"],
        read: { r in
            let cDate = r.col(["date"], .date)
            let cViews = r.col(["total page views (total)"], .pageViews)
            let cUnique = r.col(["total unique visitors (total)"], .uniqueVisitors)
            r.finishHeader()
            try r.readDays(date: cDate, expected: "MM/DD/YYYY", NativeFormat.linkedInDate, [
                (cViews, \.pageViews, "Total page views (total)"), (cUnique, \.uniqueVisitors, "Total unique visitors (total)"),
            ])
        })
}

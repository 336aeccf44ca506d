import EngageCore
import EngageImport
import Foundation

/// One native export per network for the demo (issue #13), written as the networks write
/// them (NATIVE-EXPORTS.md) into `native/<network>/`, each folder imported with the options
/// a user would give: the demo shows native accounts beside the contract ones.
enum DemoNative {
    struct Folder {
        var path: String
        var options: ImportOptions
    }

    /// A small deterministic generator (the same seed gives the same files).
    struct Numbers {
        var state: UInt64
        mutating func next(_ range: ClosedRange<Int>) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return range.lowerBound + Int((state >> 33) % UInt64(range.count))
        }
    }

    static func write(to root: String, endingOn last: LocalDate, seed: UInt64) throws -> [Folder] {
        var n = Numbers(state: seed ^ 0x9E37_79B9_7F4A_7C15)
        let days = (0..<60).map { last.adding(days: -59 + $0) }
        let first = days[0]
        func dir(_ name: String) throws -> String {
            let d = (root as NSString).appendingPathComponent("native/\(name)")
            try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
            return d
        }
        func save(_ d: String, _ name: String, _ data: Data) throws {
            guard FileManager.default.createFile(atPath: (d as NSString).appendingPathComponent(name), contents: data) else {
                throw CocoaError(.fileWriteUnknown)
            }
        }
        func us(_ d: LocalDate, _ h: Int = 0, _ m: Int = 0) -> String {
            let c = d.components
            return String(format: "%02d/%02d/%04d %02d:%02d", c.month, c.day, c.year, h, m)
        }
        func zip(_ d: String, _ name: String, _ entries: [(String, Data)]) throws {
            try ArchiveWriter.zip((d as NSString).appendingPathComponent(name), entries)
        }
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        var folders: [Folder] = []

        // VK: community statistics (long, newest first, zero rows left out) and post statistics
        let vk = try dir("vk")
        var stats = "\"Дата\",\"Критерий\",\"Парам. №1\",\"Парам. №2\",\"Значение\"\n"
        var vkPosts = "\"Дата\",\"Создатель записи\",\"Запись\",\"Ссылка\",\"Охват подписчиков\",\"Виральный охват\",\"Рекламный охват\",\"Полный охват\",\"Нравится\",\"Поделились\",\"Комментариев\",\"Скрыли запись\",\"Жалобы\",\"Скрыли все записи\",\"Переходы в сообщество\",\"Подписались на страницу\",\"Переходы по ссылке\"\n"
        let vkTotal = 8_400
        for (i, d) in days.enumerated().reversed() {
            let c = d.components
            let ds = String(format: "%02d.%02d.%04d", c.day, c.month, c.year)
            let new = n.next(0...25), left = n.next(0...9)
            for (crit, p1, v) in [("views", "", n.next(100...900)), ("visitors", "", n.next(60...400)), ("reach", "", n.next(800...4000)),
                                  ("members", "Новые участники", new), ("members", "Вышедшие участники", left)] where v > 0 {
                stats += "\"\(ds)\",\"\(crit)\",\"\(p1)\",\"\",\(v)\n"
            }
            stats += "\"\(ds)\",\"gender_age\",\"Ж\",\"24-27\",\(n.next(1...40))\n"
            let reach = n.next(600...3000)
            vkPosts += "\"\(c.year)-\(String(format: "%02d-%02d", c.month, c.day)) \(n.next(8...22)):\(String(format: "%02d", n.next(0...59)))\",\"Админ\",\"Новости кофейни &#9749; день \(i + 1)...\",\"https://vk.com/wall-777_\(100 + i)\",\(reach * 3 / 4),\(reach / 4),0,\(reach),\(n.next(20...160)),\(n.next(0...12)),\(n.next(0...20)),0,0,0,\(n.next(0...30)),\(n.next(0...8)),\(n.next(0...25))\n"
        }
        try save(vk, "vkontakte_group_777.csv", Data(stats.utf8))
        try save(vk, "vk_group_reach.stat", Data(vkPosts.utf8))
        folders.append(Folder(path: vk, options: ImportOptions(account: "vk:club777", network: "vk", timezone: "Europe/Moscow",
                                                               followers: [(vkTotal, last)])))

        // Telegram Desktop: a channel's result.json (service messages, reactions, date_unixtime)
        let tg = try dir("telegram")
        var messages: [[String: Any]] = [["id": 1, "type": "service", "date": "\(first)T09:00:00", "date_unixtime": String(first.startUTC + 21_600),
                                          "action": "pin_message", "text": ""]]
        for (i, d) in days.enumerated() where i % 2 == 0 {
            let t = d.startUTC + Int64(n.next(6...19)) * 3600
            messages.append(["id": 10 + i, "type": "message", "date": "\(d)T12:00:00", "date_unixtime": String(t), "from": "Зерно",
                             "text": ["Свежая обжарка ", ["type": "bold", "text": "дня \(i + 1)"]] as [Any],
                             "reactions": [["type": "emoji", "count": n.next(5...90), "emoji": "👍"], ["type": "emoji", "count": n.next(0...20), "emoji": "🔥"]]])
        }
        let chat: [String: Any] = ["name": "Зерно — канал", "type": "public_channel", "id": 1_777_000_001, "messages": messages]
        try save(tg, "result.json", try JSONSerialization.data(withJSONObject: chat, options: [.prettyPrinted, .sortedKeys]))
        folders.append(Folder(path: tg, options: ImportOptions(timezone: "Europe/Moscow")))

        // Meta Business Suite: Facebook and Instagram post exports (BOM, Lifetime, a caption with a newline)
        let meta = try dir("meta")
        func mon(_ d: LocalDate) -> String {
            let c = d.components
            return String(format: "%@-%02d-%04d", ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][c.month - 1], c.day, c.year)
        }
        var fb = "Post ID,Page ID,Page name,Title,Description,Duration (sec),Publish time,Caption type,Permalink,Is crosspost,Is share,Post type,Languages,Custom labels,Funded content status,Data comment,Date,Views,Reach,\"Reactions, Comments and Shares\",Reactions,Comments,Shares,Total clicks,Link clicks,Other Clicks\n"
        var ig = "Post ID,Account ID,Account username,Account name,Description,Duration (sec),Publish time,Permalink,Post type,Data comment,Date,Views,Reach,Likes,Shares,Follows,Comments,Saves\n"
        for (i, d) in days.enumerated() where i % 3 == 0 {
            let views = n.next(400...5000), l = n.next(10...200), c = n.next(0...30), s = n.next(0...15)
            fb += "555_\(i),555,Zerno Coffee,,\"Day \(i + 1) at \"\"Zerno\"\"\nsee you\",,\(us(d, n.next(8...20), 15)),,https://www.facebook.com/555/posts/\(i),No,No,\(["Photos", "Videos", "Reels", "Links"][i % 4]),,,,,Lifetime,\(views),\(views * 2 / 3),\(l + c + s),\(l),\(c),\(s),\(n.next(5...60)),\(n.next(0...30)),\(n.next(0...20))\n"
            let iv = n.next(800...9000)
            ig += "556\(i),556,zerno.coffee,Zerno,\"Latte art #\(i + 1)\",0,\(us(d, n.next(9...21), 30)),https://www.instagram.com/p/z\(i)/,\(["IG image", "IG carousel", "IG reel"][i % 3]),,Lifetime,\(iv),\(iv * 3 / 5),\(n.next(40...600)),\(n.next(0...40)),\(n.next(0...10)),\(n.next(0...50)),\(n.next(0...80))\n"
        }
        try save(meta, "\(mon(first))_\(mon(last))_1931058604954295.csv", Data(bom + Array(fb.utf8)))
        try save(meta, "Insta \(mon(first))_\(mon(last))_2044.csv", Data(bom + Array(ig.utf8)))
        folders.append(Folder(path: meta, options: ImportOptions(timezone: "Europe/Moscow")))

        // X: content (times from the Snowflake ids) and the account overview
        let x = try dir("x")
        var content = "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks\n"
        var overview = "Date,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Unfollows,Replies,Reposts,Profile visits,Create Post,Video views,Media views\n"
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func xDate(_ d: LocalDate) -> String {
            let c = d.components
            return "\"\(weekdays[((d.dayNumber % 7) + 7) % 7]), \(months[c.month - 1]) \(c.day), \(c.year)\""
        }
        for (i, d) in days.enumerated() {
            overview += "\(xDate(d)),\(n.next(500...4000)),\(n.next(5...60)),\(n.next(10...90)),\(n.next(0...9)),\(n.next(0...5)),\(n.next(0...12)),\(n.next(0...6)),\(n.next(0...9)),\(n.next(0...12)),\(n.next(5...40)),\(i % 2),0,0\n"
            guard i % 2 == 1 else { continue }
            let ms = (d.startUTC + Int64(n.next(7...21)) * 3600) * 1000
            let id = UInt64(ms - 1_288_834_974_657) << 22
            content += "\(id),\(xDate(d)),\"Cold brew, day \(i + 1)\",https://x.com/zerno/status/\(id),\(n.next(300...5000)),\(n.next(3...80)),\(n.next(10...120)),\(n.next(0...9)),\(n.next(0...4)),0,\(n.next(0...10)),\(n.next(0...15)),\(n.next(0...20)),\(n.next(0...30)),\(n.next(0...25)),0,0\n"
        }
        try save(x, "account_analytics_content_\(first)_\(last).csv", Data(content.utf8))
        try save(x, "account_overview_analytics.csv", Data(overview.utf8))
        folders.append(Folder(path: x, options: ImportOptions(account: "x_zerno", network: "x", timezone: "Europe/Moscow", followers: [(3_150, last)])))

        // YouTube Studio: a ZIP with Table data.csv (the Total row first) and Totals.csv
        let yt = try dir("youtube")
        var table = "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,Likes,Comments added,Shares,Thumbnail impressions\nTotal,,,,0,0,0,0,0,0,0\n"
        var totals = "Date,Subscribers\n"
        for (i, d) in days.enumerated() {
            totals += "\(d),\(n.next(-2...9))\n"
            guard i % 7 == 3 else { continue }
            let c = d.components
            table += "vid\(1000 + i),Как сварить эспрессо \(i),\"\(months[c.month - 1]) \(c.day), \(c.year)\",\(n.next(60...900)),\(n.next(300...9000)),\(n.next(10...300)).5,\(n.next(0...40)),\(n.next(10...400)),\(n.next(0...60)),\(n.next(0...30)),\(n.next(2000...90000))\n"
        }
        try zip(yt, "Content \(first)_\(last) Zerno.zip", [("Content \(first)_\(last) Zerno/Table data.csv", Data(table.utf8)),
                                                          ("Content \(first)_\(last) Zerno/Totals.csv", Data(totals.utf8))])
        folders.append(Folder(path: yt, options: ImportOptions(account: "youtube_zerno", network: "youtube", timezone: "Europe/Moscow", followers: [(1_920, last)])))

        // TikTok Studio: Overview, FollowerHistory (a total) and Content, one ZIP each, dates without a year
        let tt = try dir("tiktok")
        let en = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        func md(_ d: LocalDate) -> String { "\(en[d.components.month - 1]) \(d.components.day)" }
        var ov = "\"Date\",\"Video Views\",\"Profile Views\",\"Likes\",\"Comments\",\"Shares\""
        var fh = "\"Date\",\"Followers\",\"Difference in followers from previous day\""
        var tc = "\"Time\",\"Video title\",\"Video link\",\"Post time\",\"Total likes\",\"Total comments\",\"Total shares\",\"Total views\""
        var total = 5_000
        for (i, d) in days.enumerated() {
            let diff = n.next(-3...30)
            total += diff
            ov += "\n\"\(md(d))\",\"\(n.next(200...6000))\",\"\(n.next(5...90))\",\"\(n.next(20...500))\",\"\(n.next(-1...30))\",\"\(n.next(0...20))\""
            fh += "\n\"\(md(d))\",\"\(total)\",\"\(diff)\""
            guard i % 4 == 2 else { continue }
            let id = (UInt64(d.startUTC + Int64(n.next(8...22)) * 3600) << 32) + UInt64(n.next(1...999_999))
            tc += "\n\"\(md(last))\",\"Бариста \(i)\",\"https://www.tiktok.com/@zerno_coffee/video/\(id)\",\"\(md(d))\",\"\(n.next(50...3000))\",\"\(n.next(0...90))\",\"\(n.next(0...60))\",\"\(n.next(900...60000))\""
        }
        try zip(tt, "Overview_\(first)_\(first.startUTC)_zerno_coffee.zip", [("Overview.csv", Data(bom + Array(ov.utf8)))])
        try zip(tt, "Followers_zerno_coffee.zip", [("FollowerHistory.csv", Data(bom + Array(fh.utf8)))])
        try zip(tt, "Content_zerno_coffee.zip", [("Content.csv", Data(bom + Array(tc.utf8)))])
        folders.append(Folder(path: tt, options: ImportOptions(timezone: "Europe/Moscow")))

        // LinkedIn creator analytics (.xlsx): FOLLOWERS with its total, ENGAGEMENT, TOP POSTS side by side
        let li = try dir("linkedin")
        func lid(_ d: LocalDate) -> String { "\(d.components.month)/\(d.components.day)/\(d.components.year)" }
        var eng: [[String]] = [["Date", "Impressions", "Engagements"]]
        var fol: [[String]] = [["Total followers on \(lid(last)):", "1,240"], [], ["Date", "New followers"]]
        var top: [[String]] = [["Maximum of 50 posts available to include in this list"], [],
                               ["Post URL", "Post publish date", "Engagements", "", "Post URL", "Post publish date", "Impressions"]]
        for (i, d) in days.enumerated() {
            eng.append([lid(d), String(n.next(50...900)), String(n.next(0...40))])
            fol.append([lid(d), String(n.next(0...6))])
            if i % 10 == 5 {
                let url = "https://www.linkedin.com/feed/update/urn:li:activity:74\(String(format: "%017d", i))"
                top.append([url, lid(d), String(n.next(5...120)), "", url, lid(d), "\(n.next(1...9)),\(n.next(100...999))"])
            }
        }
        try ArchiveWriter.xlsx((li as NSString).appendingPathComponent("AggregateAnalytics_Zerno_\(first)_\(last).xlsx"),
                               [("DISCOVERY", [["Overall Performance", "\(lid(first)) - \(lid(last))"]]), ("ENGAGEMENT", eng), ("TOP POSTS", top),
                                ("FOLLOWERS", fol), ("DEMOGRAPHICS", [["Top Demographics", "Value", "Percentage"]])])
        folders.append(Folder(path: li, options: ImportOptions(account: "linkedin_zerno", network: "linkedin", timezone: "Europe/Moscow")))
        return folders
    }
}

import EngageCore
import EngageStore
import Foundation

extension NativeFormat {
    static let metaLifetime: Set<String> = ["lifetime", "livstid", "gesamte laufzeit", "durée de vie", "весь период", "за всё время", "total"]

    /// Meta's post types in English and Swedish → Engage's `type`.
    static func metaType(_ t: String?) -> String? {
        guard let t = t?.lowercased() else { return nil }
        if t.contains("reel") { return "reel" }
        if t.contains("carousel") { return "carousel" }
        if t.contains("video") { return "video" }
        if t.contains("photo") || t.contains("foto") || t.contains("image") || t.contains("bild") { return "photo" }
        if t.contains("link") || t.contains("länk") { return "link" }
        if t.contains("status") || t.contains("text") { return "text" }
        return t
    }

    /// The columns both Meta post exports share, read into a post.
    fileprivate static func metaPosts(_ r: NativeReader, instagram: Bool) throws {
        let cID = r.col(["post id", "publicerings-id", "beitrags-id"], .postID)
        let cAccount = instagram ? r.col(["account id", "konto-id", "konto-id"], .accountID) : r.col(["page id", "sid-id", "seiten-id"], .accountID)
        let cName = instagram ? r.col(["account name", "kontonamn"], .accountName) : r.col(["page name", "sidnamn", "seitenname"], .accountName)
        let cHandle = instagram ? r.col(["account username", "kontots användarnamn"], .accountHandle) : nil
        let cText = r.col(["description", "beskrivning", "beschreibung"], .text)
        let cTitle = instagram ? nil : r.col(["title", "titel"], nil)
        let cTime = r.col(["publish time", "publiceringstid", "veröffentlichungszeitpunkt"], .publishedAt)
        let cURL = r.col(["permalink", "permalänk"], .url)
        let cType = r.col(["post type", "inläggstyp", "beitragstyp"], .type)
        let cDate = r.col(["date", "datum"], .lifetime)
        let cViews = r.col(["views", "visningar", "impressions", "aufrufe", "impressioner"], .views)
        let cReach = r.col(["reach", "räckvidd", "reichweite"], .reach)
        let cLikes = instagram ? r.col(["likes", "gilla-markeringar", "gefällt mir"], .likes) : r.col(["reactions", "reaktioner", "reaktionen"], .likes)
        let cComments = r.col(["comments", "kommentarer", "kommentare"], .comments)
        let cShares = r.col(["shares", "delningar", "geteilte inhalte"], .shares)
        let cSaves = instagram ? r.col(["saves", "sparade objekt", "gespeichert"], .saves) : nil
        let cClicks = instagram ? nil : r.col(["link clicks", "länkklick", "link-klicks"], .clicks)
        if cTitle != nil { r.result.mapping.append(("Title", "posts.text (when Description is empty)")) }
        r.finishHeader()
        if cViews == nil { r.result.notes.append("no Views (or Impressions) column: ER by views stays empty") }
        var notLifetime = 0
        var types: [String: String?] = [:]  // a file has a handful of post types
        try r.forEachRow {
            guard let id = r.text(cID) else { r.fail(cID, "Post ID: a value is required"); return }
            let at = r.wallClock(cTime, "Publish time", expected: "MM/DD/YYYY HH:MM", NativeValue.monthDayYear)
            if let d = r.text(cDate), d != "Lifetime", !NativeFormat.metaLifetime.contains(d.lowercased()) { notLifetime += 1 }
            var p = NativePost(id: "\(instagram ? "instagram" : "facebook"):\(id)", time: .local(at ?? 0))
            p.url = r.text(cURL)
            p.text = r.text(cText) ?? r.text(cTitle)
            if let t = r.text(cType) {
                if let known = types[t] { p.type = known } else { p.type = NativeFormat.metaType(t); types[t] = p.type }
            }
            p.views = r.nonNegative(cViews, "Views")
            p.reach = r.nonNegative(cReach, "Reach")
            p.likes = r.nonNegative(cLikes, instagram ? "Likes" : "Reactions") ?? 0
            p.comments = r.nonNegative(cComments, "Comments") ?? 0
            p.shares = r.nonNegative(cShares, "Shares") ?? 0
            p.saves = r.nonNegative(cSaves, "Saves")
            p.clicks = r.nonNegative(cClicks, "Link clicks")
            guard r.rowOK, at != nil else { return }
            if let a = r.text(cAccount) {
                if let known = r.result.accountNativeID, known != a {
                    r.fail(cAccount, "this file mixes accounts \(known) and \(a): export one \(instagram ? "account" : "Page") per file")
                    return
                }
                r.result.accountNativeID = a
            }
            r.result.accountName = r.result.accountName ?? r.text(cName)
            r.result.accountHandle = r.result.accountHandle ?? r.text(cHandle)
            r.result.posts.append(p)
            r.result.rows += 1
        }
        if notLifetime > 0 { r.result.notes.append("\(notLifetime) rows are not marked Lifetime: read as totals as of the export all the same") }
        // `<Mon-DD-YYYY>_<Mon-DD-YYYY>_<id>.csv`: the range's last day is when the totals were taken at the earliest
        if let end = metaRangeEnd((r.input.name as NSString).lastPathComponent) { r.result.asOf = end }
    }

    /// The last day of Meta's `Feb-01-2026_Feb-28-2026_…` file names.
    static func metaRangeEnd(_ name: String) -> LocalDate? {
        guard let m = name.range(of: #"[A-Za-z]{3}-\d{2}-\d{4}_([A-Za-z]{3})-(\d{2})-(\d{4})"#, options: .regularExpression) else { return nil }
        let parts = name[m].split(separator: "_")[1].split(separator: "-")
        guard parts.count == 3, let mo = NativeValue.month(parts[0]), let d = Int(parts[1]), let y = Int(parts[2]) else { return nil }
        return NativeValue.ymd(y, mo, d)
    }

    /// Meta Business Suite, Facebook Page posts (one row per post, lifetime totals).
    static let metaFacebookPosts = NativeFormat(
        id: "meta-facebook-posts", title: "Meta Business Suite: Facebook posts", network: "facebook",
        signature: [["post id", "publicerings-id", "beitrags-id"], ["page id", "sid-id", "seiten-id"], ["publish time", "publiceringstid", "veröffentlichungszeitpunkt"]],
        read: { try metaPosts($0, instagram: false) })

    /// Meta Business Suite, Instagram posts.
    static let metaInstagramPosts = NativeFormat(
        id: "meta-instagram-posts", title: "Meta Business Suite: Instagram posts", network: "instagram",
        signature: [["post id", "publicerings-id", "beitrags-id"], ["account username", "kontots användarnamn"], ["publish time", "publiceringstid", "veröffentlichungszeitpunkt"]],
        read: { try metaPosts($0, instagram: true) })

    /// Meta's page-level daily series: UTF-16LE, `sep=,`, the metric's name on the line
    /// above the `"Date","Primary"` header; one metric per file.
    static let metaDaily = NativeFormat(
        id: "meta-daily", title: "Meta Business Suite: daily series (one metric)", network: "facebook",
        signature: [["date", "datum"], ["primary", "primär", "primär"]],
        read: { r in
            let cDate = r.col(["date", "datum"], .date)
            let metric = (r.titleLine ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\" ,")).lowercased()
            let field: (WritableKeyPath<DailyPatch, Int?>, NativeField)?
            if metric.contains("unfollow") { field = (\.unfollows, .unfollows) }
            else if metric.contains("follow") { field = (\.newFollowers, .newFollowers) }
            else if metric.contains("viewers") || metric.contains("reach") { field = (\.reach, .dailyReach) }
            else if metric.contains("visit") { field = (\.pageViews, .pageViews) }
            else if metric.contains("view") || metric.contains("impression") { field = (\.impressions, .impressions) }
            else { field = nil }
            let cValue = r.col(["primary", "primär"], field?.1)
            r.result.mapping.insert(("metric line \"\(r.titleLine ?? "")\"", NativeField.metric.rawValue), at: 0)
            r.finishHeader()
            guard let field else {
                r.result.notes.append("the metric \"\(r.titleLine ?? "?")\" has no column in Engage (Interactions and Link clicks are per post): the file is read but nothing is stored")
                try r.forEachRow { r.result.rows += 1 }
                return
            }
            try r.readDays(date: cDate, expected: "YYYY-MM-DDTHH:MM:SS", NativeValue.yearMonthDay, [(cValue, field.0, "Primary")])
            if field.1 == .newFollowers {
                r.result.notes.append("Meta gives new follows only, not unfollows or a total: a rebuilt follower series counts no unfollows")
            }
        })
}

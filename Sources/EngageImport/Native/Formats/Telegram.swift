import EngageCore
import EngageStore
import Foundation

/// Telegram Desktop's "Export chat history" JSON (`result.json`): a channel's messages, or
/// a whole account's export with the channels under `chats.list`. There are no views and
/// no forwards in it (the exporter does not write them): reactions are the likes.
enum TelegramExport {
    static let format = NativeFormat(
        id: "telegram-json", title: "Telegram Desktop export (result.json)", network: "telegram",
        signature: [["messages"]], read: { _ in })

    /// True when the JSON object looks like a Telegram export (a chat, or a full export).
    static func looksLike(_ o: [String: Any]) -> Bool {
        if o["messages"] is [Any], o["type"] is String { return true }
        if let chats = o["chats"] as? [String: Any], chats["list"] is [Any] { return true }
        return false
    }

    /// Reads `o` into one result per channel (a chat export is one channel).
    static func read(_ o: [String: Any], input: InputFile, issues: IssueSink) -> [NativeResult] {
        var chats: [[String: Any]] = []
        if o["messages"] is [Any] {
            chats = [o]
        } else if let list = (o["chats"] as? [String: Any])?["list"] as? [Any] {
            chats = list.compactMap { $0 as? [String: Any] }.filter {
                let t = $0["type"] as? String ?? ""
                return t.hasSuffix("channel") || t == "public_supergroup" || t == "private_supergroup"
            }
        }
        var out: [NativeResult] = []
        for chat in chats {
            let r = NativeResult(format: format, file: input.name)
            r.encoding = .utf8
            let id = (chat["id"] as? NSNumber)?.stringValue ?? (chat["id"] as? String)
            r.accountNativeID = id
            r.accountName = chat["name"] as? String
            r.mapping = [("id", NativeField.postID.rawValue), ("date_unixtime (else date)", NativeField.publishedAt.rawValue),
                         ("text", NativeField.text.rawValue), ("media_type / photo / file", NativeField.type.rawValue),
                         ("reactions[].count (every kind)", NativeField.likes.rawValue)]
            r.ignored = ["type = service (joins, pins, title changes)", "from, author, edited, forwarded_from, reply_to_message_id, text_entities"]
            r.notes.append("Telegram's export has no views and no forwards: ERR and ER by views stay empty, shares and comments are 0 (posts.views would come from TGStat or the channel's statistics)")
            let messages = chat["messages"] as? [Any] ?? []
            var skipped = 0
            for (i, any) in messages.enumerated() {
                guard let m = any as? [String: Any] else { continue }
                if (m["type"] as? String) != "message" { skipped += 1; continue }
                guard let mid = (m["id"] as? NSNumber)?.stringValue else {
                    issues.error(input.name, i + 1, 1, "messages[\(i)]: a message without a numeric id")
                    continue
                }
                let time: NativePost.Time
                if let u = m["date_unixtime"] as? String, let t = Int64(u) {
                    time = .instant(t)
                } else if let d = m["date"] as? String, let t = NativeValue.yearMonthDay(d) {
                    time = .local(t)
                } else {
                    issues.error(input.name, i + 1, 1, "messages[\(i)] (id \(mid)): no date_unixtime or date")
                    continue
                }
                var p = NativePost(id: "telegram:\(id ?? "chat"):\(mid)", time: time)
                p.text = plainText(m["text"])
                if p.text?.isEmpty == true { p.text = nil }
                p.type = (m["media_type"] as? String) ?? (m["photo"] != nil ? "photo" : m["poll"] != nil ? "poll" : m["file"] != nil ? "file" : "text")
                var likes = 0
                for re in m["reactions"] as? [Any] ?? [] {
                    if let c = (re as? [String: Any])?["count"] as? NSNumber { likes = Checked.saturating(likes, max(0, c.intValue)) }
                }
                guard likes <= Limits.maxCount else {
                    issues.error(input.name, i + 1, 1, "messages[\(i)] (id \(mid)): reactions add up to more than 10^12 (Engage's limit for a count)")
                    continue
                }
                p.likes = likes
                r.posts.append(p)
                r.rows += 1
            }
            if skipped > 0 { r.notes.append("\(skipped) service messages skipped") }
            out.append(r)
        }
        return out
    }

    /// `text` is a string or an array of strings and `{type, text}` objects.
    static func plainText(_ v: Any?) -> String? {
        if let s = v as? String { return s }
        guard let parts = v as? [Any] else { return nil }
        return parts.map { p in (p as? String) ?? ((p as? [String: Any])?["text"] as? String) ?? "" }.joined()
    }
}

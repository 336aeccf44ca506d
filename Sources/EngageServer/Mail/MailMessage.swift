import Foundation

/// An e-mail: plain text, optional attachments, encoded as MIME (RFC 5322/2045): UTF-8
/// subject and names as encoded words, the body quoted-printable-free base64, lines of 76.
public struct MailMessage: Sendable, Equatable {
    public struct Attachment: Sendable, Equatable {
        public var filename: String
        public var contentType: String
        public var data: Data
        public init(filename: String, contentType: String, data: Data) {
            self.filename = filename
            self.contentType = contentType
            self.data = data
        }
    }

    public var from: String
    public var to: [String]
    public var subject: String
    public var text: String
    public var attachments: [Attachment] = []

    public init(from: String, to: [String], subject: String, text: String, attachments: [Attachment] = []) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.attachments = attachments
    }

    /// A plausible mailbox: one @, no spaces, no controls, no angle brackets or commas (an
    /// address must not be able to add a header or a recipient), at most 254 bytes.
    public static func isAddress(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              s.utf8.count <= 254 else { return false }
        return !s.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F || "<>,;:\"()[]\\".unicodeScalars.contains($0) }
    }

    /// `=?UTF-8?B?…?=` when the text is not plain ASCII.
    static func header(_ s: String) -> String {
        let clean = s.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return clean }
        return "=?UTF-8?B?" + Data(clean.utf8).base64EncodedString() + "?="
    }

    static func base64Lines(_ d: Data) -> String {
        let s = d.base64EncodedString()
        var out = ""
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 76, limitedBy: s.endIndex) ?? s.endIndex
            out += s[i..<j] + "\r\n"
            i = j
        }
        return out
    }

    /// The message as sent after DATA (CRLF line ends, no lone dot lines: base64 has none).
    public func encoded(date: Date = Date(), messageID: String = UUID().uuidString) -> String {
        let fmt = DateFormatter()
        fmt.locale = Locale(identifier: "en_US_POSIX")
        fmt.timeZone = TimeZone(identifier: "UTC")
        fmt.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        var s = "From: \(from)\r\nTo: \(to.joined(separator: ", "))\r\nSubject: \(Self.header(subject))\r\n"
        s += "Date: \(fmt.string(from: date))\r\nMessage-ID: <\(messageID)@\(domain)>\r\nMIME-Version: 1.0\r\n"
        let boundary = "engage-" + messageID
        let body = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Self.base64Lines(Data(text.utf8))
        if attachments.isEmpty { return s + body }
        s += "Content-Type: multipart/mixed; boundary=\"\(boundary)\"\r\n\r\n--\(boundary)\r\n" + body
        for a in attachments {
            let name = Self.header(a.filename).replacingOccurrences(of: "\"", with: "'")
            s += "--\(boundary)\r\nContent-Type: \(a.contentType); name=\"\(name)\"\r\nContent-Transfer-Encoding: base64\r\n"
            s += "Content-Disposition: attachment; filename=\"\(name)\"\r\n\r\n" + Self.base64Lines(a.data)
        }
        return s + "--\(boundary)--\r\n"
    }
}

/// A user agent reduced to what metrics need: its class, and whether it is a bot — a
/// crawler, a script, or one of the link-preview fetchers that messengers and networks send
/// when a link is posted. Bots are recorded but never counted.
public enum AgentClass: String, Sendable, CaseIterable {
    case bot, mobile, tablet, desktop, unknown

    public var isBot: Bool { self == .bot }

    /// Substrings (lower case) of user agents that are not people: search and SEO crawlers,
    /// link-preview fetchers (Telegram, WhatsApp, Slack, Discord, VK, Facebook, X, LinkedIn,
    /// Skype, Viber, iMessage), HTTP libraries and headless browsers.
    public static let botMarkers = [
        // "bot" covers Googlebot, bingbot, YandexBot, TelegramBot, Twitterbot, LinkedInBot,
        // Discordbot, Slackbot, Applebot, … (in-app browsers of those apps do not say "bot")
        "bot", "crawl", "spider", "slurp", "facebookexternalhit", "facebookcatalog", "meta-externalagent", "whatsapp/",
        "slack-imgproxy", "vkshare", "skypeuripreview", "viber/", "embedly", "quora link preview", "outbrain", "preview",
        "headlesschrome", "phantomjs", "curl/", "wget/", "python-requests", "python-urllib", "aiohttp", "go-http-client",
        "java/", "okhttp", "libwww-perl", "httpclient", "node-fetch", "axios/", "postmanruntime", "lighthouse", "pagespeed",
        "mediapartners-google", "google-inspectiontool", "feedfetcher", "uptimerobot", "pingdom",
    ]

    /// The class of `userAgent` (empty or missing: unknown). One pass over the ASCII-lower-cased
    /// bytes, trying only the markers that start with each byte: a few hundred nanoseconds,
    /// as the redirect path and a 10M-row click import need.
    public static func of(_ userAgent: String?) -> AgentClass {
        guard let userAgent, !userAgent.isEmpty else { return .unknown }
        var ua = Array(userAgent.utf8)
        for i in ua.indices where ua[i] >= 65 && ua[i] <= 90 { ua[i] += 32 }
        let found = Matcher.shared.find(ua)
        if found.bot { return .bot }
        if found.has(.ipad) || found.has(.tablet) || (found.has(.android) && !found.has(.mobile)) { return .tablet }
        if found.has(.mobi) || found.has(.iphone) || found.has(.android) { return .mobile }
        if found.has(.mozilla) || found.has(.opera) { return .desktop }
        return .unknown
    }

    /// The markers by first byte, and which of the device words occur.
    struct Matcher: Sendable {
        enum Word: Int, CaseIterable { case ipad, tablet, android, mobile, mobi, iphone, mozilla, opera }
        static let words: [Word: String] = [.ipad: "ipad", .tablet: "tablet", .android: "android", .mobile: "mobile", .mobi: "mobi",
                                            .iphone: "iphone", .mozilla: "mozilla/", .opera: "opera"]
        static let shared = Matcher()

        /// needle bytes, and the word it is (nil: a bot marker)
        let byFirst: [[([UInt8], Word?)]]

        init() {
            var table = Array(repeating: [([UInt8], Word?)](), count: 256)
            for m in AgentClass.botMarkers { let b = Array(m.utf8); table[Int(b[0])].append((b, nil)) }
            for (w, text) in Self.words { let b = Array(text.utf8); table[Int(b[0])].append((b, w)) }
            byFirst = table
        }

        struct Found {
            var bot = false
            var words: UInt32 = 0
            func has(_ w: Word) -> Bool { words & (1 << UInt32(w.rawValue)) != 0 }
        }

        func find(_ ua: [UInt8]) -> Found {
            var f = Found()
            ua.withUnsafeBufferPointer { p in
                let n = p.count
                for i in 0..<n {
                    for (needle, word) in byFirst[Int(p[i])] where needle.count <= n - i {
                        var j = 1
                        while j < needle.count && p[i + j] == needle[j] { j += 1 }
                        guard j == needle.count else { continue }
                        if let word { f.words |= 1 << UInt32(word.rawValue) } else { f.bot = true; return }
                    }
                }
            }
            return f
        }
    }
}

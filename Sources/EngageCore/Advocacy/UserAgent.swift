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

    /// The class of `userAgent` (empty or missing: unknown).
    public static func of(_ userAgent: String?) -> AgentClass {
        guard let ua = userAgent?.lowercased(), !ua.isEmpty else { return .unknown }
        if botMarkers.contains(where: { ua.contains($0) }) { return .bot }
        if ua.contains("ipad") || ua.contains("tablet") || (ua.contains("android") && !ua.contains("mobile")) { return .tablet }
        if ua.contains("mobi") || ua.contains("iphone") || ua.contains("android") { return .mobile }
        if ua.contains("mozilla/") || ua.contains("opera") { return .desktop }
        return .unknown
    }
}

/// A site session as imported from `sessions.csv`.
public struct SessionRecord: Sendable, Equatable {
    public var sessionID: String
    public var visitorID: String
    public var startedAt: Int64
    public var utmSource: String?
    public var utmMedium: String?
    public var referrer: String?
    public var landingPage: String?
    public var converted: Bool
    public var conversionValue: Double?
    public var lead: Bool
    /// True when no earlier session of the same visitor exists (ever).
    public var isFirstOfVisitor: Bool

    public init(sessionID: String, visitorID: String, startedAt: Int64, utmSource: String? = nil, utmMedium: String? = nil,
                referrer: String? = nil, landingPage: String? = nil, converted: Bool = false, conversionValue: Double? = nil,
                lead: Bool = false, isFirstOfVisitor: Bool = true) {
        self.sessionID = sessionID
        self.visitorID = visitorID
        self.startedAt = startedAt
        self.utmSource = utmSource
        self.utmMedium = utmMedium
        self.referrer = referrer
        self.landingPage = landingPage
        self.converted = converted
        self.conversionValue = conversionValue
        self.lead = lead
        self.isFirstOfVisitor = isFirstOfVisitor
    }
}

/// Channels and attribution of METRICS.md §2.
public enum Traffic {
    public static let direct = "direct"

    /// Referrer hosts of social networks (a host matches itself and its subdomains) and the
    /// channel each stands for.
    public static let socialHosts: [(host: String, channel: String)] = [
        ("vk.com", "vk"), ("vk.ru", "vk"), ("vkontakte.ru", "vk"),
        ("t.me", "telegram"), ("telegram.me", "telegram"), ("telegram.org", "telegram"),
        ("instagram.com", "instagram"),
        ("facebook.com", "facebook"), ("fb.com", "facebook"), ("fb.me", "facebook"),
        ("linkedin.com", "linkedin"), ("lnkd.in", "linkedin"),
        ("x.com", "x"), ("twitter.com", "x"), ("t.co", "x"),
        ("ok.ru", "ok"), ("odnoklassniki.ru", "ok"),
        ("youtube.com", "youtube"), ("youtu.be", "youtube"),
        ("tiktok.com", "tiktok"), ("dzen.ru", "dzen"), ("zen.yandex.ru", "dzen"),
        ("rutube.ru", "rutube"), ("pinterest.com", "pinterest"), ("reddit.com", "reddit"),
        ("threads.net", "threads"),
    ]

    /// Channel names that count as social networks when they arrive as `utm_source`.
    public static let socialChannels: Set<String> = Set(socialHosts.map(\.channel)).union([
        "vkontakte", "вконтакте", "вк", "tg", "ig", "fb", "twitter", "одноклассники", "yt",
    ])

    /// The host of a referrer URL (or of a bare host), lower-cased, without `www.`.
    public static func host(ofReferrer referrer: String) -> String? {
        var s = Substring(referrer.lowercased())
        if let r = s.range(of: "://") { s = s[r.upperBound...] }
        if let slash = s.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { s = s[..<slash] }
        if let at = s.lastIndex(of: "@") { s = s[s.index(after: at)...] }
        if let colon = s.firstIndex(of: ":") { s = s[..<colon] }
        if s.hasPrefix("www.") { s = s.dropFirst(4) }
        return s.isEmpty ? nil : String(s)
    }

    /// The session's channel: its `utm_source` (lower-cased); else the social network of its
    /// referrer host; else `direct`.
    public static func channel(utmSource: String?, referrer: String?) -> String {
        if let s = utmSource?.trimmingSpaces, !s.isEmpty { return s.lowercased() }
        if let r = referrer, let h = host(ofReferrer: r) {
            for (host, ch) in socialHosts where h == host || h.hasSuffix("." + host) { return ch }
        }
        return direct
    }

    /// Social when the channel is a social network or `utm_medium` is `social` or `smm`.
    public static func isSocial(channel: String, utmMedium: String?) -> Bool {
        if socialChannels.contains(channel) { return true }
        let m = utmMedium?.lowercased()
        return m == "social" || m == "smm"
    }

    public static func channel(of s: SessionRecord) -> String { channel(utmSource: s.utmSource, referrer: s.referrer) }
    public static func isSocial(_ s: SessionRecord) -> Bool { isSocial(channel: channel(of: s), utmMedium: s.utmMedium) }

    /// The attribution window: sessions of the 30 days before a conversion, up to and including it.
    public static let attributionWindowSeconds: Int64 = 30 * 86_400

    /// Last-click and assisted conversions per channel.
    /// - Parameters:
    ///   - conversions: converting sessions of the period.
    ///   - paths: every session of the converting visitors that may fall in a window.
    public static func attribute(conversions: [SessionRecord], paths: [SessionRecord])
        -> [String: (lastClick: Int, assisted: Int)]
    {
        var byVisitor: [String: [SessionRecord]] = [:]
        for s in paths { byVisitor[s.visitorID, default: []].append(s) }
        for k in byVisitor.keys { byVisitor[k]!.sort { ($0.startedAt, $0.sessionID) < ($1.startedAt, $1.sessionID) } }
        var out: [String: (lastClick: Int, assisted: Int)] = [:]
        for c in conversions {
            let path = (byVisitor[c.visitorID] ?? []).filter {
                $0.startedAt >= c.startedAt - attributionWindowSeconds
                    && ($0.startedAt, $0.sessionID) <= (c.startedAt, c.sessionID)
            }
            let touches = (path.isEmpty ? [c] : path).map(channel(of:))
            let last = touches.last(where: { $0 != direct }) ?? direct
            out[last, default: (0, 0)].lastClick += 1
            for ch in Set(touches) where ch != last { out[ch, default: (0, 0)].assisted += 1 }
        }
        return out
    }
}

/// METRICS.md §2 for one period.
public struct TrafficMetrics: Sendable {
    public struct ChannelFigures: Sendable, Equatable {
        public var channel: String
        public var sessions: Int
        public var social: Bool
        public var lastClickConversions: Int
        public var assistedConversions: Int
        public var assistedToLastClickRatio: Double? { ratio(Double(assistedConversions), Double(lastClickConversions)) }
    }

    public var sessions: Int
    public var socialSessions: Int
    public var newVisits: Int
    public var returningVisits: Int
    public var leads: Int
    public var conversions: Int
    public var cpl: Double?
    public var channels: [ChannelFigures]

    /// - Parameters:
    ///   - sessions: sessions started in the period.
    ///   - paths: sessions of converting visitors in the 30 days before the period and in it.
    ///   - ownSpend: total spend of all own (non-competitor) accounts in the period.
    public init(sessions: [SessionRecord], paths: [SessionRecord], ownSpend: Double?) {
        var social = 0, new = 0, returning = 0, leads = 0
        var perChannel: [String: (sessions: Int, social: Bool)] = [:]
        for s in sessions {
            let ch = Traffic.channel(of: s)
            let isSocial = Traffic.isSocial(channel: ch, utmMedium: s.utmMedium)
            perChannel[ch, default: (0, false)].sessions += 1
            if isSocial {
                perChannel[ch]!.social = true
                social += 1
                if s.isFirstOfVisitor { new += 1 } else { returning += 1 }
                if s.lead { leads += 1 }
            }
        }
        let conversions = sessions.filter(\.converted)
        let attributed = Traffic.attribute(conversions: conversions, paths: paths)
        for ch in attributed.keys where perChannel[ch] == nil {
            perChannel[ch] = (0, Traffic.socialChannels.contains(ch))
        }
        self.sessions = sessions.count
        socialSessions = social
        newVisits = new
        returningVisits = returning
        self.leads = leads
        self.conversions = conversions.count
        cpl = ratio(ownSpend, Double(leads))
        channels = perChannel.map { ch, v in
            ChannelFigures(channel: ch, sessions: v.sessions, social: v.social,
                           lastClickConversions: attributed[ch]?.lastClick ?? 0,
                           assistedConversions: attributed[ch]?.assisted ?? 0)
        }.sorted { ($0.sessions, $1.channel) > ($1.sessions, $0.channel) }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// Earned media value: Σ over actions of count × value per action, per network, with the
/// date from which each value applies (a new value never rewrites earlier months).
///
/// The defaults follow the shape of Dynamic Signal's published formula — EMV = CPM ×
/// impressions / 1,000 + CPC × (reaction multiplier × reactions + clicks) — with CPM 10.80
/// (Duel's published Instagram CPM benchmark, USD) for every network. CPC (0.90) and the
/// per-reaction values (like 0.10, comment 0.45, share 0.90: CPC × 0.11, × 0.5, × 1) are
/// Engage's own assumptions, stated so they can be replaced: set your own per network and
/// action (docs/metrics.md).
public struct EMVRates: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable {
        case impressions, clicks, likes, comments, shares
    }

    public struct Rate: Sendable, Equatable {
        /// `*` applies to every network without a rate of its own.
        public var network: String
        public var action: Action
        /// Money per action (per 1,000 for impressions).
        public var value: Double
        public var from: LocalDate
        public init(network: String, action: Action, value: Double, from: LocalDate) {
            self.network = network.lowercased()
            self.action = action
            self.value = value
            self.from = from
        }
    }

    public var rates: [Rate]
    public init(rates: [Rate]) { self.rates = rates }

    public static let defaultStart = LocalDate(year: 2000, month: 1, day: 1)
    public static let defaults = EMVRates(rates: [
        Rate(network: "*", action: .impressions, value: 10.80, from: defaultStart),
        Rate(network: "*", action: .clicks, value: 0.90, from: defaultStart),
        Rate(network: "*", action: .likes, value: 0.10, from: defaultStart),
        Rate(network: "*", action: .comments, value: 0.45, from: defaultStart),
        Rate(network: "*", action: .shares, value: 0.90, from: defaultStart),
    ])

    /// These rates with `others` added; an added rate replaces one of the same network,
    /// action and start date.
    public func overridden(by others: [Rate]) -> EMVRates {
        var out = rates.filter { r in !others.contains { $0.network == r.network && $0.action == r.action && $0.from == r.from } }
        out += others
        return EMVRates(rates: out)
    }

    /// The value of one `action` on `network` on `date`: the network's latest rate dated on or
    /// before it, else the `*` rate; 0 when none applies.
    public func value(_ action: Action, network: String, on date: LocalDate) -> Double {
        let n = network.lowercased()
        func latest(_ net: String) -> Rate? {
            rates.filter { $0.network == net && $0.action == action && $0.from <= date }.max { $0.from < $1.from }
        }
        return (latest(n) ?? latest("*"))?.value ?? 0
    }

    /// One network-day of shares, summed.
    public struct Day: Sendable, Equatable {
        public var network: String
        public var date: LocalDate
        public var impressions = 0, clicks = 0, likes = 0, comments = 0, shares = 0
        public init(network: String, date: LocalDate, impressions: Int = 0, clicks: Int = 0, likes: Int = 0, comments: Int = 0, shares: Int = 0) {
            self.network = network
            self.date = date
            self.impressions = impressions
            self.clicks = clicks
            self.likes = likes
            self.comments = comments
            self.shares = shares
        }
    }

    public func value(of days: [Day]) -> Double {
        days.reduce(0) { sum, d in
            sum + Double(d.impressions) / 1000 * value(.impressions, network: d.network, on: d.date)
                + Double(d.clicks) * value(.clicks, network: d.network, on: d.date)
                + Double(d.likes) * value(.likes, network: d.network, on: d.date)
                + Double(d.comments) * value(.comments, network: d.network, on: d.date)
                + Double(d.shares) * value(.shares, network: d.network, on: d.date)
        }
    }
}

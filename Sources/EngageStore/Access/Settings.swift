import EngageCore

/// Instance settings kept in the database (`settings`), shared by every instance: the
/// session secret, the organisation's time zone, the survey threshold, visitor salts.
public struct Settings: Sendable {
    public let store: any Store
    public init(store: any Store) { self.store = store }


    /// The value of setting `name`; when unset, `make()` is stored first (by whichever
    /// instance gets there first: every instance then reads the same value).
    public func value(_ name: String, orInit make: () -> String) async throws -> String {
        let rows = try await store.execute([
            SQLStatement("INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING", [.text(name), .text(make())]),
            SQLStatement("SELECT value FROM settings WHERE name = ?1", [.text(name)]),
        ])
        guard let v = rows.first?.first?.text else { throw StoreError("setting \(name) could not be stored") }
        return v
    }

    /// The random salt of visitor hashes for UTC day `day`, shared by every instance; older
    /// days' salts are deleted, so their hashes can never be recomputed. While the database
    /// is locked for writing (an import on SQLite, whose single file one instance serves),
    /// the salt made here is returned without being stored.
    public func visitorSalt(day: Int, make: () -> String) async throws -> String {
        let name = "visitor_salt_\(day)"
        if let v = try await value(name) { return v }
        let fresh = make()
        let rows = try await store.executeIfIdle([
            SQLStatement("INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING", [.text(name), .text(fresh)]),
            SQLStatement("DELETE FROM settings WHERE name LIKE 'visitor_salt_%' AND name <> ?1", [.text(name)]),
            SQLStatement("SELECT value FROM settings WHERE name = ?1", [.text(name)]),
        ])
        return rows?.first?.first?.text ?? fresh
    }

    /// The value of setting `name`, if set.
    public func value(_ name: String) async throws -> String? {
        try await store.execute("SELECT value FROM settings WHERE name = ?1", [.text(name)]).first?.first?.text
    }

    public func set(_ name: String, _ value: String) async throws {
        try await store.execute("INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                                [.text(name), .text(value)])
    }

    /// The organisation's time zone (setting `org_timezone`, `engage config timezone`): the
    /// zone advocacy periods are cut in. UTC when unset.
    public static let orgTimeZoneSetting = "org_timezone"

    /// The organisation's time zone (UTC when unset).
    public func orgTimeZone() async throws -> String {
        try await value(Self.orgTimeZoneSetting) ?? "UTC"
    }

    /// Sets the organisation's time zone: an IANA name such as Europe/Moscow.
    public func setOrgTimeZone(_ zone: String) async throws {
        guard ZoneClock(identifier: zone) != nil else {
            throw StoreError.invalid("unknown time zone '\(zone)' (use an IANA name such as Europe/Moscow)")
        }
        try await set(Self.orgTimeZoneSetting, zone)
    }

    /// The zone a report period is cut in: `override`, else the organisation's setting, else
    /// UTC; with the period's bounds as instants and the offset its days are cut at.
    public func periodCut(_ period: Period, override: String?) async throws -> (zone: String, from: Int64, to: Int64, shift: Int) {
        var zoneName = "UTC"
        if let override { zoneName = override } else if let set = try await value(Self.orgTimeZoneSetting) { zoneName = set }
        guard var clock = ZoneClock(identifier: zoneName) else { throw StoreError.invalid("unknown time zone '\(zoneName)'") }
        let from = clock.startOfDay(period.from), to = clock.startOfDay(period.to.adding(days: 1))
        // days within the period are cut at the offset of its first day (exact for zones
        // without daylight saving time, such as Russia's; within an hour around a change)
        return (zoneName, from, to, clock.offset(atUTC: from))
    }
}

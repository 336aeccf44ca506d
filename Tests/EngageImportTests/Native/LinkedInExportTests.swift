import EngageCore
@testable import EngageImport
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// LinkedIn's workbooks: the creator export (.xlsx, five sheets, two tables side by side)
/// and the Page exports (.xls with a note on row 1 and the header on row 2).
@Suite(.tags(.medium)) struct LinkedInExportTests {
    static let creator: [(String, [[String]])] = [
        ("DISCOVERY", [["Overall Performance", "11/1/2026 - 11/3/2026"], ["Impressions", "1,234"], ["Members reached", "800"]]),
        ("ENGAGEMENT", [["Date", "Impressions", "Engagements"], ["11/1/2026", "400", "20"], ["11/2/2026", "434", "25"], ["11/3/2026", "400", "15"]]),
        ("TOP POSTS", [["Maximum of 50 posts available to include in this list"], [],
                       ["Post URL", "Post publish date", "Engagements", "", "Post URL", "Post publish date", "Impressions"],
                       ["https://www.linkedin.com/feed/update/urn:li:activity:7390000000000000001", "11/1/2026", "30", "",
                        "https://www.linkedin.com/feed/update/urn:li:activity:7390000000000000002", "11/2/2026", "900"],
                       ["https://www.linkedin.com/feed/update/urn:li:activity:7390000000000000002", "11/2/2026", "12", "",
                        "https://www.linkedin.com/feed/update/urn:li:activity:7390000000000000001", "11/1/2026", "1,500"]]),
        ("FOLLOWERS", [["Total followers on 11/3/2026:", "2,000"], [], ["Date", "New followers"], ["11/1/2026", "3"], ["11/2/2026", "0"], ["11/3/2026", "7"]]),
        ("DEMOGRAPHICS", [["Top Demographics", "Value", "Percentage"], ["Job titles", "Engineer", "< 1%"]]),
    ]

    @Test(arguments: engines) func creatorWorkbook(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let path = try NativeFiles.xlsx(dir, "AggregateAnalytics_Ivan_2026-11-01_2026-11-03.xlsx", Self.creator)
            guard case .success(let s) = try await importNative([path], into: store, ImportOptions(account: "li_ivan")) else { Issue.record("refused"); return }
            // the total on the 3rd walks back: 2000 − 7 = 1993 on the 2nd, 1993 − 0 on the 1st
            #expect(try await store.rows("SELECT day, followers, followers_given, new_followers, impressions FROM account_daily ORDER BY day") == [
                "\(day("2026-11-01"))|1993|0|3|400", "\(day("2026-11-02"))|1993|0|0|434", "\(day("2026-11-03"))|2000|1|7|400",
            ])
            // the two tables merged by URL
            #expect(try await store.rows("SELECT post_id, day, likes, views FROM posts ORDER BY post_id") == [
                "linkedin:7390000000000000001|\(day("2026-11-01"))|30|1500", "linkedin:7390000000000000002|\(day("2026-11-02"))|12|900",
            ])
            #expect(s.reports.map(\.file).contains("\(path):TOP POSTS"))
        }
    }

    @Test(arguments: engines) func creatorWorkbookWithoutAReadSheetIsRefused(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let path = try NativeFiles.xlsx(dir, "AggregateAnalytics.xlsx", Self.creator.filter { $0.0 != "FOLLOWERS" })
            guard case .failure(let e) = try await importNative([path], into: store, ImportOptions(account: "li")) else { Issue.record("accepted"); return }
            #expect(e.errors.map(\.message) == ["a LinkedIn creator analytics workbook without the sheet 'FOLLOWERS' (expected DISCOVERY, ENGAGEMENT, TOP POSTS, FOLLOWERS, DEMOGRAPHICS)"])
            #expect(try await store.counts()["accounts"] == 0)
        }
    }

    @Test(arguments: engines) func pageExportsAsLegacyXLS(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let note = ["Aggregated metrics for all updates, by day. Data for the last 365 days."]
            let content = try NativeFiles.xls(dir, "zerno_content_1764547200000.xls", [
                ("Metrics", [note, ["Date", "Impressions (organic)", "Impressions (sponsored)", "Impressions (total)", "Unique impressions (organic)", "Clicks (total)"],
                             ["11/01/2026", "90", "10", "100", "70", "4"], ["11/02/2026", "50", "0", "50", "40", "1"]]),
                ("All posts", [note, ["Post title", "Post link", "Post type", "Campaign name", "Posted by", "Created date", "Impressions", "Clicks", "Likes", "Comments", "Reposts", "Follows", "Engagement rate"],
                               ["Harvest", "https://www.linkedin.com/feed/update/urn:li:activity:7391111111111111111", "Organic", "", "Ivan", "11/01/2026", "100", "4", "9", "2", "1", "0", "0.16"]]),
            ])
            let followers = try NativeFiles.xls(dir, "zerno_followers_1764547200000.xls", [
                ("New followers", [["Date", "Sponsored followers", "Organic followers", "Auto-invited followers", "Total followers"],
                                   ["11/01/2026", "0", "4", "0", "4"], ["11/02/2026", "1", "1", "0", "2"]]),
                ("Location", [["Location", "Total followers"], ["Moscow", "100"]]),
            ])
            guard case .success = try await importNative([content, followers], into: store,
                                                          ImportOptions(account: "li_zerno", followers: [(500, LocalDate("2026-11-02")!)])) else {
                Issue.record("refused"); return
            }
            #expect(try await store.rows("SELECT day, followers, new_followers, impressions, reach_organic FROM account_daily ORDER BY day") == [
                "\(day("2026-11-01"))|498|4|100|70", "\(day("2026-11-02"))|500|2|50|40",
            ])
            #expect(try await store.rows("SELECT post_id, text, likes, comments, shares, views, clicks FROM posts") == [
                "linkedin:7391111111111111111|Harvest|9|2|1|100|4",
            ])
        }
    }

    /// A few bytes can declare a sheet of 65,536 × 256 cells: refused by its declared size,
    /// never read cell by cell.
    @Test func aSheetDeclaringMillionsOfCellsIsRefused() async throws {
        try await withStore(.sqlite) { store, dir in
            var rows = [[String]](repeating: [], count: 65_536)
            rows[0] = ["Date", "Total followers"]
            rows[65_535] = [String](repeating: "", count: 255) + ["1"]
            let path = try NativeFiles.xls(dir, "zerno_followers_1.xls", [("New followers", rows)])
            guard case .failure(let e) = try await importNative([path], into: store, ImportOptions(account: "li")) else { Issue.record("accepted"); return }
            #expect(e.errors.map(\.message) == ["the sheet 'New followers' spans 65536 rows × 256 columns: more than 5000000 cells (see docs/import.md#limits)"])
        }
    }

    @Test(arguments: engines) func aDamagedWorkbookIsRefused(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let bad = try NativeFiles.file(dir, "page_followers.xls", Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 100)))
            guard case .failure(let e) = try await importNative([bad], into: store, ImportOptions(account: "li")) else { Issue.record("accepted"); return }
            #expect(e.errors.first?.message.contains("not a readable Excel workbook") == true)
        }
    }
}

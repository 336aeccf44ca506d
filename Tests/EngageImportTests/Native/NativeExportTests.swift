import EngageCore
@testable import EngageImport
import EngageReports
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// Each native format imported from a file shaped like the real one (NATIVE-EXPORTS.md),
/// checked against hand-computed values, on both engines.
@Suite(.tags(.medium)) struct NativeExportTests {
    // VK: newest day first, zero rows left out (2026-03-02 has none), a breakdown row ignored.
    static let vkCommunity = """
        "Дата","Критерий","Парам. №1","Парам. №2","Значение"
        "03.03.2026","views","","",40
        "03.03.2026","members","Новые участники","",5
        "03.03.2026","members","Вышедшие участники","",1
        "03.03.2026","gender_age","М","24-27",1
        "01.03.2026","views","","",30
        "01.03.2026","members","Новые участники","",2
        "01.03.2026","reach","","",300

        """
    // a post at 23:30 Moscow time: 20:30 UTC, still March 1st locally
    static let vkPosts = """
        "Дата","Создатель записи","Запись","Ссылка","Охват подписчиков","Виральный охват","Рекламный охват","Полный охват","Нравится","Поделились","Комментариев","Скрыли запись","Жалобы","Скрыли все записи","Переходы в сообщество","Подписались на страницу","Переходы по ссылке"
        "2026-03-01 23:30","Дима (https://vk.com/id1)","Курс ""Python"" &#128526;...","https://vk.com/wall-181854671_49",140,558,0,686,52,8,3,0,0,0,24,8,3
        "2026-03-03 9:05","Дима (https://vk.com/id1)","Второй","https://vk.com/wall-181854671_50",10,0,0,10,1,0,0,0,0,0,0,0,0

        """

    @Test(arguments: engines) func vkCommunityAndPostsWithAFollowerTotal(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let a = try NativeFiles.file(dir, "vk_stats.csv", NativeFiles.utf8(Self.vkCommunity))
            let b = try NativeFiles.file(dir, "vk_group_reach.stat", NativeFiles.utf8(Self.vkPosts))
            let options = ImportOptions(account: "vk_brand", timezone: "Europe/Moscow", followers: [(1000, LocalDate("2026-03-03")!)])
            guard case .success = try await importNative([a, b], into: store, options) else { Issue.record("refused"); return }
            // followers walked back from 1,000 on the 3rd: 1000 − 5 + 1 = 996 on the 2nd, the same on the 1st
            #expect(try await store.rows("SELECT day, followers, followers_given, new_followers, unfollows, reach, page_views FROM account_daily ORDER BY day") == [
                "\(day("2026-03-01"))|996|0|2|0|300|30", "\(day("2026-03-02"))|996|0|0|0|0|0", "\(day("2026-03-03"))|1000|1|5|1|0|40",
            ])
            #expect(try await store.rows("SELECT post_id, published_at, day, hour, text, likes, comments, shares, views, reach, clicks FROM posts ORDER BY post_id") == [
                "vk:wall-181854671_49|1772397000|\(day("2026-03-01"))|23|Курс \"Python\" 😎...|52|3|8|∅|686|3",
                "vk:wall-181854671_50|1772517900|\(day("2026-03-03"))|9|Второй|1|0|0|∅|10|0",
            ])
            #expect(try await store.rows("SELECT account_id, network, timezone FROM accounts") == ["vk_brand|vk|Europe/Moscow"])
            let report = try await SocialReportBuilder(store: store).build(period: Period(from: LocalDate("2026-03-01")!, to: LocalDate("2026-03-03")!))
            let m = try #require(report.accounts.first).metrics
            #expect(m.followersEnd == 1000)
            #expect(m.engagements == 64)
        }
    }

    @Test(arguments: engines) func aFileThatNamesNoAccountIsRefusedWithoutAccount(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let a = try NativeFiles.file(dir, "stats.csv", NativeFiles.utf8(Self.vkCommunity))
            guard case .failure(let e) = try await importNative([a], into: store) else { Issue.record("accepted"); return }
            #expect(e.errors.count == 1)
            #expect(e.errors[0].description.contains("does not say which account") && e.errors[0].description.contains("--account"))
            let c = try await store.counts()
            #expect(c["account_daily"] == 0 && c["accounts"] == 0)
        }
    }

    @Test(arguments: engines) func withoutAnyTotalFollowerMetricsStayEmpty(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let a = try NativeFiles.file(dir, "stats.csv", NativeFiles.utf8(Self.vkCommunity))
            guard case .success(let s) = try await importNative([a], into: store, ImportOptions(account: "vk_brand")) else { Issue.record("refused"); return }
            #expect(s.warnings.contains { $0.message.contains("no follower total is known") })
            #expect(try await store.rows("SELECT COUNT(*) FROM account_daily WHERE followers IS NULL") == ["3"])
            let report = try await SocialReportBuilder(store: store).build(period: Period(from: LocalDate("2026-03-01")!, to: LocalDate("2026-03-03")!))
            #expect(report.accounts.first?.metrics.followersEnd == nil)
            // the report says why, and which file would fill it
            #expect(report.accounts.first?.missingInputs == ["followers"])
            #expect(SocialMarkdownRenderer(lang: .en).render(report).contains("give a total with engage import --followers N@YYYY-MM-DD"))
            // a total given later fills the series from the stored changes
            guard case .success = try await importNative([], into: store, ImportOptions(account: "vk_brand", followers: [(500, LocalDate("2026-03-01")!)])) else {
                Issue.record("refused"); return
            }
            #expect(try await store.rows("SELECT followers FROM account_daily ORDER BY day") == ["500", "500", "504"])
        }
    }

    @Test(arguments: engines) func telegramChannelExport(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            // date is the exporting machine's clock (3 hours ahead): date_unixtime wins
            let json = """
                {"name": "Зерно", "type": "public_channel", "id": 1234567890, "messages": [
                 {"id": 1, "type": "service", "date": "2026-03-01T10:00:00", "date_unixtime": "1772348400", "action": "create_channel"},
                 {"id": 2, "type": "message", "date": "2026-03-01T12:00:00", "date_unixtime": "1772355600", "from": "Зерно",
                  "text": ["Новый ", {"type": "bold", "text": "урожай"}, "!"], "photo": "photos/1.jpg",
                  "reactions": [{"type": "emoji", "count": 5, "emoji": "👍"}, {"type": "custom_emoji", "count": 2, "document_id": "1"}, {"type": "paid", "count": 1}]},
                 {"id": 3, "type": "message", "date": "2026-03-02T08:00:00", "date_unixtime": "1772427600", "text": "plain"}
                ]}
                """
            let path = try NativeFiles.file(dir, "result.json", NativeFiles.utf8(json))
            guard case .success(let s) = try await importNative([path], into: store) else { Issue.record("refused"); return }
            #expect(try await store.rows("SELECT account_id, network, name FROM accounts") == ["telegram:1234567890|telegram|Зерно"])
            #expect(try await store.rows("SELECT post_id, published_at, type, text, likes, comments, shares, views FROM posts ORDER BY post_id") == [
                "telegram:1234567890:2|1772355600|photo|Новый урожай!|8|0|0|∅", "telegram:1234567890:3|1772427600|text|plain|0|0|0|∅",
            ])
            #expect(s.reports.first?.notes.contains { $0.contains("1 service messages skipped") } == true)
        }
    }

    @Test(arguments: engines) func telegramFullExportGivesOneAccountPerChannel(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let json = """
                {"about": "full export", "chats": {"about": "", "list": [
                 {"name": "A", "type": "public_channel", "id": 1, "messages": [{"id": 1, "type": "message", "date": "2026-03-01T12:00:00", "date_unixtime": "1772355600", "text": "a"}]},
                 {"name": "Friend", "type": "personal_chat", "id": 7, "messages": [{"id": 1, "type": "message", "date": "2026-03-01T12:00:00", "date_unixtime": "1772355600", "text": "private"}]},
                 {"name": "B", "type": "private_channel", "id": 2, "messages": [{"id": 5, "type": "message", "date": "2026-03-01T12:00:00", "date_unixtime": "1772355600", "text": "b"}]}
                ]}}
                """
            let path = try NativeFiles.file(dir, "result.json", NativeFiles.utf8(json))
            guard case .success = try await importNative([path], into: store) else { Issue.record("refused"); return }
            #expect(try await store.rows("SELECT account_id FROM accounts ORDER BY account_id") == ["telegram:1", "telegram:2"])
            #expect(try await store.rows("SELECT post_id FROM posts ORDER BY post_id") == ["telegram:1:1", "telegram:2:5"])
        }
    }

    // A caption with an embedded newline and quotes; an older file says Impressions.
    static let metaFacebook = """
        Post ID,Page ID,Page name,Title,Description,Duration (sec),Publish time,Caption type,Permalink,Is crosspost,Is share,Post type,Languages,Custom labels,Funded content status,Data comment,Date,Impressions,Reach,"Reactions, Comments and Shares",Reactions,Comments,Shares,Total clicks,Link clicks,Other Clicks
        111_222,111,Zerno,,"Line one
        ""quoted"" line two",,03/01/2026 23:45,,https://www.facebook.com/111/posts/222,No,No,Photos,,,,,Lifetime,"1,200",900,63,50,8,5,40,12,28
        111_333,111,Zerno,Clip,,30,03/02/2026 07:05,,https://www.facebook.com/111/posts/333,No,No,Videos,,,,,Lifetime,300,250,6,6,0,0,,,

        """

    @Test(arguments: engines) func metaFacebookPostsNameTheirPage(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let path = try NativeFiles.file(dir, "Mar-01-2026_Mar-31-2026_1931058604954295.csv", NativeFiles.utf8(Self.metaFacebook, bom: true))
            guard case .success(let s) = try await importNative([path], into: store, ImportOptions(timezone: "Europe/Stockholm")) else { Issue.record("refused"); return }
            #expect(try await store.rows("SELECT account_id, network, name, timezone FROM accounts") == ["facebook:111|facebook|Zerno|Europe/Stockholm"])
            // 23:45 in Stockholm (UTC+1) = 22:45 UTC
            #expect(try await store.rows("SELECT post_id, published_at, hour, type, text, likes, comments, shares, views, reach, clicks, as_of FROM posts ORDER BY post_id") == [
                "facebook:111_222|1772405100|23|photo|Line one\n\"quoted\" line two|50|8|5|1200|900|12|\(day("2026-03-31"))",
                "facebook:111_333|1772431500|7|video|Clip|6|0|0|300|250|∅|\(day("2026-03-31"))",
            ])
            #expect(s.reports.first?.encoding == "UTF-8 with BOM")
            #expect(s.reports.first?.mapping.contains { $0.column == "Impressions" && $0.field == "posts.views" } == true)
        }
    }

    @Test(arguments: engines) func anOlderExportNeverOverwritesANewerOne(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let newer = try NativeFiles.file(dir, "new/Mar-01-2026_Apr-30-2026_1.csv", NativeFiles.utf8(Self.metaFacebook, bom: true))
            let older = try NativeFiles.file(dir, "old/Mar-01-2026_Mar-31-2026_1.csv",
                                            NativeFiles.utf8(Self.metaFacebook.replacingOccurrences(of: "900,63,50", with: "800,13,1"), bom: true))
            guard case .success = try await importNative([newer], into: store) else { Issue.record("refused"); return }
            let rollup = try await store.rollupSnapshot()
            guard case .success(let s) = try await importNative([older], into: store) else { Issue.record("refused"); return }
            #expect(s.warnings.contains { $0.message.contains("2 posts kept as stored") })
            #expect(try await store.rows("SELECT likes, reach FROM posts WHERE post_id = 'facebook:111_222'") == ["50|900"])
            #expect(try await store.rollupSnapshot() == rollup)
            // the same export again updates in place: nothing doubles
            guard case .success = try await importNative([newer], into: store) else { Issue.record("refused"); return }
            #expect(try await store.counts()["posts"] == 2)
            #expect(try await store.rollupSnapshot() == rollup)
        }
    }

    @Test(arguments: engines) func metaInstagramPostsInSwedish(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let csv = """
                Publicerings-id,Konto-id,Kontots användarnamn,Kontonamn,Beskrivning,Varaktighet (sek),Publiceringstid,Permalänk,Inläggstyp,Datakommentar,Datum,Visningar,Räckvidd,Gilla-markeringar,Delningar,Följer,Kommentarer,Sparade objekt,Account ID,Account username,Account name
                180,178,zerno,Zerno,"Hej ""alla""
                ny rad, och komma",0,02/04/2026 07:45,https://www.instagram.com/p/x/,IG-bild,,Livstid,500,400,30,2,1,4,6,178,zerno,Zerno

                """
            let path = try NativeFiles.file(dir, "Insta riks.csv", NativeFiles.utf8(csv, bom: true))
            guard case .success = try await importNative([path], into: store) else { Issue.record("refused"); return }
            #expect(try await store.rows("SELECT account_id, network, handle FROM accounts") == ["instagram:178|instagram|zerno"])
            #expect(try await store.rows("SELECT post_id, type, text, likes, comments, shares, saves, views, reach FROM posts") == [
                "instagram:180|photo|Hej \"alla\"\nny rad, och komma|30|4|2|6|500|400",
            ])
        }
    }

    @Test(arguments: engines) func metaDailyFollowsInUTF16(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let text = "sep=,\r\n\"Facebook follows\"\r\n\"Date\",\"Primary\"\r\n\"2026-03-01T00:00:00\",\"20\"\r\n\"2026-03-02T00:00:00\",\"0\"\r\n\"2026-03-03T00:00:00\",\"5\"\r\n"
            let path = try NativeFiles.file(dir, "Follows.csv", NativeFiles.utf16LE(text))
            guard case .success(let s) = try await importNative([path], into: store, ImportOptions(account: "fb", followers: [(100, LocalDate("2026-03-03")!)])) else {
                Issue.record("refused"); return
            }
            #expect(s.reports.first?.encoding == "UTF-16LE")
            #expect(try await store.rows("SELECT day, followers, new_followers FROM account_daily ORDER BY day") == [
                "\(day("2026-03-01"))|95|20", "\(day("2026-03-02"))|95|0", "\(day("2026-03-03"))|100|5",
            ])
        }
    }

    @Test(arguments: engines) func xContentTimesComeFromTheIDs(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            // the id says 2026-09-13T23:50:00Z; the Date column (a day later) is not used
            let csv = """
                Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks
                2099284490449846272,"Mon, Sep 14, 2026","Hello, world",https://x.com/zerno/status/2099284490449846272,"1,000",10,20,2,1,0,3,4,1,2,5,0,0

                """
            let overview = """
                Date,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Unfollows,Replies,Reposts,Profile visits,Create Post,Video views,Media views
                "Sun, Sep 13, 2026",5000,10,20,2,1,7,2,3,4,9,1,0,0

                """
            let a = try NativeFiles.file(dir, "account_analytics_content_2026-09-01_2026-09-30.csv", NativeFiles.utf8(csv))
            let b = try NativeFiles.file(dir, "account_overview_analytics.csv", NativeFiles.utf8(overview))
            guard case .success = try await importNative([a, b], into: store, ImportOptions(account: "x_zerno", timezone: "America/New_York")) else {
                Issue.record("refused"); return
            }
            #expect(try await store.rows("SELECT post_id, published_at, day, hour, likes, comments, shares, saves, views, clicks, as_of FROM posts") == [
                "x:2099284490449846272|1789343400|\(day("2026-09-13"))|19|10|3|4|2|1000|5|\(day("2026-09-30"))",
            ])
            #expect(try await store.rows("SELECT day, new_followers, unfollows, impressions, page_views FROM account_daily") == ["\(day("2026-09-13"))|7|2|5000|9"])
        }
    }

    @Test(arguments: engines) func xLegacyTweetActivity(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let csv = """
                "Tweet id","Tweet permalink","Tweet text","time","impressions","engagements","engagement rate","retweets","replies","likes","user profile clicks","url clicks","hashtag clicks","detail expands","permalink clicks","app opens","app installs","follows","email tweet","dial phone","media views","media engagements"
                "1227000000000000000","https://twitter.com/zerno/status/1227000000000000000","Old tweet","2020-02-10 18:00 +0000","1203.0","30.0","0.02","2.0","1.0","20.0","0","4.0","0","0","0","0","0","0","0","0","0","0"

                """
            let a = try NativeFiles.file(dir, "tweet_activity_metrics_zerno_20200201_20200301_en.csv", NativeFiles.utf8(csv))
            guard case .success = try await importNative([a], into: store, ImportOptions(account: "x_zerno")) else { Issue.record("refused"); return }
            // the id carries 2020-02-10T22:30:46Z (…the time column's 18:00 is the display time)
            let expected = (Int64(1_227_000_000_000_000_000) >> 22 + 1_288_834_974_657) / 1000
            #expect(try await store.rows("SELECT published_at, likes, comments, shares, views, clicks FROM posts") == ["\(expected)|20|1|2|1203|4"])
        }
    }

    @Test(arguments: engines) func youtubeStudioZipSkipsTheTotalRow(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let table = """
                Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,Likes,Comments added,Shares,Thumbnail impressions
                Total,,,,1500,10.5,12,60,7,3,20000
                abc123,Урожай,"Sep 26, 2026",61,1000,7.0,8,40,5,2,15000
                def456,Поле,2026-09-20 13:18:00,30,500,3.5,4,20,2,1,5000

                """
            let totals = "Date,Subscribers\n2026-09-20,5\n2026-09-21,-2\n"
            let zip = try NativeFiles.zip(dir, "Content 2026-09-12_2026-10-01 Zerno.zip", [
                ("Content 2026-09-12_2026-10-01 Zerno/Table data.csv", NativeFiles.utf8(table)),
                ("Content 2026-09-12_2026-10-01 Zerno/Totals.csv", NativeFiles.utf8(totals)),
            ])
            guard case .success = try await importNative([zip], into: store, ImportOptions(account: "yt")) else { Issue.record("refused"); return }
            #expect(try await store.rows("SELECT post_id, day, text, views, likes, comments, shares FROM posts ORDER BY post_id") == [
                "youtube:abc123|\(day("2026-09-26"))|Урожай|1000|40|5|2", "youtube:def456|\(day("2026-09-20"))|Поле|500|20|2|1",
            ])
            #expect(try await store.rows("SELECT day, new_followers, unfollows FROM account_daily ORDER BY day") == [
                "\(day("2026-09-20"))|5|0", "\(day("2026-09-21"))|0|2",
            ])
        }
    }

    @Test(arguments: engines) func tiktokStudioZipsRollDatesAcrossJanuary(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let overview = "\"Date\",\"Video Views\",\"Profile Views\",\"Likes\",\"Comments\",\"Shares\"\n\"December 31\",\"100\",\"5\",\"10\",\"-1\",\"0\"\n\"January 1\",\"200\",\"6\",\"12\",\"2\",\"1\""
            let followers = "\"Date\",\"Followers\",\"Difference in followers from previous day\"\n\"31 декабря\",\"1000\",\"3\"\n\"1 января\",\"1010\",\"10\""
            let content = "\"Time\",\"Video title\",\"Video link\",\"Post time\",\"Total likes\",\"Total comments\",\"Total shares\",\"Total views\"\n\"January 1\",\"New year\",\"https://www.tiktok.com/@zerno/video/7590670936886489145\",\"January 2\",\"50\",\"4\",\"3\",\"900\""
            let a = try NativeFiles.zip(dir, "Overview_2025-12-31_1767225600_zerno.zip", [("Overview.csv", NativeFiles.utf8(overview, bom: true))])
            let b = try NativeFiles.zip(dir, "Followers_zerno.zip", [("FollowerHistory.csv", NativeFiles.utf8(followers, bom: true))])
            let c = try NativeFiles.zip(dir, "Content_zerno.zip", [("Content.csv", NativeFiles.utf8(content, bom: true))])
            guard case .success = try await importNative([a, b, c], into: store, ImportOptions(account: "tt")) else { Issue.record("refused"); return }
            // Overview: the ZIP's first day is 2025-12-31, so "January 1" is 2026
            #expect(try await store.rows("SELECT day, followers, followers_given, impressions, page_views FROM account_daily ORDER BY day") == [
                "\(day("2025-12-31"))|1000|1|100|5", "\(day("2026-01-01"))|1010|1|200|6",
            ])
            // the video id carries 2026-01-02T08:00:00Z; Time (the export day) is January 1: as_of
            #expect(try await store.rows("SELECT post_id, published_at, likes, comments, shares, views FROM posts") == [
                "tiktok:7590670936886489145|1767340800|50|4|3|900",
            ])
        }
    }

    @Test(arguments: engines) func contractFilesAreRecognisedByTheirHeader(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let a = try NativeFiles.file(dir, "our accounts.csv", NativeFiles.utf8("account_id,network\nvk_main,vk\n"))
            let b = try NativeFiles.file(dir, "March posts (final).csv", NativeFiles.utf8("post_id,account_id,published_at,likes\np1,vk_main,2026-03-01T10:00:00Z,4\n"))
            guard case .success(let s) = try await importNative([b, a], into: store) else { Issue.record("refused"); return }
            #expect(s.reports.map(\.format) == ["Engage contract: accounts.csv", "Engage contract: posts.csv"])
            // a contract name with another contract file's header is read by its header, with a warning
            let c = try NativeFiles.file(dir, "x/posts.csv", NativeFiles.utf8("account_id,network\ntg_main,telegram\n"))
            guard case .success(let s2) = try await importNative([c], into: store) else { Issue.record("refused"); return }
            #expect(s2.warnings.map(\.message) == ["read as accounts.csv: its header is that file's, not posts.csv's"])
            #expect(try await store.rows("SELECT post_id, likes FROM posts") == ["p1|4"])
        }
    }

    @Test(arguments: engines) func aStrayJSONBesideTheFilesIsSkipped(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            // any other JSON beside the files (a manifest) is skipped with a warning, not a
            // reason to refuse the rest (it did refuse the whole folder of ../shared/bench)
            let manifest = try NativeFiles.file(dir, "manifest.json", NativeFiles.utf8("{\"rows\": {\"posts\": 1}}"))
            let posts = try NativeFiles.file(dir, "vk_posts.csv", NativeFiles.utf8(Self.vkPosts))
            guard case .success(let s) = try await importNative([manifest, posts], into: store, ImportOptions(account: "vk")) else { Issue.record("refused"); return }
            #expect(s.warnings.contains { $0.file == manifest && $0.message.contains("skipped") && $0.message.contains("Telegram Desktop export") })
            #expect((try await store.counts()["posts"] ?? 0) > 0)
            guard case .failure(let e2b) = try await importNative([manifest], into: store) else { Issue.record("accepted alone"); return }
            #expect(e2b.errors.first?.message.contains("no importable files found") == true)
        }
    }

    @Test(arguments: engines) func badNativeFilesAreRefusedWithTheirPlace(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            // one column renamed: named, with what was expected
            let renamed = try NativeFiles.file(dir, "posts_stat.csv", NativeFiles.utf8(Self.vkPosts.replacingOccurrences(of: "Полный охват", with: "Охват всего")))
            guard case .failure(let e1) = try await importNative([renamed], into: store, ImportOptions(account: "vk")) else { Issue.record("accepted"); return }
            #expect(e1.errors.map(\.description) == ["\(renamed):1:1: looks like VK post statistics but the header lacks 'полный охват' (a renamed column? see docs/import.md#native-exports)"])
            // a result.json that is not a Telegram export
            let json = try NativeFiles.file(dir, "result.json", NativeFiles.utf8("{\"rows\": []}"))
            guard case .failure(let e2) = try await importNative([json], into: store) else { Issue.record("accepted"); return }
            #expect(e2.errors.first?.message.contains("not a Telegram Desktop export") == true)
            // a truncated ZIP
            let zip = try NativeFiles.zip(dir, "Content_zerno.zip", [("Content.csv", NativeFiles.utf8(String(repeating: "x,", count: 5000)))])
            let bytes = try Data(contentsOf: URL(fileURLWithPath: zip))
            let cut = try NativeFiles.file(dir, "cut.zip", bytes.prefix(bytes.count / 2))
            guard case .failure(let e3) = try await importNative([cut], into: store) else { Issue.record("accepted"); return }
            #expect(e3.errors.first?.message.contains("not a readable ZIP archive") == true)
            // a hostile Telegram time (past the integer range once a zone's offset is added) and a
            // VK day whose repeated rows add up past the limit: errors, never a trap
            let far = try NativeFiles.file(dir, "far/result.json", NativeFiles.utf8("""
                {"name": "x", "type": "public_channel", "id": 5, "messages": [{"id": 1, "type": "message", "date_unixtime": "9223372036854775807", "text": "t"}]}
                """))
            guard case .failure(let e5) = try await importNative([far], into: store, ImportOptions(timezone: "Asia/Tokyo")) else { Issue.record("accepted"); return }
            #expect(e5.errors.map(\.description) == ["\(far):0:0: post telegram:5:1: its time 9223372036854775807 is later than tomorrow"])
            let many = String(repeating: "\"01.03.2026\",\"views\",\"\",\"\",999999999999\n", count: 3)
            let sum = try NativeFiles.file(dir, "sum/stats.csv", NativeFiles.utf8("\"Дата\",\"Критерий\",\"Парам. №1\",\"Парам. №2\",\"Значение\"\n" + many))
            guard case .failure(let e6) = try await importNative([sum], into: store, ImportOptions(account: "vk")) else { Issue.record("accepted"); return }
            #expect(e6.errors.map(\.description) == [3, 4].map { "\(sum):\($0):28: Значение: the day's views adds up to more than 10^12 (Engage's limit for a count)" })
            // a bad value: file:line:column
            let bad = try NativeFiles.file(dir, "vk.csv", NativeFiles.utf8(Self.vkPosts.replacingOccurrences(of: ",52,8,3,", with: ",lots,8,3,")))
            guard case .failure(let e4) = try await importNative([bad], into: store, ImportOptions(account: "vk")) else { Issue.record("accepted"); return }
            #expect(e4.errors.map(\.description) == ["\(bad):2:128: Нравится: 'lots' is not a whole number"])
            let c = try await store.counts()
            #expect(c["posts"] == 0 && c["accounts"] == 0)
        }
    }

    @Test(arguments: engines) func dryRunWritesNothing(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let a = try NativeFiles.file(dir, "vk_stats.csv", NativeFiles.utf8(Self.vkCommunity))
            let junk = try NativeFiles.file(dir, "notes.txt", NativeFiles.utf8("hello\n"))
            var o = ImportOptions(account: "vk_brand")
            o.dryRun = true
            guard case .success(let s) = try await importNative([a, junk], into: store, o) else { Issue.record("refused"); return }
            #expect(s.dryRun)
            let r = try #require(s.reports.first { $0.file == a })
            #expect(r.format == "VK community statistics" && r.rows == 6 && r.period == "2026-03-01 … 2026-03-03")
            #expect(r.account == "vk_brand (new: vk, UTC)")
            #expect(r.mapping.contains { $0.column == "Критерий members/новые участники" && $0.field == "account_daily.new_followers" })
            #expect(r.ignored == ["Критерий gender_age"])
            #expect(s.reports.first { $0.file == junk }?.format.hasPrefix("not recognised") == true)
            let c = try await store.counts()
            #expect(c["accounts"] == 0 && c["account_daily"] == 0 && c["imports"] == 0)
        }
    }
}

@Suite(.tags(.small)) struct NativeValueTests {
    @Test func countsAsTheNetworksWriteThem() {
        let cases: [(String, Int?)] = [("1234", 1234), ("1,234", 1234), ("1 234", 1234), ("1\u{00A0}234", 1234), ("1.234", 1234),
                                       ("1203.0", 1203), ("1,203.00", 1203), ("12,000,000", 12_000_000), ("-3", -3), ("0", 0)]
        for (text, want) in cases {
            guard case .value(let v) = NativeValue.count(text) else { Issue.record("\(text) not read"); continue }
            #expect(v == want, "\(text)")
        }
        for empty in ["", " ", "-", "N/A", "undefined", "--"] {
            guard case .empty = NativeValue.count(empty) else { Issue.record("'\(empty)' is not empty"); continue }
        }
        for bad in ["1.5", "12%", "lots", "1,23", "99999999999999"] {
            guard case .bad = NativeValue.count(bad) else { Issue.record("'\(bad)' accepted"); continue }
        }
    }

    @Test func datesInEachNetworksForm() {
        #expect(NativeValue.dayMonthYear("15.03.2020") == Int64(LocalDate(year: 2020, month: 3, day: 15).dayNumber) * 86_400)
        #expect(NativeValue.yearMonthDay("2019-10-14 8:30") == Int64(LocalDate(year: 2019, month: 10, day: 14).dayNumber) * 86_400 + 8 * 3600 + 1800)
        #expect(NativeValue.monthDayYear("02/04/2026 07:45") == Int64(LocalDate(year: 2026, month: 2, day: 4).dayNumber) * 86_400 + 7 * 3600 + 2700)
        #expect(NativeValue.namedMonth("Sun, Sep 13, 2026") == Int64(LocalDate(year: 2026, month: 9, day: 13).dayNumber) * 86_400)
        #expect(NativeValue.dayMonth("28 апреля")! == (4, 28))
        #expect(NativeValue.dayMonth("September 25")! == (9, 25))
        #expect(NativeValue.dayMonth("9月13日")! == (9, 13))
        #expect(NativeValue.dayMonth("8 de setembro")! == (9, 8))
        // a December date in an export made in January is last year's
        #expect(NativeValue.rolled((12, 30), endingBy: LocalDate(year: 2026, month: 1, day: 2)) == LocalDate(year: 2025, month: 12, day: 30))
        #expect(NativeFormat.snowflakeTime("2099284490449846272") == 1_789_343_400)
    }
}

import EngageCore
import Testing

@Suite struct UTMBuilderTests {
    let tags = UTMBuilder.Tags(source: "linkedin", medium: "advocacy", campaign: "spring sale", content: "e1-office")

    @Test(arguments: [
        ("https://example.com/p", "https://example.com/p?utm_source=linkedin&utm_medium=advocacy&utm_campaign=spring%20sale&utm_content=e1-office"),
        // an existing query is kept, in order
        ("https://example.com/p?id=7&ref=x", "https://example.com/p?id=7&ref=x&utm_source=linkedin&utm_medium=advocacy&utm_campaign=spring%20sale&utm_content=e1-office"),
        // the fragment stays at the end
        ("https://example.com/p?id=7#buy", "https://example.com/p?id=7&utm_source=linkedin&utm_medium=advocacy&utm_campaign=spring%20sale&utm_content=e1-office#buy"),
        // tags already there are replaced, not repeated
        ("http://example.com/?utm_source=old&a=1", "http://example.com/?a=1&utm_source=linkedin&utm_medium=advocacy&utm_campaign=spring%20sale&utm_content=e1-office"),
    ])
    func tagging(url: String, expected: String) throws {
        #expect(try UTMBuilder.tag(url, tags) == expected)
    }

    @Test func valuesAreEncoded() throws {
        let t = UTMBuilder.Tags(source: "vk", campaign: "весна&скидки=50%")
        #expect(try UTMBuilder.tag("https://example.com", t) == "https://example.com?utm_source=vk&utm_campaign=%D0%B2%D0%B5%D1%81%D0%BD%D0%B0%26%D1%81%D0%BA%D0%B8%D0%B4%D0%BA%D0%B8%3D50%25")
    }

    @Test(arguments: ["javascript:alert(1)", "ftp://example.com/file", "mailto:a@b.c", "//example.com/x", "/local/path", "data:text/html,hi", "https://"])
    func nonWebAddressesAreRefused(url: String) {
        #expect(throws: UTMBuilder.Refused.self) { try UTMBuilder.tag(url, tags) }
    }

    @Test(arguments: [
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148", AgentClass.mobile),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36", .desktop),
        ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)", .tablet),
        ("TelegramBot (like TwitterBot)", .bot),
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", .bot),
        ("WhatsApp/2.23.20.0", .bot),
        ("Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)", .bot),
        ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", .bot),
        ("curl/8.5.0", .bot),
        ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36 [LinkedInApp]", .mobile),
        ("", .unknown),
    ])
    func agentClasses(ua: String, expected: AgentClass) {
        #expect(AgentClass.of(ua) == expected)
    }
}

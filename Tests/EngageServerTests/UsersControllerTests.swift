import EngageCore
import EngageReports
import EngageServer
import EngageStore
import EngageTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
/// Users managed by admins (the last admin stays).
@Suite struct UsersControllerTests {
    @Test(arguments: engines) func adminsManageUsersButKeepOneAdmin(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            let cookie = try #require(try await signIn(client, "ada", "password-ada"))
            let jar: HTTPFields = [.cookie: "engage_session=\(cookie)", .contentType: "application/x-www-form-urlencoded"]
            let page = try await client.execute(uri: "/users", method: .get, headers: jar)
            #expect(page.status == .ok)
            let csrf = try csrfToken(page)
            let added = try await client.execute(uri: "/users", method: .post, headers: jar,
                                                 body: ByteBuffer(string: "csrf=\(csrf)&name=newbie&password=long-enough-1&role=viewer"))
            #expect(added.status == .seeOther && added.headers[.location] == "/users?done=user_added")
            #expect(try await client.execute(uri: "/users?done=user_added", method: .get, headers: jar).text.contains("User added."))
            let web = Users(store: f.store)
            let newbie = try #require(try await web.user(named: "newbie"))
            #expect(newbie.role == .viewer)
            let short = try await client.execute(uri: "/users", method: .post, headers: jar,
                                                 body: ByteBuffer(string: "csrf=\(csrf)&name=other&password=short&role=viewer"))
            #expect(short.status == .unprocessableContent)
            let twice = try await client.execute(uri: "/users", method: .post, headers: jar,
                                                 body: ByteBuffer(string: "csrf=\(csrf)&name=newbie&password=long-enough-1&role=viewer"))
            #expect(twice.status == .conflict)
            let promoted = try await client.execute(uri: "/users/\(newbie.uid)/role", method: .post, headers: jar,
                                                    body: ByteBuffer(string: "csrf=\(csrf)&role=analyst"))
            #expect(promoted.status == .seeOther)
            #expect(try await web.user(named: "newbie")?.role == .analyst)
            let ada = try #require(try await web.user(named: "ada"))
            let demoteLast = try await client.execute(uri: "/users/\(ada.uid)/role", method: .post, headers: jar,
                                                      body: ByteBuffer(string: "csrf=\(csrf)&role=viewer"))
            #expect(demoteLast.status == .conflict)
            #expect(try await web.user(named: "ada")?.role == .admin)
            let forged = try await client.execute(uri: "/users/\(newbie.uid)/delete", method: .post, headers: jar, body: ByteBuffer(string: "csrf=forged"))
            #expect(forged.status == .forbidden)
            // removing is asked first: the users page links to a question, a post without
            // the answer is the question again, and nothing is removed until it is answered
            #expect(page.text.contains("href=\"/users/") && !page.text.contains("/delete\" class=\"inline\""))
            let question = try await client.execute(uri: "/users/\(newbie.uid)/delete", method: .get, headers: jar)
            #expect(question.status == .ok && question.text.contains("newbie") && question.text.contains("name=\"confirm\" value=\"yes\""))
            let unasked = try await client.execute(uri: "/users/\(newbie.uid)/delete", method: .post, headers: jar, body: ByteBuffer(string: "csrf=\(csrf)"))
            #expect(unasked.status == .ok && unasked.text.contains("name=\"confirm\""))
            #expect(try await web.user(named: "newbie") != nil)
            let removed = try await client.execute(uri: "/users/\(newbie.uid)/delete", method: .post, headers: jar, body: ByteBuffer(string: "csrf=\(csrf)&confirm=yes"))
            #expect(removed.status == .seeOther && removed.headers[.location] == "/users?done=user_removed")
            #expect(try await web.user(named: "newbie") == nil)
            #expect(try await client.execute(uri: "/users/\(newbie.uid)/delete", method: .get, headers: jar).status == .notFound)
            let viewerCookie = try #require(try await signIn(client, "vera", "password-vera"))
            let denied = try await client.execute(uri: "/users", method: .get, headers: [.cookie: "engage_session=\(viewerCookie)"])
            #expect(denied.status == .forbidden)
        }
    }
}

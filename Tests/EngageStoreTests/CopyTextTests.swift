@testable import EngageStore
import Testing

@Suite(.tags(.small)) struct CopyTextTests {
    /// COPY's text format: tabs between fields, `\N` for NULL, backslash, tab, newline and
    /// carriage return escaped, numbers at both ends of Int's range.
    @Test func rowsInCopyTextFormat() {
        var out = CopyText(capacity: 16)
        out.int(0); out.int(-42); out.int(Int.min); out.int(Int.max); out.int(nil); out.endRow()
        out.text("a\tb\nc\\d\re"); out.text(""); out.text(nil); out.text("тест"); out.double(1.5); out.endRow()
        let text = String(buffer: out.buffer)
        #expect(text == "0\t-42\t-9223372036854775808\t9223372036854775807\t\\N\n" + "a\\tb\\nc\\\\d\\re\t\t\\N\tтест\t1.5\n")
    }
}

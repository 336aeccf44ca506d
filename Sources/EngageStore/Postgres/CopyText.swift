import NIOCore

/// Rows in the text format of `COPY … FROM STDIN`, written as bytes:
/// fields separated by tabs, rows ended by newlines, `\N` for NULL; backslash, tab,
/// newline and carriage return escaped in text. Numbers are written digit by digit (no
/// `String` per value): building the payload is on the import's critical path, while the
/// server waits for it.
struct CopyText {
    private var bytes: [UInt8] = []
    private var fieldsInRow = 0

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// The payload to send.
    var buffer: ByteBuffer { ByteBuffer(bytes: bytes) }

    private mutating func separate() {
        if fieldsInRow > 0 { bytes.append(9) }
        fieldsInRow += 1
    }

    mutating func endRow() {
        bytes.append(10)
        fieldsInRow = 0
    }

    mutating func null() {
        separate()
        bytes.append(92)  // \N
        bytes.append(78)
    }

    mutating func int(_ v: Int?) {
        guard let v else { null(); return }
        separate()
        if v < 0 { bytes.append(45) }
        var m = v.magnitude
        // at most 20 decimal digits, written from the end of a small stack buffer
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { out in
            var i = 20
            repeat {
                i -= 1
                out[i] = UInt8(truncatingIfNeeded: m % 10) + 48
                m /= 10
            } while m > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: out[i..<20]))
        }
    }

    mutating func double(_ v: Double?) {
        guard let v else { null(); return }
        separate()
        bytes.append(contentsOf: "\(v)".utf8)
    }

    mutating func text(_ v: String?) {
        guard var v else { null(); return }
        separate()
        v.withUTF8 { b in
            var start = 0
            for (i, c) in b.enumerated() where c == 92 || c == 9 || c == 10 || c == 13 {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<i]))
                bytes.append(92)
                bytes.append(c == 92 ? 92 : c == 9 ? UInt8(ascii: "t") : c == 10 ? UInt8(ascii: "n") : UInt8(ascii: "r"))
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<b.count]))
        }
    }

    mutating func value(_ v: PGValue) {
        switch v {
        case .int(let x): int(x)
        case .double(let x): double(x)
        case .text(let x): text(x)
        case .texts, .ints: preconditionFailure("arrays are not copied")
        }
    }
}

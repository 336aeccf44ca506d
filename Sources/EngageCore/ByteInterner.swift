import Foundation

/// Distinct byte strings numbered 0, 1, 2… in the order first seen: open addressing over
/// one arena, hashed with Swift's per-process seeded hasher (a crafted log cannot make the
/// probes long), compared byte for byte (two strings never share a number).
public struct ByteInterner: Sendable {
    private var arena: [UInt8] = []
    /// Where string `id` ends in the arena (it starts where `id - 1` ends).
    private var ends: [Int] = []
    private var hashes: [Int] = []
    /// id + 1; 0 is an empty slot.
    private var slots = [Int32](repeating: 0, count: 256)

    public var count: Int { ends.count }
    /// The bytes of all its strings.
    public var byteCount: Int { arena.count }

    public init() {}

    public mutating func id(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        if (ends.count + 1) * 2 > slots.count { grow() }
        let h = Self.hash(bytes)
        let mask = slots.count - 1
        var i = h & mask
        while true {
            let s = slots[i]
            if s == 0 {
                precondition(ends.count < Int(Int32.max) - 1, "ByteInterner holds fewer than 2^31 strings")
                let id = ends.count
                arena.append(contentsOf: bytes)
                ends.append(arena.count)
                hashes.append(h)
                slots[i] = Int32(id + 1)
                return Int32(id)
            }
            let id = Int(s) - 1
            if hashes[id] == h && equal(id, bytes) { return Int32(id) }
            i = (i + 1) & mask
        }
    }

    public func string(_ id: Int32) -> String {
        let i = Int(id)
        return String(decoding: arena[(i == 0 ? 0 : ends[i - 1])..<ends[i]], as: UTF8.self)
    }

    private func equal(_ id: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = id == 0 ? 0 : ends[id - 1]
        guard ends[id] - start == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            bytes.isEmpty || memcmp(a.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0
        }
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var h = Hasher()
        h.combine(bytes: UnsafeRawBufferPointer(bytes))
        return h.finalize()
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for id in hashes.indices {
            var i = hashes[id] & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = Int32(id + 1)
        }
    }
}

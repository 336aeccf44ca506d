/// A hash index from 64-bit keys to positions in arrays kept by its owner: open
/// addressing with linear probing and a multiplicative hash. For the import's hot paths,
/// where Swift's `Dictionary` spends most of its time seeding and finalising SipHash for
/// keys that are already integers. It grows (doubling) at half full, so a probe is short.
public struct IndexTable: Sendable {
    private var keys: [UInt64]
    /// Position + 1; 0 is an empty slot.
    private var slots: [Int32]
    private var shift: UInt64
    public private(set) var count = 0

    public init(capacity: Int = 1024) {
        var bits: UInt64 = 4
        while (1 << bits) < capacity * 2 { bits += 1 }
        keys = Array(repeating: 0, count: 1 << bits)
        slots = Array(repeating: 0, count: 1 << bits)
        shift = 64 - bits
    }

    /// The position stored for `key`; when there is none, `next` is stored and returned
    /// with `inserted` true (the caller appends the new entry at `next`).
    public mutating func index(of key: UInt64, next: Int) -> (position: Int, inserted: Bool) {
        precondition(next < Int(Int32.max), "IndexTable holds at most 2^31 - 1 entries")
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let s = slots[i]
            if s == 0 {
                keys[i] = key
                slots[i] = Int32(next + 1)
                count += 1
                return (next, true)
            }
            if keys[i] == key { return (Int(s) - 1, false) }
            i = (i + 1) & mask
        }
    }

    /// The position stored for `key`, if any.
    public func position(of key: UInt64) -> Int? {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let s = slots[i]
            if s == 0 { return nil }
            if keys[i] == key { return Int(s) - 1 }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldSlots = slots
        shift -= 1
        keys = Array(repeating: 0, count: oldSlots.count * 2)
        slots = Array(repeating: 0, count: oldSlots.count * 2)
        let mask = slots.count - 1
        for (k, s) in zip(oldKeys, oldSlots) where s != 0 {
            var i = Int(truncatingIfNeeded: (k &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while slots[i] != 0 { i = (i + 1) & mask }
            keys[i] = k
            slots[i] = s
        }
    }
}

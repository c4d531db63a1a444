/// A fixed-size open-addressing map from a 128-bit key digest to the latest offset seen for that key.
///
/// Memory is allocated once (`slots` × 24 bytes); `put` refuses new keys once the load factor is
/// reached, which is how a cleaning pass learns that it must stop early and leave the rest for the next pass.
struct OffsetMap {
    private var digests: [UInt64]
    private var digests2: [UInt64]
    private var offsets: [Int64]
    private(set) var count = 0
    let capacity: Int
    private let limit: Int

    init(slots: Int, loadFactor: Double = 0.9) {
        capacity = max(16, slots)
        digests = Array(repeating: 0, count: capacity)
        digests2 = Array(repeating: 0, count: capacity)
        offsets = Array(repeating: -1, count: capacity)
        limit = max(1, Int(Double(capacity) * loadFactor))
    }

    var isFull: Bool { count >= limit }

    /// Records `offset` as the latest for `key`; false (nothing stored) when a new key does not fit.
    mutating func put<Bytes: Collection>(_ key: Bytes, offset: Int64) -> Bool where Bytes.Element == UInt8 {
        let (a, b) = Self.digest(key)
        var slot = Int(a % UInt64(capacity))
        while offsets[slot] >= 0 {
            if digests[slot] == a && digests2[slot] == b {
                offsets[slot] = max(offsets[slot], offset)
                return true
            }
            slot = slot + 1 == capacity ? 0 : slot + 1
        }
        guard !isFull else { return false }
        digests[slot] = a
        digests2[slot] = b
        offsets[slot] = offset
        count += 1
        return true
    }

    /// The latest offset recorded for `key`, or nil.
    func get<Bytes: Collection>(_ key: Bytes) -> Int64? where Bytes.Element == UInt8 {
        let (a, b) = Self.digest(key)
        var slot = Int(a % UInt64(capacity))
        while offsets[slot] >= 0 {
            if digests[slot] == a && digests2[slot] == b { return offsets[slot] }
            slot = slot + 1 == capacity ? 0 : slot + 1
        }
        return nil
    }

    mutating func clear() {
        for i in 0..<capacity { offsets[i] = -1 }
        count = 0
    }

    /// Two independent 64-bit FNV-1a variants (different offset bases, final avalanche), 128 bits together.
    static func digest<Bytes: Collection>(_ key: Bytes) -> (UInt64, UInt64) where Bytes.Element == UInt8 {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x84222325_cbf29ce4
        for byte in key {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x9E37_79B9_7F4A_7C15
        }
        return (mix(a ^ UInt64(key.count)), mix(b))
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

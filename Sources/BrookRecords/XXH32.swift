/// XXH32 with seed 0 for inputs under 16 bytes (an LZ4 frame descriptor is at most 14), from the
/// xxHash specification: no stripes, only the tail rounds and the final avalanche.
enum XXH32 {
    static let prime1: UInt32 = 2_654_435_761
    static let prime2: UInt32 = 2_246_822_519
    static let prime3: UInt32 = 3_266_489_917
    static let prime4: UInt32 = 668_265_263
    static let prime5: UInt32 = 374_761_393

    /// Hash of `bytes` (count < 16; longer input is a caller bug, answered with 0 rather than a trap).
    static func shortHash(_ bytes: [UInt8]) -> UInt32 {
        guard bytes.count < 16 else { return 0 }
        var hash = prime5 &+ UInt32(bytes.count)
        var index = 0
        while bytes.count - index >= 4 {
            let lane = UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16
                | UInt32(bytes[index + 3]) << 24
            hash = rotateLeft(hash &+ lane &* prime3, 17) &* prime4
            index += 4
        }
        while index < bytes.count {
            hash = rotateLeft(hash &+ UInt32(bytes[index]) &* prime5, 11) &* prime1
            index += 1
        }
        hash ^= hash >> 15
        hash = hash &* prime2
        hash ^= hash >> 13
        hash = hash &* prime3
        hash ^= hash >> 16
        return hash
    }

    private static func rotateLeft(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value << count) | (value >> (32 - count))
    }
}

/// MurmurHash2 (32-bit) exactly as the Java client's `Utils.murmur2` computes it: seed 0x9747b28c,
/// little-endian 4-byte blocks, the tail mixed in before the final avalanche. librdkafka's
/// `murmur2_random` partitioner uses the same function, so keyed records land on the same
/// partition from either client.
public enum Murmur2 {
    /// The signed 32-bit hash of `bytes`.
    public static func hash<Bytes: Collection>(_ bytes: Bytes) -> Int32 where Bytes.Element == UInt8 {
        let m: UInt32 = 0x5bd1_e995
        let r: UInt32 = 24
        let length = bytes.count
        var h: UInt32 = 0x9747_b28c ^ UInt32(truncatingIfNeeded: length)
        var index = bytes.startIndex
        var remaining = length
        while remaining >= 4 {
            let b0 = UInt32(bytes[index])
            let b1 = UInt32(bytes[bytes.index(index, offsetBy: 1)])
            let b2 = UInt32(bytes[bytes.index(index, offsetBy: 2)])
            let b3 = UInt32(bytes[bytes.index(index, offsetBy: 3)])
            var k = b0 | b1 << 8 | b2 << 16 | b3 << 24
            k = k &* m
            k ^= k >> r
            k = k &* m
            h = h &* m
            h ^= k
            index = bytes.index(index, offsetBy: 4)
            remaining -= 4
        }
        if remaining > 0 {
            var tail = [UInt32](repeating: 0, count: 3)
            for position in 0..<remaining {
                tail[position] = UInt32(bytes[bytes.index(index, offsetBy: position)])
            }
            if remaining == 3 { h ^= tail[2] << 16 }
            if remaining >= 2 { h ^= tail[1] << 8 }
            h ^= tail[0]
            h = h &* m
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return Int32(bitPattern: h)
    }

    /// The Java client's `toPositive`: clears the sign bit (not `abs`, which overflows on Int32.min).
    public static func toPositive(_ value: Int32) -> Int32 {
        value & 0x7fff_ffff
    }

    /// The partition for a keyed record: `toPositive(murmur2(key)) % numPartitions`.
    public static func partition<Bytes: Collection>(forKey key: Bytes, partitionCount: Int) -> Int32 where Bytes.Element == UInt8 {
        precondition(partitionCount > 0, "a topic has at least one partition")
        return toPositive(hash(key)) % Int32(partitionCount)
    }
}

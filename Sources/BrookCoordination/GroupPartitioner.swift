/// Maps a group id to its `__consumer_offsets` partition exactly as Kafka does:
/// `abs(groupId.hashCode()) % partitions` with Java's `String.hashCode` over UTF-16 code units and
/// Kafka's `Utils.abs` (Int.MIN_VALUE maps to 0).
public enum GroupPartitioner {
    /// Java's `String.hashCode`: s[0]·31^(n−1) + … + s[n−1], wrapping in 32 bits.
    public static func javaHashCode(_ string: String) -> Int32 {
        var hash: Int32 = 0
        for unit in string.utf16 { hash = hash &* 31 &+ Int32(unit) }
        return hash
    }

    /// The partition that coordinates `groupId`.
    public static func partition(for groupId: String, partitions: Int32) -> Int32 {
        let hash = javaHashCode(groupId)
        let positive = hash == Int32.min ? 0 : abs(hash)
        return positive % partitions
    }
}

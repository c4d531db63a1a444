/// A 128-bit fingerprint of a record value's bytes: the first 16 bytes of its SHA-256. The
/// desired-state source keeps one per key instead of the value, so deciding "unchanged" costs
/// 16 bytes of state per key; a collision (2^-64 by the birthday bound at billions of keys) would
/// only suppress one upsert.
public struct ValueFingerprint: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public init(of value: [UInt8]) {
        let s = value.withUnsafeBufferPointer { SHA256Digest.oneShot($0) }
        self.init(high: UInt64(s.0) << 32 | UInt64(s.1), low: UInt64(s.2) << 32 | UInt64(s.3))
    }

    /// The fingerprint from a digest's (or an encoding's) first 16 bytes, big-endian.
    public init(digest: some Collection<UInt8>) {
        var high: UInt64 = 0, low: UInt64 = 0
        for (i, byte) in digest.prefix(16).enumerated() {
            if i < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(high: high, low: low)
    }

    /// The 16 bytes, big-endian.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * $0)) }
    }

    public static func < (a: ValueFingerprint, b: ValueFingerprint) -> Bool {
        (a.high, a.low) < (b.high, b.low)
    }

    /// 32 lower-case hex digits.
    public var description: String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

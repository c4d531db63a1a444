/// SHA-256 (FIPS 180-4), written here because the package may not depend on a crypto library and
/// Foundation has none on Linux. Used for value fingerprints, not for security decisions.
public struct SHA256Digest: Sendable {
    typealias State = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
    private static let initialState: State = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    private var state: State = SHA256Digest.initialState
    private var block = [UInt8](repeating: 0, count: 64)
    private var blockCount = 0
    private var totalBytes: UInt64 = 0

    public init() {}

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        let words = bytes.withUnsafeBufferPointer { oneShot($0) }
        return digestBytes(words)
    }

    /// The final state words for a whole message, without allocating (the fingerprint's hot path):
    /// full blocks straight from the input, then one or two padded blocks on the stack.
    static func oneShot(_ bytes: UnsafeBufferPointer<UInt8>) -> State {
        var state = initialState
        var index = 0
        while bytes.count - index >= 64 {
            compress(&state, bytes, at: index)
            index += 64
        }
        let rest = bytes.count - index
        let padded = rest + 9 <= 64 ? 64 : 128
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
            for i in 0..<rest { tail[i] = bytes[index + i] }
            tail[rest] = 0x80
            for i in (rest + 1)..<padded { tail[i] = 0 }
            let bitLength = UInt64(bytes.count) &* 8
            for i in 0..<8 { tail[padded - 1 - i] = UInt8(truncatingIfNeeded: bitLength >> UInt64(8 * i)) }
            let block = UnsafeBufferPointer(tail)
            compress(&state, block, at: 0)
            if padded == 128 { compress(&state, block, at: 64) }
        }
        return state
    }

    private static func digestBytes(_ state: State) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for word in [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7] {
            out += [UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word)]
        }
        return out
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { update($0) }
    }

    public mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        totalBytes &+= UInt64(bytes.count)
        var index = 0
        if blockCount > 0 {
            let take = min(64 - blockCount, bytes.count)
            for i in 0..<take { block[blockCount + i] = bytes[i] }
            blockCount += take
            index = take
            guard blockCount == 64 else { return }
            let full = block
            full.withUnsafeBufferPointer { Self.compress(&state, $0, at: 0) }
            blockCount = 0
        }
        while bytes.count - index >= 64 {
            Self.compress(&state, bytes, at: index)
            index += 64
        }
        for i in index..<bytes.count { block[i - index] = bytes[i] }
        blockCount = bytes.count - index
    }

    /// The 32-byte digest; the value must not be updated afterwards.
    public mutating func finalize() -> [UInt8] {
        let bitLength = totalBytes &* 8
        var tail: [UInt8] = [0x80]
        let padding = (blockCount + 1 <= 56) ? 56 - (blockCount + 1) : 120 - (blockCount + 1)
        tail += [UInt8](repeating: 0, count: padding)
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        let savedTotal = totalBytes
        update(tail)
        totalBytes = savedTotal
        return Self.digestBytes(state)
    }

    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    private static func compress(_ state: inout State, _ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) {
        var w = (UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0),
                 UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0))
        withUnsafeMutableBytes(of: &w) { raw in
            let words = raw.bindMemory(to: UInt32.self)
            for i in 0..<16 {
                let b = offset + i * 4
                words[i] = UInt32(bytes[b]) << 24 | UInt32(bytes[b + 1]) << 16 | UInt32(bytes[b + 2]) << 8 | UInt32(bytes[b + 3])
            }
            var (a, b, c, d, e, f, g, h) = state
            k.withUnsafeBufferPointer { k in
                for i in 0..<64 {
                    let wi: UInt32
                    if i < 16 {
                        wi = words[i]
                    } else {
                        let w15 = words[(i - 15) & 15], w2 = words[(i - 2) & 15]
                        let s0 = w15.rotatedRight(7) ^ w15.rotatedRight(18) ^ (w15 >> 3)
                        let s1 = w2.rotatedRight(17) ^ w2.rotatedRight(19) ^ (w2 >> 10)
                        wi = words[i & 15] &+ s0 &+ words[(i - 7) & 15] &+ s1
                        words[i & 15] = wi
                    }
                    let s1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
                    let choice = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ choice &+ k[i] &+ wi
                    let s0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
                    let majority = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ majority
                    h = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h)
        }
    }
}

extension UInt32 {
    fileprivate func rotatedRight(_ n: UInt32) -> UInt32 { (self >> n) | (self << (32 - n)) }
}

import BrookConnect
import BrookTestSupport
import XCTest

final class ValueFingerprintTests: XCTestCase {
    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// FIPS 180-4 / NIST CAVP example vectors.
    func testSHA256MatchesTheStandardVectors() {
        XCTAssertEqual(hex(SHA256Digest.hash([])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(hex(SHA256Digest.hash(Array("abc".utf8))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(hex(SHA256Digest.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let twoBlocks = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
        XCTAssertEqual(hex(SHA256Digest.hash(Array(twoBlocks.utf8))), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        XCTAssertEqual(hex(SHA256Digest.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Padding edges: 55, 56, 63 and 64 bytes need one or two final blocks.
    func testSHA256PaddingBoundaries() {
        XCTAssertEqual(hex(SHA256Digest.hash([UInt8](repeating: 0x61, count: 55))), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        XCTAssertEqual(hex(SHA256Digest.hash([UInt8](repeating: 0x61, count: 56))), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        XCTAssertEqual(hex(SHA256Digest.hash([UInt8](repeating: 0x61, count: 64))), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    func testIncrementalUpdatesEqualOneShotHashing() {
        var rng = SeededRNG(seed: 256)
        for _ in 0..<100 {
            let message = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var digest = SHA256Digest()
            var rest = message[...]
            while !rest.isEmpty {
                let piece = rest.prefix(Int.random(in: 1...70, using: &rng))
                digest.update(Array(piece))
                rest = rest.dropFirst(piece.count)
            }
            XCTAssertEqual(digest.finalize(), SHA256Digest.hash(message))
        }
    }

    func testTheFingerprintIsTheDigestsFirst128Bits() {
        let fingerprint = ValueFingerprint(of: Array("abc".utf8))
        XCTAssertEqual(fingerprint.description, "ba7816bf8f01cfea414140de5dae2223")
        XCTAssertEqual(fingerprint.high, 0xba78_16bf_8f01_cfea)
        XCTAssertEqual(ValueFingerprint(digest: fingerprint.bytes), fingerprint)
        XCTAssertNotEqual(ValueFingerprint(of: Array("abd".utf8)), fingerprint)
    }
}

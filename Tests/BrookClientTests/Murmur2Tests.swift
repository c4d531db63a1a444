import BrookClient
import XCTest

/// Vectors computed from the algorithm's definition (an independent implementation in Python, also
/// matching the values the Java client's own tests pin for "21", "foobar" and the long strings).
final class Murmur2Tests: XCTestCase {
    private let hashes: [(String, Int32)] = [
        ("21", -973_932_308),
        ("foobar", -790_332_482),
        ("a-little-bit-long-string", -985_981_536),
        ("a-little-bit-longer-string", -1_486_304_829),
        ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
        ("", 275_646_681),
        ("a", -1_563_381_124),
        ("ab", 316_155_434),
        ("abc", 479_470_107),
        ("été", -2_101_193_575),
    ]

    func testHashesMatchTheReferenceVectors() {
        for (key, expected) in hashes {
            XCTAssertEqual(Murmur2.hash(Array(key.utf8)), expected, "murmur2(\(key))")
        }
    }

    func testPartitionIsPositiveHashModuloCount() {
        // key, partitions for 3, 4, 7 and 12 partitions.
        let vectors: [(String, [Int32])] = [
            ("21", [0, 0, 3, 0]),
            ("foobar", [0, 2, 0, 6]),
            ("a-little-bit-long-string", [2, 0, 1, 8]),
            ("a-little-bit-longer-string", [2, 3, 0, 11]),
            ("key-0", [1, 1, 0, 1]),
            ("key-1", [0, 0, 5, 0]),
            ("user-42", [1, 0, 1, 4]),
            ("été", [1, 1, 4, 1]),
        ]
        for (key, expected) in vectors {
            let actual = [3, 4, 7, 12].map { Murmur2.partition(forKey: Array(key.utf8), partitionCount: $0) }
            XCTAssertEqual(actual, expected, "partitions of \(key)")
        }
    }

    func testToPositiveClearsTheSignBitOnly() {
        XCTAssertEqual(Murmur2.toPositive(-1), Int32.max)
        XCTAssertEqual(Murmur2.toPositive(Int32.min), 0)
        XCTAssertEqual(Murmur2.toPositive(5), 5)
    }
}

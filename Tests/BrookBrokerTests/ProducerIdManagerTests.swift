@testable import BrookBroker
import XCTest

/// Producer ids come from blocks reserved in the metadata store, one reservation at a time, and
/// never repeat however many requests ask at once.
final class ProducerIdManagerTests: XCTestCase {
    func testConcurrentRequestsShareOneReservationAndNeverRepeatAnId() async throws {
        let manager = ProducerIdManager(store: SharedMetadataStore(), blockSize: 1000)
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for _ in 0..<2500 { group.addTask { try await manager.next() } }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        XCTAssertEqual(ids.count, 2500)
        // Contiguous from 0: no block was reserved twice for the same shortage (the next one would start at 3000).
        XCTAssertEqual(Set(ids), Set(0..<2500))
    }

    func testReservedIdsServeTheSynchronousShards() async throws {
        let manager = ProducerIdManager(store: SharedMetadataStore(), blockSize: 2)
        XCTAssertNil(manager.takeReserved(), "nothing is reserved before the first request")
        XCTAssertThrowsError(try manager.nextReserved())
        try await manager.ensureReserved()
        XCTAssertEqual(try manager.nextReserved(), 0)
        XCTAssertEqual(manager.takeReserved(), 1)
        XCTAssertFalse(manager.hasReserved)
        let next = try await manager.next()
        XCTAssertEqual(next, 2)
    }
}

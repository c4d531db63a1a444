import BrookCoordination
import XCTest

final class ProducerIdAllocatorTests: XCTestCase {
    func testIdsComeOnlyFromPersistedBlocks() {
        var allocator = ProducerIdAllocator(persistedEnd: 0, blockSize: 2)
        XCTAssertEqual(allocator.allocate(), .persistBlock(end: 2))
        // Without confirming the write, nothing is handed out.
        XCTAssertEqual(allocator.allocate(), .persistBlock(end: 2))
        allocator.blockPersisted(end: 2)
        XCTAssertEqual(allocator.allocate(), .id(0))
        XCTAssertEqual(allocator.allocate(), .id(1))
        XCTAssertEqual(allocator.allocate(), .persistBlock(end: 4))
    }

    func testARestartResumesAfterThePersistedEnd() {
        var before = ProducerIdAllocator(persistedEnd: 0, blockSize: 10)
        before.blockPersisted(end: 10)
        _ = before.allocate()
        // The node restarts with 10 persisted: ids 1...9 are skipped, never reused.
        var after = ProducerIdAllocator(persistedEnd: 10, blockSize: 10)
        XCTAssertEqual(after.allocate(), .persistBlock(end: 20))
        after.blockPersisted(end: 20)
        XCTAssertEqual(after.allocate(), .id(10))
    }

    func testExhaustion() {
        var allocator = ProducerIdAllocator(persistedEnd: Int64.max - 1, blockSize: 5)
        XCTAssertEqual(allocator.allocate(), .exhausted)
    }
}

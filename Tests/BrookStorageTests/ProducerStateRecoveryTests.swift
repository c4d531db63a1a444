import BrookRecords
@testable import BrookStorage
import NIOCore
import Foundation
import XCTest

final class ProducerStateRecoveryTests: XCTestCase {
    private func appendProducerBatches(_ log: PartitionLog, sequences: [Int32], producerId: Int64 = 7) throws {
        for sequence in sequences {
            _ = try log.append(batches: [producerBatch(producerId: producerId, sequence: sequence, records: 2)],
                               leaderEpoch: 0, now: 0)
        }
    }

    func testStateIsRebuiltFromTheWholeLogWithoutASnapshot() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try openLog(dir.path)
        try appendProducerBatches(log, sequences: [0, 2, 4])
        _ = try log.append(batches: [makeBatch(records: 3)], leaderEpoch: 0, now: 0)
        let state = try log.loadProducerState()
        XCTAssertEqual(state.mapEndOffset, 9)
        XCTAssertEqual(state.producers[7]?.lastSequence, 5)
        XCTAssertEqual(state.producers[7]?.batches.map(\.firstOffset), [0, 2, 4])
        try log.close()
    }

    func testRecoveryStartsFromTheSnapshotAndReplaysTheRest() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try openLog(dir.path)
        try appendProducerBatches(log, sequences: [0, 2])
        let snapshotState = try log.loadProducerState()
        try PartitionLog.writeProducerSnapshot(snapshotState, directory: dir.path)
        try appendProducerBatches(log, sequences: [4], producerId: 7)
        try appendProducerBatches(log, sequences: [0], producerId: 8)
        try log.close()

        // Plant a marker in the snapshot that replay could not produce, to prove it was used.
        var planted = snapshotState
        planted.setCoordinatorEpoch(42, for: 7)
        try PartitionLog.writeProducerSnapshot(planted, directory: dir.path)

        let reopened = try openLog(dir.path, clean: true)
        let state = try reopened.loadProducerState()
        XCTAssertEqual(state.producers[7]?.coordinatorEpoch, 42)
        XCTAssertEqual(state.producers[7]?.lastSequence, 5)
        XCTAssertEqual(state.producers[8]?.lastSequence, 1)
        XCTAssertEqual(state.mapEndOffset, 8)
        try reopened.close()
    }

    func testSnapshotsBeyondTheLogEndAndCorruptOnesAreDiscarded() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try openLog(dir.path)
        try appendProducerBatches(log, sequences: [0])
        try PartitionLog.writeProducerSnapshot(ProducerStateManager(mapEndOffset: 100), directory: dir.path)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: dir.path + "/" + ProducerStateSnapshot.fileName(offset: 1)))
        let state = try log.loadProducerState()
        XCTAssertEqual(state.producers[7]?.lastSequence, 1)
        XCTAssertEqual(try PartitionLog.producerSnapshotOffsets(directory: dir.path), [])
        try log.close()
    }

    func testOnlyTheNewestSnapshotsAreKept() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        for offset in [10, 20, 30] as [Int64] {
            try PartitionLog.writeProducerSnapshot(ProducerStateManager(mapEndOffset: offset), directory: dir.path)
        }
        XCTAssertEqual(try PartitionLog.producerSnapshotOffsets(directory: dir.path), [20, 30])
    }

    func testProducerIdBlockFileRoundTrips() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let file = ProducerIdBlockFile(dataDir: dir.path)
        XCTAssertEqual(try file.read(), 0)
        try file.write(3000)
        XCTAssertEqual(try file.read(), 3000)
    }
}

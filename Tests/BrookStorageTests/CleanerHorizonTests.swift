import BrookRecords
@testable import BrookStorage
import NIOCore
import XCTest

/// The cleaner's later passes: KIP-534 delete horizons on tombstones, transaction markers removed once
/// their data is gone and their horizon passed, and the last batch of an active producer kept.
extension CleanerTests {
    /// Every batch of the log, decoded.
    func batches(_ log: PartitionLog) throws -> [RecordBatch] {
        var out: [RecordBatch] = []
        var offset = log.logStartOffset
        while offset < log.logEndOffset {
            let read = try log.read(from: offset, maxBytes: 1 << 20, upTo: log.logEndOffset, minOneBatch: true)
            guard read.records.readableBytes > 0 else { break }
            let decoded = try RecordBatch.decodeAll(read.records, maxDecompressedSize: 1 << 24)
            out += decoded
            offset = decoded.last!.header.lastOffset + 1
        }
        return out
    }

    /// A transactional batch of (key, value) records for `producerId`.
    func appendTransactional(_ log: PartitionLog, producerId: Int64, _ records: [(String, String)]) throws {
        var builder = RecordBatchBuilder(producerId: producerId, producerEpoch: 0, baseSequence: 0, isTransactional: true)
        for (key, value) in records {
            builder.append(key: ByteBuffer(string: key), value: ByteBuffer(string: value), timestamp: 1000)
        }
        _ = try log.append(batches: [try builder.build()], leaderEpoch: 0, now: 1000)
        log.highWatermark = log.logEndOffset
    }

    /// A commit or abort marker for `producerId`; returns its offset.
    @discardableResult
    func appendMarker(_ log: PartitionLog, producerId: Int64, commit: Bool) throws -> Int64 {
        let marker = RecordBatch.control(commit ? .commit : .abort, coordinatorEpoch: 0, producerId: producerId,
                                         producerEpoch: 0, timestamp: 1000)
        let result = try log.append(batches: [try marker.encode()], leaderEpoch: 0, now: 1000)
        log.highWatermark = log.logEndOffset
        return result.firstOffset
    }

    /// Two large records: the segments before them are sealed and cleanable.
    func rollPastEverything(_ log: PartitionLog) throws {
        try append(log, [("a", String(repeating: "a", count: 300))])
        try append(log, [("b", String(repeating: "b", count: 300))])
    }

    /// One pass over the whole cleanable range (dirty ratio 0), as the broker runs it.
    @discardableResult
    func pass(_ log: PartitionLog, now: Int64, retention: Int64 = 10_000, aborted: [AbortedTxn]? = nil,
              tails: [Int64: ProducerTail] = [:]) throws -> CleaningResult {
        var cleaner = CleanerConfig()
        cleaner.minCleanableDirtyRatio = 0
        cleaner.deleteRetentionMs = retention
        let job = try XCTUnwrap(try log.cleaningJob(firstDirtyOffset: 0, cleaner: cleaner, now: now,
                                                    abortedTxns: try aborted ?? log.loadAbortedTxns(),
                                                    producerTails: tails))
        let result = try job.run()
        try log.installCleaned(result, now: now)
        return result
    }

    func testTombstoneGetsADeleteHorizonOnceAndKeepsItsTimestamp() throws {
        let log = try openLog()
        try append(log, [("k", "v")], timestamp: 1000)
        try append(log, [("k", nil)], timestamp: 1500)
        try rollPastEverything(log)
        let first = try pass(log, now: 2000)
        XCTAssertEqual(first.nextDeleteHorizon, 12_000)
        let tombstone = try XCTUnwrap(try batches(log).first { $0.records.contains { $0.value == nil } })
        XCTAssertTrue(tombstone.header.hasDeleteHorizon)
        XCTAssertEqual(tombstone.header.deleteHorizonMs, 12_000)
        XCTAssertEqual(tombstone.timestamp(of: tombstone.records[0]), 1500)
        XCTAssertEqual(tombstone.header.maxTimestamp, 1500)
        // A later pass keeps the horizon it was given, however late it runs.
        let second = try pass(log, now: 11_999, retention: 1)
        XCTAssertEqual(second.nextDeleteHorizon, 12_000)
        XCTAssertNotNil(try batches(log).first { $0.records.contains { $0.value == nil } })
        let third = try pass(log, now: 12_000)
        XCTAssertNil(third.nextDeleteHorizon)
        XCTAssertFalse(try contents(log).records.contains { $0.1 == "k" })
    }

    func testCommitMarkerIsRemovedAfterItsDataThenItsHorizon() throws {
        let log = try openLog()
        try appendTransactional(log, producerId: 7, [("k", "in-txn")])
        let marker = try appendMarker(log, producerId: 7, commit: true)
        try append(log, [("k", "later")])
        try rollPastEverything(log)
        func markerBatch() throws -> RecordBatch? { try batches(log).first { $0.header.baseOffset == marker } }

        // Pass 1 drops the shadowed data but met it, so the marker stays without a horizon.
        XCTAssertNil(try pass(log, now: 2000).nextDeleteHorizon)
        XCTAssertFalse(try contents(log).records.contains { $0.2 == "in-txn" })
        XCTAssertEqual(try markerBatch()?.header.hasDeleteHorizon, false)
        // Pass 2 finds no data left: the marker gets its horizon.
        XCTAssertEqual(try pass(log, now: 3000).nextDeleteHorizon, 13_000)
        XCTAssertEqual(try markerBatch()?.header.deleteHorizonMs, 13_000)
        XCTAssertEqual(try markerBatch()?.controlRecord?.type, .commit)
        _ = try pass(log, now: 12_999)
        XCTAssertNotNil(try markerBatch())
        _ = try pass(log, now: 13_000)
        XCTAssertNil(try markerBatch())
        XCTAssertEqual(try contents(log).records.first { $0.1 == "k" }?.2, "later")
    }

    func testAbortMarkerAndItsIndexEntryGoOnceTheAbortedDataIsGone() throws {
        let log = try openLog()
        try append(log, [("x", "committed")])
        try appendTransactional(log, producerId: 8, [("x", "aborted")])
        let marker = try appendMarker(log, producerId: 8, commit: false)
        let txn = AbortedTxn(producerId: 8, firstOffset: 1, lastOffset: marker, lastStableOffset: marker + 1)
        try log.appendAbortedTxn(txn)
        try rollPastEverything(log)
        func markerBatch() throws -> RecordBatch? { try batches(log).first { $0.header.baseOffset == marker } }

        // Pass 1 drops the aborted data; marker and index entry stay (read_committed readers of a
        // copy fetched earlier still need them).
        try pass(log, now: 2000)
        XCTAssertFalse(try contents(log).records.contains { $0.2 == "aborted" })
        XCTAssertEqual(try contents(log).records.first { $0.1 == "x" }?.2, "committed")
        XCTAssertEqual(try log.loadAbortedTxns(), [txn])
        XCTAssertEqual(try markerBatch()?.header.hasDeleteHorizon, false)
        // Pass 2: nothing of the transaction is left, the entry goes and the marker gets a horizon.
        XCTAssertEqual(try pass(log, now: 3000).nextDeleteHorizon, 13_000)
        XCTAssertEqual(try log.loadAbortedTxns(), [])
        XCTAssertEqual(try markerBatch()?.header.deleteHorizonMs, 13_000)
        try pass(log, now: 13_000)
        XCTAssertNil(try markerBatch())
        XCTAssertEqual(try contents(log).records.first { $0.1 == "x" }?.2, "committed")
    }

    func testLastBatchOfAnActiveProducerIsKeptAsAnEmptyHeader() throws {
        var log = try openLog()
        var builder = RecordBatchBuilder(producerId: 9, producerEpoch: 2, baseSequence: 40)
        for key in ["p", "q"] { builder.append(key: ByteBuffer(string: key), value: ByteBuffer(string: "old"), timestamp: 1000) }
        _ = try log.append(batches: [try builder.build()], leaderEpoch: 0, now: 1000)
        try append(log, [("p", "new"), ("q", "new")])
        try rollPastEverything(log)
        try pass(log, now: 2000, tails: [9: ProducerTail(lastDataOffset: 1, producerEpoch: 2)])
        let kept = try XCTUnwrap(try batches(log).first { $0.header.producerId == 9 })
        XCTAssertEqual(kept.records.count, 0)
        XCTAssertEqual(kept.header.baseOffset, 0)
        XCTAssertEqual(kept.header.lastOffset, 1)
        XCTAssertEqual(kept.header.baseSequence, 40)
        XCTAssertEqual(kept.header.producerEpoch, 2)
        // The empty batch is a valid batch for recovery after an unclean shutdown.
        try log.close()
        log = try openLog()
        XCTAssertEqual(try batches(log).first { $0.header.producerId == 9 }?.header.lastOffset, 1)
        // Once the producer is gone (expired) its last batch goes too.
        try pass(log, now: 3000)
        XCTAssertNil(try batches(log).first { $0.header.producerId == 9 })
        XCTAssertEqual(try contents(log).records.filter { $0.1 == "p" }.map(\.2), ["new"])
    }

    func testADueDeleteHorizonTriggersAPassWithNothingDirty() throws {
        let log = try openLog()
        try append(log, [("k", "v")])
        try append(log, [("k", nil)])
        try rollPastEverything(log)
        let first = try pass(log, now: 2000)
        var cleaner = CleanerConfig()
        cleaner.deleteRetentionMs = 10_000
        XCTAssertNil(try log.cleaningJob(firstDirtyOffset: first.cleanedUpTo, cleaner: cleaner, now: 20_000))
        let job = try XCTUnwrap(try log.cleaningJob(firstDirtyOffset: first.cleanedUpTo, cleaner: cleaner,
                                                    now: 20_000, deleteHorizonDue: true))
        try log.installCleaned(try job.run(), now: 20_000)
        XCTAssertFalse(try contents(log).records.contains { $0.1 == "k" })
    }
}

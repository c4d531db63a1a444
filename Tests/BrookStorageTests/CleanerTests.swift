import BrookRecords
@testable import BrookStorage
import NIOCore
import XCTest

/// The log cleaner on crafted logs: latest value per key, tombstones, offsets, codecs, bounded
/// memory and crashes in the middle of a swap. Time is the `now` argument (a manual clock).
final class CleanerTests: XCTestCase {
    private var dir: TemporaryDirectory!
    var path: String { dir.path + "/c-0" }

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.cleanup() }

    func openLog(segmentBytes: Int = 400) throws -> PartitionLog {
        var config = LogConfig()
        config.segmentBytes = segmentBytes
        config.indexIntervalBytes = 64
        return try PartitionLog(directory: path, topicPartition: TopicPartition(topic: "c", partition: 0), config: config,
                                recoveryPoint: 0, logStartOffset: nil, cleanShutdown: false, now: 0)
    }

    /// Appends one batch of (key, value) records; nil value = tombstone.
    func append(_ log: PartitionLog, _ records: [(String?, String?)], codec: CompressionCodec = .none,
                        timestamp: Int64 = 1000) throws {
        var builder = RecordBatchBuilder(codec: codec)
        for (key, value) in records {
            builder.append(key: key.map { ByteBuffer(string: $0) }, value: value.map { ByteBuffer(string: $0) },
                           timestamp: timestamp)
        }
        _ = try log.append(batches: [try builder.build()], leaderEpoch: 0, now: timestamp)
        log.highWatermark = log.logEndOffset
    }

    /// Every (offset, key, value) in the log, with the codec of each batch.
    func contents(_ log: PartitionLog) throws -> (records: [(Int64, String?, String?)], codecs: Set<CompressionCodec>) {
        var out: [(Int64, String?, String?)] = []
        var codecs = Set<CompressionCodec>()
        var offset = log.logStartOffset
        while offset < log.logEndOffset {
            let read = try log.read(from: offset, maxBytes: 1 << 20, upTo: log.logEndOffset, minOneBatch: true)
            guard read.records.readableBytes > 0 else { break }
            for batch in try RecordBatch.decodeAll(read.records, maxDecompressedSize: 1 << 24) {
                codecs.insert(batch.header.compression)
                for record in batch.records {
                    out.append((batch.offset(of: record), record.key.map { String(buffer: $0) },
                                record.value.map { String(buffer: $0) }))
                }
                offset = batch.header.lastOffset + 1
            }
        }
        return (out, codecs)
    }

    func latestPerKey(_ records: [(Int64, String?, String?)]) -> [String: String?] {
        var latest: [String: String?] = [:]
        for (_, key, value) in records { if let key { latest[key] = value } }
        return latest
    }

    func cleanFully(_ log: PartitionLog, _ cleaner: CleanerConfig, now: Int64) throws -> Int {
        var first: Int64 = 0
        var passes = 0
        while let job = try log.cleaningJob(firstDirtyOffset: first, cleaner: cleaner, now: now) {
            let result = try job.run()
            try log.installCleaned(result, now: now)
            first = result.cleanedUpTo
            passes += 1
            XCTAssertLessThan(passes, 100)
        }
        return passes
    }

    private func fill(_ log: PartitionLog, keys: Int, versions: Int, codec: CompressionCodec = .none) throws {
        for v in 0..<versions {
            try append(log, (0..<keys).map { ("k\($0)", "v\(v)-\($0)") }, codec: codec)
        }
    }

    func testKeepsLatestValuePerKeyAndPreservesOffsets() throws {
        let log = try openLog()
        try fill(log, keys: 5, versions: 6)
        let before = try contents(log).records
        try append(log, [("tail", "x")])
        var cleaner = CleanerConfig()
        cleaner.minCleanableDirtyRatio = 0
        XCTAssertGreaterThan(try cleanFully(log, cleaner, now: 2000), 0)
        let after = try contents(log).records
        XCTAssertLessThan(after.count, before.count + 1)
        XCTAssertEqual(latestPerKey(after).mapValues { $0 ?? "" }, latestPerKey(before + [(30, "tail", "x")]).mapValues { $0 ?? "" })
        // Every surviving record kept its original offset.
        let original = Dictionary(uniqueKeysWithValues: before.map { ($0.0, $0.2) })
        for (offset, key, value) in after where key != "tail" { XCTAssertEqual(original[offset], value) }
        XCTAssertEqual(log.logEndOffset, 31)
        // Keys appear once each in the cleaned (sealed) part.
        let sealedKeys = after.filter { $0.0 < 25 }.compactMap(\.1)
        XCTAssertEqual(sealedKeys.count, Set(sealedKeys).count)
    }

    func testTombstonesKeptUntilDeleteRetentionThenRemoved() throws {
        let log = try openLog()
        try fill(log, keys: 4, versions: 3)
        try append(log, [("k1", nil), ("k2", nil)], timestamp: 1000)
        // Large records roll the tombstones' segment so that it is sealed and cleanable.
        try append(log, [("a", String(repeating: "a", count: 300))], timestamp: 1000)
        try append(log, [("b", String(repeating: "b", count: 300))], timestamp: 1000)
        var cleaner = CleanerConfig()
        cleaner.minCleanableDirtyRatio = 0
        cleaner.deleteRetentionMs = 10_000
        _ = try cleanFully(log, cleaner, now: 5000)
        var latest = latestPerKey(try contents(log).records)
        XCTAssertEqual(latest["k1"], .some(nil))
        XCTAssertEqual(latest["k2"], .some(nil))
        XCTAssertEqual(latest["k0"], "v2-0")
        // Past delete.retention.ms the tombstones go, and nothing older resurrects the keys.
        let job = try XCTUnwrap(try log.cleaningJob(firstDirtyOffset: 0, cleaner: cleaner, now: 20_000))
        try log.installCleaned(try job.run(), now: 20_000)
        latest = latestPerKey(try contents(log).records)
        XCTAssertFalse(latest.keys.contains("k1"))
        XCTAssertFalse(latest.keys.contains("k2"))
        XCTAssertEqual(latest["k3"], "v2-3")
    }

    func testCompressedBatchesKeepTheirCodec() throws {
        let log = try openLog(segmentBytes: 300)
        try fill(log, keys: 6, versions: 5, codec: .gzip)
        try append(log, [("z", "z")])
        var cleaner = CleanerConfig()
        cleaner.minCleanableDirtyRatio = 0
        _ = try cleanFully(log, cleaner, now: 2000)
        let (records, codecs) = try contents(log)
        XCTAssertEqual(codecs, [.gzip, .none])
        XCTAssertEqual(latestPerKey(records)["k3"], "v4-3")
    }

    func testSmallOffsetMapCleansInSeveralPasses() throws {
        let log = try openLog()
        for v in 0..<4 {
            for k in stride(from: 0, to: 40, by: 4) { try append(log, (k..<k + 4).map { ("k\($0)", "v\(v)") }) }
        }
        try append(log, [("end", "e")])
        let before = latestPerKey(try contents(log).records)
        var cleaner = CleanerConfig()
        cleaner.minCleanableDirtyRatio = 0
        cleaner.offsetMapSlots = 16  // 14 keys per pass
        XCTAssertGreaterThan(try cleanFully(log, cleaner, now: 2000), 2)
        let after = try contents(log).records
        XCTAssertEqual(latestPerKey(after).mapValues { $0 ?? "" }, before.mapValues { $0 ?? "" })
    }

    func testDirtyRatioAndCompactionLagGateCleaning() throws {
        let log = try openLog()
        try fill(log, keys: 5, versions: 4)
        try append(log, [("t", "t")])
        var cleaner = CleanerConfig()
        cleaner.minCompactionLagMs = 5000
        XCTAssertNil(try log.cleaningJob(firstDirtyOffset: 0, cleaner: cleaner, now: 2000))
        XCTAssertNotNil(try log.cleaningJob(firstDirtyOffset: 0, cleaner: cleaner, now: 10_000))
        cleaner.minCompactionLagMs = 0
        cleaner.minCleanableDirtyRatio = 0.99
        // Everything is dirty at first; once cleaned up to the end nothing is.
        let job = try XCTUnwrap(try log.cleaningJob(firstDirtyOffset: 0, cleaner: cleaner, now: 2000))
        let result = try job.run()
        try log.installCleaned(result, now: 2000)
        XCTAssertNil(try log.cleaningJob(firstDirtyOffset: result.cleanedUpTo, cleaner: cleaner, now: 2000))
        cleaner.maxCompactionLagMs = 10
        cleaner.minCleanableDirtyRatio = 1
        XCTAssertNil(try log.cleaningJob(firstDirtyOffset: result.cleanedUpTo, cleaner: cleaner, now: 2000))
    }

    func testCrashBeforeCommitKeepsOriginalData() throws {
        var log = try openLog()
        try fill(log, keys: 5, versions: 4)
        try append(log, [("t", "t")])
        let before = try contents(log).records
        var cleaner = CleanerConfig()
        cleaner.minCleanableDirtyRatio = 0
        _ = try XCTUnwrap(try log.cleaningJob(firstDirtyOffset: 0, cleaner: cleaner, now: 2000)).run()
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + "/.cleaner-staging"))
        try log.close()  // "crash": the staged files were never committed
        log = try openLog()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "/.cleaner-staging"))
        XCTAssertEqual(try contents(log).records.map(\.0), before.map(\.0))
    }

    func testCrashInTheMiddleOfTheSwapIsFinishedAtStartUp() throws {
        var log = try openLog()
        try fill(log, keys: 5, versions: 4)
        try append(log, [("t", "t")])
        let expected = latestPerKey(try contents(log).records)
        var cleaner = CleanerConfig()
        cleaner.minCleanableDirtyRatio = 0
        let job = try XCTUnwrap(try log.cleaningJob(firstDirtyOffset: 0, cleaner: cleaner, now: 2000))
        _ = try job.run()
        try log.close()
        // Commit, then move only one file over its original before "crashing".
        try FileManager.default.moveItem(atPath: path + "/.cleaner-staging", toPath: path + "/.cleaner-swap")
        let staged = try FileManager.default.contentsOfDirectory(atPath: path + "/.cleaner-swap").sorted()
        let first = try XCTUnwrap(staged.first { $0.hasSuffix(".log") })
        _ = rename(path + "/.cleaner-swap/" + first, path + "/" + first)
        log = try openLog()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "/.cleaner-swap"))
        let after = try contents(log).records
        XCTAssertEqual(latestPerKey(after).mapValues { $0 ?? "" }, expected.mapValues { $0 ?? "" })
        let sealedKeys = after.filter { $0.0 < job.uncleanableOffset }.compactMap(\.1)
        XCTAssertEqual(sealedKeys.count, Set(sealedKeys).count)
    }
}

extension CleanerTests {
    func testJobForAFolderRenamedAwayFailsWithoutRecreatingIt() throws {
        let log = try openLog()
        try fill(log, keys: 5, versions: 4)
        try append(log, [("t", "t")])
        var cleaner = CleanerConfig()
        cleaner.minCleanableDirtyRatio = 0
        let job = try XCTUnwrap(try log.cleaningJob(firstDirtyOffset: 0, cleaner: cleaner, now: 2000))
        try log.close()
        try FileManager.default.moveItem(atPath: path, toPath: path + ".x-delete")
        XCTAssertThrowsError(try job.run())
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }
}

extension CleanerTests {
    func testAbortedTransactionalRecordsAreDroppedAndNeverShadowCommittedOnes() throws {
        let log = try openLog()
        try append(log, [("k", "committed")])
        var builder = RecordBatchBuilder(producerId: 7, producerEpoch: 0, baseSequence: 0, isTransactional: true)
        builder.append(key: ByteBuffer(string: "k"), value: ByteBuffer(string: "aborted"), timestamp: 1000)
        _ = try log.append(batches: [try builder.build()], leaderEpoch: 0, now: 1000)
        try append(log, [("other", String(repeating: "o", count: 300))])
        try append(log, [("tail", String(repeating: "t", count: 300))])
        log.highWatermark = log.logEndOffset
        var cleaner = CleanerConfig()
        cleaner.minCleanableDirtyRatio = 0
        let aborted = [AbortedTxn(producerId: 7, firstOffset: 1, lastOffset: 1, lastStableOffset: 2)]
        let job = try XCTUnwrap(try log.cleaningJob(firstDirtyOffset: 0, cleaner: cleaner, now: 2000, abortedTxns: aborted))
        try log.installCleaned(try job.run(), now: 2000)
        let records = try contents(log).records
        XCTAssertEqual(records.first { $0.1 == "k" }?.2, "committed")
        XCTAssertFalse(records.contains { $0.2 == "aborted" })
    }
}

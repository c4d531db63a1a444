@testable import BrookStorage
import Logging
import NIOConcurrencyHelpers
import Foundation
import XCTest

/// A damaged checkpoint file never stops start-up: the file is named in a warning, a safe default is
/// used (full recovery, log start at the first segment, epochs rebuilt from the log) and no data is lost.
final class CorruptCheckpointTests: XCTestCase {
    var dir: TemporaryDirectory!
    let tp = TopicPartition(topic: "orders", partition: 0)

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.cleanup() }

    /// Damaged contents: empty, garbage, truncated, unknown version, negative and overflowing numbers.
    static let damagedOffsetFiles: [String: String] = [
        "empty": "",
        "garbage": "\u{1}\u{ff}zz\nnot a checkpoint",
        "truncated": "0\n2\norders 0 5\n",
        "cut mid-line": "0\n1\norders 0",
        "wrong version": "7\n1\norders 0 5\n",
        "negative offset": "0\n1\norders 0 -9\n",
        "huge offset": "0\n1\norders 0 99999999999999999999999\n",
        "negative count": "0\n-1\n",
    ]

    static let damagedEpochFiles: [String: String] = [
        "empty": "",
        "garbage": "\u{0}\u{0}\u{0}",
        "truncated": "0\n3\n0 0\n",
        "wrong version": "1\n1\n0 0\n",
        "negative epoch": "0\n1\n-4 0\n",
        "negative offset": "0\n1\n0 -1\n",
        "huge epoch": "0\n1\n9999999999 0\n",
        "out of order": "0\n2\n2 10\n0 0\n",
    ]

    /// Three segments of data: offsets 0..<10 at epoch 0, 10..<13 at epoch 2; checkpoints written, no
    /// clean-shutdown marker (the next open recovers). Returns every stored batch.
    func writeData() throws -> [(base: Int64, last: Int64, epoch: Int32)] {
        let data = try DataDirectory(path: dir.path)
        var config = LogConfig()
        config.segmentBytes = 400
        let log = try data.openLog(tp, config: config, now: 0)
        for _ in 0..<10 { _ = try log.append(batches: [makeBatch()], leaderEpoch: 0, now: 0) }
        for _ in 0..<3 { _ = try log.append(batches: [makeBatch()], leaderEpoch: 2, now: 0) }
        XCTAssertGreaterThan(log.segmentCount, 2)
        let batches = try readAll(log)
        try log.close()
        try data.writeCheckpoints([tp: (log.recoveryPoint, log.logStartOffset)])
        data.unlock()
        return batches
    }

    func reopen(logger: Logger) throws -> (DataDirectory, PartitionLog) {
        let data = try DataDirectory(path: dir.path, logger: logger)
        var config = LogConfig()
        config.segmentBytes = 400
        return (data, try data.openLog(tp, config: config, now: 0))
    }

    func testDamagedRecoveryPointCheckpointMeansFullRecovery() throws {
        let expected = try writeData()
        let path = dir.path + "/recovery-point-offset-checkpoint"
        for (name, text) in Self.damagedOffsetFiles {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let capture = CapturedLogs()
            let (data, log) = try reopen(logger: capture.logger)
            XCTAssertEqual(log.recoveredFromOffset, 0, "\(name): the whole log is scanned")
            XCTAssertEqual(try readAll(log).map(\.base), expected.map(\.base), name)
            XCTAssertTrue(capture.warnings.contains { $0.contains(path) }, "\(name): \(capture.warnings)")
            try log.close()
            try data.writeCheckpoints([tp: (log.recoveryPoint, log.logStartOffset)])
            XCTAssertEqual(try OffsetCheckpointFile(path: path).read(), [tp: 13], "\(name): rewritten")
            data.unlock()
        }
    }

    func testDamagedLogStartCheckpointStartsAtTheFirstSegment() throws {
        let expected = try writeData()
        let path = dir.path + "/log-start-offset-checkpoint"
        for (name, text) in Self.damagedOffsetFiles {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let capture = CapturedLogs()
            let (data, log) = try reopen(logger: capture.logger)
            XCTAssertEqual(log.logStartOffset, 0, name)
            XCTAssertEqual(log.logEndOffset, 13, name)
            XCTAssertEqual(try readAll(log).map(\.base), expected.map(\.base), name)
            XCTAssertTrue(capture.warnings.contains { $0.contains(path) }, "\(name): \(capture.warnings)")
            try log.close()
            data.unlock()
        }
    }

    func testDamagedLeaderEpochCheckpointIsRebuiltFromTheLog() throws {
        let expected = try writeData()
        let path = dir.path + "/" + tp.directoryName + "/leader-epoch-checkpoint"
        for (name, text) in Self.damagedEpochFiles {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let capture = CapturedLogs()
            let (data, log) = try reopen(logger: capture.logger)
            XCTAssertEqual(log.leaderEpochs, [EpochEntry(epoch: 0, startOffset: 0), EpochEntry(epoch: 2, startOffset: 10)],
                           name)
            XCTAssertEqual(try LeaderEpochCheckpointFile(path: path).read(), log.leaderEpochs, "\(name): rewritten")
            XCTAssertEqual(try readAll(log).map(\.base), expected.map(\.base), name)
            XCTAssertTrue(capture.warnings.contains { $0.contains(path) }, "\(name): \(capture.warnings)")
            try log.close()
            data.unlock()
        }
    }

    func testEveryCheckpointDamagedAtOnce() throws {
        let expected = try writeData()
        for path in [dir.path + "/recovery-point-offset-checkpoint", dir.path + "/log-start-offset-checkpoint",
                     dir.path + "/" + CleanerCheckpoint.fileName, dir.path + "/" + tp.directoryName + "/leader-epoch-checkpoint"] {
            try Data("0\n1\nno".utf8).write(to: URL(fileURLWithPath: path))
        }
        let (data, log) = try reopen(logger: CapturedLogs().logger)
        XCTAssertEqual(try readAll(log).map(\.base), expected.map(\.base))
        XCTAssertThrowsError(try CleanerCheckpoint(directory: dir.path).read())
        try log.close()
        data.unlock()
    }

    func testRecoveryPointBeyondTheLogEndScansEverySegment() throws {
        let expected = try writeData()
        try Data("0\n1\norders 0 9223372036854775807\n".utf8)
            .write(to: URL(fileURLWithPath: dir.path + "/recovery-point-offset-checkpoint"))
        let capture = CapturedLogs()
        let (data, log) = try reopen(logger: capture.logger)
        XCTAssertEqual(log.recoveredFromOffset, 0)
        XCTAssertLessThanOrEqual(log.recoveryPoint, log.logEndOffset)
        XCTAssertEqual(try readAll(log).map(\.base), expected.map(\.base))
        XCTAssertTrue(capture.warnings.contains { $0.contains("recovery point checkpoint is beyond the log end") })
        try log.close()
        data.unlock()
    }

    func testImpossibleLogStartAfterACleanShutdownKeepsTheData() throws {
        let expected = try writeData()
        var data = try DataDirectory(path: dir.path)
        try data.markCleanShutdown()
        data.unlock()
        try Data("0\n1\norders 0 9223372036854775807\n".utf8)
            .write(to: URL(fileURLWithPath: dir.path + "/log-start-offset-checkpoint"))
        let log: PartitionLog
        (data, log) = try reopen(logger: CapturedLogs().logger)
        XCTAssertTrue(data.wasCleanShutdown)
        XCTAssertEqual(log.logStartOffset, 0)
        XCTAssertEqual(log.logEndOffset, 13)
        XCTAssertEqual(try readAll(log).map(\.base), expected.map(\.base))
        try log.close()
        data.unlock()
    }

    func testNegativeOffsetsAndDisorderedEpochsAreRejectedByTheReaders() throws {
        let offsets = OffsetCheckpointFile(path: dir.path + "/cp")
        try Data("0\n1\na 0 -1\n".utf8).write(to: URL(fileURLWithPath: offsets.path))
        XCTAssertThrowsError(try offsets.read())
        let epochs = LeaderEpochCheckpointFile(path: dir.path + "/ep")
        try Data("0\n2\n3 5\n1 7\n".utf8).write(to: URL(fileURLWithPath: epochs.path))
        XCTAssertThrowsError(try epochs.read())
        try Data("0\n2\n1 5\n3 5\n".utf8).write(to: URL(fileURLWithPath: epochs.path))
        XCTAssertEqual(try epochs.read(), [EpochEntry(epoch: 1, startOffset: 5), EpochEntry(epoch: 3, startOffset: 5)])
    }
}

/// The warnings and errors logged through `logger`, each as its message followed by its metadata.
final class CapturedLogs: Sendable {
    let logger: Logger
    private let entries: NIOLockedValueBox<[CapturingLogHandler.Entry]>

    init() { (logger, entries) = CapturingLogHandler.logger() }

    var warnings: [String] {
        entries.withLockedValue { $0 }.filter { $0.level >= .warning }.map { entry in
            "\(entry.message) " + entry.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
    }
}

@testable import BrookConnect
import BrookSchemas
import Foundation
import XCTest

/// FileStreamSourceTask: lines and byte offsets as Kafka's task emits them, resuming, waiting and
/// truncation.
final class FileStreamSourceTaskTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("file-source-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func path(_ name: String = "in.txt") -> String { directory.appendingPathComponent(name).path }

    private func write(_ text: String, to file: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
    }

    private func append(_ text: String, to file: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    private func started(_ file: String, batchSize: Int? = nil, context: FakeSourceTaskContext = FakeSourceTaskContext()) async throws -> FileStreamSourceTask {
        var config = ["name": "src", "connector.class": "FileStreamSource", "file": file, "topic": "lines"]
        if let batchSize { config["batch.size"] = String(batchSize) }
        let task = FileStreamSourceTask()
        try await task.start(config: config, context: context)
        return task
    }

    private func lines(_ records: [SourceRecord]) -> [String] { records.compactMap { $0.record.value.stringValue } }
    private func positions(_ records: [SourceRecord]) -> [Int64?] { records.map { $0.sourceOffset?["position"]?.int64Value } }

    func testEachTerminatedLineIsARecordWithTheByteOffsetAfterIt() async throws {
        let file = path()
        try write("a\nbé\r\nccc\rdd", to: file)
        let task = try await started(file)
        let records = try await task.poll()
        XCTAssertEqual(lines(records), ["a", "bé", "ccc"], "dd has no terminator yet")
        XCTAssertEqual(positions(records), [2, 7, 11], "byte offsets: é is two bytes, \\r\\n one terminator")
        let first = try XCTUnwrap(records.first)
        XCTAssertEqual(first.record.topic, "lines")
        XCTAssertEqual(first.record.valueSchema, .string)
        XCTAssertEqual(first.record.key, .null)
        XCTAssertEqual(first.sourcePartition, .object([("filename", .string(file))]))

        try append("\n", to: file)
        let more = try await task.poll()
        XCTAssertEqual(lines(more), ["dd"])
        XCTAssertEqual(positions(more), [14])
        await task.stop()
    }

    func testATrailingCarriageReturnWaitsForThePossibleLineFeed() async throws {
        let file = path()
        try write("x\r", to: file)
        let task = try await started(file)
        let none = try await task.poll()
        XCTAssertEqual(lines(none), [], "a \\n may still follow the \\r")
        try append("\ny\r", to: file)
        let records = try await task.poll()
        XCTAssertEqual(lines(records), ["x"], "\\r\\n is one terminator, not an empty line after x")
        XCTAssertEqual(positions(records), [3])
        try append("z\n", to: file)
        let rest = try await task.poll()
        XCTAssertEqual(lines(rest), ["y", "z"], "a lone \\r ends a line once another byte follows")
        XCTAssertEqual(positions(rest), [5, 7])
        await task.stop()
    }

    func testResumesFromTheCommittedPosition() async throws {
        let file = path()
        try write("one\ntwo\nthree\n", to: file)
        let context = FakeSourceTaskContext()
        let first = try await started(file, batchSize: 1, context: context)
        let records = try await first.poll()
        XCTAssertEqual(lines(records), ["one"])
        context.commit(records)
        await first.stop()

        let second = try await started(file, context: context)
        let rest = try await second.poll()
        XCTAssertEqual(lines(rest), ["two", "three"])
        XCTAssertEqual(positions(rest), [8, 14])
        await second.stop()
    }

    func testBatchSizeBoundsEachPoll() async throws {
        let file = path()
        try write((1...5).map { "line \($0)\n" }.joined(), to: file)
        let task = try await started(file, batchSize: 2)
        var counts: [Int] = []
        for _ in 0..<3 { counts.append(try await task.poll().count) }
        XCTAssertEqual(counts, [2, 2, 1])
        await task.stop()
    }

    func testATruncatedFileIsReadAgainFromTheStart() async throws {
        let file = path()
        try write("first line\nsecond line\n", to: file)
        let context = FakeSourceTaskContext()
        let task = try await started(file, context: context)
        let records = try await task.poll()
        XCTAssertEqual(lines(records), ["first line", "second line"])
        context.commit(records)

        try write("new\n", to: file)  // replaced by a shorter file
        let again = try await task.poll()
        XCTAssertEqual(lines(again), ["new"])
        XCTAssertEqual(positions(again), [4])
        await task.stop()

        // A committed position beyond the end of the file (truncated while stopped): from the start too.
        try write("x\n", to: file)
        let restarted = try await started(file, context: FakeSourceTaskContext(offsets: [
            FileStreamSourceTask.sourcePartition(file: file): .object([("position", JSONValue(integer: 23))]),
        ]))
        let fromStart = try await restarted.poll()
        XCTAssertEqual(lines(fromStart), ["x"])
        await restarted.stop()
    }

    func testAMissingFileIsWaitedForAndStopEndsTheWait() async throws {
        let file = path("later.txt")
        let task = try await started(file)
        let none = try await task.poll()
        XCTAssertEqual(none.count, 0)
        try write("here\n", to: file)
        let records = try await task.poll()
        XCTAssertEqual(lines(records), ["here"])

        // At the end of the file a poll waits up to a second; stop() ends that wait.
        let polling = Task { try await task.poll() }
        try await Task.sleep(for: .milliseconds(100))
        let stoppedAt = ContinuousClock.now
        await task.stop()
        let empty = try await polling.value
        XCTAssertEqual(empty.count, 0)
        XCTAssertLessThan(ContinuousClock.now - stoppedAt, .milliseconds(800))
    }

    func testACommittedPositionThatIsNotALongFailsThePoll() async throws {
        let file = path()
        try write("a\n", to: file)
        let task = try await started(file, context: FakeSourceTaskContext(offsets: [
            FileStreamSourceTask.sourcePartition(file: file): .object([("position", .string("12"))]),
        ]))
        do {
            _ = try await task.poll()
            XCTFail("no error")
        } catch {
            XCTAssertEqual("\(error)", "Offset position is the incorrect type")
        }
    }

    func testFileIsRequiredByTheTaskAndThePluginCheck() async throws {
        let task = FileStreamSourceTask()
        do {
            try await task.start(config: ["topic": "t"], context: FakeSourceTaskContext())
            XCTFail("no error")
        } catch {
            XCTAssertEqual("\(error)", FileStreamConfig.stdinMessage)
        }
        let validation = ConnectorPlugins.fileStreamSource.validate(["name": "s", "connector.class": "FileStreamSource", "topic": "t"])
        XCTAssertEqual(validation.entries.first { $0.key.name == "file" }?.errors,
                       ["\"file\" is required for Brook: reading standard input is not supported in a server"])
        let fine = ConnectorPlugins.fileStreamSource.validate(["name": "s", "connector.class": "FileStreamSource", "topic": "t", "file": "a"])
        XCTAssertEqual(fine.errorCount, 0)
        XCTAssertNotNil(ConnectorPlugins.fileStreamSource.tasks)
        XCTAssertNotNil(ConnectorPlugins.fileStreamSink.tasks)
    }
}

import BrookTestSupport
import NIOCore
import XCTest

@testable import BrookConnect

final class ConnectProtocolTests: XCTestCase {
    func testWorkerStateRoundTripsInKafkasLayout() throws {
        let state = ConnectProtocol.WorkerState(url: "127.0.0.1:8083", configOffset: 42)
        let bytes = state.encode()
        // version int16 0, string "127.0.0.1:8083" (int16 length), config offset int64.
        XCTAssertEqual(Array(bytes.readableBytesView.prefix(4)), [0, 0, 0, 14])
        XCTAssertEqual(bytes.readableBytes, 2 + 2 + 14 + 8)
        XCTAssertEqual(try ConnectProtocol.WorkerState(decoding: bytes), state)
    }

    func testAssignmentGroupsTasksPerConnectorWithTheConnectorAsTaskMinusOne() throws {
        let assignment = ConnectProtocol.Assignment(
            leader: "m1", leaderURL: "h:1", configOffset: 7, connectors: ["b"],
            tasks: [ConnectTaskID(connector: "a", task: 1), ConnectTaskID(connector: "b", task: 0)])
        var bytes = assignment.encode()
        let decoded = try ConnectProtocol.Assignment(decoding: bytes)
        XCTAssertEqual(decoded.connectors, ["b"])
        XCTAssertEqual(decoded.tasks.sorted(), assignment.tasks.sorted())
        XCTAssertEqual(decoded.configOffset, 7)
        XCTAssertEqual(decoded.leaderURL, "h:1")
        // The layout: version, error, leader, leader url, offset, then 2 connector entries.
        bytes.moveReaderIndex(forwardBy: 2 + 2 + 4 + 5 + 8)
        XCTAssertEqual(bytes.readInteger(as: Int32.self), 2)
    }

    func testHostileCountsAndTruncationsThrowWithoutAllocating() {
        var huge = ByteBuffer()
        huge.writeInteger(Int16(0)); huge.writeInteger(Int16(0))
        huge.writeInteger(Int16(0)); huge.writeInteger(Int16(0)); huge.writeInteger(Int64(0))
        huge.writeInteger(Int32.max)
        XCTAssertThrowsError(try ConnectProtocol.Assignment(decoding: huge))
        var negative = ByteBuffer()
        negative.writeInteger(Int16(0)); negative.writeInteger(Int16(-5))
        XCTAssertThrowsError(try ConnectProtocol.WorkerState(decoding: negative))
        XCTAssertThrowsError(try ConnectProtocol.WorkerState(decoding: ByteBuffer()))
    }

    func testFuzzedBytesDecodeOrThrow() {
        var rng = SeededRNG(seed: 0x5EED_C0DE)
        let seeds = [
            ConnectProtocol.WorkerState(url: "w:8083", configOffset: Int64.max).encode(),
            ConnectProtocol.Assignment(leader: "x", leaderURL: "y", configOffset: Int64.min, connectors: ["c"],
                                       tasks: [ConnectTaskID(connector: "c", task: Int32.max)]).encode(),
        ]
        for _ in 0..<3000 {
            var bytes = Array(seeds[Int.random(in: 0..<seeds.count, using: &rng)].readableBytesView)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
            case 1: if !bytes.isEmpty { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            default: bytes += (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            _ = try? ConnectProtocol.WorkerState(decoding: ByteBuffer(bytes: bytes))
            _ = try? ConnectProtocol.Assignment(decoding: ByteBuffer(bytes: bytes))
        }
    }
}

final class ConnectWorkAssignorTests: XCTestCase {
    private func member(_ id: String) -> ConnectWorkAssignor.Member {
        .init(memberID: id, state: .init(url: "url-\(id)", configOffset: 0))
    }

    func testConnectorsThenTasksAreDealtRoundRobinInMemberOrder() {
        let tasks = (0..<3).map { ConnectTaskID(connector: "a", task: $0) } + [ConnectTaskID(connector: "b", task: 0)]
        let plan = ConnectWorkAssignor.assign(members: [member("m2"), member("m1")], leaderID: "m2", configOffset: 9,
                                              connectors: ["b", "a"], tasks: tasks)
        XCTAssertEqual(plan["m1"]?.connectors, ["a"])
        XCTAssertEqual(plan["m2"]?.connectors, ["b"])
        XCTAssertEqual(plan["m1"]?.tasks, [ConnectTaskID(connector: "a", task: 0), ConnectTaskID(connector: "a", task: 2)])
        XCTAssertEqual(plan["m2"]?.tasks, [ConnectTaskID(connector: "a", task: 1), ConnectTaskID(connector: "b", task: 0)])
        XCTAssertEqual(plan["m1"]?.leaderURL, "url-m2")
        XCTAssertEqual(plan["m1"]?.configOffset, 9)
    }

    func testEveryMemberGetsAnAnswerEvenWithNoWork() {
        let plan = ConnectWorkAssignor.assign(members: [member("a"), member("b"), member("c")], leaderID: "a", configOffset: 0,
                                              connectors: ["x"], tasks: [])
        XCTAssertEqual(plan.count, 3)
        XCTAssertEqual(plan.values.map(\.connectors.count).reduce(0, +), 1)
    }
}

final class ConnectWorkerConfigTests: XCTestCase {
    func testKafkaNamesAndDefaults() throws {
        let defaults = try ConnectWorkerConfig(workerID: "h:1")
        XCTAssertEqual(defaults.groupID, "connect-cluster")
        XCTAssertEqual(defaults.offsetsPartitions, 25)
        XCTAssertEqual(defaults.statusPartitions, 5)
        XCTAssertEqual(defaults.sessionTimeout, .seconds(10))
        let custom = try ConnectWorkerConfig(workerID: "h:1", properties: [
            "group.id": "g", "config.storage.topic": "c", "offset.storage.partitions": "3", "session.timeout.ms": "6000",
            "offset.storage.replication.factor": "1",
        ])
        XCTAssertEqual(custom.groupID, "g")
        XCTAssertEqual(custom.configTopic, "c")
        XCTAssertEqual(custom.offsetsPartitions, 3)
        XCTAssertEqual(custom.replicationFactor, 1)
        XCTAssertEqual(custom.sessionTimeout, .milliseconds(6000))
        XCTAssertThrowsError(try ConnectWorkerConfig(workerID: "h:1", properties: ["offset.storage.partitions": "0"]))
        XCTAssertThrowsError(try ConnectWorkerConfig(workerID: "h:1", properties: ["session.timeout.ms": "soon"]))
    }
}

final class ConnectorTaskSplitTests: XCTestCase {
    func testSinksRunTasksMaxTasksAndSingleStreamSourcesOne() {
        let sink = DistributedHerder.taskConfigs(for: ["connector.class": "FileStreamSink", "tasks.max": "3", "topics": "t"], target: .started)
        XCTAssertEqual(sink.count, 3, "the group splits the partitions over them")
        let source = DistributedHerder.taskConfigs(for: ["connector.class": "FileStreamSource", "tasks.max": "3", "file": "f"], target: .started)
        XCTAssertEqual(source.count, 1, "one file, one reader")
        XCTAssertEqual(DistributedHerder.taskConfigs(for: ["connector.class": "FileStreamSink", "tasks.max": "3"], target: .stopped), [])
        XCTAssertEqual(DistributedHerder.taskConfigs(for: ["connector.class": "Nope"], target: .started), [])
    }
}

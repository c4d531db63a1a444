@testable import BrookClient
import BrookProtocol
import NIOCore
import Foundation
import XCTest

final class ProducerStateTests: XCTestCase {
    private let now = NIODeadline.uptimeNanoseconds(5_000_000_000)

    private func metadata(topic: String, partitions: Int, leaderless: Set<Int32> = []) -> ClusterMetadata {
        let parts = (0..<Int32(partitions)).map {
            ClusterMetadata.Partition(id: $0, leader: leaderless.contains($0) ? -1 : 1, leaderEpoch: 0, replicas: [1],
                                      isr: [1], offlineReplicas: [], errorCode: .none)
        }
        return ClusterMetadata(topics: [topic: .init(name: topic, topicId: .zero, isInternal: false, partitions: parts, errorCode: .none)])
    }

    private func accept(_ state: inout ProducerState, key: String?, partition: Int32? = nil, topic: String = "t") -> ProducerState.AcceptOutcome {
        let record = ProducerRecord(topic: topic, partition: partition, key: key, value: "v")
        return state.accept(record, size: 50, completion: .report, now: now)
    }

    func testUnknownTopicNeedsMetadata() {
        var state = ProducerState(config: ProducerConfig())
        guard case .needsMetadata = accept(&state, key: "k") else { return XCTFail() }
    }

    func testKeyedRecordsUseMurmur2AndExplicitPartitionWins() {
        var state = ProducerState(config: ProducerConfig())
        state.apply(metadata(topic: "t", partitions: 4), topics: ["t"])
        _ = accept(&state, key: "foobar")
        _ = accept(&state, key: "key-1", partition: 3)
        XCTAssertEqual(Set(state.accumulator.queuedPartitions), [TopicPartition("t", 2), TopicPartition("t", 3)])
        guard case .rejected = accept(&state, key: nil, partition: 4) else { return XCTFail("partition 4 does not exist") }
    }

    func testKeylessRecordsStickUntilTheBatchIsSent() {
        var config = ProducerConfig()
        config.linger = .zero
        var state = ProducerState(config: config)
        state.idempotenceReady = true
        state.apply(metadata(topic: "t", partitions: 6), topics: ["t"])
        for _ in 0..<10 { _ = accept(&state, key: nil) }
        XCTAssertEqual(state.accumulator.queuedPartitions.count, 1, "all ten stick to one partition")
        let first = state.accumulator.queuedPartitions.first!
        let plan = state.plan(now: now)
        XCTAssertEqual(plan.requests.flatMap { $0.batches }.map(\.partition), [first])
        _ = accept(&state, key: nil)
        XCTAssertEqual(state.accumulator.queuedPartitions.count, 1)
        XCTAssertNotEqual(state.accumulator.queuedPartitions.first, first, "a new batch goes elsewhere")
    }

    func testBufferMemoryBackPressure() {
        var config = ProducerConfig()
        config.bufferMemory = 120
        var state = ProducerState(config: config)
        state.apply(metadata(topic: "t", partitions: 1), topics: ["t"])
        guard case .accepted = accept(&state, key: nil), case .accepted = accept(&state, key: nil) else { return XCTFail() }
        guard case .needsMemory = accept(&state, key: nil) else { return XCTFail("third record must wait") }
    }

    func testIdempotentBatchesGetConsecutiveSequences() {
        var config = ProducerConfig()
        config.linger = .zero
        config.batchSize = 100
        var state = ProducerState(config: config)
        state.idempotenceReady = true
        state.producerId = 7
        state.apply(metadata(topic: "t", partitions: 1), topics: ["t"])
        for _ in 0..<3 { _ = accept(&state, key: "same") }
        var plan = state.plan(now: now)
        let first = plan.requests[0].batches[0]
        XCTAssertEqual(first.baseSequence, 0)
        XCTAssertEqual(first.records.count, 1)
        _ = state.finish(first)
        state.requestFinished(node: 1)
        plan = state.plan(now: now)
        XCTAssertEqual(plan.requests[0].batches[0].baseSequence, 1)
    }

    func testLeaderlessPartitionsAskForMetadataOnce() {
        var config = ProducerConfig()
        config.linger = .zero
        var state = ProducerState(config: config)
        state.idempotenceReady = true
        state.apply(metadata(topic: "t", partitions: 2, leaderless: [1]), topics: ["t"])
        _ = accept(&state, key: nil, partition: 1)
        XCTAssertEqual(state.plan(now: now).topicsNeedingMetadata, ["t"])
        XCTAssertEqual(state.plan(now: now).topicsNeedingMetadata, [], "a refresh is already running")
        state.metadataRefreshFinished()
        state.apply(metadata(topic: "t", partitions: 2), topics: ["t"])
        XCTAssertEqual(state.plan(now: now).requests.count, 1)
    }

    func testMaxInFlightPerNode() {
        var config = ProducerConfig()
        config.linger = .zero
        config.maxInFlightRequestsPerConnection = 1
        var state = ProducerState(config: config)
        state.idempotenceReady = true
        state.apply(metadata(topic: "t", partitions: 2), topics: ["t"])
        _ = accept(&state, key: nil, partition: 0)
        XCTAssertEqual(state.plan(now: now).requests.count, 1)
        _ = accept(&state, key: nil, partition: 1)
        XCTAssertEqual(state.plan(now: now).requests.count, 0, "node 1 already has its one request")
        state.requestFinished(node: 1)
        XCTAssertEqual(state.plan(now: now).requests.count, 1)
    }
}

final class RecordClockTests: XCTestCase {
    func testMonotonicDerivedTimestampsFollowTheWallClock() throws {
        var clock = RecordClock()
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        let first = clock.millis(at: .now())
        Thread.sleep(forTimeInterval: 0.05)
        let second = clock.millis(at: .now())
        let after = Int64(Date().timeIntervalSince1970 * 1000)
        XCTAssertGreaterThanOrEqual(first, before - 2)
        XCTAssertLessThanOrEqual(second, after + 2)
        XCTAssertGreaterThanOrEqual(second - first, 45)
    }
}

final class ProducerMetadataAgeTests: XCTestCase {
    func testKnownTopicsAreRefreshedOnceMetadataIsOld() {
        var config = ProducerConfig()
        config.client.metadataMaxAge = .seconds(10)
        var state = ProducerState(config: config)
        state.idempotenceReady = true
        let partitions = [ClusterMetadata.Partition(id: 0, leader: 1, leaderEpoch: 0, replicas: [1], isr: [1], offlineReplicas: [], errorCode: .none)]
        state.apply(ClusterMetadata(topics: ["t": .init(name: "t", topicId: .zero, isInternal: false, partitions: partitions, errorCode: .none)]), topics: ["t"])
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        XCTAssertEqual(state.plan(now: start).topicsNeedingMetadata, [])
        XCTAssertEqual(state.plan(now: start + .seconds(9)).topicsNeedingMetadata, [])
        XCTAssertEqual(state.plan(now: start + .seconds(11)).topicsNeedingMetadata, ["t"])
        XCTAssertEqual(state.plan(now: start + .seconds(12)).topicsNeedingMetadata, [], "one refresh at a time")
    }
}

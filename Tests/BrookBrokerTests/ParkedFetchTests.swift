@testable import BrookBroker
import BrookProtocol
import BrookRecords
import Foundation
import NIOCore
import XCTest

/// A long-poll Fetch parked for up to 2^31-1 ms stops when its client goes away.
final class ParkedFetchTests: XCTestCase {
    /// Polls `condition` on the broker until it holds or `seconds` pass.
    private func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(10_000)
        }
        return try condition()
    }

    func testParkedFetchOfAClosedConnectionIsDroppedAtOnce() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            let admin = try RawKafkaClient(port: broker.port)
            let meta = try admin.request(MetadataRequest(topics: [.init(name: "parked")], allowAutoTopicCreation: true),
                                         version: 12, as: MetadataResponse.self)
            XCTAssertEqual(meta.topics.first?.errorCode, 0)
            let partition = try XCTUnwrap(broker.broker.topics.topic(named: "parked")?.partition(0))
            var consumer: RawKafkaClient? = try RawKafkaClient(port: broker.port)
            let request = FetchRequest(replicaId: -1, maxWaitMs: Int32.max, minBytes: 1, maxBytes: 1 << 20,
                                       topics: [.init(topic: "parked", partitions: [.init(partition: 0, fetchOffset: 0,
                                                                                          partitionMaxBytes: 1 << 20)])])
            consumer?.sendRaw(consumer!.frame(request, version: 12).0)
            XCTAssertTrue(try eventually(10) { try partition.fetchWaiterCount().wait() == 1 }, "the fetch never parked")
            consumer = nil  // closes the socket
            XCTAssertTrue(try eventually(5) { try partition.fetchWaiterCount().wait() == 0 },
                          "the parked fetch outlived its connection")
            XCTAssertEqual(broker.broker.stopping.hookCount, 0, "the broker still tracks the dropped fetch")
        }
        try await broker.stop()
    }

    func testShutdownAnswersAParkedFetchAtOnceWithNoRecords() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        let consumer = try RawKafkaClient(port: broker.port)
        _ = try consumer.request(MetadataRequest(topics: [.init(name: "parked")], allowAutoTopicCreation: true),
                                 version: 12, as: MetadataResponse.self)
        let partition = try XCTUnwrap(broker.broker.topics.topic(named: "parked")?.partition(0))
        let request = FetchRequest(replicaId: -1, maxWaitMs: Int32.max, minBytes: 1, maxBytes: 1 << 20,
                                   topics: [.init(topic: "parked", partitions: [.init(partition: 0, fetchOffset: 0,
                                                                                      partitionMaxBytes: 1 << 20)])])
        let (frame, id) = consumer.frame(request, version: 12)
        consumer.sendRaw(frame)
        XCTAssertTrue(try eventually(10) { try partition.fetchWaiterCount().wait() == 1 }, "the fetch never parked")
        let started = Date()
        let stopped = Task { try await broker.stop() }
        // Bounded by the client's 10 s receive timeout, whether or not shutdown waits for the fetch.
        var body = try XCTUnwrap(consumer.readFrame(), "no answer before the connection closed")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertEqual(try ResponseHeader(from: &body, headerVersion: 1).correlationId, id)
        let response = try FetchResponse(from: &body, version: 12)
        let data = try XCTUnwrap(response.responses.first?.partitions.first)
        XCTAssertEqual(data.errorCode, 0)
        XCTAssertEqual(data.records?.readableBytes ?? 0, 0)
        XCTAssertNil(consumer.readFrame(), "the connection closes after the answer")
        try await stopped.value
    }
}

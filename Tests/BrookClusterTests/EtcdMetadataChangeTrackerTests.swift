@testable import BrookCluster
import BrookEtcd
import BrookProtocol
import XCTest

/// The key layout and the watch-event translation, without etcd.
final class EtcdMetadataChangeTrackerTests: XCTestCase {
    private let layout = EtcdKeyLayout(root: "/c1")

    private func topicKV(_ name: String, id: KafkaUUID, partitions: Int, configs: String = "{}", revision: Int64) -> EtcdKeyValue {
        let assignment = Array(repeating: "[1]", count: partitions).joined(separator: ",")
        return EtcdKeyValue(key: Array(layout.topic(name).utf8),
                            value: Array(#"{"id":"\#(id)","partitions":[\#(assignment)],"configs":\#(configs)}"#.utf8),
                            createRevision: revision, modRevision: revision, version: 1)
    }

    private func topic(_ name: String, id: KafkaUUID, partitions: Int, configs: [String: String] = [:],
                       revision: Int64) -> TopicMetadataRecord {
        TopicMetadataRecord(name: name, topicId: id, replicaAssignment: Array(repeating: [1], count: partitions),
                            configs: configs, version: MetadataVersion(revision: revision))
    }

    func testTheLayoutNamesEveryKeyOfTheDesign() {
        XCTAssertEqual(layout.root, "/c1/")
        XCTAssertEqual(EtcdKeyLayout().topic("orders"), "/brook/topics/orders")
        XCTAssertEqual(EtcdKeyLayout().partition("orders", 3), "/brook/partitions/orders/3")
        XCTAssertEqual(EtcdKeyLayout().broker(2), "/brook/brokers/2")
        XCTAssertEqual(EtcdKeyLayout().producerIdNextBlock, "/brook/producer_ids/next_block")
        let cases: [(String, EtcdKeyLayout.Entry?)] = [
            ("/c1/cluster_id", .clusterId), ("/c1/controller", .controller), ("/c1/controller_epoch", .controllerEpoch),
            ("/c1/configs/broker", .brokerConfigs), ("/c1/producer_ids/next_block", .producerIdNextBlock),
            ("/c1/brokers/7", .broker(7)), ("/c1/topics/a.b-c", .topic("a.b-c")),
            ("/c1/partitions/orders/12", .partition(topic: "orders", index: 12)),
            ("/c1/brokers/x", nil), ("/c1/topics/", nil), ("/c1/topics/a/b", nil), ("/c1/partitions/orders", nil),
            ("/c2/topics/a", nil), ("/c1/unknown", nil),
        ]
        for (key, expected) in cases { XCTAssertEqual(layout.entry(for: key), expected, key) }
    }

    func testEventsBecomeChanges() {
        var tracker = EtcdMetadataChangeTracker(layout: layout)
        let id = KafkaUUID.random()
        let created = tracker.apply(EtcdWatchEvent(kind: .put, kv: topicKV("t", id: id, partitions: 1, revision: 5)))
        XCTAssertEqual(created.changes, [.topicCreated(topic("t", id: id, partitions: 1, revision: 5))])
        let updated = tracker.apply(EtcdWatchEvent(kind: .put, kv: topicKV("t", id: id, partitions: 2, revision: 6)))
        XCTAssertEqual(updated.changes, [.topicUpdated(topic("t", id: id, partitions: 2, revision: 6))])
        let deleted = tracker.apply(EtcdWatchEvent(kind: .delete, kv: EtcdKeyValue(key: Array(layout.topic("t").utf8), modRevision: 7)))
        XCTAssertEqual(deleted.changes, [.topicDeleted(name: "t", version: MetadataVersion(revision: 7))])
        let partition = tracker.apply(EtcdWatchEvent(kind: .put, kv: EtcdKeyValue(key: Array(layout.partition("t", 0).utf8),
                                                                                 value: Array("{}".utf8), modRevision: 8)))
        XCTAssertEqual(partition.changes, [])

        let bad = tracker.apply(EtcdWatchEvent(kind: .put, kv: EtcdKeyValue(key: Array(layout.brokerConfigs.utf8),
                                                                           value: Array("[1]".utf8), modRevision: 9)))
        XCTAssertEqual(bad.changes, [])
        XCTAssertEqual(bad.problems.count, 1)
        XCTAssertEqual(tracker.brokerConfigs, Versioned([:], version: .absent))
    }

    func testAReReadReportsWhatChangedWhileHistoryWasLost() {
        var tracker = EtcdMetadataChangeTracker(layout: layout)
        let (kept, changed, gone, recreatedOld, recreatedNew, added) =
            (KafkaUUID.random(), KafkaUUID.random(), KafkaUUID.random(), KafkaUUID.random(), KafkaUUID.random(), KafkaUUID.random())
        let baseline = tracker.resync([
            topicKV("kept", id: kept, partitions: 1, revision: 2),
            topicKV("changed", id: changed, partitions: 1, revision: 3),
            topicKV("gone", id: gone, partitions: 1, revision: 4),
            topicKV("recreated", id: recreatedOld, partitions: 1, revision: 5),
        ], revision: 5)
        XCTAssertEqual(baseline.changes.count, 4, "everything is new to an empty tracker")

        let later = tracker.resync([
            topicKV("kept", id: kept, partitions: 1, revision: 2),
            topicKV("changed", id: changed, partitions: 1, configs: #"{"a":"b"}"#, revision: 8),
            topicKV("recreated", id: recreatedNew, partitions: 3, revision: 9),
            topicKV("added", id: added, partitions: 1, revision: 10),
            EtcdKeyValue(key: Array(layout.brokerConfigs.utf8), value: Array(#"{"k":"v"}"#.utf8), modRevision: 11),
        ], revision: 12)
        XCTAssertEqual(later.changes, [
            .topicCreated(topic("added", id: added, partitions: 1, revision: 10)),
            .topicUpdated(topic("changed", id: changed, partitions: 1, configs: ["a": "b"], revision: 8)),
            .topicDeleted(name: "recreated", version: MetadataVersion(revision: 12)),
            .topicCreated(topic("recreated", id: recreatedNew, partitions: 3, revision: 9)),
            .topicDeleted(name: "gone", version: MetadataVersion(revision: 12)),
            .dynamicBrokerConfigsChanged(Versioned(["k": "v"], version: MetadataVersion(revision: 11))),
        ])
        XCTAssertEqual(tracker.resync([
            topicKV("kept", id: kept, partitions: 1, revision: 2),
            EtcdKeyValue(key: Array(layout.topic("added").utf8), value: Array("oops".utf8), modRevision: 13),
        ], revision: 13).changes.map(\.name), ["changed", "recreated", "dynamic broker configs"],
                       "an undecodable record is kept as known, not reported deleted")
    }
}

extension EtcdMetadataChangeTrackerTests {
    private func kv(_ key: String, _ value: String, revision: Int64) -> EtcdKeyValue {
        EtcdKeyValue(key: Array(key.utf8), value: Array(value.utf8), createRevision: revision, modRevision: revision, version: 1)
    }

    func testClusterStateEventsAndReReads() {
        var tracker = EtcdMetadataChangeTracker(layout: layout)
        let broker = #"{"id":2,"host":"h","port":9093,"incarnation":5,"rack":null}"#
        let state = #"{"leader":2,"leaderEpoch":1,"isr":[2],"partitionEpoch":3}"#
        let registration = BrokerRegistration(id: 2, host: "h", port: 9093, incarnation: 5)
        let partition = PartitionLeadershipState(leader: 2, leaderEpoch: 1, isr: [2], partitionEpoch: 3)
        XCTAssertEqual(tracker.apply(EtcdWatchEvent(kind: .put, kv: kv(layout.broker(2), broker, revision: 4))).clusterChanges,
                       [.broker(id: 2, Versioned(registration, version: MetadataVersion(revision: 4)))])
        XCTAssertEqual(tracker.apply(EtcdWatchEvent(kind: .put, kv: kv(layout.controllerEpoch, "3", revision: 5))).clusterChanges,
                       [.controllerEpoch(3)])
        XCTAssertEqual(tracker.apply(EtcdWatchEvent(kind: .put, kv: kv(layout.partition("t", 1), state, revision: 6))).clusterChanges,
                       [.partition(topic: "t", index: 1, Versioned(partition, version: MetadataVersion(revision: 6)))])
        XCTAssertEqual(tracker.apply(EtcdWatchEvent(kind: .delete, kv: EtcdKeyValue(key: Array(layout.broker(2).utf8), modRevision: 7))).clusterChanges,
                       [.broker(id: 2, nil)])
        let bad = tracker.apply(EtcdWatchEvent(kind: .put, kv: kv(layout.controller, "{}", revision: 8)))
        XCTAssertEqual(bad.clusterChanges, [])
        XCTAssertEqual(bad.problems.count, 1)

        // History lost: the broker came back, a controller was elected, the partition moved on and
        // another one appeared.
        var moved = partition
        moved.isr = [2, 3]
        moved.partitionEpoch = 4
        let reread = tracker.resync([
            kv(layout.broker(2), broker, revision: 9),
            kv(layout.controller, #"{"brokerId":2,"epoch":4}"#, revision: 10),
            kv(layout.controllerEpoch, "4", revision: 10),
            kv(layout.partition("t", 0), state, revision: 11),
            kv(layout.partition("t", 1), #"{"leader":2,"leaderEpoch":1,"isr":[2,3],"partitionEpoch":4}"#, revision: 12),
        ], revision: 12)
        XCTAssertEqual(reread.clusterChanges, [
            .broker(id: 2, Versioned(registration, version: MetadataVersion(revision: 9))),
            .controllerEpoch(4),
            .controller(Versioned(EtcdControllerClaim(brokerId: 2, epoch: 4), version: MetadataVersion(revision: 10))),
            .partition(topic: "t", index: 0, Versioned(partition, version: MetadataVersion(revision: 11))),
            .partition(topic: "t", index: 1, Versioned(moved, version: MetadataVersion(revision: 12))),
        ])
        XCTAssertEqual(tracker.resync([], revision: 13).clusterChanges, [
            .broker(id: 2, nil), .controllerEpoch(0), .controller(nil),
            .partition(topic: "t", index: 0, nil), .partition(topic: "t", index: 1, nil),
        ])
    }
}

private extension MetadataChange {
    var name: String {
        switch self {
        case .topicCreated(let record), .topicUpdated(let record): return record.name
        case .topicDeleted(let name, _): return name
        case .dynamicBrokerConfigsChanged: return "dynamic broker configs"
        }
    }
}

@testable import BrookCluster
import XCTest

/// `ClusterView`: a single node leads everything; a cluster view answers per partition.
final class ViewTests: XCTestCase {
    private let one = BrokerEndpoint(nodeId: 1, host: "a.test", port: 9092, rack: "r1")
    private let two = BrokerEndpoint(nodeId: 2, host: "b.test", port: 9093)

    func testASingleNodeLeadsEveryPartitionAtEpochZero() {
        let view = ClusterView.singleNode(BrokerEndpoint(nodeId: 7, host: "127.0.0.1", port: 9092))
        XCTAssertEqual(view.controllerId, 7)
        XCTAssertEqual(view.brokers.map(\.nodeId), [7])
        for (topic, partition) in [("orders", Int32(0)), ("__consumer_offsets", 49)] {
            XCTAssertEqual(view.routing(topic: topic, partition: partition),
                           PartitionRouting(leader: 7, leaderEpoch: 0, replicas: [7], isr: [7], offlineReplicas: []))
            XCTAssertEqual(view.leader(topic: topic, partition: partition)?.nodeId, 7)
        }
    }

    func testAClusterViewAnswersPerPartitionAndKnowsOnlyLiveLeaders() {
        let view = ClusterView(brokers: [two, one], controllerId: 2, partitions: [
            "orders": [
                PartitionRouting(leader: 2, leaderEpoch: 4, replicas: [2, 1, 3], isr: [2, 1], offlineReplicas: [3]),
                PartitionRouting(leader: 3, leaderEpoch: 1, replicas: [3, 1], isr: [3]),
            ],
        ])
        XCTAssertEqual(view.brokers, [one, two], "sorted by node id")
        XCTAssertEqual(view.routing(topic: "orders", partition: 0)?.isr, [2, 1])
        XCTAssertEqual(view.leader(topic: "orders", partition: 0), two)
        XCTAssertNil(view.leader(topic: "orders", partition: 1), "broker 3 is not live")
        XCTAssertNil(view.routing(topic: "orders", partition: 2))
        XCTAssertNil(view.routing(topic: "orders", partition: -1))
        XCTAssertNil(view.routing(topic: "unknown", partition: 0))
        XCTAssertEqual(view.broker(1)?.rack, "r1")
    }
}

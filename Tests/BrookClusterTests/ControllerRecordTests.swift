import BrookCluster
import BrookStorage
import Foundation
import XCTest

/// The controller's records as JSON in etcd's key layout, and the routing view built from a snapshot.
final class ControllerRecordTests: XCTestCase {
    private typealias F = ControllerFixtures

    func testPartitionStateJsonUsesTheDesignsKeysAndToleratesMissingElr() throws {
        let state = PartitionLeadershipState(leader: 2, leaderEpoch: 3, isr: [2, 1], partitionEpoch: 7, elr: [3],
                                             lastKnownElr: [4])
        let encoded = try JSONEncoder().encode(state)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["leader", "leaderEpoch", "isr", "partitionEpoch", "elr", "lastKnownElr"])
        XCTAssertEqual(try JSONDecoder().decode(PartitionLeadershipState.self, from: encoded), state)
        let older = Data(#"{"leader":-1,"leaderEpoch":0,"isr":[1],"partitionEpoch":2}"#.utf8)
        XCTAssertEqual(try JSONDecoder().decode(PartitionLeadershipState.self, from: older),
                       PartitionLeadershipState(leader: -1, leaderEpoch: 0, isr: [1], partitionEpoch: 2))
    }

    func testBrokerRegistrationJson() throws {
        let json = Data(#"{"id":3,"host":"10.0.0.3","port":9094,"rack":"r1","incarnation":17}"#.utf8)
        XCTAssertEqual(try JSONDecoder().decode(BrokerRegistration.self, from: json),
                       BrokerRegistration(id: 3, host: "10.0.0.3", port: 9094, rack: "r1", incarnation: 17))
        let noRack = Data(#"{"id":3,"host":"h","port":1,"incarnation":1}"#.utf8)
        XCTAssertNil(try JSONDecoder().decode(BrokerRegistration.self, from: noRack).rack)
    }

    func testClusterViewFromASnapshot() {
        let states = [PartitionLeadershipState(leader: 2, leaderEpoch: 4, isr: [2], partitionEpoch: 6)]
        var controller = F.state(brokers: [1, 2, 3], assignments: [[1, 2], [3, 1]], states: states + [states[0]])
        controller.observed(F.partition(1), state: nil)
        _ = controller.brokerExpired(1)
        let view = controller.snapshot.clusterView(controllerId: 3)
        XCTAssertEqual(view.brokers.map(\.nodeId), [2, 3])
        XCTAssertEqual(view.controllerId, 3)
        XCTAssertEqual(view.routing(topic: "t", partition: 0),
                       PartitionRouting(leader: 2, leaderEpoch: 4, replicas: [1, 2], isr: [2], offlineReplicas: [1]))
        XCTAssertEqual(view.routing(topic: "t", partition: 1),
                       PartitionRouting(leader: -1, leaderEpoch: -1, replicas: [3, 1], isr: [], offlineReplicas: [1]))
        XCTAssertEqual(view.leader(topic: "t", partition: 0)?.port, 9092)
    }
}

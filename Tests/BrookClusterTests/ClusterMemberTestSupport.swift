@testable import BrookCluster
import BrookEtcd
import BrookStorage
import BrookTestSupport
import Foundation
import Logging
import XCTest

/// What a `RecordingMemberDelegate` was told, as it stands after the last call.
struct RecordedMember: Sendable {
    enum Role: Sendable, Hashable {
        case leader(epoch: Int32, isr: [Int32])
        case follower(leader: Int32, endpoint: BrokerEndpoint?, epoch: Int32)
    }

    var roles: [TopicPartition: Role] = [:]
    var view: ClusterView?
    var fences = 0
    var becomeLeaderCalls: [(TopicPartition, Int32)] = []

    var led: [TopicPartition: Int32] {
        roles.compactMapValues { role in
            if case .leader(let epoch, _) = role { return epoch }
            return nil
        }
    }
}

/// Records every delegate call of one member and lets a test await a condition on them (bounded).
final class RecordingMemberDelegate: ClusterMemberDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded = RecordedMember()
    private var waiters: [UUID: AsyncStream<Void>.Continuation] = [:]

    var current: RecordedMember { lock.withLock { recorded } }

    private func update(_ change: (inout RecordedMember) -> Void) {
        let targets = lock.withLock {
            change(&recorded)
            return Array(waiters.values)
        }
        for waiter in targets { waiter.yield() }
    }

    func becomeLeader(_ partition: TopicPartition, leaderEpoch: Int32, isr: [Int32], replicas: [Int32],
                      partitionEpoch: Int32) async {
        update {
            $0.roles[partition] = .leader(epoch: leaderEpoch, isr: isr)
            $0.becomeLeaderCalls.append((partition, leaderEpoch))
        }
    }

    func becomeFollower(_ partition: TopicPartition, leader: Int32, endpoint: BrokerEndpoint?, leaderEpoch: Int32) async {
        update { $0.roles[partition] = .follower(leader: leader, endpoint: endpoint, epoch: leaderEpoch) }
    }

    func isrChanged(_ partition: TopicPartition, isr: [Int32], partitionEpoch: Int32) async {
        update {
            if case .leader(let epoch, _)? = $0.roles[partition] { $0.roles[partition] = .leader(epoch: epoch, isr: isr) }
        }
    }

    func stopReplica(_ partition: TopicPartition) async {
        update { $0.roles[partition] = nil }
    }

    func fenceLeaderships() async {
        update {
            $0.fences += 1
            $0.roles = [:]
        }
    }

    func clusterViewChanged(_ view: ClusterView) async {
        update { $0.view = view }
    }

    /// Returns once `condition` holds on what was recorded; fails after `seconds`.
    func wait(_ what: String, within seconds: Double = 15, file: StaticString = #filePath, line: UInt = #line,
              _ condition: @escaping @Sendable (RecordedMember) -> Bool) async throws {
        let id = UUID()
        let (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        lock.withLock { waiters[id] = continuation }
        defer { lock.withLock { _ = waiters.removeValue(forKey: id) } }
        continuation.yield()   // check what is recorded already
        do {
            try await within(seconds, what) {
                for await _ in changes where condition(self.current) { return }
            }
        } catch {
            XCTFail("\(error); recorded: \(current.roles.count) roles, view \(String(describing: current.view))",
                    file: file, line: line)
            throw error
        }
    }
}

/// Several members on one private etcd, each with its own client and recording delegate; every
/// member is stopped and etcd ended whatever the test body does.
final class MemberCluster: @unchecked Sendable {
    let fixture: EtcdStoreFixture
    private let lock = NSLock()
    private var running: [Int32: (ClusterMember, RecordingMemberDelegate)] = [:]
    private var all: [ClusterMember] = []

    init(fixture: EtcdStoreFixture) {
        self.fixture = fixture
    }

    @discardableResult
    func start(_ id: Int32, configure: (inout ClusterMemberConfiguration) -> Void = { _ in })
        async throws -> (ClusterMember, RecordingMemberDelegate) {
        let delegate = RecordingMemberDelegate()
        var configuration = ClusterMemberConfiguration(
            nodeId: id, host: "127.0.0.1", port: 9091 + id, etcdEndpoints: try EtcdEndpoints.parse(fixture.etcd.endpoint),
            layout: fixture.layout, controlledShutdownTimeout: .seconds(10))
        // The registered ports (9092...) are not these members' listeners: whatever else on the
        // machine listens there must not look like a broker that died. ClusterMemberLivenessTests
        // turn detection on with a listener of their own.
        configuration.connectionFailureDetection = false
        configure(&configuration)
        let member = ClusterMember(configuration: configuration, delegate: delegate, client: fixture.client(),
                                   logger: Logger(label: "brook.member.test"))
        lock.withLock {
            running[id] = (member, delegate)
            all.append(member)
        }
        try await member.start()
        return (member, delegate)
    }

    func member(_ id: Int32) -> ClusterMember { lock.withLock { running[id]!.0 } }
    func delegate(_ id: Int32) -> RecordingMemberDelegate { lock.withLock { running[id]!.1 } }

    /// Waits until every running member's view shows `brokers` live and one agreed controller; returns it.
    func awaitController(brokers: Set<Int32>, excluding: Int32? = nil) async throws -> Int32 {
        let ids = lock.withLock { Array(running.keys) }
        for id in ids {
            try await delegate(id).wait("member \(id) sees brokers \(brokers) and a controller") { recorded in
                guard let view = recorded.view else { return false }
                return Set(view.brokers.map(\.nodeId)) == brokers && view.controllerId != -1 && view.controllerId != excluding
            }
        }
        let controllers = Set(ids.compactMap { delegate($0).current.view?.controllerId })
        XCTAssertEqual(controllers.count, 1, "members disagree on the controller: \(controllers)")
        return controllers.first!
    }

    func forget(_ id: Int32) {
        lock.withLock { _ = running.removeValue(forKey: id) }
    }

    func stopAll() async {
        for member in lock.withLock({ all }) { await member.stop() }
    }
}

func withMemberCluster(_ body: (MemberCluster) async throws -> Void) async throws {
    try await withEtcdStore { fixture in
        let cluster = MemberCluster(fixture: fixture)
        do {
            try await body(cluster)
            await cluster.stopAll()
        } catch {
            await cluster.stopAll()
            throw error
        }
    }
}

@testable import BrookCluster
import BrookEtcd
import BrookTestSupport
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import XCTest

/// `PeerLiveness` end to end on a real etcd: a broker whose listener vanishes (its process died) has
/// its lease revoked by another member long before the lease could expire (10 s here), while a
/// listener that stays up keeps the lease however often its connections end.
final class ClusterMemberLivenessTests: XCTestCase {
    /// A stand-in for broker 2's Kafka listener that counts and can drop its connections.
    private final class FakeListener: @unchecked Sendable {
        let server: any Channel
        private let accepted = NIOLockedValueBox<[any Channel]>([])
        private let acceptedCount = NIOLockedValueBox(0)

        init() async throws {
            let accepted = self.accepted
            let count = acceptedCount
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    accepted.withLockedValue { $0.append(channel) }
                    count.withLockedValue { $0 += 1 }
                    return channel.eventLoop.makeSucceededVoidFuture()
                }
                .bind(host: "127.0.0.1", port: 0).get()
        }

        var port: Int32 { Int32(server.localAddress!.port!) }
        var connections: Int { acceptedCount.withLockedValue { $0 } }

        func dropConnections() async {
            for channel in accepted.withLockedValue({ list in defer { list = [] }; return list }) {
                try? await channel.close()
            }
        }

        /// As a killed process: the port stops listening and every connection ends.
        func die() async {
            try? await server.close()
            await dropConnections()
        }

        func waitForConnections(_ n: Int) async throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while connections < n {
                guard ContinuousClock.now < deadline else { throw ListenerTimeout(wanted: n, seen: connections) }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    private struct ListenerTimeout: Error {
        var wanted: Int
        var seen: Int
    }

    private func startPair(_ cluster: MemberCluster, listener: FakeListener) async throws -> Int64 {
        try await cluster.start(1) {
            $0.sessionTimeoutMilliseconds = 10_000
            $0.connectionFailureDetection = true
        }
        let (two, _) = try await cluster.start(2) {
            $0.sessionTimeoutMilliseconds = 10_000
            $0.port = listener.port
        }
        _ = try await cluster.awaitController(brokers: [1, 2])
        let lease = try expectUnwrap(await two.leaseId)
        try await listener.waitForConnections(1)
        return lease
    }

    func testABrokerWhosePortStopsListeningLosesItsLeaseAtOnce() async throws {
        try await withMemberCluster { cluster in
            let listener = try await FakeListener()
            let lease = try await startPair(cluster, listener: listener)
            let stoppedAt = ContinuousClock.now
            await cluster.member(2).stop()   // keeps its lease: only expiry (10 s) or a revoke ends it
            cluster.forget(2)
            await listener.die()
            try await cluster.delegate(1).wait("member 1 sees broker 2 gone", within: 5) { recorded in
                recorded.view.map { !$0.brokers.contains { $0.nodeId == 2 } } ?? false
            }
            XCTAssertLessThan(ContinuousClock.now - stoppedAt, .seconds(5))
            let ttl = try await cluster.fixture.client().timeToLive(lease)
            XCTAssertFalse(ttl.exists, "the lease was revoked, not left to expire")
        }
    }

    func testConnectionsThatEndWhileThePortStillListensChangeNothing() async throws {
        try await withMemberCluster { cluster in
            let listener = try await FakeListener()
            let lease = try await startPair(cluster, listener: listener)
            for round in 2...4 {
                await listener.dropConnections()
                try await listener.waitForConnections(round)   // member 1 reconnected
            }
            let ttl = try await cluster.fixture.client().timeToLive(lease)
            XCTAssertTrue(ttl.exists)
            let view = try expectUnwrap(cluster.delegate(1).current.view)
            XCTAssertTrue(view.brokers.contains { $0.nodeId == 2 })
            try await listener.server.close()
        }
    }
}

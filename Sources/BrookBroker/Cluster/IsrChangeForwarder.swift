import BrookCluster
import BrookStorage
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Sends the ISR changes this broker's leaders want (a follower caught up, or fell behind for
/// `replica.lag.time.max.ms`) to the cluster: Kafka's AlterPartition, which a Brook cluster does as
/// a compare-and-swap through its `ClusterMember`. Each check runs every led partition's lag check
/// and forwards a pending change not already sent; the controller's answer arrives as an ISR update
/// (`BrokerReplicaRoles.isrChanged`). A refused change is dropped and proposed again later.
public final class IsrChangeForwarder: Sendable {
    /// Sends one change: (partition, leader epoch, expected partition epoch, new ISR).
    public typealias Send = @Sendable (TopicPartition, Int32, Int32, [Int32]) async throws -> Void

    private let broker: Broker
    private let replicaLagTimeMaxMs: Int64
    private let send: Send
    /// Changes sent and not yet answered, so a check does not send them twice.
    private let inFlight = NIOLockedValueBox<[TopicPartition: IsrChangeProposal]>([:])

    public init(broker: Broker, replicaLagTimeMaxMs: Int64, send: @escaping Send) {
        self.broker = broker
        self.replicaLagTimeMaxMs = replicaLagTimeMaxMs
        self.send = send
    }

    /// Checks every partition this broker leads once, and sends what they propose.
    public func checkOnce() async {
        let now = broker.clock()
        for topic in broker.topics.allTopics {
            for partition in topic.partitions where partition.leadership.leader == broker.config.nodeId {
                guard let (proposal, epoch) = try? await partition.pendingIsrChange(now: now, replicaLagTimeMaxMs: replicaLagTimeMaxMs).get()
                else { continue }
                let tp = partition.topicPartition
                let fresh = inFlight.withLockedValue { sent -> Bool in
                    if sent[tp] == proposal { return false }
                    sent[tp] = proposal
                    return true
                }
                guard fresh else { continue }
                do {
                    try await send(tp, epoch, proposal.expectedPartitionEpoch, proposal.isr)
                } catch {
                    broker.logger.info("ISR change refused; proposing again later", metadata: [
                        "brook.partition": "\(tp)", "brook.isr": "\(proposal.isr)", "brook.error": "\(error)"])
                    inFlight.withLockedValue { $0[tp] = nil }
                    _ = try? await partition.updateReplica { state in
                        state.isrChangeFailed()
                        return []
                    }.get()
                }
            }
        }
    }

    /// Checks every `interval` until the task is cancelled (Kafka checks for lagging followers every
    /// half `replica.lag.time.max.ms`).
    public func run(every interval: Duration) async {
        while !Task.isCancelled {
            await checkOnce()
            try? await Task.sleep(for: interval)
        }
    }
}

extension Partition {
    /// Runs the lag check and returns the ISR change this partition wants, if any, with its leader epoch.
    func pendingIsrChange(now: Int64, replicaLagTimeMaxMs: Int64) -> EventLoopFuture<(IsrChangeProposal, Int32)?> {
        eventLoop.submit {
            self.apply(self.replica.tick(now: now, replicaLagTimeMaxMs: replicaLagTimeMaxMs))
            return self.replica.pendingIsrChange.map { ($0, self.replica.leaderEpoch) }
        }
    }
}

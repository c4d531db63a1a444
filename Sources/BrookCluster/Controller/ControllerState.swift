import BrookStorage

/// The controller's decisions as a value: fed the cluster's events (broker leases coming and going,
/// requests), it updates its snapshot as if its writes succeeded and returns those writes as
/// effects. Its runtime performs each as a CAS guarded by the controller epoch; when one fails, the
/// runtime feeds back what is stored (`observed`) and asks again.
///
/// Membership rules (KIP-966, simplified for Brook):
/// - A broker whose lease is gone leaves every ISR (the last member stays) and loses its
///   leaderships; each partition it led gets a new leader by `PartitionChange`'s election.
/// - A departure is clean when it follows a granted controlled shutdown (the broker leads nothing).
///   A broker returning after a clean departure, or with the incarnation it left with (it only
///   lost its lease), kept its whole log. Any other return is a restart after a crash: the broker
///   leaves every ELR for the last known ELR, so only an unclean election can make it leader there.
/// - The last ISR member may lead again when it returns, crashed or not: Brook's followers fsync
///   before they fetch on, so an ISR member holds every acknowledged record on disk (only
///   `flush.messages`/`flush.ms` relax that, and say so). This keeps a cluster that lost power
///   everywhere at once recoverable without an unclean election.
public struct ControllerState: Sendable {
    public internal(set) var snapshot: ControllerSnapshot

    public init(snapshot: ControllerSnapshot) {
        self.snapshot = snapshot
    }

    // MARK: Watch events that carry no decision

    /// A partition record as stored (a leader's own ISR CAS, or a reload after a failed CAS); nil: deleted.
    public mutating func observed(_ partition: TopicPartition, state: PartitionLeadershipState?) {
        snapshot.partitions[partition] = state
    }

    /// A topic as stored; nil: deleted (its partitions go with it).
    public mutating func observed(topic name: String, _ topic: ControllerTopic?) {
        snapshot.topics[name] = topic
        if topic == nil {
            for partition in snapshot.partitions.keys where partition.topic == name {
                snapshot.partitions[partition] = nil
            }
        }
    }

    // MARK: Membership

    /// `broker`'s lease is gone.
    public mutating func brokerExpired(_ broker: Int32) -> [ControllerEffect] {
        guard let registration = snapshot.liveBrokers.removeValue(forKey: broker) else { return [] }
        snapshot.departedIncarnations[broker] = registration.incarnation
        let wasShuttingDown = snapshot.shuttingDown.remove(broker) != nil
        if wasShuttingDown && snapshot.partitionsLed(by: broker).isEmpty {
            snapshot.cleanlyShutDown.insert(broker)
        } else {
            snapshot.cleanlyShutDown.remove(broker)
        }
        var effects: [ControllerEffect] = []
        for partition in snapshot.sortedPartitions {
            guard let state = snapshot.partitions[partition],
                  state.isr.contains(broker) || state.leader == broker else { continue }
            effects += change(partition) { change, snapshot in
                change.removeFromIsr(broker)
                change.electIfNeeded(snapshot, allowUnclean: change.policy.uncleanLeaderElection)
            }
        }
        return effects
    }

    /// `registration` appeared under a live lease (a new broker, or one coming back).
    public mutating func brokerRegistered(_ registration: BrokerRegistration) -> [ControllerEffect] {
        let broker = registration.id
        var effects: [ControllerEffect] = []
        if let live = snapshot.liveBrokers[broker] {
            guard live.incarnation != registration.incarnation else {
                snapshot.liveBrokers[broker] = registration  // same run, new address or rack
                return []
            }
            // Restarted before its old lease expired: the old run is gone.
            effects += brokerExpired(broker)
        }
        let clean = snapshot.cleanlyShutDown.contains(broker)
            || snapshot.departedIncarnations[broker] == registration.incarnation
        snapshot.liveBrokers[broker] = registration
        snapshot.cleanlyShutDown.remove(broker)
        snapshot.departedIncarnations[broker] = nil
        snapshot.shuttingDown.remove(broker)
        for partition in snapshot.sortedPartitions {
            guard let replicas = snapshot.assignment(partition)?.replicas, replicas.contains(broker) else { continue }
            effects += change(partition) { change, snapshot in
                if !clean { change.demoteFromElr(broker) }
                if change.state.isOffline {
                    change.electIfNeeded(snapshot, allowUnclean: change.policy.uncleanLeaderElection)
                }
            }
        }
        return effects
    }

    // MARK: Applying changes

    /// Runs `rules` on `partition`'s record and, when they changed it, stores the result and returns its write.
    mutating func change(_ partition: TopicPartition,
                         _ rules: (inout PartitionChange, ControllerSnapshot) -> Void) -> [ControllerEffect] {
        guard let state = snapshot.partitions[partition] else { return [] }
        var change = PartitionChange(state, replicas: snapshot.assignment(partition)?.replicas ?? state.isr,
                                     policy: snapshot.policy(partition.topic))
        rules(&change, snapshot)
        guard let next = change.build() else { return [] }
        snapshot.partitions[partition] = next
        return [.writePartitionState(partition, next, expectedPartitionEpoch: state.partitionEpoch)]
    }
}

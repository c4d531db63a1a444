import BrookStorage

/// Where a broker's controlled shutdown stands.
public struct ControlledShutdownProgress: Sendable, Hashable {
    /// Partitions the broker still leads (until the writes land, or when no one else could take them).
    public var remainingLeaderships: [TopicPartition]
    /// The broker leads nothing any more and may exit.
    public var mayExit: Bool { remainingLeaderships.isEmpty }
}

extension ControllerState {
    /// `broker` got SIGTERM and asks to shut down: it may no longer lead or join an ISR; it leaves
    /// every ISR (the last member stays, so the partition waits for it rather than for a replica
    /// that lags), and each partition it led moves to another ISR member, or an ELR member, or goes
    /// offline until it returns. Never an unclean election: this broker's log is whole.
    /// Asking again is harmless (it re-checks and answers the progress).
    public mutating func controlledShutdown(of broker: Int32) -> ControllerAnswer<ControlledShutdownProgress> {
        guard snapshot.liveBrokers[broker] != nil else { return .failure(.brokerNotAvailable(broker)) }
        snapshot.shuttingDown.insert(broker)
        var effects: [ControllerEffect] = []
        for partition in snapshot.sortedPartitions {
            guard let state = snapshot.partitions[partition],
                  state.isr.contains(broker) || state.leader == broker else { continue }
            effects += change(partition) { change, snapshot in
                change.removeFromIsr(broker)
                change.electIfNeeded(snapshot, allowUnclean: false)
            }
        }
        let progress = ControlledShutdownProgress(remainingLeaderships: snapshot.partitionsLed(by: broker))
        return ControllerAnswer(effects: effects, result: .success(progress))
    }
}

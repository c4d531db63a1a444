import BrookStorage
import Foundation

/// One partition's outcome of `ClusterMember.electLeaders`.
public enum LeaderElectionOutcome: Sendable, Hashable {
    /// The partition's record names `leader` now, and this broker's view shows it.
    case elected(leader: Int32)
    /// The controller's rules refused: ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE,
    /// ELIGIBLE_LEADERS_NOT_AVAILABLE or UNKNOWN_TOPIC_OR_PARTITION.
    case refused(ControllerError)
    /// Decided, but the change could not be stored (etcd failed, or the record kept changing under
    /// the write), or was not seen in this broker's view within the timeout: Kafka's
    /// REQUEST_TIMED_OUT.
    case timedOut
}

extension ClusterMember {
    /// ElectLeaders, decided by this member as controller (`ControllerState.electLeaders`) and
    /// written as compare-and-swaps fenced by the controller epoch, all in one step. `partitions`
    /// nil: every partition. A write that lost a race with another change of the same record (a
    /// leader's own ISR change) is decided again on what is stored (three rounds at most).
    ///
    /// Like Kafka's controller (its DelayedElectLeader), it answers once this broker's view shows
    /// the new leaders, waiting at most `timeout`; a partition not seen by then is `timedOut`.
    ///
    /// Throws `ClusterMemberError.notController` when this member is not the controller, or is
    /// deposed (or must re-read the cluster) before its writes are known to have landed.
    public func electLeaders(_ type: ElectionType, partitions: [TopicPartition]?,
                             timeout: Duration = .seconds(60)) async throws -> [TopicPartition: LeaderElectionOutcome] {
        var outcomes = try await decideAndWrite(type, partitions: partitions)
        var written: [TopicPartition: Int32] = [:]
        for case (let partition, .elected) in outcomes {
            written[partition] = active?.state.snapshot.partitions[partition]?.leaderEpoch
        }
        for partition in await unseen(written, within: timeout) { outcomes[partition] = .timedOut }
        let elected = outcomes.values.filter { if case .elected = $0 { return true } else { return false } }
        if !elected.isEmpty {
            logger.info("elected leaders", metadata: ["type": "\(type)", ClusterMemberLogKeys.partitions: "\(elected.count)"])
        }
        return outcomes
    }

    private func decideAndWrite(_ type: ElectionType, partitions: [TopicPartition]?) async throws
        -> [TopicPartition: LeaderElectionOutcome] {
        await step.enter()
        defer { step.leave() }
        guard store != nil, !stopped else { throw ClusterMemberError.notStarted }
        guard active != nil else {
            throw ClusterMemberError.notController(controller: mirror.controller?.value.brokerId ?? -1)
        }
        var outcomes: [TopicPartition: LeaderElectionOutcome] = [:]
        var pending = partitions
        for _ in 0..<3 {
            guard active?.needsRebuild == false, let answer = active?.state.electLeaders(type, partitions: pending) else {
                throw ClusterMemberError.notController(controller: -1)
            }
            guard case .success(let decided) = answer.result else { break }
            await perform(answer.effects)
            guard let after = active, !after.needsRebuild else { throw ClusterMemberError.notController(controller: -1) }
            var raced: [TopicPartition] = []
            for (partition, result) in decided {
                switch result {
                case .failure(let error):
                    outcomes[partition] = .refused(error)
                case .success(let leader) where after.state.snapshot.partitions[partition]?.leader == leader:
                    outcomes[partition] = .elected(leader: leader)
                case .success:
                    // The CAS met a newer record; `perform` fed it back: decide again on it.
                    outcomes[partition] = .timedOut
                    raced.append(partition)
                }
            }
            guard !raced.isEmpty else { break }
            pending = raced
        }
        return outcomes
    }

    /// Waits (at most `timeout`) until the mirror, and with it the view announced to the broker,
    /// holds each partition at `leaderEpochs[partition]` or later; returns those it does not.
    private func unseen(_ leaderEpochs: [TopicPartition: Int32], within timeout: Duration) async -> Set<TopicPartition> {
        func missing() -> Set<TopicPartition> {
            Set(leaderEpochs.filter { partition, epoch in
                (mirror.partitions[partition]?.value.leaderEpoch ?? .min) < epoch
            }.keys)
        }
        guard !missing().isEmpty else { return [] }
        let id = UUID()
        let (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        roleWatchers[id] = continuation
        defer { roleWatchers[id] = nil }
        let deadline = Task {
            try? await Task.sleep(for: timeout)
            continuation.finish()
        }
        defer { deadline.cancel() }
        for await _ in changes where missing().isEmpty {
            return []
        }
        return missing()
    }

    /// `auto.leader.rebalance.enable`'s check, as one step of the active controller: leadership goes
    /// back to the preferred replica on every partition of a broker whose imbalance exceeds
    /// `leader.imbalance.per.broker.percentage` (`ControllerState.rebalanceLeaders`). Returns how
    /// many partition writes were asked for.
    @discardableResult
    func rebalanceLeaders() async -> Int {
        await step.enter()
        defer { step.leave() }
        guard !stopped, active?.needsRebuild == false,
              let effects = active?.state.rebalanceLeaders(imbalancePercentage: configuration.leaderImbalancePerBrokerPercentage)
        else { return 0 }
        guard !effects.isEmpty else { return 0 }
        logger.info("moving leadership back to preferred replicas",
                    metadata: [ClusterMemberLogKeys.partitions: "\(effects.count)"])
        await perform(effects)
        return effects.count
    }

    /// Runs the rebalance check every `leader.imbalance.check.interval.seconds` until cancelled
    /// (only the controller acts on it); nothing when `auto.leader.rebalance.enable` is false.
    func rebalanceLeadersPeriodically() async {
        guard configuration.autoLeaderRebalanceEnable else { return }
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.leaderImbalanceCheckInterval)
            } catch {
                return
            }
            await rebalanceLeaders()
        }
    }
}

import BrookCluster
import BrookStorage
import BrookTestSupport
import XCTest

/// Seeded random sequences against three topics on five brokers — brokers die (crash or lost
/// lease), come back (same or new incarnation), shut down in a controlled way; leaders propose ISR
/// changes (some stale, some with ineligible members); acks=all writes complete; preferred, unclean
/// and automatic elections run. After every event:
/// - each write expects the partition epoch that was stored and carries the record now held; a
///   partition without a write is unchanged; a refused AlterPartition changes nothing;
/// - the partition epoch grows by one on every change, the leader epoch by one on every leader
///   change and never otherwise (so neither ever decreases);
/// - the ISR is non-empty, unique, within the replicas; leader ∈ ISR or -1; the ELR and the last
///   known ELR are disjoint from the ISR and from each other;
/// - a leader is live and not shutting down; an offline partition has no live ISR or ELR member
///   that could lead;
/// - a new leader comes from the previous ISR or ELR unless the topic enables unclean election;
/// - no acknowledged write is lost: every ISR and ELR member holds every acks=all write
///   acknowledged so far (model: an acknowledgement needs a live leader and an ISR of at least
///   min.insync.replicas, and makes the ISR the holders; a replica joining the ISR has caught up;
///   an unclean election makes the new leader's log the truth). So a clean election never picks a
///   replica missing an acknowledged write.
final class ControllerPropertyTests: XCTestCase {
    private struct Coverage {
        var leaderChanges = 0, elrElections = 0, uncleanElections = 0, offlinePartitions = 0
        var acceptedProposals = 0, refusedProposals = 0, acks = 0, cleanReturns = 0, crashReturns = 0
        var controlledShutdowns = 0, preferredElections = 0
    }

    private let brokerIds: [Int32] = [1, 2, 3, 4, 5]

    func testRandomSequencesKeepTheInvariants() {
        var coverage = Coverage()
        for seed in UInt64(1)...80 {
            run(seed: seed, steps: 400, coverage: &coverage)
        }
        XCTAssertGreaterThan(coverage.leaderChanges, 500)
        XCTAssertGreaterThan(coverage.elrElections, 10)
        XCTAssertGreaterThan(coverage.uncleanElections, 10)
        XCTAssertGreaterThan(coverage.offlinePartitions, 100)
        XCTAssertGreaterThan(coverage.acceptedProposals, 500)
        XCTAssertGreaterThan(coverage.refusedProposals, 500)
        XCTAssertGreaterThan(coverage.acks, 500)
        XCTAssertGreaterThan(coverage.cleanReturns, 100)
        XCTAssertGreaterThan(coverage.crashReturns, 100)
        XCTAssertGreaterThan(coverage.controlledShutdowns, 100)
        XCTAssertGreaterThan(coverage.preferredElections, 50)
    }

    private func run(seed: UInt64, steps: Int, coverage: inout Coverage) {
        var rng = SeededRNG(seed: seed)
        var incarnations: [Int32: Int64] = [:]
        var snapshot = ControllerSnapshot()
        for id in brokerIds {
            incarnations[id] = 1
            snapshot.liveBrokers[id] = ControllerFixtures.broker(id)
        }
        var controller = ControllerState(snapshot: snapshot)
        let start = Int(rng.next() % 5)
        _ = controller.createTopic("a", partitionCount: 4, replicationFactor: 3,
                                   policy: TopicElectionPolicy(minInsyncReplicas: 2), startIndex: start)
        _ = controller.createTopic("b", partitionCount: 3, replicationFactor: 3,
                                   policy: TopicElectionPolicy(uncleanLeaderElection: true, minInsyncReplicas: 2),
                                   startIndex: start)
        _ = controller.createTopic("c", partitionCount: 2, replicationFactor: 2, startIndex: start)
        XCTAssertEqual(controller.snapshot.partitions.count, 9)
        var holders: [TopicPartition: Set<Int32>] = controller.snapshot.partitions.mapValues { Set($0.isr) }

        for step in 0..<steps {
            let before = controller.snapshot
            let context = "seed \(seed) step \(step)"
            var effects: [ControllerEffect] = []
            var joinersAcknowledged = false
            let live = before.liveBrokers.keys.sorted()
            let dead = brokerIds.filter { before.liveBrokers[$0] == nil }
            switch rng.next() % 100 {
            case 0..<14:
                guard let victim = live.randomElement(using: &rng) else { continue }
                effects = controller.brokerExpired(victim)
            case 14..<30:
                guard let returning = dead.randomElement(using: &rng) else { continue }
                // Half come back as the same run (their lease lapsed), half restart.
                if rng.next() % 2 == 0 { incarnations[returning, default: 1] += 1 }
                let clean = before.cleanlyShutDown.contains(returning)
                    || before.departedIncarnations[returning] == incarnations[returning]
                if clean { coverage.cleanReturns += 1 } else { coverage.crashReturns += 1 }
                effects = controller.brokerRegistered(ControllerFixtures.broker(
                    returning, incarnation: incarnations[returning, default: 1]))
            case 30..<37:
                guard let leaving = live.filter({ !before.shuttingDown.contains($0) }).randomElement(using: &rng)
                else { continue }
                let answer = controller.controlledShutdown(of: leaving)
                effects = answer.effects
                XCTAssertEqual(answer.result.map(\.mayExit), .success(true), context)
                coverage.controlledShutdowns += 1
                if rng.next() % 2 == 0 {
                    check(before: before, after: controller.snapshot, effects: effects, holders: &holders,
                          joinersAcknowledged: false, coverage: &coverage, context: context)
                    let exited = controller.snapshot
                    effects = controller.brokerExpired(leaving)
                    XCTAssertTrue(controller.snapshot.cleanlyShutDown.contains(leaving), context)
                    check(before: exited, after: controller.snapshot, effects: effects, holders: &holders,
                          joinersAcknowledged: false, coverage: &coverage, context: context + " (exit)")
                    continue
                }
            case 37..<70:
                guard let (request, valid) = proposal(before, incarnations: incarnations, rng: &rng) else { continue }
                let answer = controller.alterPartition(request)
                effects = answer.effects
                if valid {
                    XCTAssertNoThrow(try answer.result.get(), context)
                    coverage.acceptedProposals += 1
                    joinersAcknowledged = true
                } else {
                    XCTAssertThrowsError(try answer.result.get(), context)
                    XCTAssertEqual(effects, [], context)
                    XCTAssertEqual(controller.snapshot, before, context)
                    coverage.refusedProposals += 1
                }
            case 70..<90:
                guard let partition = before.sortedPartitions.randomElement(using: &rng),
                      let state = before.partitions[partition], !state.isOffline,
                      state.isr.count >= before.policy(partition.topic).minInsyncReplicas else { continue }
                holders[partition] = Set(state.isr)
                coverage.acks += 1
            case 90..<95:
                let answer = controller.electLeaders(.preferred)
                effects = answer.effects
                coverage.preferredElections += effects.count
            case 95..<97:
                effects = controller.rebalanceLeaders()
            default:
                // An operator's unclean election, only where the topic allows it in this model.
                let partitions = before.sortedPartitions.filter { $0.topic == "b" }
                effects = controller.electLeaders(.unclean, partitions: partitions).effects
            }
            check(before: before, after: controller.snapshot, effects: effects, holders: &holders,
                  joinersAcknowledged: joinersAcknowledged, coverage: &coverage, context: context)
        }
    }

    /// A leader's ISR change: shrink or grow by one member; sometimes with a stale epoch or a stale
    /// member incarnation. `valid` says whether the controller must accept it.
    private func proposal(_ snapshot: ControllerSnapshot, incarnations: [Int32: Int64],
                          rng: inout SeededRNG) -> (AlterPartitionRequest, Bool)? {
        guard let partition = snapshot.sortedPartitions.randomElement(using: &rng),
              let state = snapshot.partitions[partition], !state.isOffline,
              let replicas = snapshot.assignment(partition)?.replicas else { return nil }
        var isr = state.isr
        var valid = true
        var memberIncarnations: [Int32: Int64] = [:]
        let shrinkable = isr.filter { $0 != state.leader }
        let growable = replicas.filter { !isr.contains($0) }
        if !shrinkable.isEmpty, growable.isEmpty || rng.next() % 2 == 0 {
            let leaving = shrinkable.randomElement(using: &rng)!
            isr.removeAll { $0 == leaving }
        } else if let joining = growable.randomElement(using: &rng) {
            isr.append(joining)
            valid = snapshot.isEligible(joining)
            let known = incarnations[joining, default: 1]
            let stale = rng.next() % 5 == 0
            memberIncarnations[joining] = stale ? known - 1 : known
            if stale { valid = false }
        } else {
            return nil
        }
        var request = AlterPartitionRequest(brokerId: state.leader, brokerIncarnation: incarnations[state.leader],
                                            partition: partition, leaderEpoch: state.leaderEpoch,
                                            partitionEpoch: state.partitionEpoch, newIsr: isr,
                                            memberIncarnations: memberIncarnations)
        switch rng.next() % 10 {
        case 0: request.leaderEpoch -= 1; valid = false
        case 1: request.partitionEpoch -= 1; valid = false
        default: break
        }
        return (request, valid)
    }

    private func check(before: ControllerSnapshot, after: ControllerSnapshot, effects: [ControllerEffect],
                       holders: inout [TopicPartition: Set<Int32>], joinersAcknowledged: Bool,
                       coverage: inout Coverage, context: String) {
        var written: [TopicPartition: PartitionLeadershipState] = [:]
        for effect in effects {
            guard case .writePartitionState(let partition, let state, let expected) = effect else {
                XCTFail("unexpected effect \(effect) \(context)")
                continue
            }
            XCTAssertNil(written[partition], "two writes for \(partition) in one event, \(context)")
            written[partition] = state
            XCTAssertEqual(expected, before.partitions[partition]?.partitionEpoch, context)
        }
        for partition in after.sortedPartitions {
            guard let old = before.partitions[partition], let new = after.partitions[partition],
                  let replicas = after.assignment(partition)?.replicas else {
                XCTFail("partition \(partition) lost, \(context)")
                continue
            }
            let where_ = "\(partition) \(context): \(old) → \(new)"
            if let write = written[partition] {
                XCTAssertEqual(write, new, where_)
                XCTAssertNotEqual(old, new, where_)
                XCTAssertEqual(new.partitionEpoch, old.partitionEpoch + 1, where_)
                XCTAssertEqual(new.leaderEpoch, old.leaderEpoch + (new.leader != old.leader ? 1 : 0), where_)
            } else {
                XCTAssertEqual(old, new, "changed without a write: \(where_)")
            }
            // Shape.
            XCTAssertFalse(new.isr.isEmpty, where_)
            XCTAssertEqual(Set(new.isr).count, new.isr.count, where_)
            XCTAssertTrue(Set(new.isr).isSubset(of: replicas), where_)
            XCTAssertTrue(new.isOffline || new.isr.contains(new.leader), where_)
            XCTAssertTrue(Set(new.elr).isSubset(of: replicas), where_)
            XCTAssertTrue(Set(new.elr).isDisjoint(with: new.isr), where_)
            XCTAssertTrue(Set(new.lastKnownElr).isDisjoint(with: new.isr + new.elr), where_)
            // Leaders are live; offline only when no ISR or ELR member could lead.
            if new.isOffline {
                XCTAssertFalse((new.isr + new.elr).contains { after.isEligible($0) }, where_)
                if !old.isOffline { coverage.offlinePartitions += 1 }
            } else {
                XCTAssertNotNil(after.liveBrokers[new.leader], where_)
                XCTAssertFalse(after.shuttingDown.contains(new.leader), where_)
            }
            // Elections: from the ISR or ELR unless unclean is enabled; no acknowledged write lost.
            if new.leader != old.leader, !new.isOffline {
                coverage.leaderChanges += 1
                if !old.isr.contains(new.leader) {
                    if old.elr.contains(new.leader) {
                        coverage.elrElections += 1
                    } else {
                        XCTAssertTrue(after.policy(partition.topic).uncleanLeaderElection, "unclean election: \(where_)")
                        coverage.uncleanElections += 1
                        holders[partition] = [new.leader]
                    }
                }
                XCTAssertTrue(holders[partition, default: []].contains(new.leader), "data-losing election: \(where_)")
            }
            if joinersAcknowledged {
                holders[partition, default: []].formUnion(Set(new.isr).subtracting(old.isr))
            }
            XCTAssertTrue(Set(new.isr + new.elr).isSubset(of: holders[partition, default: []]),
                          "an ISR/ELR member may miss an acknowledged write (holders \(holders[partition] ?? [])): \(where_)")
        }
    }
}

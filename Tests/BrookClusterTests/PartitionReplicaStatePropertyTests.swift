import BrookCluster
import BrookTestSupport
import XCTest

/// Random event sequences against one leader of three replicas, with a controller that commits,
/// refuses or sits on the proposals. After every event:
/// - the high watermark and the durable ISR offset never move backwards, and each effect reports
///   exactly the new value of the watermark it names;
/// - durableIsrOffset <= highWatermark <= logEndOffset, durableIsrOffset <= flushedOffset <= logEndOffset;
/// - highWatermark <= the reported log end of every ISR follower that has fetched this epoch;
/// - a refused event (error value) leaves the state unchanged;
/// - proposals keep the leader, stay within the replicas and expect the current partition epoch;
/// and at the end, once every follower has fetched the log end and it is flushed, with the ISR
/// full again, both watermarks reach the log end (nothing is stuck).
final class PartitionReplicaStatePropertyTests: XCTestCase {
    /// How often the interesting transitions happened, so the test shows it exercised them.
    private struct Coverage {
        var shrinks = 0, expansions = 0, commits = 0, refusedFetches = 0, highWatermarkMoves = 0
    }

    func testRandomSequencesKeepTheInvariants() {
        var coverage = Coverage()
        for seed in UInt64(1)...60 {
            run(seed: seed, steps: 600, coverage: &coverage)
        }
        XCTAssertGreaterThan(coverage.shrinks, 20)
        XCTAssertGreaterThan(coverage.expansions, 20)
        XCTAssertGreaterThan(coverage.commits, 20)
        XCTAssertGreaterThan(coverage.refusedFetches, 100)
        XCTAssertGreaterThan(coverage.highWatermarkMoves, 1_000)
    }

    private func run(seed: UInt64, steps: Int, coverage: inout Coverage) {
        var rng = SeededRNG(seed: seed)
        var state = PartitionReplicaState(localReplica: 1, logEndOffset: 0, flushedOffset: 0, highWatermark: 0)
        var epoch: Int32 = 0
        var partitionEpoch: Int32 = 0
        _ = state.becameLeader(epoch: epoch, partitionEpoch: partitionEpoch, replicas: [1, 2, 3], isr: [1, 2, 3],
                               logEnd: 0, now: 0)
        var now: Int64 = 0
        // What each follower really holds (it fetches from there): monotone, at most our log end.
        var followerEnd: [Int32: Int64] = [2: 0, 3: 0]
        var proposal: IsrChangeProposal?
        let context = "seed \(seed)"

        for step in 0..<steps {
            let before = state
            var effects: [ReplicaEffect] = []
            var refused = false
            now += Int64.random(in: 0...2_000, using: &rng)
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<25:
                effects = state.leaderAppended(logEnd: state.logEndOffset + Int64.random(in: 0...10, using: &rng))
            case 25..<40:
                let upTo = Int64.random(in: state.flushedOffset - 3...state.logEndOffset + 3, using: &rng)
                effects = state.leaderFlushed(upTo: upTo)
            case 40..<75:
                let replica: Int32 = Bool.random(using: &rng) ? 2 : 3
                // Slow followers sometimes stay put for a while.
                if Int.random(in: 0..<3, using: &rng) > 0 {
                    followerEnd[replica] = Int64.random(in: followerEnd[replica]!...state.logEndOffset, using: &rng)
                }
                let requestEpoch: Int32 = [-1, epoch, epoch, epoch - 1, epoch + 1].randomElement(using: &rng)!
                switch state.followerFetched(replica: replica, fetchOffset: followerEnd[replica]!,
                                             currentLeaderEpoch: requestEpoch, now: now) {
                case .success(let e): effects = e
                case .failure: refused = true
                }
                XCTAssertEqual(refused, requestEpoch != -1 && requestEpoch != epoch, context)
            case 75..<80:
                let offset: Int64 = [-1, .min, .max, state.logEndOffset + 1].randomElement(using: &rng)!
                refused = (try? state.followerFetched(replica: 2, fetchOffset: offset, now: now).get()) == nil
                XCTAssertTrue(refused, context)
            case 80..<88:
                effects = state.tick(now: now, replicaLagTimeMaxMs: Int64.random(in: 1_000...10_000, using: &rng))
            case 88..<95:
                // The controller answers the proposal in flight, if any.
                guard let pending = proposal else { break }
                proposal = nil
                if Bool.random(using: &rng) {
                    partitionEpoch += 1
                    coverage.commits += 1
                    effects = state.isrUpdated(isr: pending.isr, partitionEpoch: partitionEpoch)
                } else {
                    state.isrChangeFailed()
                }
            case 95..<97:
                // An old ISR update arriving late changes nothing.
                XCTAssertEqual(state.isrUpdated(isr: [1], partitionEpoch: partitionEpoch - 1), [], context)
                XCTAssertEqual(state, before, context)
            default:
                // Re-elected at a new epoch (e.g. after a controller failover) with the ISR as committed.
                epoch += 1
                partitionEpoch += 1
                proposal = nil
                effects = (try? state.becameLeader(epoch: epoch, partitionEpoch: partitionEpoch, replicas: [1, 2, 3],
                                                    isr: state.isr, logEnd: state.logEndOffset, now: now).get()) ?? []
            }
            if refused {
                coverage.refusedFetches += 1
                XCTAssertEqual(state, before, "\(context) step \(step)")
            }
            for effect in effects {
                switch effect {
                case .highWatermarkAdvanced(let offset):
                    XCTAssertEqual(offset, state.highWatermark, context)
                    XCTAssertGreaterThan(offset, before.highWatermark, context)
                    coverage.highWatermarkMoves += 1
                case .durableIsrOffsetAdvanced(let offset):
                    XCTAssertEqual(offset, state.durableIsrOffset, context)
                    XCTAssertGreaterThan(offset, before.durableIsrOffset, context)
                case .proposeIsrChange(let p):
                    XCTAssertNil(proposal, "one proposal at a time, \(context)")
                    XCTAssertTrue(p.isr.contains(1), context)
                    XCTAssertTrue(Set(p.isr).isSubset(of: [1, 2, 3]), context)
                    XCTAssertEqual(p.expectedPartitionEpoch, partitionEpoch, context)
                    if p.isr.count < state.isr.count { coverage.shrinks += 1 } else { coverage.expansions += 1 }
                    proposal = p
                }
            }
            checkInvariants(state, before: before, context: "\(context) step \(step)")
        }

        // Quiesce: followers catch up, the controller takes them back, the leader flushes.
        if let pending = proposal {
            partitionEpoch += 1
            _ = state.isrUpdated(isr: pending.isr, partitionEpoch: partitionEpoch)
        }
        for replica: Int32 in [2, 3] {
            if case .success(let effects) = state.followerFetched(replica: replica, fetchOffset: state.logEndOffset, now: now),
               case .proposeIsrChange(let p)? = effects.first {
                partitionEpoch += 1
                _ = state.isrUpdated(isr: p.isr, partitionEpoch: partitionEpoch)
            }
        }
        _ = state.leaderFlushed(upTo: state.logEndOffset)
        XCTAssertEqual(Set(state.isr), [1, 2, 3], context)
        XCTAssertEqual(state.highWatermark, state.logEndOffset, context)
        XCTAssertEqual(state.durableIsrOffset, state.logEndOffset, context)
    }

    private func checkInvariants(_ state: PartitionReplicaState, before: PartitionReplicaState, context: String) {
        XCTAssertGreaterThanOrEqual(state.highWatermark, before.highWatermark, context)
        XCTAssertGreaterThanOrEqual(state.durableIsrOffset, before.durableIsrOffset, context)
        XCTAssertLessThanOrEqual(state.durableIsrOffset, state.highWatermark, context)
        XCTAssertLessThanOrEqual(state.highWatermark, state.logEndOffset, context)
        XCTAssertLessThanOrEqual(state.durableIsrOffset, state.flushedOffset, context)
        XCTAssertLessThanOrEqual(state.flushedOffset, state.logEndOffset, context)
        XCTAssertTrue(state.isr.contains(1), context)
        for member in state.isr where member != 1 {
            if let end = state.followers[member]?.logEndOffset {
                XCTAssertLessThanOrEqual(state.highWatermark, end, "\(context): ISR member \(member)")
            }
        }
    }

    /// The single-replica case is today's broker: high watermark = log end after every append,
    /// durable offset = fsynced end, whatever the values (extremes included).
    func testSingleReplicaMatchesTodaysRule() {
        var rng = SeededRNG(seed: 12)
        var (state, _) = PartitionReplicaState.singleReplica(0, logEndOffset: 0, flushedOffset: 0, now: 0)
        var logEnd: Int64 = 0
        var fsynced: Int64 = 0
        for _ in 0..<5_000 {
            if Int.random(in: 0..<50, using: &rng) == 0 {
                logEnd = Int64.max - Int64.random(in: 0...3, using: &rng)
            } else if logEnd < Int64.max - 100 {
                logEnd += Int64.random(in: 0...5, using: &rng)
            }
            let appended = state.leaderAppended(logEnd: logEnd)
            XCTAssertEqual(state.highWatermark, max(logEnd, state.highWatermark))
            if !appended.isEmpty { XCTAssertEqual(appended, [.highWatermarkAdvanced(state.logEndOffset)]) }
            if Bool.random(using: &rng) {
                let upTo = [Int64.min, .max, logEnd, logEnd - 1].randomElement(using: &rng)!
                _ = state.leaderFlushed(upTo: upTo)
                fsynced = max(fsynced, min(upTo, state.logEndOffset))
            }
            XCTAssertEqual(state.highWatermark, state.logEndOffset)
            XCTAssertEqual(state.durableIsrOffset, fsynced)
            XCTAssertEqual(state.flushedOffset, fsynced)
        }
    }
}

import BrookCoordination
import BrookProtocol
import XCTest

/// Drives KIP-848 heartbeats through a `GroupCoordinatorShard` with a manual clock.
struct ConsumerGroupHarness {
    var shard: GroupCoordinatorShard
    var now: Int64 = 5_000_000
    var timers: [GroupTimer: Int64] = [:]
    var topics: TopicsImage
    /// Every record the shard asked to write, in order.
    var appended: [OffsetsTopicRecord] = []
    private var nextId = 0

    static let t1 = KafkaUUID.random()
    static let t2 = KafkaUUID.random()

    init(partitions: Int32 = 6, configure: (inout GroupCoordinatorConfig) -> Void = { _ in }) {
        var config = GroupCoordinatorConfig()
        configure(&config)
        shard = GroupCoordinatorShard(config: config)
        topics = TopicsImage([TopicImage(id: Self.t1, name: "t1", partitions: partitions),
                              TopicImage(id: Self.t2, name: "t2", partitions: 2)])
    }

    var group: ConsumerGroup? { shard.consumerGroups["cg"] }

    mutating func apply(_ effects: [GroupEffect]) {
        for effect in effects {
            switch effect {
            case .schedule(let timer, let deadline): timers[timer] = deadline
            case .cancel(let timer): timers.removeValue(forKey: timer)
            case .respondJoin, .respondSync: XCTFail("consumer groups answer directly")
            case .append(let records): appended += records
            }
        }
    }

    mutating func advance(by ms: Int64) {
        let target = now + ms
        while let (timer, deadline) = timers.filter({ $0.value <= target }).min(by: { $0.value < $1.value }) {
            timers.removeValue(forKey: timer)
            now = max(now, deadline)
            apply(shard.timerFired(timer, now: now))
        }
        now = target
    }

    mutating func heartbeat(_ input: ConsumerGroupHeartbeatInput) -> ConsumerGroupHeartbeatResult {
        let (result, effects) = shard.consumerGroupHeartbeat(input, topics: topics, now: now)
        apply(effects)
        return result
    }

    /// A member joining with epoch 0.
    mutating func join(_ memberId: String = "", topics names: [String] = ["t1"], regex: String? = nil, instance: String? = nil,
                       assignor: String? = nil, rebalanceTimeout: Int32 = 30_000) -> ConsumerGroupHeartbeatResult {
        nextId += 1
        return heartbeat(ConsumerGroupHeartbeatInput(
            groupId: "cg", memberId: memberId, memberEpoch: 0, instanceId: instance, rebalanceTimeoutMs: rebalanceTimeout,
            subscribedTopicNames: names, subscribedTopicRegex: regex, serverAssignor: assignor, ownedTopicPartitions: [:],
            clientId: "client", newMemberId: "generated-\(nextId)"))
    }

    /// A regular heartbeat reporting what the member owns.
    mutating func beat(_ memberId: String, epoch: Int32, owned: TopicAssignment?, instance: String? = nil) -> ConsumerGroupHeartbeatResult {
        heartbeat(ConsumerGroupHeartbeatInput(groupId: "cg", memberId: memberId, memberEpoch: epoch, instanceId: instance,
                                              ownedTopicPartitions: owned, newMemberId: "unused"))
    }

    /// Heartbeats each member (owning what it was last given) until nothing changes; returns the final answers.
    mutating func settle(_ members: inout [String: ConsumerGroupHeartbeatResult]) {
        for _ in 0..<10 {
            var changed = false
            for id in members.keys.sorted() {
                let last = members[id]!
                let next = beat(id, epoch: last.memberEpoch, owned: last.assignment ?? [:])
                XCTAssertEqual(next.error, .none, "\(id): \(next.errorMessage ?? "")")
                var merged = next
                if merged.assignment == nil { merged.assignment = last.assignment }
                if merged != last { changed = true }
                members[id] = merged
            }
            if !changed { return }
        }
        XCTFail("group did not settle")
    }
}

/// A sticky, balanced assignor for the cooperative protocol ("cooperative-sticky"): members keep the
/// partitions they own as far as balance allows; the rest go to the least-loaded subscribed member.
/// A partition moving from one member to another is left out of this round's assignment, so its
/// owner revokes it and the group rebalances again, after which it is assigned (KIP-429).
public struct CooperativeStickyAssignor: PartitionAssignor {
    public let name = "cooperative-sticky"
    public let rebalanceProtocol = RebalanceProtocol.cooperative

    public init() {}

    public func assign(members: [GroupMemberSubscription], partitionsPerTopic: [String: Int]) -> [String: [TopicPartition]] {
        let ordered = members.sorted { $0.sortKey < $1.sortKey }
        var result: [String: [TopicPartition]] = Dictionary(uniqueKeysWithValues: members.map { ($0.memberId, []) })
        guard !ordered.isEmpty else { return result }
        let subscriptions = Dictionary(uniqueKeysWithValues: ordered.map { ($0.memberId, Set($0.subscription.topics)) })
        let all = partitionsPerTopic.sorted { $0.key < $1.key }.flatMap { topic, count in
            subscriptions.values.contains { $0.contains(topic) } ? (0..<count).map { TopicPartition(topic, Int32($0)) } : []
        }
        let exists = Set(all)

        // 1. Keep valid owned partitions; a partition claimed twice goes to the claim with the newer generation.
        var owner: [TopicPartition: String] = [:]
        var ownerGeneration: [TopicPartition: Int32] = [:]
        for member in ordered {
            for partition in member.subscription.ownedPartitions
            where exists.contains(partition) && subscriptions[member.memberId]!.contains(partition.topic) {
                if let generation = ownerGeneration[partition], generation >= member.subscription.generationId { continue }
                owner[partition] = member.memberId
                ownerGeneration[partition] = member.subscription.generationId
            }
        }
        let previousOwner = owner
        for (partition, member) in owner { result[member, default: []].append(partition) }

        // 2. Trim members above their fair share (ceil), highest partitions first.
        let quotaCeil = (all.count + ordered.count - 1) / ordered.count
        for member in ordered {
            var mine = result[member.memberId]!.sorted()
            while mine.count > quotaCeil {
                let dropped = mine.removeLast()
                owner[dropped] = nil
            }
            result[member.memberId] = mine
        }

        // 3. Deal unowned partitions to the least-loaded subscribed member.
        for partition in all where owner[partition] == nil {
            guard let member = leastLoaded(ordered, result, subscriptions, topic: partition.topic) else { continue }
            result[member, default: []].append(partition)
            owner[partition] = member
        }

        // 4. Even out: move from the most to the least loaded while the gap exceeds one.
        var moved = true
        while moved {
            moved = false
            for donor in ordered.sorted(by: { result[$0.memberId]!.count > result[$1.memberId]!.count }) {
                for partition in result[donor.memberId]!.sorted().reversed() {
                    guard let taker = leastLoaded(ordered, result, subscriptions, topic: partition.topic),
                          result[donor.memberId]!.count - result[taker]!.count > 1 else { continue }
                    result[donor.memberId]!.removeAll { $0 == partition }
                    result[taker]!.append(partition)
                    moved = true
                    break
                }
                if moved { break }
            }
        }

        // 5. Cooperative: a partition still owned by someone else is withheld this round.
        for (member, partitions) in result {
            result[member] = partitions.filter { previousOwner[$0] == nil || previousOwner[$0] == member }.sorted()
        }
        return result
    }

    private func leastLoaded(_ members: [GroupMemberSubscription], _ result: [String: [TopicPartition]],
                             _ subscriptions: [String: Set<String>], topic: String) -> String? {
        members.filter { subscriptions[$0.memberId]!.contains(topic) }
            .min { (result[$0.memberId]?.count ?? 0, $0.sortKey) < (result[$1.memberId]?.count ?? 0, $1.sortKey) }?
            .memberId
    }
}

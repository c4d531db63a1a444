import BrookProtocol

/// A group as ListGroups reports it.
public struct ListedGroup: Sendable, Equatable {
    public var groupId: String
    public var protocolType: String
    public var state: String
    /// "classic" or "consumer".
    public var type: String
}

/// DescribeGroups, ListGroups and DeleteGroups.
extension GroupCoordinatorShard {
    /// DescribeGroups: an unknown group is reported as Dead with no error, as Kafka does.
    public func describeGroup(_ groupId: String) -> DescribedClassicGroup {
        groups[groupId]?.describe()
            ?? DescribedClassicGroup(groupId: groupId, state: ClassicGroupState.dead.rawValue, protocolType: "",
                                     protocolData: "", members: [])
    }

    /// ListGroups with Kafka's case-insensitive state filter and type filter (empty = all).
    public func listGroups(statesFilter: [String], typesFilter: [String]) -> [ListedGroup] {
        let states = Set(statesFilter.map { $0.trimmingWhitespace().lowercased() })
        let types = Set(typesFilter.map { $0.trimmingWhitespace().lowercased() })
        var listed: [ListedGroup] = []
        for (id, group) in groups {
            listed.append(ListedGroup(groupId: id, protocolType: group.protocolType ?? "", state: group.state.rawValue, type: "classic"))
        }
        for (id, group) in consumerGroups {
            listed.append(ListedGroup(groupId: id, protocolType: "consumer", state: group.state.rawValue, type: "consumer"))
        }
        return listed.filter { group in
            (states.isEmpty || states.contains(group.state.lowercased())) && (types.isEmpty || types.contains(group.type))
        }.sorted { $0.groupId < $1.groupId }
    }

    /// DeleteGroups: only Empty groups; their offsets and metadata get tombstones.
    public mutating func deleteGroups(_ ids: [String], now: Int64) -> ([(groupId: String, error: ErrorCode)], [GroupEffect]) {
        var results: [(groupId: String, error: ErrorCode)] = []
        var records: [OffsetsTopicRecord] = []
        var effects: [GroupEffect] = []
        for id in ids {
            if var consumer = consumerGroups[id] {
                guard consumer.members.isEmpty else {
                    results.append((id, .nonEmptyGroup))
                    continue
                }
                for tp in (offsets[id] ?? [:]).keys.sorted() { records.append(.offsetCommit(group: id, tp, nil)) }
                records += ConsumerGroup.records(groupId: id, from: consumer, to: nil)
                consumer.cancelAllTimers(&effects)
                consumerGroups.removeValue(forKey: id)
                offsets.removeValue(forKey: id)
                results.append((id, .none))
                continue
            }
            guard var group = groups[id] else {
                results.append((id, .groupIdNotFound))
                continue
            }
            if let error = group.validateDeleteGroup() {
                results.append((id, error))
                continue
            }
            for tp in (offsets[id] ?? [:]).keys.sorted() {
                records.append(.offsetCommit(group: id, tp, nil))
            }
            records.append(.groupMetadata(group: id, nil))
            group.cancelAllTimers(&effects)
            groups.removeValue(forKey: id)
            offsets.removeValue(forKey: id)
            results.append((id, .none))
        }
        if !records.isEmpty { effects.append(.append(records)) }
        return (results, effects)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}

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
        return groups.keys.sorted().compactMap { id -> ListedGroup? in
            guard let group = groups[id] else { return nil }
            if !states.isEmpty && !states.contains(group.state.rawValue.lowercased()) { return nil }
            if !types.isEmpty && !types.contains("classic") { return nil }
            return ListedGroup(groupId: id, protocolType: group.protocolType ?? "", state: group.state.rawValue, type: "classic")
        }
    }

    /// DeleteGroups: only Empty groups; their offsets and metadata get tombstones.
    public mutating func deleteGroups(_ ids: [String], now: Int64) -> ([(groupId: String, error: ErrorCode)], [GroupEffect]) {
        var results: [(groupId: String, error: ErrorCode)] = []
        var records: [OffsetsTopicRecord] = []
        var effects: [GroupEffect] = []
        for id in ids {
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

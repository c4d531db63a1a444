import BrookProtocol

extension KafkaAdmin {
    /// Every group known to any broker, sorted by id.
    public func listGroups() async throws -> [GroupListing] {
        let metadata = try await cluster.refreshMetadata(topics: [])
        var groups: [String: GroupListing] = [:]
        for nodeId in metadata.brokers.keys.sorted() {
            let connection = try await cluster.connection(to: nodeId)
            let response = try await connection.send(ListGroupsRequest())
            try KafkaClientError.check(response.errorCode, context: "list groups on broker \(nodeId)")
            for group in response.groups {
                groups[group.groupId] = GroupListing(groupId: group.groupId, protocolType: group.protocolType,
                                                     state: group.groupState, type: group.groupType)
            }
        }
        return groups.values.sorted { $0.groupId < $1.groupId }
    }

    /// Describes groups (state, assignor, members and their partitions), each asked of its coordinator.
    public func describeGroups(_ ids: [String]) async throws -> [String: Result<GroupDescription, KafkaClientError>] {
        var out: [String: Result<GroupDescription, KafkaClientError>] = [:]
        for id in ids {
            do {
                let cluster = self.cluster
                let response = try await retrying("describe group") {
                    let connection = try await cluster.groupCoordinator(for: id)
                    let response = try await connection.send(DescribeGroupsRequest(groups: [id]))
                    if let code = response.groups.first.flatMap({ ErrorCode(rawValue: $0.errorCode) }), code.invalidatesCoordinator {
                        await cluster.invalidateCoordinator(for: id)
                        throw KafkaClientError.server(code, message: nil, context: "describe group \(id)")
                    }
                    return response
                }
                guard let group = response.groups.first else {
                    throw KafkaClientError.protocolViolation("DescribeGroups answered no group")
                }
                try KafkaClientError.check(group.errorCode, context: "describe group \(id)")
                out[id] = .success(GroupDescription(
                    groupId: group.groupId, state: group.groupState, protocolType: group.protocolType,
                    protocolName: group.protocolData,
                    members: group.members.map { member in
                        let assignment = group.protocolType == "consumer"
                            ? (try? ConsumerAssignment(decoding: member.memberAssignment).partitions) ?? [] : []
                        return .init(memberId: member.memberId, groupInstanceId: member.groupInstanceId, clientId: member.clientId,
                                     clientHost: member.clientHost, assignment: assignment.sorted())
                    }))
            } catch let error as KafkaClientError {
                out[id] = .failure(error)
            }
        }
        return out
    }

    /// Deletes (empty) groups; per-group outcome.
    public func deleteGroups(_ ids: [String]) async throws -> [String: Result<Void, KafkaClientError>] {
        var out: [String: Result<Void, KafkaClientError>] = [:]
        for id in ids {
            do {
                let cluster = self.cluster
                let response = try await retrying("delete group") {
                    let connection = try await cluster.groupCoordinator(for: id)
                    return try await connection.send(DeleteGroupsRequest(groupsNames: [id]))
                }
                let code = response.results.first { $0.groupId == id }?.errorCode ?? ErrorCode.unknownServerError.rawValue
                out[id] = code == 0 ? .success(()) : .failure(.server(ErrorCode(rawValue: code) ?? .unknownServerError, message: nil, context: "delete group \(id)"))
            } catch let error as KafkaClientError {
                out[id] = .failure(error)
            }
        }
        return out
    }

    /// The group's committed offsets (all partitions it committed, or just `partitions`).
    public func listGroupOffsets(_ group: String, partitions: [TopicPartition]? = nil) async throws -> [TopicPartition: Int64] {
        let cluster = self.cluster
        return try await retrying("list group offsets") {
            let connection = try await cluster.groupCoordinator(for: group)
            let version = try connection.version(for: .offsetFetch)
            let request = GroupRequests.offsetFetch(group: group, partitions: partitions, requireStable: false, version: version)
            let response = try await connection.send(request, version: version)
            do {
                return try GroupRequests.committedOffsets(in: response, group: group, version: version)
                    .filter { $0.value.offset >= 0 }.mapValues(\.offset)
            } catch let error as KafkaClientError {
                if error.errorCode?.invalidatesCoordinator == true { await cluster.invalidateCoordinator(for: group) }
                throw error
            }
        }
    }

    /// Sets the group's committed offsets (the group must have no active members).
    public func alterGroupOffsets(_ group: String, _ offsets: [TopicPartition: Int64]) async throws {
        let cluster = self.cluster
        try await retrying("alter group offsets") {
            let connection = try await cluster.groupCoordinator(for: group)
            let request = GroupRequests.offsetCommit(group: group, generation: -1, memberId: "", groupInstanceId: nil, offsets: offsets)
            let response = try await connection.send(request)
            if let (partition, code) = GroupRequests.commitErrors(in: response).sorted(by: { $0.key < $1.key }).first {
                if code.invalidatesCoordinator { await cluster.invalidateCoordinator(for: group) }
                throw KafkaClientError.server(code, message: nil, context: "commit offset of \(partition) for group \(group)")
            }
        }
    }
}

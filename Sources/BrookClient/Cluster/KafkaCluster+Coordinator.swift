import BrookProtocol

extension KafkaCluster {
    /// The connection to `group`'s coordinator, found with FindCoordinator (retrying while the
    /// coordinator is loading or not yet available).
    public func groupCoordinator(for group: String) async throws -> BrokerConnection {
        if let nodeId = coordinators[group], let connection = try? await connection(to: nodeId) {
            return connection
        }
        let (nodeId, address) = try await withRetries(
            "find coordinator", timeout: config.defaultApiTimeout, backoff: backoff, logger: logger
        ) { () -> (Int32, BrokerAddress) in
            let connection = try await anyConnection()
            let version = try connection.version(for: .findCoordinator)
            let response = try await connection.send(GroupRequests.findCoordinator(group, version: version), version: version)
            return try GroupRequests.coordinator(in: response, group: group, version: version)
        }
        coordinators[group] = nodeId
        return try await connection(to: nodeId, at: address)
    }

    /// Forgets `group`'s coordinator after NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE.
    public func invalidateCoordinator(for group: String) {
        coordinators[group] = nil
    }

    /// The connection to `transactionalId`'s transaction coordinator (FindCoordinator key type 1).
    public func transactionCoordinator(for transactionalId: String) async throws -> BrokerConnection {
        if let nodeId = transactionCoordinators[transactionalId], let connection = try? await connection(to: nodeId) {
            return connection
        }
        let (nodeId, address) = try await withRetries(
            "find transaction coordinator", timeout: config.defaultApiTimeout, backoff: backoff, logger: logger
        ) { () -> (Int32, BrokerAddress) in
            let connection = try await anyConnection()
            let version = try connection.version(for: .findCoordinator)
            let request = GroupRequests.findCoordinator(transactionalId, keyType: 1, version: version)
            let response = try await connection.send(request, version: version)
            return try GroupRequests.coordinator(in: response, group: transactionalId, version: version)
        }
        transactionCoordinators[transactionalId] = nodeId
        return try await connection(to: nodeId, at: address)
    }

    /// Forgets `transactionalId`'s coordinator after NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE.
    public func invalidateTransactionCoordinator(for transactionalId: String) {
        transactionCoordinators[transactionalId] = nil
    }
}

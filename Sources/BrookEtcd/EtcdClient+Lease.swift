extension EtcdClient {
    /// Grants a lease of `ttlSeconds` (etcd may raise it to its minimum).
    public func grantLease(ttlSeconds: Int64) async throws -> EtcdLease {
        let grant: WireLeaseGrant = try await call("/v3/lease/grant", LeaseGrantRequest(TTL: WireInt64(ttlSeconds)))
        if let error = grant.error, !error.isEmpty { throw EtcdError.server(status: 200, code: nil, message: error) }
        return EtcdLease(id: grant.id, ttlSeconds: grant.ttl)
    }

    /// Refreshes the lease once and returns its new TTL; throws `leaseNotFound` when it is gone
    /// (etcd answers TTL 0, or leaves TTL out, for a lease that expired or was revoked).
    @discardableResult
    public func keepAliveOnce(_ id: Int64) async throws -> Int64 {
        let answer: WireKeepAlive = try await call("/v3/lease/keepalive", LeaseIDRequest(ID: WireInt64(id)))
        guard answer.ttl > 0 else { throw EtcdError.leaseNotFound(id) }
        return answer.ttl
    }

    /// Revokes the lease, deleting every key attached to it; throws `leaseNotFound` when it is gone already.
    public func revokeLease(_ id: Int64) async throws {
        do {
            let _: EtcdRangeResult = try await call("/v3/lease/revoke", LeaseIDRequest(ID: WireInt64(id)))
        } catch EtcdError.server(_, let code, _) where code == 5 {
            throw EtcdError.leaseNotFound(id)   // gRPC NOT_FOUND: "etcdserver: requested lease not found"
        }
    }

    /// The lease's remaining TTL (-1 when it no longer exists) and, when `keys`, the keys attached.
    public func timeToLive(_ id: Int64, keys: Bool = false) async throws -> EtcdLeaseTimeToLive {
        try await call("/v3/lease/timetolive", LeaseTimeToLiveRequest(ID: WireInt64(id), keys: keys))
    }
}

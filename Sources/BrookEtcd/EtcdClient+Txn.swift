extension EtcdClient {
    /// Runs `success` when every compare holds, else `failure`, atomically at one revision.
    public func txn(compare: [EtcdCompare], success: [EtcdOperation], failure: [EtcdOperation] = []) async throws -> EtcdTxnResult {
        try await call("/v3/kv/txn", TxnRequest(
            compare: compare.map(CompareRequest.init), success: success.map(RequestOp.init),
            failure: failure.map(RequestOp.init)))
    }

    /// Creates `key` only if it does not exist. Returns nil on success, else the existing key.
    public func putIfAbsent(_ key: String, _ value: [UInt8], lease: Int64 = 0) async throws -> EtcdKeyValue? {
        let result = try await txn(
            compare: [.version(key, .equal, 0)],
            success: [.put(key: Array(key.utf8), value: value, lease: lease)],
            failure: [.get(key)])
        return result.succeeded ? nil : Self.readBack(result)
    }

    /// Replaces `key`'s value only if its last change is at `expectedModRevision` (0: only if absent).
    /// Returns the transaction result; on failure its `results` hold the key as it is now.
    public func compareAndSwap(_ key: String, expectedModRevision: Int64, value: [UInt8], lease: Int64 = 0) async throws -> EtcdTxnResult {
        try await txn(
            compare: [.modRevision(key, .equal, expectedModRevision)],
            success: [.put(key: Array(key.utf8), value: value, lease: lease)],
            failure: [.get(key)])
    }

    private static func readBack(_ result: EtcdTxnResult) -> EtcdKeyValue? {
        for case .get(let range) in result.results { return range.first }
        return nil
    }
}

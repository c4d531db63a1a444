import Foundation
import Logging
import NIOCore

/// An etcd v3 client speaking etcd's JSON gateway over HTTP/1.1 (why: DESIGN.md, BrookCluster):
/// key-value reads and writes, transactions, leases and watches.
/// Safe to share between tasks; `shutdown()` when done.
public final class EtcdClient: Sendable {
    /// Timeouts and pool size.
    public struct Configuration: Sendable {
        /// How long one request may take, from send to complete answer.
        public var requestTimeout: TimeAmount
        /// How long dialling one endpoint may take before the next is tried.
        public var connectTimeout: TimeAmount
        /// How many idle keep-alive connections are kept.
        public var maxIdleConnections: Int

        public init(requestTimeout: TimeAmount = .seconds(5), connectTimeout: TimeAmount = .seconds(1),
                    maxIdleConnections: Int = 4) {
            self.requestTimeout = requestTimeout
            self.connectTimeout = connectTimeout
            self.maxIdleConnections = maxIdleConnections
        }
    }

    public let endpoints: [EtcdEndpoint]
    let configuration: Configuration
    let pool: EtcdConnectionPool
    let logger: Logger

    public init(endpoints: [EtcdEndpoint], eventLoopGroup: EventLoopGroup, configuration: Configuration = .init(),
                logger: Logger) {
        precondition(!endpoints.isEmpty, "EtcdClient needs at least one endpoint")
        self.endpoints = endpoints
        self.configuration = configuration
        self.logger = logger
        pool = EtcdConnectionPool(
            endpoints: endpoints, group: eventLoopGroup, connectTimeout: configuration.connectTimeout,
            maxIdle: configuration.maxIdleConnections, logger: logger)
    }

    /// A client for `--metadata etcd://HOST:PORT[,HOST:PORT...]`; throws `invalidEndpoints` for bad input.
    public convenience init(url: String, eventLoopGroup: EventLoopGroup, configuration: Configuration = .init(),
                            logger: Logger) throws {
        self.init(endpoints: try EtcdEndpoints.parse(url), eventLoopGroup: eventLoopGroup, configuration: configuration,
                  logger: logger)
    }

    /// Closes every connection and ends every watch.
    public func shutdown() async {
        await pool.shutdown()
    }

    // MARK: key-value

    /// Reads one key (at `revision`, or the latest when 0).
    public func get(_ key: String, revision: Int64 = 0) async throws -> EtcdRangeResult {
        try await call("/v3/kv/range", RangeRequest(key: WireBytes(Array(key.utf8)), revision: revision == 0 ? nil : WireInt64(revision)))
    }

    /// Reads every key starting with `prefix`, in key order.
    public func getPrefix(_ prefix: String, revision: Int64 = 0) async throws -> EtcdRangeResult {
        let key = Array(prefix.utf8)
        return try await call("/v3/kv/range", RangeRequest(
            key: WireBytes(key), range_end: WireBytes(EtcdKeyRange.prefixEnd(key)),
            revision: revision == 0 ? nil : WireInt64(revision)))
    }

    /// Writes `value` at `key`, attached to `lease` when non-zero.
    @discardableResult
    public func put(_ key: String, _ value: [UInt8], lease: Int64 = 0, prevKV: Bool = false) async throws -> EtcdPutResult {
        try await call("/v3/kv/put", PutRequest(
            key: WireBytes(Array(key.utf8)), value: WireBytes(value), lease: lease == 0 ? nil : WireInt64(lease),
            prev_kv: prevKV ? true : nil))
    }

    @discardableResult
    public func put(_ key: String, _ value: String, lease: Int64 = 0, prevKV: Bool = false) async throws -> EtcdPutResult {
        try await put(key, Array(value.utf8), lease: lease, prevKV: prevKV)
    }

    /// Deletes one key.
    @discardableResult
    public func delete(_ key: String, prevKV: Bool = false) async throws -> EtcdDeleteResult {
        try await call("/v3/kv/deleterange", DeleteRangeRequest(key: WireBytes(Array(key.utf8)), prev_kv: prevKV ? true : nil))
    }

    /// Deletes every key starting with `prefix`.
    @discardableResult
    public func deletePrefix(_ prefix: String, prevKV: Bool = false) async throws -> EtcdDeleteResult {
        let key = Array(prefix.utf8)
        return try await call("/v3/kv/deleterange", DeleteRangeRequest(
            key: WireBytes(key), range_end: WireBytes(EtcdKeyRange.prefixEnd(key)), prev_kv: prevKV ? true : nil))
    }

    /// Compacts history up to `revision` (watches from before it then fail with `compacted`).
    public func compact(revision: Int64) async throws {
        // The answer is only a header; the delete shape decodes it.
        let _: EtcdDeleteResult = try await call("/v3/kv/compaction", CompactionRequest(revision: WireInt64(revision)))
    }

    /// The answering member's status.
    public func status() async throws -> EtcdStatus {
        try await call("/v3/maintenance/status", EmptyRequest())
    }

    // MARK: plumbing

    /// POSTs `request` as JSON to `path` and decodes the answer; etcd's error bodies become
    /// `EtcdError.server`. A request that fails on a reused idle connection before any answer (the
    /// server closed it meanwhile) is sent once more on a fresh connection.
    func call<Request: Encodable, Response: Decodable>(_ path: String, _ request: Request) async throws -> Response {
        let body = try Array(JSONEncoder().encode(request))
        var retried = false
        while true {
            let (connection, reused) = try await pool.acquire()
            let response: EtcdHTTPResponse
            do {
                response = try await connection.unary(path: path, body: body, timeout: configuration.requestTimeout)
            } catch EtcdError.connectionClosed(let endpoint) {
                pool.discard(connection)
                if reused && !retried && !Task.isCancelled {
                    retried = true
                    continue
                }
                throw EtcdError.connectionClosed(endpoint: endpoint)
            } catch {
                pool.discard(connection)
                throw error
            }
            pool.release(connection, keepAlive: response.keepAlive)
            return try Self.decode(response)
        }
    }

    static func decode<Response: Decodable>(_ response: EtcdHTTPResponse) throws -> Response {
        let bytes = Data(response.body.readableBytesView)
        guard response.status == .ok else { throw serverError(status: Int(response.status.code), body: bytes) }
        do {
            return try JSONDecoder().decode(Response.self, from: bytes)
        } catch {
            throw EtcdError.decode("\(Response.self): \(error)")
        }
    }

    static func serverError(status: Int, body: Data) -> EtcdError {
        if let error = try? JSONDecoder().decode(WireGatewayError.self, from: body), let message = error.message {
            return .server(status: status, code: error.code, message: message)
        }
        return .server(status: status, code: nil, message: String(decoding: body.prefix(200), as: UTF8.self))
    }
}

struct CompactionRequest: Encodable {
    var revision: WireInt64
}

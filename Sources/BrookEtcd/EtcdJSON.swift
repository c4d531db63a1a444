import Foundation

// Request and response shapes of etcd's grpc-gateway (v3.4, `api/etcdserverpb/rpc.proto`): field
// names are the proto names, bytes are base64 strings, 64-bit integers are decimal strings, and
// fields holding their default (0, false, empty, enum value 0 such as PUT) are left out.

/// A 64-bit integer as the gateway writes it: a decimal string (a bare number is accepted too).
struct WireInt64: Codable {
    var value: Int64
    init(_ value: Int64) { self.value = value }
    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard let value = Int64(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text.prefix(40))' is not an int64")
            }
            self.value = value
        } else {
            value = try container.decode(Int64.self)
        }
    }
    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(String(value))
    }
}

/// An unsigned 64-bit integer (cluster and member ids, raft indexes) as a decimal string.
struct WireUInt64: Decodable {
    var value: UInt64
    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard let value = UInt64(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text.prefix(40))' is not a uint64")
            }
            self.value = value
        } else {
            value = try container.decode(UInt64.self)
        }
    }
}

/// Bytes as a base64 string.
struct WireBytes: Codable {
    var bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not base64")
        }
        bytes = [UInt8](data)
    }
    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Data(bytes).base64EncodedString())
    }
}

extension KeyedDecodingContainer {
    func int64(_ key: Key) throws -> Int64 { try decodeIfPresent(WireInt64.self, forKey: key)?.value ?? 0 }
    func uint64(_ key: Key) throws -> UInt64 { try decodeIfPresent(WireUInt64.self, forKey: key)?.value ?? 0 }
    func bytes(_ key: Key) throws -> [UInt8] { try decodeIfPresent(WireBytes.self, forKey: key)?.bytes ?? [] }
    func bool(_ key: Key) throws -> Bool { try decodeIfPresent(Bool.self, forKey: key) ?? false }
    func header(_ key: Key) throws -> EtcdResponseHeader {
        try decodeIfPresent(EtcdResponseHeader.self, forKey: key) ?? EtcdResponseHeader()
    }
}

enum WireKeys: String, CodingKey {
    case header, kvs, more, count, prev_kv, prev_kvs, deleted, succeeded, responses
    case response_range, response_put, response_delete_range
    case key, value, create_revision, mod_revision, version, lease
    case cluster_id, member_id, revision, raft_term
    case ID, TTL, grantedTTL, keys, error, message, code, result
    case dbSize, leader, raftIndex, raftTerm
    case created, canceled, cancel_reason, compact_revision, watch_id, events, type, kv
}

extension EtcdResponseHeader: Decodable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: WireKeys.self)
        self.init(clusterId: try c.uint64(.cluster_id), memberId: try c.uint64(.member_id),
                  revision: try c.int64(.revision), raftTerm: try c.uint64(.raft_term))
    }
}

extension EtcdKeyValue: Decodable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: WireKeys.self)
        self.init(key: try c.bytes(.key), value: try c.bytes(.value),
                  createRevision: try c.int64(.create_revision), modRevision: try c.int64(.mod_revision),
                  version: try c.int64(.version), lease: try c.int64(.lease))
    }
}

extension EtcdRangeResult: Decodable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: WireKeys.self)
        self.init(header: try c.header(.header), kvs: try c.decodeIfPresent([EtcdKeyValue].self, forKey: .kvs) ?? [],
                  more: try c.bool(.more), count: try c.int64(.count))
    }
}

extension EtcdPutResult: Decodable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: WireKeys.self)
        self.init(header: try c.header(.header), previous: try c.decodeIfPresent(EtcdKeyValue.self, forKey: .prev_kv))
    }
}

extension EtcdDeleteResult: Decodable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: WireKeys.self)
        self.init(header: try c.header(.header), deleted: try c.int64(.deleted),
                  previous: try c.decodeIfPresent([EtcdKeyValue].self, forKey: .prev_kvs) ?? [])
    }
}

extension EtcdOperationResult: Decodable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: WireKeys.self)
        if let range = try c.decodeIfPresent(EtcdRangeResult.self, forKey: .response_range) {
            self = .get(range)
        } else if let put = try c.decodeIfPresent(EtcdPutResult.self, forKey: .response_put) {
            self = .put(put)
        } else if let delete = try c.decodeIfPresent(EtcdDeleteResult.self, forKey: .response_delete_range) {
            self = .delete(delete)
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "transaction response op of no known kind"))
        }
    }
}

extension EtcdTxnResult: Decodable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: WireKeys.self)
        self.init(header: try c.header(.header), succeeded: try c.bool(.succeeded),
                  results: try c.decodeIfPresent([EtcdOperationResult].self, forKey: .responses) ?? [])
    }
}

extension EtcdLeaseTimeToLive: Decodable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: WireKeys.self)
        self.init(header: try c.header(.header), id: try c.int64(.ID), ttlSeconds: try c.int64(.TTL),
                  grantedTTLSeconds: try c.int64(.grantedTTL),
                  keys: try c.decodeIfPresent([WireBytes].self, forKey: .keys)?.map(\.bytes) ?? [])
    }
}

extension EtcdStatus: Decodable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: WireKeys.self)
        self.init(header: try c.header(.header), version: try c.decodeIfPresent(String.self, forKey: .version) ?? "",
                  dbSize: try c.int64(.dbSize), leader: try c.uint64(.leader), raftIndex: try c.uint64(.raftIndex),
                  raftTerm: try c.uint64(.raftTerm))
    }
}

/// `LeaseGrantResponse`: id and TTL, or an `error` string.
struct WireLeaseGrant: Decodable {
    var id: Int64
    var ttl: Int64
    var error: String?
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: WireKeys.self)
        id = try c.int64(.ID)
        ttl = try c.int64(.TTL)
        error = try c.decodeIfPresent(String.self, forKey: .error)
    }
}

/// The keep-alive endpoint streams: each answer is wrapped as `{"result": LeaseKeepAliveResponse}`.
struct WireKeepAlive: Decodable {
    var ttl: Int64
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: WireKeys.self)
        let result = try c.nestedContainer(keyedBy: WireKeys.self, forKey: .result)
        ttl = try result.int64(.TTL)
    }
}

/// The gateway's error body: `{"error": "...", "message": "...", "code": N}` (N is a gRPC code).
struct WireGatewayError: Decodable {
    var message: String?
    var code: Int?
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: WireKeys.self)
        code = try? c.decodeIfPresent(Int.self, forKey: .code)
        let text = (try? c.decodeIfPresent(String.self, forKey: .message)) ?? nil
        let error = (try? c.decodeIfPresent(String.self, forKey: .error)) ?? nil
        message = text ?? error
    }
}

// Request bodies for etcd's JSON gateway (v3.4 `rpc.proto` names; see EtcdJSON.swift for the encoding rules).

struct RangeRequest: Encodable {
    var key: WireBytes
    var range_end: WireBytes?
    var revision: WireInt64?
}

struct PutRequest: Encodable {
    var key: WireBytes
    var value: WireBytes
    var lease: WireInt64?
    var prev_kv: Bool?
}

struct DeleteRangeRequest: Encodable {
    var key: WireBytes
    var range_end: WireBytes?
    var prev_kv: Bool?
}

struct CompareRequest: Encodable {
    var result: String
    var target: String
    var key: WireBytes
    var version: WireInt64?
    var create_revision: WireInt64?
    var mod_revision: WireInt64?
    var value: WireBytes?

    init(_ compare: EtcdCompare) {
        result = compare.result.rawValue
        key = WireBytes(compare.key)
        switch compare.target {
        case .value(let bytes): target = "VALUE"; value = WireBytes(bytes)
        case .version(let v): target = "VERSION"; version = WireInt64(v)
        case .createRevision(let r): target = "CREATE"; create_revision = WireInt64(r)
        case .modRevision(let r): target = "MOD"; mod_revision = WireInt64(r)
        }
    }
}

struct RequestOp: Encodable {
    var request_range: RangeRequest?
    var request_put: PutRequest?
    var request_delete_range: DeleteRangeRequest?

    init(_ operation: EtcdOperation) {
        switch operation {
        case .put(let key, let value, let lease):
            request_put = PutRequest(key: WireBytes(key), value: WireBytes(value), lease: lease == 0 ? nil : WireInt64(lease))
        case .get(let key, let rangeEnd):
            request_range = RangeRequest(key: WireBytes(key), range_end: rangeEnd.map(WireBytes.init))
        case .delete(let key, let rangeEnd):
            request_delete_range = DeleteRangeRequest(key: WireBytes(key), range_end: rangeEnd.map(WireBytes.init))
        }
    }
}

struct TxnRequest: Encodable {
    var compare: [CompareRequest]
    var success: [RequestOp]
    var failure: [RequestOp]
}

struct LeaseGrantRequest: Encodable {
    var TTL: WireInt64
}

struct LeaseIDRequest: Encodable {
    var ID: WireInt64
}

struct LeaseTimeToLiveRequest: Encodable {
    var ID: WireInt64
    var keys: Bool
}

struct WatchCreateRequest: Encodable {
    struct Create: Encodable {
        var key: WireBytes
        var range_end: WireBytes?
        var start_revision: WireInt64?
        var prev_kv: Bool?
    }
    var create_request: Create
}

struct EmptyRequest: Encodable {}

import Foundation

/// One change a watch reports.
public struct EtcdWatchEvent: Sendable, Equatable {
    /// What happened to the key (`mvccpb.Event.EventType`).
    public enum Kind: String, Sendable, Equatable {
        case put = "PUT"
        case delete = "DELETE"
    }

    public var kind: Kind
    /// The key after the change; for a delete only key and `modRevision` (the delete's revision) are set.
    public var kv: EtcdKeyValue
    /// The key before the change, when the watch asked for previous values and there was one.
    public var previous: EtcdKeyValue?

    public init(kind: Kind, kv: EtcdKeyValue, previous: EtcdKeyValue? = nil) {
        self.kind = kind
        self.kv = kv
        self.previous = previous
    }
}

/// One message of the `/v3/watch` stream, decoded.
enum EtcdWatchMessage: Equatable {
    /// The watch is set up; events from now on are delivered.
    case created(EtcdResponseHeader)
    case events(EtcdResponseHeader, [EtcdWatchEvent])
    /// etcd ended the watch; `compactRevision` is non-zero when the start revision was compacted.
    case canceled(reason: String, compactRevision: Int64)
    /// A response carrying neither events nor a state change (progress notification).
    case progress(EtcdResponseHeader)
    /// The gateway reported an error inside the stream.
    case error(code: Int?, message: String)
}

extension EtcdWatchEvent: Decodable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: WireKeys.self)
        let typeName = try c.decodeIfPresent(String.self, forKey: .type) ?? "PUT"
        guard let kind = Kind(rawValue: typeName) else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown watch event type")
        }
        self.init(kind: kind, kv: try c.decodeIfPresent(EtcdKeyValue.self, forKey: .kv) ?? EtcdKeyValue(key: []),
                  previous: try c.decodeIfPresent(EtcdKeyValue.self, forKey: .prev_kv))
    }
}

extension EtcdWatchMessage: Decodable {
    /// `{"result": WatchResponse}` or, for an error inside the stream, `{"error": {...}}`.
    init(from decoder: Decoder) throws {
        let outer = try decoder.container(keyedBy: WireKeys.self)
        if outer.contains(.error) {
            if let error = try? outer.decode(WireStreamError.self, forKey: .error) {
                self = .error(code: error.code, message: error.message)
            } else {
                self = .error(code: try? outer.decodeIfPresent(Int.self, forKey: .code),
                              message: (try? outer.decodeIfPresent(String.self, forKey: .error)) ?? "unknown error")
            }
            return
        }
        let c = try outer.nestedContainer(keyedBy: WireKeys.self, forKey: .result)
        let header = try c.header(.header)
        if try c.bool(.canceled) {
            self = .canceled(reason: try c.decodeIfPresent(String.self, forKey: .cancel_reason) ?? "",
                             compactRevision: try c.int64(.compact_revision))
        } else if try c.bool(.created) {
            self = .created(header)
        } else if let events = try c.decodeIfPresent([EtcdWatchEvent].self, forKey: .events), !events.isEmpty {
            self = .events(header, events)
        } else {
            self = .progress(header)
        }
    }
}

/// grpc-gateway's in-stream error object: `{"grpc_code": N, "message": "..."}` (field names vary by version).
private struct WireStreamError: Decodable {
    var code: Int?
    var message: String
    private enum Keys: String, CodingKey { case grpc_code, code, message }
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        code = (try? c.decodeIfPresent(Int.self, forKey: .grpc_code)) ?? (try? c.decodeIfPresent(Int.self, forKey: .code)) ?? nil
        message = (try? c.decodeIfPresent(String.self, forKey: .message)) ?? "unknown error"
    }
}

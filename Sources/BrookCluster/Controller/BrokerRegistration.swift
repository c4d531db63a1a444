/// A live broker as it registers under its etcd lease (`/brook/brokers/<id>`): where clients reach
/// it, its rack, and the incarnation that tells one run of the process from the next (a restart
/// registers a new incarnation; a broker that only lost its lease for a while keeps its own).
public struct BrokerRegistration: Sendable, Hashable, Codable {
    public var id: Int32
    public var host: String
    public var port: Int32
    public var rack: String?
    public var incarnation: Int64
    /// The broker asks for a controlled shutdown (Kafka's BrokerHeartbeat `WantShutDown`): the
    /// controller moves its leaderships away. Stored only when true.
    public var wantsShutdown: Bool
    /// The etcd lease the registration lives under (written by `EtcdClusterState.registerBroker`),
    /// so another broker that sees this one's process gone can revoke it (`PeerLiveness`).
    public var lease: Int64?

    public init(id: Int32, host: String, port: Int32, rack: String? = nil, incarnation: Int64,
                wantsShutdown: Bool = false, lease: Int64? = nil) {
        self.id = id
        self.host = host
        self.port = port
        self.rack = rack
        self.incarnation = incarnation
        self.wantsShutdown = wantsShutdown
        self.lease = lease
    }

    private enum CodingKeys: String, CodingKey {
        case id, host, port, rack, incarnation, wantsShutdown, lease
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int32.self, forKey: .id)
        host = try container.decode(String.self, forKey: .host)
        port = try container.decode(Int32.self, forKey: .port)
        rack = try container.decodeIfPresent(String.self, forKey: .rack)
        incarnation = try container.decode(Int64.self, forKey: .incarnation)
        wantsShutdown = try container.decodeIfPresent(Bool.self, forKey: .wantsShutdown) ?? false
        lease = try container.decodeIfPresent(Int64.self, forKey: .lease)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(host, forKey: .host)
        try container.encode(port, forKey: .port)
        try container.encodeIfPresent(rack, forKey: .rack)
        try container.encode(incarnation, forKey: .incarnation)
        if wantsShutdown { try container.encode(true, forKey: .wantsShutdown) }
        try container.encodeIfPresent(lease, forKey: .lease)
    }
}

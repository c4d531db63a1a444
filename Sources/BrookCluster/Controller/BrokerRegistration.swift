/// A live broker as it registers under its etcd lease (`/brook/brokers/<id>`): where clients reach
/// it, its rack, and the incarnation that tells one run of the process from the next (a restart
/// registers a new incarnation; a broker that only lost its lease for a while keeps its own).
public struct BrokerRegistration: Sendable, Hashable, Codable {
    public var id: Int32
    public var host: String
    public var port: Int32
    public var rack: String?
    public var incarnation: Int64

    public init(id: Int32, host: String, port: Int32, rack: String? = nil, incarnation: Int64) {
        self.id = id
        self.host = host
        self.port = port
        self.rack = rack
        self.incarnation = incarnation
    }
}

/// `/brook/departures/<id>`: how a broker last left the cluster, kept so a controller elected later
/// still knows (`ControllerSnapshot.cleanlyShutDown` and `departedIncarnations` across failover).
/// Written by the broker itself after a completed controlled shutdown (clean) and by the controller
/// when a lease ends; deleted by the controller once the broker registered again.
struct BrokerDeparture: Codable, Sendable, Hashable {
    /// The incarnation that left.
    var incarnation: Int64
    /// It left after a granted controlled shutdown, leading nothing: its log is whole.
    var clean: Bool
}

extension EtcdKeyLayout {
    var departuresPrefix: String { root + "departures/" }
    func departure(_ id: Int32) -> String { departuresPrefix + String(id) }
}

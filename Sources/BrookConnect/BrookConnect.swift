/// Brook's Kafka Connect–compatible connector runtime (issue 14). Layers, bottom up: the Connect
/// data model (schemas and values), converters and single message transforms, the desired-state
/// source's reconciliation, connectors, and the runtime with Connect's internal topics and REST
/// API. Everything below the runtime is sans-IO and tested without sockets or disks.
public enum BrookConnect {
    /// The Kafka Connect version Brook's REST API reports and whose behaviour it follows.
    public static let compatibleConnectVersion = "3.9.0"
}

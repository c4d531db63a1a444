/// How a follower fetches from its leaders; Kafka's `replica.fetch.*` settings and their defaults.
public struct ReplicaFetcherSettings: Sendable, Equatable {
    /// `replica.fetch.max.bytes`: per partition (a first batch larger than this is still sent whole).
    public var maxBytesPerPartition: Int32 = 1 << 20
    /// `replica.fetch.response.max.bytes`: per fetch response.
    public var responseMaxBytes: Int32 = 10 << 20
    /// `replica.fetch.wait.max.ms`: how long the leader may park a fetch that found nothing new.
    public var maxWaitMs: Int32 = 500
    /// `replica.fetch.min.bytes`.
    public var minBytes: Int32 = 1
    /// `replica.fetch.backoff.ms`: the pause after an error before a partition (or the connection) is tried again.
    public var backoffMs: Int64 = 1000
    /// `replica.socket.timeout.ms`: a request unanswered this long drops the connection.
    public var requestTimeoutMs: Int64 = 30000

    public init() {}
}

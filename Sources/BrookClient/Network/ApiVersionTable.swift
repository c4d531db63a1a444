import BrookProtocol

/// The versions this client speaks per API. The lower bounds are where the client's request
/// building starts (record batches v2 need Produce 3 and Fetch 4); the upper bounds stop before
/// layouts the client does not build (Fetch 13+ addresses topics by id).
public enum ClientApiVersions {
    public static let supported: [ApiKey: ClosedRange<Int16>] = [
        .produce: 3...11,
        .fetch: 4...12,
        .listOffsets: 1...10,
        .metadata: 1...12,
        .offsetCommit: 2...9,
        .offsetFetch: 1...9,
        .findCoordinator: 0...6,
        .joinGroup: 0...9,
        .heartbeat: 0...4,
        .leaveGroup: 0...5,
        .syncGroup: 0...5,
        .describeGroups: 0...5,
        .listGroups: 0...5,
        .apiVersions: 0...4,
        .createTopics: 2...7,
        .deleteTopics: 0...6,
        .deleteRecords: 0...2,
        .initProducerId: 0...5,
        .describeConfigs: 1...4,
        .createPartitions: 0...3,
        .describeCluster: 0...1,
        .deleteGroups: 0...2,
        .electLeaders: 0...2,
        .incrementalAlterConfigs: 0...1,
        .addPartitionsToTxn: 0...3,
        .addOffsetsToTxn: 0...3,
        .endTxn: 0...4,
        .txnOffsetCommit: 0...3,
        .alterPartitionReassignments: 0...0,
        .listPartitionReassignments: 0...0,
    ]
}

/// What one broker advertised in ApiVersions, and the version this client uses for each API:
/// the highest version both sides implement.
public struct ApiVersionTable: Sendable, Equatable {
    /// api key → the broker's supported range.
    public let broker: [Int16: ClosedRange<Int16>]

    public init(broker: [Int16: ClosedRange<Int16>]) {
        self.broker = broker
    }

    init(_ response: ApiVersionsResponse) {
        var ranges: [Int16: ClosedRange<Int16>] = [:]
        for entry in response.apiKeys where entry.minVersion <= entry.maxVersion {
            ranges[entry.apiKey] = entry.minVersion...entry.maxVersion
        }
        self.init(broker: ranges)
    }

    /// The version to use for `api`: min(ours, broker's) when the ranges overlap, else nil.
    public func version(for api: ApiKey) -> Int16? {
        guard let ours = ClientApiVersions.supported[api], let theirs = broker[api.rawValue] else { return nil }
        let high = min(ours.upperBound, theirs.upperBound)
        let low = max(ours.lowerBound, theirs.lowerBound)
        return low <= high ? high : nil
    }

    /// Whether the broker advertises `api` in a version this client speaks.
    public func supports(_ api: ApiKey) -> Bool { version(for: api) != nil }
}

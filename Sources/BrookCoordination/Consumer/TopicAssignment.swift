import BrookProtocol

/// Partitions per topic id, as KIP-848 assignments are expressed.
public typealias TopicAssignment = [KafkaUUID: Set<Int32>]

extension Dictionary where Key == KafkaUUID, Value == Set<Int32> {
    /// Total number of partitions.
    var partitionCount: Int { values.reduce(0) { $0 + $1.count } }

    /// Drops topics with no partitions, so equal assignments compare equal.
    var normalized: TopicAssignment { filter { !$0.value.isEmpty } }
}

/// What the coordinator knows about a topic when assigning partitions: its id and partition count.
public struct TopicImage: Sendable, Equatable {
    public var id: KafkaUUID
    public var name: String
    public var partitions: Int32

    public init(id: KafkaUUID, name: String, partitions: Int32) {
        self.id = id
        self.name = name
        self.partitions = partitions
    }
}

/// The broker's topics at the time of a request, by name (the shell builds it from its registry).
public struct TopicsImage: Sendable {
    public var byName: [String: TopicImage]

    public init(_ topics: [TopicImage]) {
        var byName: [String: TopicImage] = [:]
        for topic in topics { byName[topic.name] = topic }
        self.byName = byName
    }

    public func name(of id: KafkaUUID) -> String? { byName.values.first { $0.id == id }?.name }
}

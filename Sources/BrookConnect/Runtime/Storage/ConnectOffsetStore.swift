import BrookSchemas

/// Source connectors' offsets in `connect-offsets` (Kafka's `KafkaOffsetBackingStore` over its
/// `KafkaBasedLog`): the store follows the whole topic, so every worker sees every committed offset,
/// keyed like Kafka by the serialized `["<connector>",{partition}]` key (last write wins, a null
/// value deletes).
public actor ConnectOffsetStore {
    private let topic: ConnectInternalTopic
    private var offsetsByKey: [[UInt8]: ConnectOffsetRecord] = [:]
    private var started = false
    private var lastRead: Task<Void, Never>?

    public init(topic: ConnectInternalTopic) {
        self.topic = topic
    }

    /// The internal topic's name (`offset.storage.topic`), for writers that put offsets in their own
    /// transaction.
    public nonisolated var topicName: String { topic.name }

    /// Creates the topic when missing and reads it to its end.
    public func start() async throws {
        if !started {
            try await topic.start()
            started = true
        }
        try await readToEnd()
    }

    /// The offset last written for `partition` of `connector`, after reading the topic to its end.
    public func offset(connector: String, partition: JSONValue) async throws -> JSONValue? {
        try await start()
        return offsetsByKey[ConnectOffsetRecord(connector: connector, partition: partition, offset: nil).key]?.offset
    }

    /// Writes `records` (later ones for the same key win) and returns once all are acknowledged.
    public func write(_ records: [ConnectOffsetRecord]) async throws {
        guard !records.isEmpty else { return }
        if !started { try await start() }
        var latest: [[UInt8]: ConnectOffsetRecord] = [:]
        var order: [[UInt8]] = []
        for record in records {
            let key = record.key
            if latest.updateValue(record, forKey: key) == nil { order.append(key) }
        }
        let topic = self.topic
        try await withThrowingTaskGroup(of: Void.self) { group in
            for key in order {
                let record = latest[key]!
                group.addTask { try await topic.send(key: key, value: record.value) }
            }
            try await group.waitForAll()
        }
        for key in order { apply(latest[key]!, key: key) }
    }

    /// Every partition of `connector` with an offset (the REST API's `GET /connectors/{c}/offsets`).
    public func offsets(connector: String) async throws -> [(partition: JSONValue, offset: JSONValue)] {
        try await start()
        return offsetsByKey.values
            .filter { $0.connector == connector }
            .compactMap { record in record.offset.map { (partition: record.partition, offset: $0) } }
            .sorted { ConnectInternalJSON.bytes($0.partition).lexicographicallyPrecedes(ConnectInternalJSON.bytes($1.partition)) }
    }

    public func close() async {
        await topic.close()
        started = false
    }

    /// Reads run one after another (each waits for the one before), so entries are applied in the
    /// topic's order even when several callers ask at once.
    private func readToEnd() async throws {
        let previous = lastRead
        let topic = self.topic
        let read = Task { () -> (any Error)? in
            await previous?.value
            do {
                let entries = try await topic.readToEnd()
                self.applyRead(entries)
                return nil
            } catch {
                return error
            }
        }
        lastRead = Task { _ = await read.value }
        if let error = await read.value { throw error }
    }

    private func applyRead(_ entries: [ConnectInternalTopic.Entry]) {
        for entry in entries {
            // Re-encoded, so a key written by another writer's JSON layout still finds its entry.
            guard let record = ConnectOffsetRecord.decode(key: entry.key, value: entry.value).record else { continue }
            apply(record, key: record.key)
        }
    }

    private func apply(_ record: ConnectOffsetRecord, key: [UInt8]) {
        if record.offset == nil {
            offsetsByKey[key] = nil
        } else {
            offsetsByKey[key] = record
        }
    }
}

import BrookCluster
import NIOConcurrencyHelpers

/// A `SharedMetadataStore` whose `createTopic` waits until `open()` is called, reporting through
/// `started` that a create is waiting: lets a test apply another broker's change in between.
final class GatedCreateStore: MetadataStore, Sendable {
    let inner = SharedMetadataStore()
    let started: AsyncStream<Void>
    private let startedContinuation: AsyncStream<Void>.Continuation
    private let gate = NIOLockedValueBox<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    init() {
        (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
    }

    /// Lets every waiting and later create through.
    func open() {
        let waiting = gate.withLockedValue { gate -> [CheckedContinuation<Void, Never>] in
            gate.open = true
            defer { gate.waiting = [] }
            return gate.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    func createTopic(_ record: TopicMetadataRecord) async throws -> TopicMetadataRecord {
        startedContinuation.yield()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let passes = gate.withLockedValue { gate -> Bool in
                if gate.open { return true }
                gate.waiting.append(continuation)
                return false
            }
            if passes { continuation.resume() }
        }
        return try await inner.createTopic(record)
    }

    func loadTopics() async throws -> [TopicMetadataRecord] { try await inner.loadTopics() }
    func deleteTopic(named name: String, expectedVersion: MetadataVersion) async throws {
        try await inner.deleteTopic(named: name, expectedVersion: expectedVersion)
    }
    func replaceTopicConfigs(named name: String, with configs: [String: String],
                             expectedVersion: MetadataVersion) async throws -> TopicMetadataRecord {
        try await inner.replaceTopicConfigs(named: name, with: configs, expectedVersion: expectedVersion)
    }
    func addPartitions(named name: String, assignments: [[Int32]],
                       expectedVersion: MetadataVersion) async throws -> TopicMetadataRecord {
        try await inner.addPartitions(named: name, assignments: assignments, expectedVersion: expectedVersion)
    }
    func dynamicBrokerConfigs() async throws -> Versioned<[String: String]> { try await inner.dynamicBrokerConfigs() }
    func replaceDynamicBrokerConfigs(_ values: [String: String], expectedVersion: MetadataVersion) async throws -> MetadataVersion {
        try await inner.replaceDynamicBrokerConfigs(values, expectedVersion: expectedVersion)
    }
    func clusterId(proposing candidate: String) async throws -> String { try await inner.clusterId(proposing: candidate) }
    func allocateProducerIdBlock(size: Int64) async throws -> ProducerIdBlock { try await inner.allocateProducerIdBlock(size: size) }
    func changes() -> AsyncStream<MetadataChange> { inner.changes() }
}

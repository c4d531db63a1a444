import BrookEtcd

/// Turns etcd watch events under the layout's root into `MetadataChange`s and
/// `EtcdClusterStateChange`s, remembering every record it has seen so that, after a watch lost
/// history (compaction), a fresh read can be compared with them and the missed changes reported.
/// Sans-IO: the watcher feeds it.
struct EtcdMetadataChangeTracker {
    /// What one event or read produced: changes to publish, and values that did not decode (logged
    /// and skipped: one bad record must not stop every broker's watch).
    struct Outcome {
        var changes: [MetadataChange] = []
        var clusterChanges: [EtcdClusterStateChange] = []
        var problems: [MetadataStoreError] = []
    }

    /// Everything the tracker knows, as read at one revision.
    struct Snapshot: Equatable {
        var topics: [String: TopicMetadataRecord] = [:]
        var brokerConfigs = Versioned<[String: String]>([:], version: .absent)
        var brokers: [Int32: Versioned<BrokerRegistration>] = [:]
        var controller: Versioned<EtcdControllerClaim>?
        var controllerEpoch: Int64 = 0
        var partitions: [EtcdPartitionKey: Versioned<PartitionLeadershipState>] = [:]
    }

    let layout: EtcdKeyLayout
    private(set) var known = Snapshot()

    init(layout: EtcdKeyLayout) {
        self.layout = layout
    }

    var topics: [String: TopicMetadataRecord] { known.topics }
    var brokerConfigs: Versioned<[String: String]> { known.brokerConfigs }

    mutating func apply(_ event: EtcdWatchEvent) -> Outcome {
        var outcome = Outcome()
        guard let entry = layout.entry(for: event.kv.keyString) else { return outcome }
        let kv = event.kv
        let deleted = event.kind == .delete
        do {
            switch entry {
            case .topic(let name):
                if deleted {
                    known.topics[name] = nil
                    outcome.changes.append(.topicDeleted(name: name, version: MetadataVersion(revision: kv.modRevision)))
                } else {
                    let record = try EtcdMetadataCodec.topic(named: name, from: kv)
                    let existed = known.topics[name] != nil
                    known.topics[name] = record
                    outcome.changes.append(existed ? .topicUpdated(record) : .topicCreated(record))
                }
            case .brokerConfigs:
                known.brokerConfigs = deleted ? Versioned([:], version: .absent) : try EtcdMetadataCodec.brokerConfigs(from: kv)
                outcome.changes.append(.dynamicBrokerConfigsChanged(known.brokerConfigs))
            case .broker(let id):
                known.brokers[id] = deleted ? nil : try Self.versioned(BrokerRegistration.self, kv, "broker registration")
                outcome.clusterChanges.append(.broker(id: id, known.brokers[id]))
            case .controller:
                known.controller = deleted ? nil : try Self.versioned(EtcdControllerClaim.self, kv, "controller claim")
                outcome.clusterChanges.append(.controller(known.controller))
            case .controllerEpoch:
                guard !deleted else { break }
                known.controllerEpoch = try EtcdMetadataCodec.decimal(from: kv)
                outcome.clusterChanges.append(.controllerEpoch(known.controllerEpoch))
            case .partition(let topic, let index):
                let key = EtcdPartitionKey(topic: topic, index: index)
                known.partitions[key] = deleted ? nil : try Self.versioned(PartitionLeadershipState.self, kv, "partition state")
                outcome.clusterChanges.append(.partition(topic: topic, index: index, known.partitions[key]))
            case .clusterId, .producerIdNextBlock:
                break
            }
        } catch {
            outcome.problems.append(error)
        }
        return outcome
    }

    /// Replaces what is known with `kvs` (every key under the root, read at `revision`) and reports
    /// the difference since the last event seen. A deleted topic's exact delete revision is gone;
    /// `revision` stands in for it. A value that does not decode keeps what was known for its key.
    mutating func resync(_ kvs: [EtcdKeyValue], revision: Int64) -> Outcome {
        var outcome = Outcome()
        var read = Snapshot()
        for kv in kvs {
            guard let entry = layout.entry(for: kv.keyString) else { continue }
            do {
                switch entry {
                case .topic(let name):
                    read.topics[name] = known.topics[name]
                    read.topics[name] = try EtcdMetadataCodec.topic(named: name, from: kv)
                case .brokerConfigs:
                    read.brokerConfigs = known.brokerConfigs
                    read.brokerConfigs = try EtcdMetadataCodec.brokerConfigs(from: kv)
                case .broker(let id):
                    read.brokers[id] = known.brokers[id]
                    read.brokers[id] = try Self.versioned(BrokerRegistration.self, kv, "broker registration")
                case .controller:
                    read.controller = known.controller
                    read.controller = try Self.versioned(EtcdControllerClaim.self, kv, "controller claim")
                case .controllerEpoch:
                    read.controllerEpoch = known.controllerEpoch
                    read.controllerEpoch = try EtcdMetadataCodec.decimal(from: kv)
                case .partition(let topic, let index):
                    let key = EtcdPartitionKey(topic: topic, index: index)
                    read.partitions[key] = known.partitions[key]
                    read.partitions[key] = try Self.versioned(PartitionLeadershipState.self, kv, "partition state")
                case .clusterId, .producerIdNextBlock:
                    break
                }
            } catch {
                outcome.problems.append(error)
            }
        }

        let deletedAt = MetadataVersion(revision: revision)
        for name in read.topics.keys.sorted() {
            guard let record = read.topics[name] else { continue }
            if let old = known.topics[name] {
                // A topic deleted and created again while history was lost has a new id.
                if old.topicId != record.topicId {
                    outcome.changes.append(.topicDeleted(name: name, version: deletedAt))
                    outcome.changes.append(.topicCreated(record))
                } else if old != record {
                    outcome.changes.append(.topicUpdated(record))
                }
            } else {
                outcome.changes.append(.topicCreated(record))
            }
        }
        for name in known.topics.keys.sorted() where read.topics[name] == nil {
            outcome.changes.append(.topicDeleted(name: name, version: deletedAt))
        }
        if read.brokerConfigs != known.brokerConfigs {
            outcome.changes.append(.dynamicBrokerConfigsChanged(read.brokerConfigs))
        }

        for id in Self.changedKeys(known.brokers, read.brokers) {
            outcome.clusterChanges.append(.broker(id: id, read.brokers[id]))
        }
        if read.controllerEpoch != known.controllerEpoch {
            outcome.clusterChanges.append(.controllerEpoch(read.controllerEpoch))
        }
        if read.controller != known.controller {
            outcome.clusterChanges.append(.controller(read.controller))
        }
        for key in Self.changedKeys(known.partitions, read.partitions) {
            outcome.clusterChanges.append(.partition(topic: key.topic, index: key.index, read.partitions[key]))
        }
        known = read
        return outcome
    }

    private static func versioned<Value: Decodable & Sendable & Hashable>(
        _ type: Value.Type, _ kv: EtcdKeyValue, _ what: String
    ) throws(MetadataStoreError) -> Versioned<Value> {
        Versioned(try EtcdMetadataCodec.decode(Value.self, from: kv, what: what), version: MetadataVersion(revision: kv.modRevision))
    }

    /// Keys added, removed or changed between two maps, in order.
    private static func changedKeys<Key: Comparable, Value: Equatable>(_ old: [Key: Value], _ new: [Key: Value]) -> [Key] {
        Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
    }
}

import BrookEtcd

/// Turns etcd watch events under the layout's root into `MetadataChange`s, remembering the topics
/// and broker configs it has seen so that, after a watch lost history (compaction), a fresh read
/// can be compared with them and the missed changes reported. Sans-IO: the watcher feeds it.
struct EtcdMetadataChangeTracker {
    /// What one event or read produced: changes to publish, and values that did not decode (logged
    /// and skipped: one bad record must not stop every broker's watch).
    struct Outcome {
        var changes: [MetadataChange] = []
        var problems: [MetadataStoreError] = []
    }

    let layout: EtcdKeyLayout
    private(set) var topics: [String: TopicMetadataRecord] = [:]
    private(set) var brokerConfigs = Versioned<[String: String]>([:], version: .absent)

    init(layout: EtcdKeyLayout) {
        self.layout = layout
    }

    mutating func apply(_ event: EtcdWatchEvent) -> Outcome {
        var outcome = Outcome()
        switch layout.entry(for: event.kv.keyString) {
        case .topic(let name):
            switch event.kind {
            case .put:
                do {
                    let record = try EtcdMetadataCodec.topic(named: name, from: event.kv)
                    let known = topics[name] != nil
                    topics[name] = record
                    outcome.changes.append(known ? .topicUpdated(record) : .topicCreated(record))
                } catch {
                    outcome.problems.append(error)
                }
            case .delete:
                topics[name] = nil
                outcome.changes.append(.topicDeleted(name: name, version: MetadataVersion(revision: event.kv.modRevision)))
            }
        case .brokerConfigs:
            switch event.kind {
            case .put:
                do {
                    brokerConfigs = try EtcdMetadataCodec.brokerConfigs(from: event.kv)
                    outcome.changes.append(.dynamicBrokerConfigsChanged(brokerConfigs))
                } catch {
                    outcome.problems.append(error)
                }
            case .delete:
                brokerConfigs = Versioned([:], version: .absent)
                outcome.changes.append(.dynamicBrokerConfigsChanged(brokerConfigs))
            }
        default:
            break   // partition states, brokers, controller: not `MetadataChange`s (yet)
        }
        return outcome
    }

    /// Replaces what is known with `kvs` (every key under the root, read at `revision`) and reports
    /// the difference: topics created, updated or deleted and changed broker configs since the last
    /// event seen. A deleted topic's exact delete revision is gone; `revision` stands in for it.
    mutating func resync(_ kvs: [EtcdKeyValue], revision: Int64) -> Outcome {
        var outcome = Outcome()
        var readTopics: [String: TopicMetadataRecord] = [:]
        var readConfigs = Versioned<[String: String]>([:], version: .absent)
        for kv in kvs {
            switch layout.entry(for: kv.keyString) {
            case .topic(let name):
                do {
                    readTopics[name] = try EtcdMetadataCodec.topic(named: name, from: kv)
                } catch {
                    outcome.problems.append(error)
                    readTopics[name] = topics[name]   // keep what was known rather than report a delete
                }
            case .brokerConfigs:
                do {
                    readConfigs = try EtcdMetadataCodec.brokerConfigs(from: kv)
                } catch {
                    outcome.problems.append(error)
                    readConfigs = brokerConfigs
                }
            default:
                break
            }
        }
        for name in readTopics.keys.sorted() {
            guard let record = readTopics[name] else { continue }
            if let old = topics[name] {
                // A topic deleted and created again while history was lost has a new id.
                if old.topicId != record.topicId {
                    outcome.changes.append(.topicDeleted(name: name, version: MetadataVersion(revision: revision)))
                    outcome.changes.append(.topicCreated(record))
                } else if old != record {
                    outcome.changes.append(.topicUpdated(record))
                }
            } else {
                outcome.changes.append(.topicCreated(record))
            }
        }
        for name in topics.keys.sorted() where readTopics[name] == nil {
            outcome.changes.append(.topicDeleted(name: name, version: MetadataVersion(revision: revision)))
        }
        if readConfigs != brokerConfigs {
            outcome.changes.append(.dynamicBrokerConfigsChanged(readConfigs))
        }
        topics = readTopics
        brokerConfigs = readConfigs
        return outcome
    }
}

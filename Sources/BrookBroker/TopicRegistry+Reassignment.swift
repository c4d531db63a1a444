import BrookCluster
import BrookStorage
import NIOCore

/// A stored replica assignment that changed for existing partitions (a reassignment, KIP-455):
/// this node opens the partitions newly assigned to it (the replica fetcher then copies them from
/// the leader once the member announces the follower role) and closes and deletes those no longer
/// assigned to it (Kafka's StopReplica with delete: the folder is renamed `…-delete` at once and
/// removed after `file.delete.delay.ms`).
extension TopicRegistry {
    /// Brings the hosted partitions among `0..<count` in line with `record`. Blocking file work:
    /// runs on the thread pool, within `apply`.
    func applyReplicaChanges(to topic: Topic, _ record: TopicMetadataRecord, below count: Int32) throws {
        guard assigner.isCluster else { return }
        let assigned = Set(TopicPlacement.hostedPartitions(of: record, on: config.nodeId, in: 0..<count))
        let hosted = Set(topic.partitions.map(\.topicPartition.partition)).filter { $0 < count }
        let added = assigned.subtracting(hosted).sorted()
        let removed = hosted.subtracting(assigned).sorted()
        if !added.isEmpty {
            let opened = try dataDirectoryLock.withLock {
                try openPartitions(topic.name, added, configs: record.configs, in: directory)
            }
            topic.host(opened)
            logger.info("opened reassigned replicas", metadata: ["brook.topic": "\(topic.name)", "brook.partitions": "\(added)"])
        }
        if !removed.isEmpty {
            removeReplicas(topic.unhost(removed))
            logger.info("removed replicas reassigned away",
                        metadata: ["brook.topic": "\(topic.name)", "brook.partitions": "\(removed)"])
        }
    }

    /// Closes each log on its event loop, then renames its folder for deletion and schedules the removal.
    private func removeReplicas(_ partitions: [Partition]) {
        var folders: [String] = []
        for partition in partitions {
            let tp = partition.topicPartition
            do {
                try partition.eventLoop.submit { try partition.log.close() }.wait()
                try dataDirectoryLock.withLock {
                    folders.append(try directory.markForDeletion(tp))
                    directory.forgetPartition(tp)
                }
                cleanerCheckpoints.forgetPartition(tp)
            } catch {
                logger.error("could not delete a replica reassigned away; it stays on disk",
                             metadata: ["brook.partition": "\(tp)", "error": "\(error)"])
            }
        }
        removeAfterDelay(folders)
    }
}

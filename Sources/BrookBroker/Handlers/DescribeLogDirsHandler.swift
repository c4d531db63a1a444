import BrookProtocol
import Foundation
import NIOCore

/// DescribeLogDirs (35), versions 0–4 (v0 and v1 share a layout): the one data directory, its partitions' sizes and the volume's space.
/// An offline directory (after an I/O error) is reported as Kafka does: KAFKA_STORAGE_ERROR, no topics.
enum DescribeLogDirsHandler {
    typealias TopicResult = DescribeLogDirsResponse.DescribeLogDirsTopic

    static let handler = ApiHandler.make(DescribeLogDirsRequest.self, versions: 0...4) { request, context in
        let broker = context.broker
        let loop = context.eventLoop
        let path = URL(fileURLWithPath: broker.config.dataDir).standardizedFileURL.path
        if broker.topics.directory.health.offlineReason != nil {
            let offline = DescribeLogDirsResponse.DescribeLogDirsResult(
                errorCode: ErrorCode.kafkaStorageError.rawValue, logDir: path, topics: [])
            return loop.makeSucceededFuture(DescribeLogDirsResponse(throttleTimeMs: 0, errorCode: 0, results: [offline]))
        }
        var wanted: [(Topic, [Partition])] = []
        if let topics = request.topics {
            for requested in topics {
                guard let topic = broker.topics.topic(named: requested.topic) else { continue }
                wanted.append((topic, requested.partitions.compactMap { topic.partition($0) }))
            }
        } else {
            // Only the partitions with a log here; a topic whose replicas are all elsewhere is not listed.
            wanted = broker.topics.allTopics.map { ($0, $0.partitions) }.filter { !$0.1.isEmpty }
        }
        let topicFutures = wanted.map { topic, partitions in
            EventLoopFuture.whenAllSucceed(partitions.map { partition in
                partition.sizeAndLag().hop(to: loop).map {
                    DescribeLogDirsResponse.DescribeLogDirsPartition(
                        partitionIndex: partition.topicPartition.partition, partitionSize: $0.size, offsetLag: $0.lag,
                        isFutureKey: false)
                }
            }, on: loop).map { TopicResult(name: topic.name, partitions: $0) }
        }
        return EventLoopFuture.whenAllSucceed(topicFutures, on: loop).map { topics in
            var result = DescribeLogDirsResponse.DescribeLogDirsResult(errorCode: 0, logDir: path, topics: topics)
            var stats = statvfs()
            if statvfs(path, &stats) == 0 {
                result.totalBytes = Int64(stats.f_blocks) * Int64(stats.f_frsize)
                result.usableBytes = Int64(stats.f_bavail) * Int64(stats.f_frsize)
            }
            return DescribeLogDirsResponse(throttleTimeMs: 0, errorCode: 0, results: [result])
        }
    }
}

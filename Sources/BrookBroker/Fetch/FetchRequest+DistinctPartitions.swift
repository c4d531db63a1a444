import BrookProtocol

extension FetchRequest {
    /// The requested partitions with repeats collapsed, as Kafka reads a Fetch into a map keyed by
    /// topic-partition: each partition keeps the place of its first mention and the fetch position
    /// of its last, and consecutive partitions of one topic share a topic entry. One request naming
    /// a partition 25,000 times is answered once, not 25,000 times.
    var distinctTopics: [FetchTopic] {
        struct Key: Hashable {
            var topic: String
            var partition: Int32
        }
        var order: [Key] = []
        var latest: [Key: FetchPartition] = [:]
        for topic in topics {
            for partition in topic.partitions {
                let key = Key(topic: topic.topic, partition: partition.partition)
                if latest.updateValue(partition, forKey: key) == nil { order.append(key) }
            }
        }
        var result: [FetchTopic] = []
        for key in order {
            guard let partition = latest[key] else { continue }
            if result.last?.topic == key.topic {
                result[result.count - 1].partitions.append(partition)
            } else {
                var topic = FetchTopic()
                topic.topic = key.topic
                topic.partitions = [partition]
                result.append(topic)
            }
        }
        return result
    }
}

import BrookProtocol
import NIOCore

/// Fetch v13+ names topics by id (KIP-516). The request is turned into one by name for the rest of
/// the handler; ids the broker does not know are answered UNKNOWN_TOPIC_ID on each partition, and
/// every topic of the response gets its id back.
struct FetchTopicIds: Sendable {
    let ids: TopicIds
    /// Topics of the request whose ids are unknown, in request order.
    private(set) var unknown: [FetchRequest.FetchTopic] = []

    /// Resolves `request`'s topic ids to names (known topics only); the unknown ones are kept aside.
    init(resolving request: inout FetchRequest, topics: [Topic]) {
        ids = TopicIds(topics)
        var known: [FetchRequest.FetchTopic] = []
        for var topic in request.topics {
            if let name = ids.name(of: topic.topicId) {
                topic.topic = name
                known.append(topic)
            } else {
                unknown.append(topic)
            }
        }
        request.topics = known
    }

    /// Sets the id of every answered topic and appends the unknown ones with their errors. An
    /// unknown id is an error the client should hear at once, as Kafka answers without waiting.
    func complete(_ result: FetchResult) -> FetchResult {
        var result = result
        for i in result.response.responses.indices {
            result.response.responses[i].topicId = ids.id(of: result.response.responses[i].topic) ?? .zero
        }
        for topic in unknown {
            result.response.responses.append(.init(topicId: topic.topicId, partitions: topic.partitions.map {
                .init(partitionIndex: $0.partition, errorCode: ErrorCode.unknownTopicId.rawValue, highWatermark: -1,
                      lastStableOffset: -1, logStartOffset: -1, abortedTransactions: nil, records: ByteBuffer())
            }))
        }
        if !unknown.isEmpty { result.satisfied = true }
        return result
    }
}

import BrookProtocol
import NIOCore

/// DeleteTopics (20), versions 0–6: deletes topics by name (and by id from v6; v0 has no throttle time). The response is
/// sent once each topic's folders are renamed for deletion; the files go in the background.
enum DeleteTopicsHandler {
    typealias Result = DeleteTopicsResponse.DeletableTopicResult

    static let handler = ApiHandler.make(DeleteTopicsRequest.self, versions: 0...6) { request, context in
        let broker = context.broker
        let loop = context.eventLoop
        var requested: [(name: String?, id: KafkaUUID)] = request.topicNames.map { ($0, .zero) }
        requested += request.topics.map { ($0.name, $0.topicId) }
        var nameCounts: [String: Int] = [:]
        var idCounts: [KafkaUUID: Int] = [:]
        for r in requested {
            if let name = r.name { nameCounts[name, default: 0] += 1 } else { idCounts[r.id, default: 0] += 1 }
        }
        var futures: [EventLoopFuture<Result>] = []
        for (name, id) in requested {
            func fail(_ code: ErrorCode, _ message: String? = nil, name: String? = name, id: KafkaUUID = id)
                -> EventLoopFuture<Result> {
                loop.makeSucceededFuture(Result(name: name, topicId: id, errorCode: code.rawValue, errorMessage: message))
            }
            let topic: Topic
            if let name {
                if id != .zero {
                    futures.append(fail(.invalidRequest, "You may not specify both topic name and topic id."))
                    continue
                }
                if nameCounts[name, default: 0] > 1 {
                    futures.append(fail(.invalidRequest, "Duplicate topic name."))
                    continue
                }
                guard let found = broker.topics.topic(named: name) else {
                    futures.append(fail(.unknownTopicOrPartition, "This server does not host this topic-partition."))
                    continue
                }
                topic = found
            } else {
                if id == .zero {
                    futures.append(fail(.invalidRequest, "Neither topic name nor id were specified."))
                    continue
                }
                if idCounts[id, default: 0] > 1 {
                    futures.append(fail(.invalidRequest, "Duplicate topic id."))
                    continue
                }
                guard let found = broker.topics.topic(id: id) else {
                    futures.append(fail(.unknownTopicId, "This server does not host this topic ID."))
                    continue
                }
                topic = found
            }
            let result = Result(name: topic.name, topicId: topic.id, errorCode: 0, errorMessage: nil)
            futures.append(broker.topics.deleteTopic(topic, on: loop).map { result }.recover { error in
                let admin = error as? AdminError
                return Result(name: topic.name, topicId: topic.id,
                              errorCode: (admin?.code ?? ErrorMapping.code(for: error)).rawValue,
                              errorMessage: admin?.message ?? "\(error)")
            })
        }
        return EventLoopFuture.whenAllSucceed(futures, on: loop).map { results in
            DeleteTopicsResponse(throttleTimeMs: 0, responses: results)
        }
    }
}

import BrookProtocol
import NIOCore

/// Collects a Produce request's per-partition answers, in request order, into one response frame on
/// the connection's event loop. One promise per request instead of a future chain per partition and a
/// `whenAllSucceed` per topic: at tens of thousands of produce requests a second those futures were a
/// measurable share of the broker's CPU.
final class ProduceResponseGather: @unchecked Sendable {
    // Touched only on `loop`.
    private let loop: EventLoop
    private var topics: [ProduceResponse.TopicProduceResponse] = []
    /// Answers still missing, plus one until `finish` (so an answer arriving early cannot complete it).
    private var pending = 1
    private let promise: EventLoopPromise<OutboundFrame?>
    /// Builds the frame from the complete response; nil: no answer is due (acks=0).
    private let frame: (ProduceResponse) -> OutboundFrame?

    init(loop: EventLoop, capacity: Int, frame: @escaping (ProduceResponse) -> OutboundFrame?) {
        self.loop = loop
        self.promise = loop.makePromise()
        self.frame = frame
        topics.reserveCapacity(capacity)
    }

    /// Starts the next topic of the response; its partitions follow with `expect` in request order.
    func beginTopic(_ name: String, partitions: Int) {
        loop.preconditionInEventLoop()
        var topic = ProduceResponse.TopicProduceResponse(name: name, partitionResponses: [])
        topic.partitionResponses.reserveCapacity(partitions)
        topics.append(topic)
    }

    /// Reserves the next partition's place in the current topic; fill it with `answer`.
    func expect(partition index: Int32) -> Slot {
        loop.preconditionInEventLoop()
        precondition(!topics.isEmpty, "beginTopic first")
        topics[topics.count - 1].partitionResponses.append(.init(index: index, errorCode: 0, baseOffset: -1,
                                                                 logAppendTimeMs: -1, logStartOffset: -1))
        pending += 1
        return Slot(topic: topics.count - 1, partition: topics[topics.count - 1].partitionResponses.count - 1)
    }

    /// Where one partition's answer goes.
    struct Slot: Sendable {
        var topic: Int
        var partition: Int
    }

    /// Fills a slot; from any thread (the partition's loop answers appends).
    func answer(_ slot: Slot, _ response: ProduceResponse.PartitionProduceResponse) {
        if loop.inEventLoop {
            fill(slot, response)
        } else {
            loop.execute { self.fill(slot, response) }
        }
    }

    /// No more partitions: the response completes once every slot is filled.
    func finish() -> EventLoopFuture<OutboundFrame?> {
        loop.preconditionInEventLoop()
        release()
        return promise.futureResult
    }

    private func fill(_ slot: Slot, _ response: ProduceResponse.PartitionProduceResponse) {
        topics[slot.topic].partitionResponses[slot.partition] = response
        release()
    }

    private func release() {
        pending -= 1
        if pending == 0 { promise.succeed(frame(ProduceResponse(responses: topics, throttleTimeMs: 0))) }
    }
}

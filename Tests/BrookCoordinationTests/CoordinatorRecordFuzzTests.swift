import BrookCoordination
import BrookProtocol
import NIOCore
import XCTest
import BrookTestSupport

/// Bytes read back from `__consumer_offsets` and `__transaction_state` may be anything (a bad disk,
/// another writer): the decoders must throw or decode, never trap, and never reserve memory for
/// counts the bytes cannot hold.
final class CoordinatorRecordFuzzTests: XCTestCase {
    private func mutated(_ bytes: [UInt8], _ rng: inout SeededRNG) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 1...4, using: &rng) where !out.isEmpty {
            let i = Int.random(in: 0..<out.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: out[i] = UInt8.random(in: 0...255, using: &rng)
            case 1: out[i] = [0x00, 0x7F, 0x80, 0xFF].randomElement(using: &rng)!
            case 2: out.removeSubrange(i...)
            default: out.insert(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], at: i)  // a huge varint or -1 lengths
            }
        }
        return out
    }

    func testConsumerGroupRecordsSurviveMutatedBytes() {
        let t = KafkaUUID(high: .max, low: 0)
        let seeds: [OffsetsTopicRecord] = [
            .consumerGroupEpoch(group: "g", 5), .consumerTargetAssignmentEpoch(group: "g", 5),
            .consumerSubscriptionMetadata(group: "g", [TopicImage(id: t, name: "topic", partitions: 3)]),
            .consumerMemberMetadata(group: "g", member: "m", ConsumerMemberMetadataValue(
                instanceId: "i", rackId: nil, clientId: "c", clientHost: "/h", subscribedTopicNames: ["a"],
                subscribedTopicRegex: nil, rebalanceTimeoutMs: 30_000, serverAssignor: "uniform")),
            .consumerTargetAssignment(group: "g", member: "m", [t: [0, 1, 2]]),
            .consumerCurrentAssignment(group: "g", member: "m", ConsumerMemberAssignmentValue(
                memberEpoch: 3, previousMemberEpoch: 2, state: .stable, assignedPartitions: [t: [0]],
                pendingRevocation: [t: [1]])),
        ]
        var rng = SeededRNG(seed: 848)
        for seed in seeds {
            let key = Array(seed.encodeKey().readableBytesView)
            let value = Array(seed.encodeValue()!.readableBytesView)
            for _ in 0..<2_000 {
                _ = try? OffsetsTopicRecord.decode(key: ByteBuffer(bytes: mutated(key, &rng)),
                                                   value: ByteBuffer(bytes: mutated(value, &rng)))
                _ = try? OffsetsTopicRecord.decode(key: ByteBuffer(bytes: key), value: ByteBuffer(bytes: mutated(value, &rng)))
            }
        }
    }

    func testTransactionValuesSurviveMutatedBytes() {
        var m = TransactionMetadata(transactionalId: "tx", producerId: 7, producerEpoch: 3, timeoutMs: 1000,
                                    state: .ongoing, lastUpdateTimestamp: 1)
        m.partitions = [.init(topic: "a", partition: 0), .init(topic: "b", partition: 9)]
        m.lastProducerId = 6
        let value = Array(TransactionLogRecord.encodeValue(m).readableBytesView)
        var v0 = value
        v0[1] = 0  // the v0 reader over v1 bytes: garbage it must refuse or read harmlessly
        var rng = SeededRNG(seed: 360)
        for _ in 0..<5_000 {
            _ = try? TransactionLogRecord.decodeValue(transactionalId: "tx", ByteBuffer(bytes: mutated(value, &rng)))
            _ = try? TransactionLogRecord.decodeValue(transactionalId: "tx", ByteBuffer(bytes: mutated(v0, &rng)))
            _ = try? TransactionLogRecord.decodeKey(ByteBuffer(bytes: mutated([0, 0, 0, 2, 0x74, 0x78], &rng)))
        }
    }
}

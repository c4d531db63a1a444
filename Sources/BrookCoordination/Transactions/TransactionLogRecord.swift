import BrookProtocol
import NIOCore

/// Byte layouts of `__transaction_state` records as Kafka writes them: key version 0 (the
/// transactional id), value version 0 (producer id and epoch, timeout, state id, partitions by topic,
/// last update and start times). A nil value is a tombstone. The previous producer id and epoch are
/// kept in memory only, as Kafka's v0 value does not carry them.
public enum TransactionLogRecord {
    /// Why a record could not be decoded.
    public enum DecodeError: Error, Equatable, Sendable {
        case unsupportedKeyVersion(Int16)
        case unsupportedValueVersion(Int16)
        case malformed
    }

    public static func encodeKey(transactionalId: String) -> ByteBuffer {
        var out = ByteBuffer()
        out.writeKafkaInteger(Int16(0))
        out.writeKafkaString(transactionalId, compact: false)
        return out
    }

    public static func decodeKey(_ buffer: ByteBuffer) throws -> String {
        var buffer = buffer
        do {
            let version = try buffer.readKafkaInteger(as: Int16.self)
            guard version == 0 else { throw DecodeError.unsupportedKeyVersion(version) }
            return try buffer.readKafkaString(compact: false)
        } catch let error as DecodeError {
            throw error
        } catch {
            throw DecodeError.malformed
        }
    }

    public static func encodeValue(_ m: TransactionMetadata) -> ByteBuffer {
        var out = ByteBuffer()
        out.writeKafkaInteger(Int16(0))
        out.writeKafkaInteger(m.producerId)
        out.writeKafkaInteger(m.producerEpoch)
        out.writeKafkaInteger(m.timeoutMs)
        out.writeKafkaInteger(m.state.rawValue)
        let byTopic = Dictionary(grouping: m.partitions, by: \.topic).sorted { $0.key < $1.key }
        out.writeKafkaInteger(Int32(byTopic.count))
        for (topic, partitions) in byTopic {
            out.writeKafkaString(topic, compact: false)
            out.writeKafkaInteger(Int32(partitions.count))
            for p in partitions.map(\.partition).sorted() { out.writeKafkaInteger(p) }
        }
        out.writeKafkaInteger(m.lastUpdateTimestamp)
        out.writeKafkaInteger(m.startTimestamp)
        return out
    }

    public static func decodeValue(transactionalId: String, _ buffer: ByteBuffer) throws -> TransactionMetadata {
        var buffer = buffer
        do {
            let version = try buffer.readKafkaInteger(as: Int16.self)
            guard version == 0 else { throw DecodeError.unsupportedValueVersion(version) }
            let producerId = try buffer.readKafkaInteger(as: Int64.self)
            let epoch = try buffer.readKafkaInteger(as: Int16.self)
            let timeout = try buffer.readKafkaInteger(as: Int32.self)
            guard let state = TransactionState(rawValue: try buffer.readKafkaInteger(as: Int8.self)) else {
                throw DecodeError.malformed
            }
            var m = TransactionMetadata(transactionalId: transactionalId, producerId: producerId, producerEpoch: epoch,
                                        timeoutMs: timeout, state: state, lastUpdateTimestamp: 0)
            let topics = try buffer.readKafkaInteger(as: Int32.self)
            guard topics >= -1, Int(topics) <= buffer.readableBytes / 6 else { throw DecodeError.malformed }
            for _ in 0..<max(0, topics) {
                let topic = try buffer.readKafkaString(compact: false)
                let count = try buffer.readKafkaInteger(as: Int32.self)
                guard count >= 0, Int(count) <= buffer.readableBytes / 4 else { throw DecodeError.malformed }
                for _ in 0..<count {
                    m.partitions.insert(TransactionPartition(topic: topic, partition: try buffer.readKafkaInteger(as: Int32.self)))
                }
            }
            m.lastUpdateTimestamp = try buffer.readKafkaInteger(as: Int64.self)
            m.startTimestamp = try buffer.readKafkaInteger(as: Int64.self)
            return m
        } catch let error as DecodeError {
            throw error
        } catch {
            throw DecodeError.malformed
        }
    }
}

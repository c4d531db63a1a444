import BrookProtocol
import NIOCore

/// Byte layouts of `__transaction_state` records as Kafka writes them: key version 0 (the
/// transactional id), value version 1 (producer id and epoch, timeout, state id, partitions by topic,
/// last update and start times, and the previous producer id as a tagged field, so a KIP-360 retry
/// after a producer id rotation is still recognised once the coordinator reloads). Version 0 values,
/// written by older Brooks, are still read. A nil value is a tombstone.
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

    /// Value version 1 (flexible): v0's fields in compact encodings, the previous producer id as tagged
    /// field 0 (written only when set, as Kafka omits defaults).
    public static func encodeValue(_ m: TransactionMetadata) -> ByteBuffer {
        var out = ByteBuffer()
        out.writeKafkaInteger(Int16(1))
        out.writeKafkaInteger(m.producerId)
        out.writeKafkaInteger(m.producerEpoch)
        out.writeKafkaInteger(m.timeoutMs)
        out.writeKafkaInteger(m.state.rawValue)
        let byTopic = Dictionary(grouping: m.partitions, by: \.topic).sorted { $0.key < $1.key }
        out.writeKafkaArray(byTopic, compact: true) { out, entry in
            out.writeKafkaString(entry.key, compact: true)
            out.writeKafkaArray(entry.value.map(\.partition).sorted(), compact: true) { $0.writeKafkaInteger($1) }
            out.writeUnsignedVarint(0)
        }
        out.writeKafkaInteger(m.lastUpdateTimestamp)
        out.writeKafkaInteger(m.startTimestamp)
        var tagged = KafkaTaggedFieldWriter()
        if m.lastProducerId != -1 {
            tagged.add(tag: Tag.previousProducerId) { $0.writeKafkaInteger(m.lastProducerId) }
        }
        tagged.write(into: &out)
        return out
    }

    /// Tags of value version 1's tagged fields.
    private enum Tag {
        static let previousProducerId: UInt32 = 0
    }

    /// Reads value versions 0 and 1. The epoch before the last bump is not stored (as in Kafka), so it
    /// reads back as -1.
    public static func decodeValue(transactionalId: String, _ buffer: ByteBuffer) throws -> TransactionMetadata {
        var buffer = buffer
        do {
            let version = try buffer.readKafkaInteger(as: Int16.self)
            guard version == 0 || version == 1 else { throw DecodeError.unsupportedValueVersion(version) }
            let flexible = version >= 1
            let producerId = try buffer.readKafkaInteger(as: Int64.self)
            let epoch = try buffer.readKafkaInteger(as: Int16.self)
            let timeout = try buffer.readKafkaInteger(as: Int32.self)
            guard let state = TransactionState(rawValue: try buffer.readKafkaInteger(as: Int8.self)) else {
                throw DecodeError.malformed
            }
            var m = TransactionMetadata(transactionalId: transactionalId, producerId: producerId, producerEpoch: epoch,
                                        timeoutMs: timeout, state: state, lastUpdateTimestamp: 0)
            // Each topic takes at least a string length and an array length.
            let topics = try buffer.readKafkaNullableArray(compact: flexible, minElementSize: flexible ? 3 : 6) {
                b -> (String, [Int32]) in
                let topic = try b.readKafkaString(compact: flexible)
                let partitions = try b.readKafkaArray(compact: flexible, minElementSize: 4) {
                    try $0.readKafkaInteger(as: Int32.self)
                }
                if flexible { try b.skipKafkaTaggedFields() }
                return (topic, partitions)
            } ?? []
            for (topic, partitions) in topics {
                for partition in partitions { m.partitions.insert(TransactionPartition(topic: topic, partition: partition)) }
            }
            m.lastUpdateTimestamp = try buffer.readKafkaInteger(as: Int64.self)
            m.startTimestamp = try buffer.readKafkaInteger(as: Int64.self)
            if flexible {
                let count = try buffer.readKafkaTaggedFieldCount()
                for _ in 0..<count {
                    var field = try buffer.readKafkaTaggedField()
                    if field.tag == Tag.previousProducerId {
                        m.lastProducerId = try field.data.readKafkaInteger(as: Int64.self)
                    }
                }
            }
            return m
        } catch let error as DecodeError {
            throw error
        } catch {
            throw DecodeError.malformed
        }
    }
}

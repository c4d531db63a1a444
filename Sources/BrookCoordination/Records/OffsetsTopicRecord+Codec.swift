import BrookProtocol
import NIOCore

/// Byte layouts of `__consumer_offsets` keys and values, as Kafka writes them (big-endian, int16
/// version prefix; value versions 4+ are flexible).
extension OffsetsTopicRecord {
    /// Why a record could not be decoded.
    public enum DecodeError: Error, Equatable, Sendable {
        case unsupportedKeyVersion(Int16)
        case unsupportedValueVersion(Int16)
        case malformed
    }

    /// The record key.
    public func encodeKey() -> ByteBuffer {
        var out = ByteBuffer()
        switch self {
        case .offsetCommit(let group, let tp, _):
            out.writeKafkaInteger(Int16(1))
            out.writeKafkaString(group, compact: false)
            out.writeKafkaString(tp.topic, compact: false)
            out.writeKafkaInteger(tp.partition)
        case .groupMetadata(let group, _):
            out.writeKafkaInteger(Int16(2))
            out.writeKafkaString(group, compact: false)
        case .consumerGroupEpoch, .consumerSubscriptionMetadata, .consumerMemberMetadata, .consumerTargetAssignmentEpoch,
             .consumerTargetAssignment, .consumerCurrentAssignment:
            encodeConsumerKey(version: consumerKeyVersion ?? 3, into: &out)
        }
        return out
    }

    /// The record value; nil for a tombstone.
    public func encodeValue() -> ByteBuffer? {
        switch self {
        case .offsetCommit(_, _, let committed):
            return committed.map(Self.encodeOffsetValue)
        case .groupMetadata(_, let value):
            return value.map(Self.encodeGroupValue)
        case .consumerGroupEpoch, .consumerSubscriptionMetadata, .consumerMemberMetadata, .consumerTargetAssignmentEpoch,
             .consumerTargetAssignment, .consumerCurrentAssignment:
            return encodeConsumerValue()
        }
    }

    private static func encodeOffsetValue(_ value: CommittedOffset) -> ByteBuffer {
        var out = ByteBuffer()
        if let expire = value.expireTimestamp {
            // Version 1 is the only layout that keeps a per-commit expiry (OffsetCommit v2–4 retention).
            out.writeKafkaInteger(Int16(1))
            out.writeKafkaInteger(value.offset)
            out.writeKafkaString(value.metadata, compact: false)
            out.writeKafkaInteger(value.commitTimestamp)
            out.writeKafkaInteger(expire)
        } else {
            out.writeKafkaInteger(Int16(3))
            out.writeKafkaInteger(value.offset)
            out.writeKafkaInteger(value.leaderEpoch)
            out.writeKafkaString(value.metadata, compact: false)
            out.writeKafkaInteger(value.commitTimestamp)
        }
        return out
    }

    private static func encodeGroupValue(_ value: GroupMetadataValue) -> ByteBuffer {
        var out = ByteBuffer()
        out.writeKafkaInteger(Int16(3))
        out.writeKafkaString(value.protocolType, compact: false)
        out.writeKafkaInteger(value.generation)
        out.writeKafkaNullableString(value.protocolName, compact: false)
        out.writeKafkaNullableString(value.leader, compact: false)
        out.writeKafkaInteger(value.currentStateTimestamp)
        out.writeKafkaArray(value.members, compact: false) { out, member in
            out.writeKafkaString(member.memberId, compact: false)
            out.writeKafkaNullableString(member.groupInstanceId, compact: false)
            out.writeKafkaString(member.clientId, compact: false)
            out.writeKafkaString(member.clientHost, compact: false)
            out.writeKafkaInteger(member.rebalanceTimeout)
            out.writeKafkaInteger(member.sessionTimeout)
            out.writeKafkaBytes(member.subscription, compact: false)
            out.writeKafkaBytes(member.assignment, compact: false)
        }
        return out
    }

    /// Decodes a record; nil for key versions Brook does not keep (share-group and later records).
    public static func decode(key: ByteBuffer, value: ByteBuffer?) throws -> OffsetsTopicRecord? {
        var key = key
        do {
            let keyVersion = try key.readKafkaInteger(as: Int16.self)
            switch keyVersion {
            case 0, 1:
                let group = try key.readKafkaString(compact: false)
                let topic = try key.readKafkaString(compact: false)
                let partition = try key.readKafkaInteger(as: Int32.self)
                let tp = GroupTopicPartition(topic: topic, partition: partition)
                return .offsetCommit(group: group, tp, try value.map(decodeOffsetValue))
            case 2:
                let group = try key.readKafkaString(compact: false)
                return .groupMetadata(group: group, try value.map(decodeGroupValue))
            case 3...8:
                return try decodeConsumer(keyVersion: keyVersion, key: &key, value: value)
            case 9...:
                return nil
            default:
                throw DecodeError.unsupportedKeyVersion(keyVersion)
            }
        } catch let error as DecodeError {
            throw error
        } catch {
            throw DecodeError.malformed
        }
    }

    private static func decodeOffsetValue(_ buffer: ByteBuffer) throws -> CommittedOffset {
        var b = buffer
        let version = try b.readKafkaInteger(as: Int16.self)
        guard (0...4).contains(version) else { throw DecodeError.unsupportedValueVersion(version) }
        let flexible = version >= 4
        let offset = try b.readKafkaInteger(as: Int64.self)
        let epoch = version >= 3 ? try b.readKafkaInteger(as: Int32.self) : -1
        let metadata = try b.readKafkaString(compact: flexible)
        let commitTimestamp = try b.readKafkaInteger(as: Int64.self)
        let expire: Int64? = version == 1 ? try b.readKafkaInteger(as: Int64.self) : nil
        if flexible { try b.skipKafkaTaggedFields() }
        return CommittedOffset(offset: offset, leaderEpoch: epoch, metadata: metadata, commitTimestamp: commitTimestamp,
                               expireTimestamp: expire == -1 ? nil : expire)
    }

    private static func decodeGroupValue(_ buffer: ByteBuffer) throws -> GroupMetadataValue {
        var b = buffer
        let version = try b.readKafkaInteger(as: Int16.self)
        guard (0...4).contains(version) else { throw DecodeError.unsupportedValueVersion(version) }
        let flexible = version >= 4
        let protocolType = try b.readKafkaString(compact: flexible)
        let generation = try b.readKafkaInteger(as: Int32.self)
        let proto = try b.readKafkaNullableString(compact: flexible)
        let leader = try b.readKafkaNullableString(compact: flexible)
        let stateTimestamp = version >= 2 ? try b.readKafkaInteger(as: Int64.self) : -1
        let members = try b.readKafkaArray(compact: flexible) { b -> GroupMetadataValue.Member in
            let memberId = try b.readKafkaString(compact: flexible)
            let instanceId = version >= 3 ? try b.readKafkaNullableString(compact: flexible) : nil
            let clientId = try b.readKafkaString(compact: flexible)
            let clientHost = try b.readKafkaString(compact: flexible)
            let rebalance = version >= 1 ? try b.readKafkaInteger(as: Int32.self) : -1
            let session = try b.readKafkaInteger(as: Int32.self)
            let subscription = try b.readKafkaBytes(compact: flexible)
            let assignment = try b.readKafkaBytes(compact: flexible)
            if flexible { try b.skipKafkaTaggedFields() }
            return .init(memberId: memberId, groupInstanceId: instanceId, clientId: clientId, clientHost: clientHost,
                         rebalanceTimeout: rebalance, sessionTimeout: session, subscription: subscription,
                         assignment: assignment)
        }
        if flexible { try b.skipKafkaTaggedFields() }
        return GroupMetadataValue(protocolType: protocolType, generation: generation, protocolName: proto, leader: leader,
                                  currentStateTimestamp: stateTimestamp, members: members)
    }
}

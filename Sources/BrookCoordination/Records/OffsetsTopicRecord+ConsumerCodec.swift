import BrookProtocol
import NIOCore

/// Byte layouts of the KIP-848 records (key versions 3–8), as Kafka writes them: a non-flexible key
/// (int16 version, group id, member id for member records) and a flexible value at version 0.
extension OffsetsTopicRecord {
    /// The key version of a KIP-848 record, nil for the classic ones.
    var consumerKeyVersion: Int16? {
        switch self {
        case .offsetCommit, .groupMetadata: return nil
        case .consumerGroupEpoch: return 3
        case .consumerSubscriptionMetadata: return 4
        case .consumerMemberMetadata: return 5
        case .consumerTargetAssignmentEpoch: return 6
        case .consumerTargetAssignment: return 7
        case .consumerCurrentAssignment: return 8
        }
    }

    /// The member a KIP-848 member record belongs to.
    var consumerMemberId: String? {
        switch self {
        case .consumerMemberMetadata(_, let member, _), .consumerTargetAssignment(_, let member, _),
             .consumerCurrentAssignment(_, let member, _):
            return member
        default:
            return nil
        }
    }

    func encodeConsumerKey(version: Int16, into out: inout ByteBuffer) {
        out.writeKafkaInteger(version)
        out.writeKafkaString(groupId, compact: false)
        if let member = consumerMemberId { out.writeKafkaString(member, compact: false) }
    }

    /// The value of a KIP-848 record; nil for a tombstone or a classic record.
    func encodeConsumerValue() -> ByteBuffer? {
        var out = ByteBuffer()
        out.writeKafkaInteger(Int16(0))
        switch self {
        case .offsetCommit, .groupMetadata:
            return nil
        case .consumerGroupEpoch(_, let epoch?), .consumerTargetAssignmentEpoch(_, let epoch?):
            out.writeKafkaInteger(epoch)
        case .consumerSubscriptionMetadata(_, let topics?):
            out.writeKafkaArray(topics.sorted { $0.name < $1.name }, compact: true) { out, topic in
                out.writeKafkaUUID(topic.id)
                out.writeKafkaString(topic.name, compact: true)
                out.writeKafkaInteger(topic.partitions)
                out.writeUnsignedVarint(1)  // no per-partition rack information: an empty compact array
                out.writeUnsignedVarint(0)
            }
        case .consumerMemberMetadata(_, _, let m?):
            out.writeKafkaNullableString(m.instanceId, compact: true)
            out.writeKafkaNullableString(m.rackId, compact: true)
            out.writeKafkaString(m.clientId, compact: true)
            out.writeKafkaString(m.clientHost, compact: true)
            out.writeKafkaArray(m.subscribedTopicNames, compact: true) { $0.writeKafkaString($1, compact: true) }
            out.writeKafkaNullableString(m.subscribedTopicRegex, compact: true)
            out.writeKafkaInteger(m.rebalanceTimeoutMs)
            out.writeKafkaNullableString(m.serverAssignor, compact: true)
        case .consumerTargetAssignment(_, _, let assignment?):
            Self.writeAssignment(assignment, into: &out)
        case .consumerCurrentAssignment(_, _, let a?):
            out.writeKafkaInteger(a.memberEpoch)
            out.writeKafkaInteger(a.previousMemberEpoch)
            out.writeKafkaInteger(a.state.kafkaValue)
            Self.writeAssignment(a.assignedPartitions, into: &out)
            Self.writeAssignment(a.pendingRevocation, into: &out)
        case .consumerGroupEpoch(_, nil), .consumerTargetAssignmentEpoch(_, nil), .consumerSubscriptionMetadata(_, nil),
             .consumerMemberMetadata(_, _, nil), .consumerTargetAssignment(_, _, nil), .consumerCurrentAssignment(_, _, nil):
            return nil
        }
        out.writeUnsignedVarint(0)
        return out
    }

    private static func writeAssignment(_ assignment: TopicAssignment, into out: inout ByteBuffer) {
        let topics = assignment.normalized.sorted { ($0.key.high, $0.key.low) < ($1.key.high, $1.key.low) }
        out.writeKafkaArray(topics, compact: true) { out, entry in
            out.writeKafkaUUID(entry.key)
            out.writeKafkaArray(entry.value.sorted(), compact: true) { $0.writeKafkaInteger($1) }
            out.writeUnsignedVarint(0)
        }
    }

    /// Decodes the rest of a KIP-848 key (after its version) and its value.
    static func decodeConsumer(keyVersion: Int16, key: inout ByteBuffer, value: ByteBuffer?) throws -> OffsetsTopicRecord {
        let group = try key.readKafkaString(compact: false)
        let member = [5, 7, 8].contains(keyVersion) ? try key.readKafkaString(compact: false) : ""
        guard var v = value else {
            switch keyVersion {
            case 3: return .consumerGroupEpoch(group: group, nil)
            case 4: return .consumerSubscriptionMetadata(group: group, nil)
            case 5: return .consumerMemberMetadata(group: group, member: member, nil)
            case 6: return .consumerTargetAssignmentEpoch(group: group, nil)
            case 7: return .consumerTargetAssignment(group: group, member: member, nil)
            default: return .consumerCurrentAssignment(group: group, member: member, nil)
            }
        }
        let version = try v.readKafkaInteger(as: Int16.self)
        guard version == 0 else { throw DecodeError.unsupportedValueVersion(version) }
        let record: OffsetsTopicRecord
        switch keyVersion {
        case 3:
            record = .consumerGroupEpoch(group: group, try readEpoch(&v, lowest: 0))
        case 4:
            let topics = try v.readKafkaArray(compact: true, minElementSize: 23) { b -> TopicImage in
                let id = try b.readKafkaUUID()
                let name = try b.readKafkaString(compact: true)
                let partitions = try b.readKafkaInteger(as: Int32.self)
                guard partitions >= 0 else { throw DecodeError.malformed }
                _ = try b.readKafkaArray(compact: true, minElementSize: 6) { p -> Void in
                    _ = try p.readKafkaInteger(as: Int32.self)
                    _ = try p.readKafkaArray(compact: true) { try $0.readKafkaString(compact: true) }
                    try p.skipKafkaTaggedFields()
                }
                try b.skipKafkaTaggedFields()
                return TopicImage(id: id, name: name, partitions: partitions)
            }
            record = .consumerSubscriptionMetadata(group: group, topics)
        case 5:
            let instanceId = try v.readKafkaNullableString(compact: true)
            let rackId = try v.readKafkaNullableString(compact: true)
            let clientId = try v.readKafkaString(compact: true)
            let clientHost = try v.readKafkaString(compact: true)
            let names = try v.readKafkaArray(compact: true) { try $0.readKafkaString(compact: true) }
            let regex = try v.readKafkaNullableString(compact: true)
            let rebalanceTimeout = try v.readKafkaInteger(as: Int32.self)
            let assignor = try v.readKafkaNullableString(compact: true)
            record = .consumerMemberMetadata(group: group, member: member, ConsumerMemberMetadataValue(
                instanceId: instanceId, rackId: rackId, clientId: clientId, clientHost: clientHost,
                subscribedTopicNames: names, subscribedTopicRegex: regex, rebalanceTimeoutMs: rebalanceTimeout,
                serverAssignor: assignor))
        case 6:
            record = .consumerTargetAssignmentEpoch(group: group, try readEpoch(&v, lowest: 0))
        case 7:
            record = .consumerTargetAssignment(group: group, member: member, try readAssignment(&v))
        default:
            let epoch = try readEpoch(&v, lowest: -2)
            let previous = try readEpoch(&v, lowest: -2)
            let state = ConsumerMemberState(kafkaValue: try v.readKafkaInteger(as: Int8.self))
            let assigned = try readAssignment(&v)
            let pending = try readAssignment(&v)
            record = .consumerCurrentAssignment(group: group, member: member, ConsumerMemberAssignmentValue(
                memberEpoch: epoch, previousMemberEpoch: previous, state: state, assignedPartitions: assigned,
                pendingRevocation: pending))
        }
        try v.skipKafkaTaggedFields()
        return record
    }

    /// An epoch the coordinator can still bump: a record claiming Int32.max (or below the sentinels
    /// -1/-2 for members) is corrupt, and refusing it keeps `epoch + 1` from trapping later.
    private static func readEpoch(_ b: inout ByteBuffer, lowest: Int32) throws -> Int32 {
        let epoch = try b.readKafkaInteger(as: Int32.self)
        guard epoch >= lowest, epoch < Int32.max else { throw DecodeError.malformed }
        return epoch
    }

    private static func readAssignment(_ b: inout ByteBuffer) throws -> TopicAssignment {
        var assignment: TopicAssignment = [:]
        // Each topic: 16-byte id, partition count, tagged-field count.
        let topics = try b.readKafkaArray(compact: true, minElementSize: 18) { t -> (KafkaUUID, [Int32]) in
            let id = try t.readKafkaUUID()
            let partitions = try t.readKafkaArray(compact: true, minElementSize: 4) { try $0.readKafkaInteger(as: Int32.self) }
            try t.skipKafkaTaggedFields()
            return (id, partitions)
        }
        for (id, partitions) in topics { assignment[id, default: []].formUnion(partitions) }
        return assignment.normalized
    }
}

import BrookProtocol
import NIOCore

// DeleteGroups (api key 42) is not among BrookProtocol's generated APIs yet; the admin client needs
// it, so its small layout is written out here. Versions 0-2, flexible from 2.

/// DeleteGroups request: the groups to delete.
public struct DeleteGroupsRequest: KafkaRequest, Equatable {
    public typealias Response = DeleteGroupsResponse
    public static let apiKey: ApiKey = .deleteGroups
    public static let validVersions: ClosedRange<Int16> = 0...2
    public static let firstFlexibleVersion: Int16? = 2

    /// `GroupsNames`.
    public var groupsNames: [String]

    public init(groupsNames: [String] = []) {
        self.groupsNames = groupsNames
    }

    public init(from buffer: inout ByteBuffer, version: Int16) throws {
        guard Self.validVersions.contains(version) else {
            throw ProtocolError.unsupportedVersion(apiKey: Self.apiKey.rawValue, version: version)
        }
        let compact = version >= 2
        groupsNames = try buffer.readKafkaArray(compact: compact) { try $0.readKafkaString(compact: compact) }
        if compact { try buffer.skipKafkaTaggedFields() }
    }

    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        let compact = version >= 2
        buffer.writeKafkaArray(groupsNames, compact: compact) { $0.writeKafkaString($1, compact: compact) }
        if compact { buffer.writeUnsignedVarint(0) }
    }
}

/// DeleteGroups response: one result per group asked.
public struct DeleteGroupsResponse: KafkaMessage, Equatable {
    public static let apiKey: ApiKey = .deleteGroups
    public static let validVersions: ClosedRange<Int16> = 0...2
    public static let firstFlexibleVersion: Int16? = 2

    /// One group's outcome.
    public struct DeletableGroupResult: Sendable, Equatable {
        public var groupId: String
        public var errorCode: Int16

        public init(groupId: String, errorCode: Int16) {
            self.groupId = groupId
            self.errorCode = errorCode
        }
    }

    public var throttleTimeMs: Int32
    public var results: [DeletableGroupResult]

    public init(throttleTimeMs: Int32 = 0, results: [DeletableGroupResult] = []) {
        self.throttleTimeMs = throttleTimeMs
        self.results = results
    }

    public init(from buffer: inout ByteBuffer, version: Int16) throws {
        guard Self.validVersions.contains(version) else {
            throw ProtocolError.unsupportedVersion(apiKey: Self.apiKey.rawValue, version: version)
        }
        let compact = version >= 2
        throttleTimeMs = try buffer.readKafkaInteger(as: Int32.self)
        results = try buffer.readKafkaArray(compact: compact) { element in
            let groupId = try element.readKafkaString(compact: compact)
            let errorCode = try element.readKafkaInteger(as: Int16.self)
            if compact { try element.skipKafkaTaggedFields() }
            return DeletableGroupResult(groupId: groupId, errorCode: errorCode)
        }
        if compact { try buffer.skipKafkaTaggedFields() }
    }

    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        let compact = version >= 2
        buffer.writeKafkaInteger(throttleTimeMs)
        buffer.writeKafkaArray(results, compact: compact) { element, result in
            element.writeKafkaString(result.groupId, compact: compact)
            element.writeKafkaInteger(result.errorCode)
            if compact { element.writeUnsignedVarint(0) }
        }
        if compact { buffer.writeUnsignedVarint(0) }
    }
}

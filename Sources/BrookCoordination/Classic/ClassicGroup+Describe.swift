import NIOCore

/// A classic group as DescribeGroups reports it.
public struct DescribedClassicGroup: Sendable, Equatable {
    /// One member as DescribeGroups reports it.
    public struct Member: Sendable, Equatable {
        public var memberId: String
        public var groupInstanceId: String?
        public var clientId: String
        public var clientHost: String
        public var metadata: ByteBuffer
        public var assignment: ByteBuffer
    }

    public var groupId: String
    public var state: String
    public var protocolType: String
    public var protocolData: String
    public var members: [Member]
}

extension ClassicGroup {
    /// Members' metadata and the protocol name are shown only for a Stable group, as Kafka does.
    public func describe() -> DescribedClassicGroup {
        let stable = state == .stable
        return DescribedClassicGroup(
            groupId: groupId, state: state.rawValue, protocolType: protocolType ?? "",
            protocolData: stable ? (protocolName ?? "") : "",
            members: allMembers.map { member in
                .init(memberId: member.memberId, groupInstanceId: member.groupInstanceId, clientId: member.clientId,
                      clientHost: member.clientHost, metadata: stable ? member.metadata(for: protocolName) : ByteBuffer(),
                      assignment: member.assignment)
            })
    }
}

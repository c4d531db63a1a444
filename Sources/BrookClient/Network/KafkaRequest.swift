import BrookProtocol

/// A request message paired with its response type, so `BrokerConnection.send` is typed end to end.
public protocol KafkaRequest: KafkaMessage {
    /// The response body type for this request.
    associatedtype Response: KafkaMessage
}

extension ApiVersionsRequest: KafkaRequest { public typealias Response = ApiVersionsResponse }
extension MetadataRequest: KafkaRequest { public typealias Response = MetadataResponse }
extension ProduceRequest: KafkaRequest { public typealias Response = ProduceResponse }
extension FetchRequest: KafkaRequest { public typealias Response = FetchResponse }
extension ListOffsetsRequest: KafkaRequest { public typealias Response = ListOffsetsResponse }
extension CreateTopicsRequest: KafkaRequest { public typealias Response = CreateTopicsResponse }
extension DeleteTopicsRequest: KafkaRequest { public typealias Response = DeleteTopicsResponse }
extension CreatePartitionsRequest: KafkaRequest { public typealias Response = CreatePartitionsResponse }
extension DescribeConfigsRequest: KafkaRequest { public typealias Response = DescribeConfigsResponse }
extension DeleteRecordsRequest: KafkaRequest { public typealias Response = DeleteRecordsResponse }
extension DescribeClusterRequest: KafkaRequest { public typealias Response = DescribeClusterResponse }
extension InitProducerIdRequest: KafkaRequest { public typealias Response = InitProducerIdResponse }
extension FindCoordinatorRequest: KafkaRequest { public typealias Response = FindCoordinatorResponse }
extension JoinGroupRequest: KafkaRequest { public typealias Response = JoinGroupResponse }
extension SyncGroupRequest: KafkaRequest { public typealias Response = SyncGroupResponse }
extension HeartbeatRequest: KafkaRequest { public typealias Response = HeartbeatResponse }
extension LeaveGroupRequest: KafkaRequest { public typealias Response = LeaveGroupResponse }
extension OffsetCommitRequest: KafkaRequest { public typealias Response = OffsetCommitResponse }
extension OffsetFetchRequest: KafkaRequest { public typealias Response = OffsetFetchResponse }
extension DescribeGroupsRequest: KafkaRequest { public typealias Response = DescribeGroupsResponse }
extension ListGroupsRequest: KafkaRequest { public typealias Response = ListGroupsResponse }
extension DeleteGroupsRequest: KafkaRequest { public typealias Response = DeleteGroupsResponse }
extension ElectLeadersRequest: KafkaRequest { public typealias Response = ElectLeadersResponse }
extension IncrementalAlterConfigsRequest: KafkaRequest { public typealias Response = IncrementalAlterConfigsResponse }
extension AddPartitionsToTxnRequest: KafkaRequest { public typealias Response = AddPartitionsToTxnResponse }
extension AddOffsetsToTxnRequest: KafkaRequest { public typealias Response = AddOffsetsToTxnResponse }
extension EndTxnRequest: KafkaRequest { public typealias Response = EndTxnResponse }
extension TxnOffsetCommitRequest: KafkaRequest { public typealias Response = TxnOffsetCommitResponse }

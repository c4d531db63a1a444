import BrookProtocol
import NIOCore

/// DescribeCluster (60), versions 0–1: the cluster id, the live brokers and the controller (from the
/// broker's `ClusterView`; a single node is its own controller).
enum DescribeClusterHandler {
    static let brokersEndpoint: Int8 = 1

    static let handler = ApiHandler.make(DescribeClusterRequest.self, versions: 0...1) { request, context in
        let broker = context.broker
        var response = DescribeClusterResponse()
        response.endpointType = request.endpointType
        response.clusterId = broker.identity.clusterId
        if request.endpointType != brokersEndpoint {
            response.errorCode = ErrorCode.unsupportedEndpointType.rawValue
            response.errorMessage = "Brook only answers for the broker endpoints."
            return context.eventLoop.makeSucceededFuture(response)
        }
        let view = broker.clusterView
        response.controllerId = view.controllerId
        response.brokers = view.brokers.map { .init(brokerId: $0.nodeId, host: $0.host, port: $0.port, rack: $0.rack) }
        response.clusterAuthorizedOperations = MetadataHandler.operationsNotRequested
        return context.eventLoop.makeSucceededFuture(response)
    }
}

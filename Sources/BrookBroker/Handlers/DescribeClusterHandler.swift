import BrookProtocol
import NIOCore

/// DescribeCluster (60), versions 0–1: the cluster id and this broker, which is also the controller.
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
        let advertised = broker.config.advertised
        response.controllerId = broker.identity.nodeId
        response.brokers = [.init(brokerId: broker.identity.nodeId, host: advertised.host, port: Int32(advertised.port),
                                  rack: nil)]
        response.clusterAuthorizedOperations = MetadataHandler.operationsNotRequested
        return context.eventLoop.makeSucceededFuture(response)
    }
}

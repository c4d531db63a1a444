import BrookProtocol
import NIOCore

/// FindCoordinator (10), versions 0–4: this node coordinates every group and every transactional id
/// (it leads every `__consumer_offsets` and `__transaction_state` partition). v4+ batches keys.
enum FindCoordinatorHandler {
    static let groupKeyType: Int8 = 0
    static let transactionKeyType: Int8 = 1

    static let handler = ApiHandler.make(FindCoordinatorRequest.self, versions: 0...4) { request, context in
        let broker = context.broker
        let advertised = broker.config.advertised
        func lookup(_ key: String) -> (error: ErrorCode, nodeId: Int32, host: String, port: Int32) {
            switch request.keyType {
            case groupKeyType, transactionKeyType:
                return (.none, broker.identity.nodeId, advertised.host, Int32(advertised.port))
            default: return (.invalidRequest, -1, "", -1)
            }
        }
        var response = FindCoordinatorResponse()
        if context.header.apiVersion >= 4 {
            response.coordinators = request.coordinatorKeys.map { key in
                let found = lookup(key)
                return .init(key: key, nodeId: found.nodeId, host: found.host, port: found.port,
                             errorCode: found.error.rawValue, errorMessage: nil)
            }
        } else {
            let found = lookup(request.key)
            response.errorCode = found.error.rawValue
            response.errorMessage = found.error == .none ? nil : "\(found.error)"
            response.nodeId = found.nodeId
            response.host = found.host
            response.port = found.port
        }
        return context.eventLoop.makeSucceededFuture(response)
    }
}

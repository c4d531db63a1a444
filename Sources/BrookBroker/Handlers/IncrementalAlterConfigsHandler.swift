import BrookProtocol
import NIOCore

/// IncrementalAlterConfigs (44), versions 0–1: SET, DELETE, APPEND and SUBTRACT on a topic's overrides.
enum IncrementalAlterConfigsHandler {
    static let handler = ApiHandler.make(IncrementalAlterConfigsRequest.self, versions: 0...1) { request, context in
        // The metadata store is written off the event loop.
        context.eventLoop.makeFutureWithTask { await respond(to: request, broker: context.broker) }
    }

    private static func respond(to request: IncrementalAlterConfigsRequest, broker: Broker) async -> (any KafkaMessage)? {
        var response = IncrementalAlterConfigsResponse()
        for resource in request.resources {
            var result = IncrementalAlterConfigsResponse.AlterConfigsResourceResponse(
                errorCode: 0, errorMessage: nil, resourceType: resource.resourceType, resourceName: resource.resourceName)
            let ops = resource.configs.map { (name: $0.name, op: $0.configOperation, value: $0.value) }
            do throws(AdminError) {
                try await ConfigAlteration.apply(type: resource.resourceType, name: resource.resourceName,
                                           broker: broker, validateOnly: request.validateOnly) { current throws(AdminError) in
                    try ConfigAlteration.incremental(current, ops,
                                                     brokerScope: resource.resourceType == DescribeConfigsHandler.brokerResource)
                }
            } catch {
                result.errorCode = error.code.rawValue
                result.errorMessage = error.message
            }
            response.responses.append(result)
        }
        return response
    }
}

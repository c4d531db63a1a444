import BrookProtocol
import NIOCore

/// AlterConfigs (33), versions 0–2: replaces a topic's overrides with exactly the ones given.
enum AlterConfigsHandler {
    static let handler = ApiHandler.make(AlterConfigsRequest.self, versions: 0...2) { request, context in
        // The metadata store is written off the event loop.
        context.eventLoop.makeFutureWithTask { await respond(to: request, broker: context.broker) }
    }

    private static func respond(to request: AlterConfigsRequest, broker: Broker) async -> (any KafkaMessage)? {
        var response = AlterConfigsResponse()
        for resource in request.resources {
            var result = AlterConfigsResponse.AlterConfigsResourceResponse(
                errorCode: 0, errorMessage: nil, resourceType: resource.resourceType, resourceName: resource.resourceName)
            do throws(AdminError) {
                try await ConfigAlteration.apply(type: resource.resourceType, name: resource.resourceName,
                                           broker: broker, validateOnly: request.validateOnly) { _ throws(AdminError) in
                    var configs: [String: String] = [:]
                    for config in resource.configs {
                        guard let value = config.value else {
                            throw AdminError(.invalidRequest, "Null value not supported for : \(config.name)")
                        }
                        configs[config.name] = value
                    }
                    return configs
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

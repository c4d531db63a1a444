import BrookProtocol
import NIOCore

/// ApiVersions (18): advertises exactly the API versions this broker implements.
enum ApiVersionsHandler {
    static let handler = ApiHandler.make(ApiVersionsRequest.self, versions: 0...4) { _, context in
        context.eventLoop.makeSucceededFuture(response(for: context.broker, version: context.header.apiVersion))
    }

    /// The advertised ranges. No feature flags are sent: Brook has no KRaft features to finalise, and an
    /// empty tagged-field section is what librdkafka 2.0.2 parses without trouble.
    static func response(for broker: Broker, version: Int16) -> ApiVersionsResponse {
        var response = ApiVersionsResponse()
        response.apiKeys = broker.supportedVersions.map {
            ApiVersionsResponse.ApiVersion(apiKey: $0.apiKey, minVersion: $0.range.lowerBound, maxVersion: $0.range.upperBound)
        }
        response.throttleTimeMs = 0
        return response
    }
}

import BrookProtocol
import NIOCore

/// One API's entry in the handler registry: the versions advertised in ApiVersions and the code that answers.
struct ApiHandler: Sendable {
    let apiKey: ApiKey
    let versions: ClosedRange<Int16>
    let handle: @Sendable (inout ByteBuffer, RequestContext) throws -> EventLoopFuture<(any KafkaMessage)?>

    /// Decodes the request body as `Request` and hands it to `body`.
    static func make<Request: KafkaMessage>(
        _ type: Request.Type, versions: ClosedRange<Int16>,
        _ body: @escaping @Sendable (Request, RequestContext) -> EventLoopFuture<(any KafkaMessage)?>
    ) -> ApiHandler {
        ApiHandler(apiKey: Request.apiKey, versions: versions) { buffer, context in
            let request = try Request(from: &buffer, version: context.header.apiVersion)
            return body(request, context)
        }
    }
}

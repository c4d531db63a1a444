import BrookProtocol
import NIOCore

/// One API's entry in the handler registry: the versions advertised in ApiVersions and the code that answers.
struct ApiHandler: Sendable {
    let apiKey: ApiKey
    let versions: ClosedRange<Int16>
    let handle: @Sendable (inout ByteBuffer, RequestContext) throws -> EventLoopFuture<OutboundFrame?>

    /// Decodes the request body as `Request`, hands it to `body`, and encodes the message it answers
    /// with (nil: no response, as for acks=0 produce).
    static func make<Request: KafkaMessage>(
        _ type: Request.Type, versions: ClosedRange<Int16>,
        _ body: @escaping @Sendable (Request, RequestContext) -> EventLoopFuture<(any KafkaMessage)?>
    ) -> ApiHandler {
        ApiHandler(apiKey: Request.apiKey, versions: versions) { buffer, context in
            let request = try Request(from: &buffer, version: context.header.apiVersion)
            let header = context.header
            let headerVersion = Request.apiKey.responseHeaderVersion(apiVersion: header.apiVersion)
            return body(request, context).map { message in
                message.map {
                    OutboundFrame.message($0, version: header.apiVersion, correlationId: header.correlationId,
                                          headerVersion: headerVersion)
                }
            }
        }
    }

    /// Like `make`, for handlers that build their own frame (Fetch, to send records with sendfile).
    static func makeFramed<Request: KafkaMessage>(
        _ type: Request.Type, versions: ClosedRange<Int16>,
        _ body: @escaping @Sendable (Request, RequestContext) -> EventLoopFuture<OutboundFrame?>
    ) -> ApiHandler {
        ApiHandler(apiKey: Request.apiKey, versions: versions) { buffer, context in
            try body(Request(from: &buffer, version: context.header.apiVersion), context)
        }
    }
}

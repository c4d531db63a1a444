import BrookProtocol
import NIOCore

/// Admin requests only the controller decides (ElectLeaders, partition reassignments): a broker of a
/// cluster that is not the controller forwards them to the controller its view names and relays
/// the answer, as a KRaft broker forwards to the active controller. A request another broker
/// forwarded is never forwarded again (no loops while views disagree).
enum ControllerForwarding {
    /// The forwarded answer, or nil when this broker should answer itself (a single node, the
    /// controller, or a forwarded request). `unreachable` answers when the controller cannot be reached.
    static func forward<Request: KafkaMessage, Response: KafkaMessage>(
        _ request: Request, as: Response.Type, context: RequestContext,
        unreachable: @escaping @Sendable () -> Response
    ) -> EventLoopFuture<(any KafkaMessage)?>? {
        let broker = context.broker
        let forwarded = context.header.clientId?.hasPrefix(InterBrokerChannels.clientIdPrefix) == true
        let view = broker.clusterView
        guard !forwarded, broker.clusterAdmin != nil, let controller = view.broker(view.controllerId),
              controller.nodeId != broker.config.nodeId else { return nil }
        return broker.interBrokerChannels.send(request, version: context.header.apiVersion, as: Response.self, to: controller)
            .hop(to: context.eventLoop)
            .map { $0 as (any KafkaMessage)? }
            .recover { _ in unreachable() }
    }
}

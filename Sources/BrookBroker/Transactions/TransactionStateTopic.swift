/// The internal `__transaction_state` topic: where the transaction coordinator keeps its state.
enum TransactionStateTopic {
    static let name = "__transaction_state"

    /// Topic configs Kafka gives it: compacted, 100 MiB segments (`transaction.state.log.segment.bytes`).
    static let configs: [String: String] = ["cleanup.policy": "compact", "segment.bytes": "104857600"]
}

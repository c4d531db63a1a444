import BrookProtocol

extension ApiKey {
    /// Kafka's name for the API ("FindCoordinator"), for messages.
    public var kafkaName: String {
        let name = String(describing: self)
        return name.prefix(1).uppercased() + name.dropFirst()
    }
}

import BrookProtocol

/// Topic names and ids both ways, from the registry at the time of a request.
struct TopicIds: Sendable {
    private let byId: [KafkaUUID: String]
    private let byName: [String: KafkaUUID]

    init(_ topics: [Topic]) {
        var byId: [KafkaUUID: String] = [:]
        var byName: [String: KafkaUUID] = [:]
        for topic in topics {
            byId[topic.id] = topic.name
            byName[topic.name] = topic.id
        }
        self.byId = byId
        self.byName = byName
    }

    func name(of id: KafkaUUID) -> String? { byId[id] }
    func id(of name: String) -> KafkaUUID? { byName[name] }
}

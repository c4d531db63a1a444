import BrookClient
import Foundation

/// A topic name unique to one test.
func uniqueTopic(_ base: String = #function) -> String {
    let cleaned = base.filter { $0.isLetter || $0.isNumber }
    return "\(cleaned.prefix(40))-\(UUID().uuidString.prefix(8).lowercased())"
}

extension ClientConfig {
    /// A config pointing at a test broker, with short timeouts so failures stay quick.
    static func testing(_ server: BrookServerProcess) -> ClientConfig {
        var config = ClientConfig(bootstrapServers: [BrokerAddress(host: "127.0.0.1", port: server.port)], clientId: "brook-client-tests")
        config.requestTimeout = .seconds(15)
        config.defaultApiTimeout = .seconds(20)
        return config
    }
}

/// Sends `count` keyed records k0.. with values prefix0.. and waits for each acknowledgement.
func produceRecords(_ server: BrookServerProcess, topic: String, count: Int, prefix: String = "v", timestamp: Int64? = nil) async throws {
    var config = ProducerConfig(client: .testing(server))
    config.linger = .milliseconds(1)
    let producer = try KafkaProducer(config: config)
    for index in 0..<count {
        _ = try await producer.send(ProducerRecord(topic: topic, key: "k\(index)", value: "\(prefix)\(index)", timestamp: timestamp))
    }
    await producer.close()
}

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

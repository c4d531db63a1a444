import BrookProtocol
import NIOCore

/// DescribeConfigs (32), versions 0–4: every config of a topic (overrides and defaults, with their
/// source) or of this broker; synonyms and documentation when asked. v0 has `is_default` (true when
/// the value is Kafka's default) instead of `config_source`, and no synonyms. Kafka 3.9 itself never
/// sets `is_default` (it sends false for every entry); Brook sends the meaningful value, which is what
/// v0 clients filter on and what older Kafka versions sent.
enum DescribeConfigsHandler {
    typealias Entry = DescribeConfigsResponse.DescribeConfigsResourceResult
    static let topicResource: Int8 = 2
    static let brokerResource: Int8 = 4
    static let brokerLoggerResource: Int8 = 8

    static let handler = ApiHandler.make(DescribeConfigsRequest.self, versions: 0...4) { request, context in
        let broker = context.broker
        var response = DescribeConfigsResponse()
        for resource in request.resources {
            var result = DescribeConfigsResponse.DescribeConfigsResult(
                errorCode: 0, errorMessage: nil, resourceType: resource.resourceType, resourceName: resource.resourceName)
            do throws(AdminError) {
                var entries = try describe(resource.resourceType, resource.resourceName, broker: broker,
                                           synonyms: request.includeSynonyms, documentation: request.includeDocumentation)
                if let keys = resource.configurationKeys {
                    let wanted = Set(keys)
                    entries = entries.filter { wanted.contains($0.name) }
                }
                result.configs = entries
            } catch {
                result.errorCode = error.code.rawValue
                result.errorMessage = error.message
            }
            response.results.append(result)
        }
        return context.eventLoop.makeSucceededFuture(response)
    }

    static func describe(_ type: Int8, _ name: String, broker: Broker, synonyms: Bool, documentation: Bool)
        throws(AdminError) -> [Entry] {
        switch type {
        case topicResource:
            if let problem = TopicNameValidator.problem(with: name) { throw AdminError(.invalidTopicException, problem) }
            guard let topic = broker.topics.topic(named: name) else {
                throw AdminError(.unknownTopicOrPartition, "Topic \(name) does not exist.")
            }
            return topicEntries(topic.configs, broker: broker, synonyms: synonyms, documentation: documentation)
        case brokerResource:
            try checkBrokerName(name, broker: broker)
            return broker.config.describedEntries(resolver: broker.topics.resolver).map { e in
                let source = e.source
                return Entry(name: e.name, value: e.value, readOnly: e.readOnly, isDefault: e.isDefault,
                             configSource: source.rawValue, isSensitive: false,
                             synonyms: synonyms ? [.init(name: e.name, value: e.value, source: source.rawValue)] : [],
                             configType: e.kind.rawValue, documentation: documentation ? e.documentation : nil)
            }
        case brokerLoggerResource:
            try checkBrokerName(name, broker: broker)
            return []
        default:
            throw AdminError(.invalidRequest, "Unexpected resource type \(type).")
        }
    }

    static func checkBrokerName(_ name: String, broker: Broker) throws(AdminError) {
        guard name.isEmpty || name == String(broker.identity.nodeId) else {
            throw AdminError(.invalidRequest,
                "Unexpected broker id, expected \(broker.identity.nodeId) or empty string, but received \(name)")
        }
    }

    static func topicEntries(_ overrides: [String: String], broker: Broker, synonyms: Bool, documentation: Bool) -> [Entry] {
        let resolver = broker.topics.resolver
        return TopicConfigCatalog.definitions.map { definition in
            let (value, source) = resolver.effective(definition.name, overrides: overrides)
            var list: [DescribeConfigsResponse.DescribeConfigsSynonym] = []
            if synonyms {
                if let own = overrides[definition.name] {
                    list.append(.init(name: definition.name, value: own, source: ConfigSource.topic.rawValue))
                }
                if let setting = resolver.brokerSetting(for: definition) {
                    list.append(.init(name: setting.key, value: setting.value, source: setting.source.rawValue))
                }
                if let key = definition.brokerSynonym {
                    list.append(.init(name: key, value: definition.defaultValue, source: ConfigSource.default.rawValue))
                }
            }
            return Entry(name: definition.name, value: value, readOnly: false, isDefault: source == .default,
                         configSource: source.rawValue, isSensitive: false, synonyms: list,
                         configType: definition.kind.rawValue, documentation: documentation ? definition.documentation : nil)
        }
    }
}

import Foundation
import BrookProtocol

/// Applies AlterConfigs (replace every override) and IncrementalAlterConfigs (SET, DELETE, APPEND,
/// SUBTRACT) to one resource.
enum ConfigAlteration {
    enum Operation: Int8 {
        case set = 0, delete = 1, append = 2, subtract = 3
    }

    /// Validates the resource and computes the topic's new overrides, then stores them unless `validateOnly`.
    static func apply(type: Int8, name: String, broker: Broker, validateOnly: Bool,
                      change: (_ current: [String: String]) throws(AdminError) -> [String: String]) async throws(AdminError) {
        switch type {
        case DescribeConfigsHandler.topicResource:
            if let problem = TopicNameValidator.problem(with: name) { throw AdminError(.invalidTopicException, problem) }
            guard let topic = broker.topics.topic(named: name) else {
                throw AdminError(.unknownTopicOrPartition, "Topic \(name) does not exist.")
            }
            let updated = try change(topic.configs)
            try await broker.topics.replaceConfigs(topic, with: updated, validateOnly: validateOnly)
        case DescribeConfigsHandler.brokerResource:
            try DescribeConfigsHandler.checkBrokerName(name, broker: broker)
            let scope: DynamicBrokerConfigs.Scope = name.isEmpty ? .clusterDefault : .broker
            let updated = try change(broker.topics.dynamicConfigs.values(scope))
            try await broker.topics.replaceDynamicConfigs(scope, with: updated, validateOnly: validateOnly)
        case DescribeConfigsHandler.brokerLoggerResource:
            try DescribeConfigsHandler.checkBrokerName(name, broker: broker)
            throw AdminError(.invalidRequest, "Brook does not change logger levels at runtime.")
        default:
            throw AdminError(.invalidRequest, "Unexpected resource type \(type).")
        }
    }

    /// IncrementalAlterConfigs: the overrides after applying `ops` (name, operation, value) to `current`.
    static func incremental(_ current: [String: String], _ ops: [(name: String, op: Int8, value: String?)],
                            brokerScope: Bool = false) throws(AdminError) -> [String: String] {
        var names = Set<String>()
        for op in ops where !names.insert(op.name).inserted {
            throw AdminError(.invalidRequest, "Error due to duplicate config keys")
        }
        var result = current
        for (name, rawOp, value) in ops {
            guard let op = Operation(rawValue: rawOp) else {
                throw AdminError(.invalidRequest, "Unknown operation type \(rawOp) for config \(name)")
            }
            let found = brokerScope ? DynamicBrokerSettings.definition(for: name)
                : TopicConfigCatalog.byName[name]
            guard let definition = found else {
                if brokerScope { throw AdminError(.invalidRequest, "Cannot update these configs dynamically: Set(\(name))") }
                throw AdminError(.invalidConfig, "Unknown topic config name: \(name)")
            }
            switch op {
            case .set:
                guard let value else { throw AdminError(.invalidRequest, "Null value not supported for : \(name)") }
                result[name] = value
            case .delete:
                result[name] = nil
            case .append, .subtract:
                guard definition.kind == .list else {
                    throw AdminError(.invalidConfig,
                        "Config value \(op == .append ? "append" : "subtract") is not allowed for config key: \(name)")
                }
                let existing = TopicConfigResolver.listItems(result[name] ?? definition.defaultValue ?? "")
                let given = TopicConfigResolver.listItems(value ?? "")
                let items = op == .append ? existing + given.filter { !existing.contains($0) }
                    : existing.filter { !given.contains($0) }
                result[name] = items.joined(separator: ",")
            }
        }
        return result
    }
}

extension TopicConfigResolver {
    static func listItems(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

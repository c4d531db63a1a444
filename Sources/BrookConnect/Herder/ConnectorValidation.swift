extension ConnectorPlugins {
    /// `PUT /connector-plugins/{p}/config/validate` and the check before a create or update
    /// (`AbstractHerder.validateConnectorConfig`): the plugin's own validation, or Connect's error on
    /// `connector.class` when no plugin has that name. Throws when there is no connector class at all.
    static func validate(_ config: [String: String], plugin: String?) throws -> ConfigValidation {
        guard let className = config["connector.class"] ?? plugin else {
            throw ConnectRESTError.badRequest("Connector config \(config) contains no connector type")
        }
        guard let found = Self.plugin(named: className) else {
            let available = all.map(\.className).joined(separator: ", ")
            var validation = ConfigValidation(pluginName: className, keys: commonKeys, config: config)
            if let index = validation.entries.firstIndex(where: { $0.key.name == "connector.class" }) {
                validation.entries[index].errors.append(
                    "Failed to find any class that implements Connector and which name matches \(className), available connectors are: \(available)")
            }
            return validation
        }
        var validation = found.validate(config)
        if let index = validation.entries.firstIndex(where: { $0.key.name == "name" }), (config["name"] ?? "").isEmpty,
           validation.entries[index].errors.isEmpty {
            validation.entries[index].errors.append("Invalid value  for configuration name: String may not be empty")
        }
        return validation
    }
}

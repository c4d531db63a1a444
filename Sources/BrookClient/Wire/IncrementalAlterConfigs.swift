import BrookProtocol
import NIOCore

// IncrementalAlterConfigs (api key 44) is not among BrookProtocol's generated APIs yet; `brook topic
// alter-config` needs it, so its layout is written out here. Versions 0-1, flexible from 1.

/// IncrementalAlterConfigs request: per resource, a list of set/delete/append/subtract operations.
public struct IncrementalAlterConfigsRequest: KafkaRequest, Equatable {
    public typealias Response = IncrementalAlterConfigsResponse
    public static let apiKey: ApiKey = .incrementalAlterConfigs
    public static let validVersions: ClosedRange<Int16> = 0...1
    public static let firstFlexibleVersion: Int16? = 1

    /// One config change: `configOperation` is 0 set, 1 delete, 2 append, 3 subtract.
    public struct AlterableConfig: Sendable, Equatable {
        public var name: String
        public var configOperation: Int8
        public var value: String?

        public init(name: String, configOperation: Int8, value: String?) {
            self.name = name
            self.configOperation = configOperation
            self.value = value
        }
    }

    /// The changes for one resource (`resourceType` 2 is a topic, 4 a broker).
    public struct AlterConfigsResource: Sendable, Equatable {
        public var resourceType: Int8
        public var resourceName: String
        public var configs: [AlterableConfig]

        public init(resourceType: Int8, resourceName: String, configs: [AlterableConfig]) {
            self.resourceType = resourceType
            self.resourceName = resourceName
            self.configs = configs
        }
    }

    public var resources: [AlterConfigsResource]
    public var validateOnly: Bool

    public init(resources: [AlterConfigsResource] = [], validateOnly: Bool = false) {
        self.resources = resources
        self.validateOnly = validateOnly
    }

    public init(from buffer: inout ByteBuffer, version: Int16) throws {
        guard Self.validVersions.contains(version) else {
            throw ProtocolError.unsupportedVersion(apiKey: Self.apiKey.rawValue, version: version)
        }
        let compact = version >= 1
        resources = try buffer.readKafkaArray(compact: compact) { resource in
            let type = try resource.readKafkaInteger(as: Int8.self)
            let name = try resource.readKafkaString(compact: compact)
            let configs = try resource.readKafkaArray(compact: compact) { config in
                let configName = try config.readKafkaString(compact: compact)
                let operation = try config.readKafkaInteger(as: Int8.self)
                let value = try config.readKafkaNullableString(compact: compact)
                if compact { try config.skipKafkaTaggedFields() }
                return AlterableConfig(name: configName, configOperation: operation, value: value)
            }
            if compact { try resource.skipKafkaTaggedFields() }
            return AlterConfigsResource(resourceType: type, resourceName: name, configs: configs)
        }
        validateOnly = try buffer.readKafkaBool()
        if compact { try buffer.skipKafkaTaggedFields() }
    }

    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        let compact = version >= 1
        buffer.writeKafkaArray(resources, compact: compact) { out, resource in
            out.writeKafkaInteger(resource.resourceType)
            out.writeKafkaString(resource.resourceName, compact: compact)
            out.writeKafkaArray(resource.configs, compact: compact) { configOut, config in
                configOut.writeKafkaString(config.name, compact: compact)
                configOut.writeKafkaInteger(config.configOperation)
                configOut.writeKafkaNullableString(config.value, compact: compact)
                if compact { configOut.writeUnsignedVarint(0) }
            }
            if compact { out.writeUnsignedVarint(0) }
        }
        buffer.writeKafkaBool(validateOnly)
        if compact { buffer.writeUnsignedVarint(0) }
    }
}

/// IncrementalAlterConfigs response: one result per resource.
public struct IncrementalAlterConfigsResponse: KafkaMessage, Equatable {
    public static let apiKey: ApiKey = .incrementalAlterConfigs
    public static let validVersions: ClosedRange<Int16> = 0...1
    public static let firstFlexibleVersion: Int16? = 1

    /// One resource's outcome.
    public struct ResourceResponse: Sendable, Equatable {
        public var errorCode: Int16
        public var errorMessage: String?
        public var resourceType: Int8
        public var resourceName: String

        public init(errorCode: Int16, errorMessage: String?, resourceType: Int8, resourceName: String) {
            self.errorCode = errorCode
            self.errorMessage = errorMessage
            self.resourceType = resourceType
            self.resourceName = resourceName
        }
    }

    public var throttleTimeMs: Int32
    public var responses: [ResourceResponse]

    public init(throttleTimeMs: Int32 = 0, responses: [ResourceResponse] = []) {
        self.throttleTimeMs = throttleTimeMs
        self.responses = responses
    }

    public init(from buffer: inout ByteBuffer, version: Int16) throws {
        guard Self.validVersions.contains(version) else {
            throw ProtocolError.unsupportedVersion(apiKey: Self.apiKey.rawValue, version: version)
        }
        let compact = version >= 1
        throttleTimeMs = try buffer.readKafkaInteger(as: Int32.self)
        responses = try buffer.readKafkaArray(compact: compact) { element in
            let code = try element.readKafkaInteger(as: Int16.self)
            let message = try element.readKafkaNullableString(compact: compact)
            let type = try element.readKafkaInteger(as: Int8.self)
            let name = try element.readKafkaString(compact: compact)
            if compact { try element.skipKafkaTaggedFields() }
            return ResourceResponse(errorCode: code, errorMessage: message, resourceType: type, resourceName: name)
        }
        if compact { try buffer.skipKafkaTaggedFields() }
    }

    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        let compact = version >= 1
        buffer.writeKafkaInteger(throttleTimeMs)
        buffer.writeKafkaArray(responses, compact: compact) { out, response in
            out.writeKafkaInteger(response.errorCode)
            out.writeKafkaNullableString(response.errorMessage, compact: compact)
            out.writeKafkaInteger(response.resourceType)
            out.writeKafkaString(response.resourceName, compact: compact)
            if compact { out.writeUnsignedVarint(0) }
        }
        if compact { buffer.writeUnsignedVarint(0) }
    }
}

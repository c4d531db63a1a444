/// Checks a value against a schema with Kafka's `ConnectSchema.validateValue` rules and messages.
public enum ConnectSchemaValidation {
    /// Validates `value` against `schema`; `field` names the struct field for the message
    /// ("field: \"name\"" instead of "value").
    public static func validate(_ value: ConnectValue, against schema: ConnectSchema, field: String? = nil) throws(ConnectDataError) {
        try validate(value, schema, location: field.map { "field: \"\($0)\"" } ?? "value")
    }

    private static func validate(_ value: ConnectValue, _ schema: ConnectSchema, location: String) throws(ConnectDataError) {
        if value == .null {
            if !schema.isOptional {
                throw ConnectDataError("Invalid value: null used for required \(location), schema type: \(schema.type)")
            }
            return
        }
        guard matchesExpectedClass(value, schema) else {
            var message = "Invalid Java object for schema"
            if let name = schema.name { message += " \"\(name)\"" }
            message += " with type \(schema.type): \(value.javaClassDescription) for \(location)"
            throw ConnectDataError(message)
        }
        switch value {
        case let .struct(s):
            guard s.schema == schema else { throw ConnectDataError("Struct schemas do not match.") }
            try s.validate()
        case let .array(items):
            let entryLocation = "element of array \(location)"
            guard let elementSchema = schema.valueSchema else { throw ConnectDataError("No schema defined for \(entryLocation)") }
            for item in items { try validate(item, elementSchema, location: entryLocation) }
        case let .map(entries):
            let keyLocation = "key of map \(location)", valueLocation = "value of map \(location)"
            guard let keySchema = schema.keySchema else { throw ConnectDataError("No schema defined for \(keyLocation)") }
            guard let valueSchema = schema.valueSchema else { throw ConnectDataError("No schema defined for \(valueLocation)") }
            for entry in entries {
                try validate(entry.key, keySchema, location: keyLocation)
                try validate(entry.value, valueSchema, location: valueLocation)
            }
        default:
            break
        }
    }

    /// Kafka's expectedClassesFor: a logical name decides first, otherwise the type.
    private static func matchesExpectedClass(_ value: ConnectValue, _ schema: ConnectSchema) -> Bool {
        switch ConnectLogicalType(schemaName: schema.name) {
        case .decimal: if case .decimal = value { return true } else { return false }
        case .date, .time, .timestamp: if case .timestamp = value { return true } else { return false }
        case nil: return value.inferredType == schema.type
        }
    }
}

extension ConnectSchema {
    /// Validates `value` against this schema (ConnectSchema.validateValue).
    public func validateValue(_ value: ConnectValue) throws(ConnectDataError) {
        try ConnectSchemaValidation.validate(value, against: self)
    }
}

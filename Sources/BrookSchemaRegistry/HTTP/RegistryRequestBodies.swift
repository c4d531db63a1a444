import BrookSchemas

/// Reads request bodies as Confluent's REST layer does: unreadable JSON or a member of the wrong
/// type is 400 (error_code 400), a member it does not know is 422 "Unrecognized field" (so nothing
/// a client sends is silently dropped), a missing or empty schema is 42201.
enum RegistryRequestBodies {
    static func object(_ body: [UInt8]) throws(RegistryError) -> JSONValue {
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            throw .malformedBody("Unreadable request body: \(error)")
        }
        guard json.objectMembers != nil else { throw .malformedBody("The request body must be a JSON object") }
        return json
    }

    private static let registerMembers: Set<String> = ["schema", "schemaType", "references", "metadata", "ruleSet", "id", "version"]

    static func register(_ body: [UInt8]) throws(RegistryError) -> RegisterRequest {
        let json = try object(body)
        // Confluent 7.6+ members Brook does not implement: refused by name, never dropped.
        if json.objectMembers?.contains(where: { ["schemaTagsToAdd", "schemaTagsToRemove", "propagateSchemaTags"].contains($0.0) && !$0.1.isNull }) == true {
            throw .schemaTagsNotSupported
        }
        try refuseUnknown(json.removingNullMembers(["schemaTagsToAdd", "schemaTagsToRemove", "propagateSchemaTags"]), known: registerMembers)
        var request = RegisterRequest(schema: "")
        switch json["schema"] {
        case nil, .null?: throw .invalidSchema("Empty schema")
        case let .string(text)?: request.schema = text
        default: throw .malformedBody("Cannot deserialize value of type String for 'schema'")
        }
        switch json["schemaType"] {
        case nil, .null?: break
        case let .string(text)?:
            guard let type = SchemaType(rawValue: text.uppercased()) else { throw .invalidSchema("Invalid schema type \(text)") }
            request.schemaType = type
        default: throw .malformedBody("Cannot deserialize value of type String for 'schemaType'")
        }
        switch json["references"] {
        case nil, .null?: break
        case let .array(items)?:
            for item in items {
                guard let reference = SchemaReference(json: item) else {
                    throw .malformedBody("A reference needs a string name and subject and an integer version")
                }
                request.references.append(reference)
            }
        default: throw .malformedBody("'references' must be an array")
        }
        request.metadata = try optionalObject(json, "metadata")
        request.ruleSet = try optionalObject(json, "ruleSet")
        request.id = try optionalInt(json, "id")
        request.version = try optionalInt(json, "version")
        if request.id == -1 || request.id == 0 { request.id = nil }  // Confluent clients send -1/0 for "none"
        if request.version == -1 || request.version == 0 { request.version = nil }
        return request
    }

    private static let configMembers: Set<String> = [
        "compatibility", "compatibilityLevel", "alias", "normalize", "validateFields", "validateRules",
        "compatibilityGroup", "defaultMetadata", "overrideMetadata", "defaultRuleSet", "overrideRuleSet",
    ]

    /// `PUT /config`: the level, and the other members Confluent defines, stored as given.
    static func config(_ body: [UInt8]) throws(RegistryError) -> (CompatibilityLevel?, JSONValue) {
        let json = try object(body)
        try refuseUnknown(json, known: configMembers)
        var level: CompatibilityLevel?
        for name in ["compatibility", "compatibilityLevel"] {
            switch json[name] {
            case nil, .null?: continue
            case let .string(text)?:
                guard let known = CompatibilityLevel(rawValue: text.uppercased()) else { throw .invalidCompatibilityLevel(text) }
                level = known
            default: throw .invalidCompatibilityLevel(json[name]!.compactText)
            }
        }
        let others = (json.objectMembers ?? []).filter { $0.0 != "compatibility" && $0.0 != "compatibilityLevel" }
        return (level, .object(others))
    }

    static func mode(_ body: [UInt8]) throws(RegistryError) -> RegistryMode {
        let json = try object(body)
        try refuseUnknown(json, known: ["mode"])
        guard let text = json["mode"]?.stringValue else { throw .invalidMode(json["mode"]?.compactText ?? "null") }
        guard let mode = RegistryMode(rawValue: text.uppercased()) else { throw .invalidMode(text) }
        return mode
    }

    private static func refuseUnknown(_ json: JSONValue, known: Set<String>) throws(RegistryError) {
        if let unknown = json.objectMembers?.first(where: { !known.contains($0.0) }) {
            throw .unrecognizedField(unknown.0)
        }
    }

    private static func optionalObject(_ json: JSONValue, _ name: String) throws(RegistryError) -> JSONValue? {
        switch json[name] {
        case nil, .null?: return nil
        case let value? where value.objectMembers != nil: return value
        default: throw .malformedBody("'\(name)' must be an object")
        }
    }

    private static func optionalInt(_ json: JSONValue, _ name: String) throws(RegistryError) -> Int? {
        switch json[name] {
        case nil, .null?: return nil
        case let value?:
            guard let n = value.intValue else { throw .malformedBody("'\(name)' must be an integer") }
            return n
        }
    }
}

private extension JSONValue {
    /// The object without these members when they are null (a client sending `"schemaTagsToAdd": null`
    /// asks for nothing).
    func removingNullMembers(_ names: Set<String>) -> JSONValue {
        guard let members = objectMembers else { return self }
        return .object(members.filter { !(names.contains($0.0) && $0.1.isNull) })
    }
}

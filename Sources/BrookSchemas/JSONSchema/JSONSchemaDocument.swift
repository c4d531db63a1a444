/// A JSON Schema as the registry stores and compares it: the submitted document (member order and
/// number literals kept), its draft, and the loaded graph the compatibility rules walk.
public struct JSONSchemaDocument: ParsedSchema {
    public let document: JSONValue
    public let draft: JSONSchemaDraft
    let graph: JSONSchemaGraph

    public var schemaType: SchemaType { .json }

    /// Parses and checks `text`; `references` are the schemas its `$ref`s may name, by
    /// `reference.name` (e.g. `address.json` or `https://example.com/address.json`).
    public init(_ text: String, references: [ResolvedReference] = []) throws(InvalidSchemaError) {
        let document = try Self.parseJSON(text, what: "the schema")
        let draft = JSONSchemaDraft.declared(by: document)
        guard document.objectMembers != nil || document.boolValue != nil else {
            throw InvalidSchemaError("Invalid JSON Schema: the document must be an object or a boolean")
        }
        try JSONSchemaKeywordCheck.check(document, draft: draft)
        var loaded: [(name: String, value: JSONValue, draft: JSONSchemaDraft)] = []
        for reference in references {
            let name = reference.reference.name
            let value = try Self.parseJSON(reference.schema, what: "the referenced schema '\(name)'")
            let referenceDraft = value["$schema"] == nil ? draft : JSONSchemaDraft.declared(by: value)
            do {
                try JSONSchemaKeywordCheck.check(value, draft: referenceDraft)
            } catch {
                throw InvalidSchemaError("In the referenced schema '\(name)': \(error.message)")
            }
            loaded.append((name, value, referenceDraft))
        }
        self.document = document
        self.draft = draft
        self.graph = try JSONSchemaLoader.load(root: document, draft: draft, references: loaded)
    }

    private static func parseJSON(_ text: String, what: String) throws(InvalidSchemaError) -> JSONValue {
        do {
            return try JSONParser.parse(text)
        } catch {
            throw InvalidSchemaError("Invalid JSON Schema: \(what) is not valid JSON (\(error))")
        }
    }

    /// Compact JSON in the submitted member order, numbers written as Jackson writes them: what
    /// Confluent stores for a JSON Schema.
    public var canonicalString: String { document.jacksonText(sortingKeys: false) }

    /// Members sorted by name at every level: Confluent's JSON Schema normalisation (a re-read
    /// through a sorting node factory) does exactly that and nothing more.
    public func normalized() -> String { document.jacksonText(sortingKeys: true) }

    public func compatibilityIssues(readingDataWrittenWith writer: any ParsedSchema) -> [CompatibilityIssue] {
        guard let writer = writer as? JSONSchemaDocument else {
            return [CompatibilityIssue(errorType: "TYPE_MISMATCH", path: "#/", detail: "Incompatible because of different schema type")]
        }
        // Confluent compares (original, update); reading data written with `writer` is update = reader.
        return JSONSchemaDiff.incompatibilities(original: writer.graph, update: graph)
    }
}

/// A parsed, validated Avro schema (spec 1.11): a graph of types in which named types may refer to
/// themselves, held as an array of nodes that refer to each other by index.
///
/// Named types defined by the schema's references are part of the graph (so the schema can be
/// resolved and checked on its own) but are written by name in `canonicalString`, as Confluent does.
public struct AvroSchema: ParsedSchema {
    /// Every type of the schema and of its references; `AvroType` children are indexes into it.
    public let types: [AvroType]
    /// The index of the schema's own top-level type.
    public let root: Int
    /// Full names of the named types the references define.
    public let referencedNames: Set<String>
    public let canonicalString: String

    public var schemaType: SchemaType { .avro }

    init(types: [AvroType], root: Int, referencedNames: Set<String>) {
        self.types = types
        self.root = root
        self.referencedNames = referencedNames
        self.canonicalString = AvroJSONWriter.write(types: types, root: root, known: referencedNames)
    }

    /// Parses Avro schema JSON text; `references` are parsed first, in order, into the same name table.
    ///
    /// `validateDefaults: false` is for schemas already registered: Confluent checks defaults only
    /// when a schema is new, so a stored schema with a bad default (accepted by an older registry)
    /// must still load.
    public static func parse(
        _ text: String, references: [ResolvedReference] = [], validateDefaults: Bool = true
    ) throws(InvalidSchemaError) -> AvroSchema {
        var parser = AvroSchemaParser()
        for reference in references {
            do {
                _ = try parser.parseDocument(reference.schema)
            } catch {
                throw InvalidSchemaError("Invalid referenced schema \"\(reference.reference.name)\" "
                    + "(subject \(reference.reference.subject) version \(reference.reference.version)): \(error.message)")
            }
        }
        let referencedNames = Set(parser.names.keys)
        let root = try parser.parseDocument(text)
        if validateDefaults {
            try AvroDefaultValidator(types: parser.types).validateAllDefaults()
        }
        return AvroSchema(types: parser.types, root: root, referencedNames: referencedNames)
    }

    /// The type at `index`.
    public subscript(index: Int) -> AvroType { types[index] }

    /// The top-level type.
    public var rootType: AvroType { types[root] }
}

/// One Avro type: its kind plus the custom attributes written next to it (including `logicalType`,
/// which stays an attribute; `logicalType` is the validated reading of it).
public struct AvroType: Sendable, Hashable {
    public var kind: AvroTypeKind
    /// Attributes beyond the ones the spec reserves for this kind, in document order.
    public var attributes: [AvroAttribute]
    /// The logical type, when the attributes name a valid one (invalid ones are ignored, per the spec).
    public var logicalType: AvroLogicalType?

    public init(kind: AvroTypeKind, attributes: [AvroAttribute] = [], logicalType: AvroLogicalType? = nil) {
        self.kind = kind
        self.attributes = attributes
        self.logicalType = logicalType
    }

    /// The named type's name, nil for primitives, arrays, maps and unions.
    public var name: AvroName? {
        switch kind {
        case let .record(r): r.name
        case let .enumeration(e): e.name
        case let .fixed(f): f.name
        default: nil
        }
    }

    /// Java's `Schema.Type` name (upper case), used in compatibility messages.
    var typeTag: String {
        switch kind {
        case let .primitive(p): p.rawValue.uppercased()
        case .array: "ARRAY"
        case .map: "MAP"
        case .union: "UNION"
        case .record: "RECORD"
        case .enumeration: "ENUM"
        case .fixed: "FIXED"
        }
    }

    /// The name a union uses to tell its branches apart: the full name of a named type, else the
    /// type's own name (`"int"`, `"array"`, ...).
    var unionBranchKey: String {
        switch kind {
        case let .primitive(p): p.rawValue
        case .array: "array"
        case .map: "map"
        case .union: "union"
        case let .record(r): r.name.fullName
        case let .enumeration(e): e.name.fullName
        case let .fixed(f): f.name.fullName
        }
    }
}

/// A custom attribute of a type or field (`"connect.name": "x"`, `"logicalType": "date"`, ...).
public struct AvroAttribute: Sendable, Hashable {
    public var name: String
    public var value: JSONValue

    public init(name: String, value: JSONValue) {
        self.name = name
        self.value = value
    }
}

/// The kinds of Avro types; children are indexes into `AvroSchema.types`.
public enum AvroTypeKind: Sendable, Hashable {
    case primitive(AvroPrimitive)
    case array(items: Int)
    case map(values: Int)
    case union([Int])
    case record(AvroRecord)
    case enumeration(AvroEnum)
    case fixed(AvroFixed)
}

/// Avro's eight primitive types, spelled as in schemas.
public enum AvroPrimitive: String, Sendable, Hashable, CaseIterable {
    case null, boolean, int, long, float, double, bytes, string
}

/// A named type's name and namespace (nil: the null namespace).
public struct AvroName: Sendable, Hashable, Comparable {
    public var name: String
    public var namespace: String?

    public init(name: String, namespace: String?) {
        self.name = name
        self.namespace = namespace
    }

    /// Resolves `text` as the spec does: a dotted name is already full; otherwise it takes the
    /// enclosing namespace (an empty namespace is the null namespace).
    public init(resolving text: String, in enclosing: String?) {
        if let dot = text.lastIndex(of: ".") {
            let space = String(text[..<dot])
            self.init(name: String(text[text.index(after: dot)...]), namespace: space.isEmpty ? nil : space)
        } else {
            self.init(name: text, namespace: enclosing?.isEmpty == false ? enclosing : nil)
        }
    }

    public var fullName: String { namespace.map { "\($0).\(name)" } ?? name }

    /// How Java's Avro writes this name where the enclosing namespace is `space`: short when the
    /// namespaces agree or this name has none, else full.
    func qualified(in space: String?) -> String {
        namespace == nil || namespace == space ? name : fullName
    }

    public static func < (lhs: AvroName, rhs: AvroName) -> Bool { lhs.fullName < rhs.fullName }
}

/// A record (or an `error`, Avro's record variant for protocols).
public struct AvroRecord: Sendable, Hashable {
    public var name: AvroName
    public var doc: String?
    public var aliases: [AvroName]
    public var fields: [AvroField]
    public var isError: Bool

    /// The field named `name`, if any.
    public func field(named name: String) -> AvroField? { fields.first { $0.name == name } }
}

/// A record field.
public struct AvroField: Sendable, Hashable {
    public var name: String
    public var type: Int
    public var doc: String?
    public var defaultValue: JSONValue?
    public var order: AvroSortOrder
    public var aliases: [String]
    public var attributes: [AvroAttribute]
}

/// A field's sort order.
public enum AvroSortOrder: String, Sendable, Hashable {
    case ascending, descending, ignore
}

/// An enum type.
public struct AvroEnum: Sendable, Hashable {
    public var name: AvroName
    public var doc: String?
    public var aliases: [AvroName]
    public var symbols: [String]
    /// The symbol a reader uses for writer symbols it does not know.
    public var defaultSymbol: String?
}

/// A fixed-size byte string type.
public struct AvroFixed: Sendable, Hashable {
    public var name: AvroName
    public var doc: String?
    public var aliases: [AvroName]
    public var size: Int
}

/// A parsed `.proto` file, in declaration order, before and after type resolution.
///
/// Comments are not kept: Confluent's stored text drops them too.
struct ProtoFile: Sendable, Hashable {
    enum Syntax: Sendable, Hashable {
        /// No `syntax` line: protoc treats the file as proto2.
        case unspecified
        case proto2
        case proto3
        case edition(String)
    }

    var syntax: Syntax = .unspecified
    var package: String?
    var imports: [ProtoImport] = []
    var options: [ProtoOption] = []
    var messages: [ProtoMessage] = []
    var enums: [ProtoEnum] = []
    var extends: [ProtoExtend] = []
    var services: [ProtoService] = []

    var isProto3: Bool { syntax == .proto3 }
    var packagePrefix: String { package.map { $0 + "." } ?? "" }
}

/// `import [public|weak] "path";`
struct ProtoImport: Sendable, Hashable {
    enum Kind: Sendable, Hashable { case plain, `public`, weak }
    var path: String
    var kind: Kind
}

/// An option as written: `name` keeps custom option syntax as text, e.g. `(my.ext).field`.
struct ProtoOption: Sendable, Hashable {
    var name: String
    var value: ProtoOptionValue
    /// Whether the name starts with a parenthesised extension name (a custom option).
    var isCustom: Bool { name.hasPrefix("(") }
}

/// The value of an option: a constant, or a text-format aggregate `{ key: value ... }`.
indirect enum ProtoOptionValue: Sendable, Hashable {
    case string(String)
    /// `true`, `false`, an enum value name, `inf`, `nan` (with a leading `-` when negative).
    case identifier(String)
    /// A numeric literal as written, with its sign.
    case number(String)
    case aggregate([(String, ProtoOptionValue)])
    case list([ProtoOptionValue])

    static func == (lhs: ProtoOptionValue, rhs: ProtoOptionValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a), .string(b)), let (.identifier(a), .identifier(b)), let (.number(a), .number(b)): a == b
        case let (.aggregate(a), .aggregate(b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.list(a), .list(b)): a == b
        default: false
        }
    }

    func hash(into hasher: inout Hasher) {
        switch self {
        case let .string(s): hasher.combine(0); hasher.combine(s)
        case let .identifier(s): hasher.combine(1); hasher.combine(s)
        case let .number(s): hasher.combine(2); hasher.combine(s)
        case let .aggregate(members):
            hasher.combine(3)
            for (k, v) in members { hasher.combine(k); hasher.combine(v) }
        case let .list(values): hasher.combine(4); hasher.combine(values)
        }
    }
}

/// A `message` declaration. Fields outside oneofs and the oneofs are kept apart, as Confluent
/// prints them (all plain fields first, then each oneof).
struct ProtoMessage: Sendable, Hashable {
    var name: String
    var fields: [ProtoField] = []
    var oneofs: [ProtoOneof] = []
    var options: [ProtoOption] = []
    var reserved: [[ProtoReservation]] = []
    var extensionRanges: [ProtoExtensionRange] = []
    var extends: [ProtoExtend] = []
    var messages: [ProtoMessage] = []
    var enums: [ProtoEnum] = []
    /// Nested messages and map fields' entry messages (`FooEntry`) by name, in declaration order:
    /// the order of a descriptor's nested types, which message indexes count.
    var nestedOrder: [String] = []
    var line: Int
    var column: Int

    /// Every field, plain and oneof members alike.
    var allFields: [ProtoField] { fields + oneofs.flatMap(\.fields) }
}

/// One item of a `reserved` statement.
enum ProtoReservation: Sendable, Hashable {
    /// An inclusive range of field numbers (`5`, `5 to 9`, `10 to max`).
    case numbers(ClosedRange<Int64>)
    case name(String)
}

/// One `extensions` statement: its ranges and options.
struct ProtoExtensionRange: Sendable, Hashable {
    var ranges: [ClosedRange<Int64>]
    var options: [ProtoOption]
}

/// `oneof name { fields }`.
struct ProtoOneof: Sendable, Hashable {
    var name: String
    var options: [ProtoOption] = []
    var fields: [ProtoField] = []
}

/// A field of a message, oneof or extend block.
struct ProtoField: Sendable, Hashable {
    enum Label: String, Sendable, Hashable {
        case optional, required, repeated
    }

    var label: Label?
    /// The type as written: a scalar name, a (possibly dotted or leading-dot) type name, or `map<K, V>`.
    var typeName: String
    /// For a map field, the key and value type names as written.
    var mapTypes: (key: String, value: String)?
    var name: String
    var number: Int64
    /// Options other than `default` and `json_name`, which are kept apart (Confluent prints them last).
    var options: [ProtoOption] = []
    var defaultValue: ProtoOptionValue?
    var jsonName: String?
    /// Filled in by the resolver.
    var resolved: ProtoResolvedType?
    var line: Int
    var column: Int

    var isMap: Bool { mapTypes != nil }

    static func == (lhs: ProtoField, rhs: ProtoField) -> Bool {
        lhs.label == rhs.label && lhs.typeName == rhs.typeName && lhs.mapTypes?.key == rhs.mapTypes?.key
            && lhs.mapTypes?.value == rhs.mapTypes?.value && lhs.name == rhs.name && lhs.number == rhs.number
            && lhs.options == rhs.options && lhs.defaultValue == rhs.defaultValue && lhs.jsonName == rhs.jsonName
            && lhs.resolved == rhs.resolved
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(number)
        hasher.combine(typeName)
    }
}

/// What a field's type resolved to.
indirect enum ProtoResolvedType: Sendable, Hashable {
    case scalar(ProtoScalar)
    /// A message, by full name without a leading dot.
    case message(String)
    /// An enum, by full name without a leading dot.
    case enumeration(String)
    case map(key: ProtoScalar, value: ProtoResolvedType)
}

/// The fifteen scalar types of the Protobuf language.
enum ProtoScalar: String, Sendable, Hashable, CaseIterable {
    case double, float, int32, int64, uint32, uint64, sint32, sint64
    case fixed32, fixed64, sfixed32, sfixed64, bool, string, bytes

    /// Scalars allowed as map keys: integral types and string.
    var isValidMapKey: Bool {
        switch self {
        case .double, .float, .bytes: false
        default: true
        }
    }
}

/// An `enum` declaration.
struct ProtoEnum: Sendable, Hashable {
    var name: String
    var values: [ProtoEnumValue] = []
    var options: [ProtoOption] = []
    var reserved: [[ProtoReservation]] = []
    var line: Int
    var column: Int
}

/// `NAME = number [options];` inside an enum.
struct ProtoEnumValue: Sendable, Hashable {
    var name: String
    var number: Int64
    var options: [ProtoOption] = []
    var line: Int
    var column: Int
}

/// `extend Target { fields }` (kept, its fields validated and resolved).
struct ProtoExtend: Sendable, Hashable {
    var typeName: String
    var fields: [ProtoField] = []
    var resolvedTarget: String?
    var line: Int
    var column: Int
}

/// A `service` with its rpcs (kept for printing; not used by serialization).
struct ProtoService: Sendable, Hashable {
    var name: String
    var options: [ProtoOption] = []
    var rpcs: [ProtoRPC] = []
}

/// `rpc Name (stream? Request) returns (stream? Response) [{ options }];`
struct ProtoRPC: Sendable, Hashable {
    var name: String
    var requestType: String
    var requestStreaming: Bool
    var responseType: String
    var responseStreaming: Bool
    var options: [ProtoOption] = []
    var resolvedRequest: String?
    var resolvedResponse: String?
    var line: Int
    var column: Int
}

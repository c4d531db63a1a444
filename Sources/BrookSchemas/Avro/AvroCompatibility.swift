/// One reason data written with a writer schema cannot be read with a reader schema, as Java Avro's
/// `SchemaCompatibility` reports it (and Confluent passes on): a type, a JSON-pointer-like location in
/// the reader schema (`/fields/1/type`), and a short message (Confluent's `additionalInfo`).
public struct AvroIncompatibility: Sendable, Hashable {
    /// Avro's `SchemaIncompatibilityType` names.
    public enum Kind: String, Sendable, Hashable {
        case nameMismatch = "NAME_MISMATCH"
        case fixedSizeMismatch = "FIXED_SIZE_MISMATCH"
        case missingEnumSymbols = "MISSING_ENUM_SYMBOLS"
        case readerFieldMissingDefaultValue = "READER_FIELD_MISSING_DEFAULT_VALUE"
        case typeMismatch = "TYPE_MISMATCH"
        case missingUnionBranch = "MISSING_UNION_BRANCH"
        /// A reader field whose name and aliases match more than one writer field (Java Avro throws;
        /// Confluent then reports the schemas incompatible).
        case ambiguousFieldAlias = "AMBIGUOUS_FIELD_ALIAS"
    }

    public var kind: Kind
    public var location: String
    public var message: String

    /// Confluent's description (its `avro/Difference`), naming the reader and writer schemas as the
    /// caller calls them (Confluent says "new" and "old").
    public func description(reader: String, writer: String) -> String {
        descriptionTemplate.filled(reader, writer)
    }

    /// The message as Confluent's verbose compatibility check words it.
    public func confluentMessage(reader: String, writer: String) -> String {
        confluentTemplate.filled(reader, writer)
    }

    /// Confluent's `{errorType:'…', description:'…', additionalInfo:'…'}` with the reader's and the
    /// writer's roles left open. An ambiguous alias makes Java Avro throw, and Confluent answers
    /// with the exception's text instead.
    var confluentTemplate: ConfluentMessageTemplate {
        if kind == .ambiguousFieldAlias {
            return ConfluentMessageTemplate(["Unexpected exception during compatibility check: " + message])
        }
        var pieces = descriptionTemplate.pieces
        pieces[0] = "{errorType:'\(kind.rawValue)', description:'" + pieces[0]
        pieces[pieces.count - 1] += "', additionalInfo:'\(message)'}"
        return ConfluentMessageTemplate(pieces)
    }

    private var descriptionTemplate: ConfluentMessageTemplate {
        switch kind {
        case .fixedSizeMismatch:
            ConfluentMessageTemplate(["The size of FIXED type field at path '\(location)' in the ", " schema does not match with the ", " schema"])
        case .typeMismatch:
            ConfluentMessageTemplate(["The type (path '\(location)') of a field in the ", " schema does not match with the ", " schema"])
        case .nameMismatch:
            ConfluentMessageTemplate(["The name of the schema has changed (path '\(location)')"])
        case .missingEnumSymbols:
            ConfluentMessageTemplate(["The ", " schema is missing enum symbols '\(message)' at path '\(location)' in the ", " schema"])
        case .missingUnionBranch:
            ConfluentMessageTemplate(["The ", " schema is missing a type inside a union field at path '\(location)' in the ", " schema"])
        case .readerFieldMissingDefaultValue:
            ConfluentMessageTemplate(["The field '\(message)' at path '\(location)' in the ", " schema has no default value and is missing in the ", " schema"])
        case .ambiguousFieldAlias:
            ConfluentMessageTemplate([message])
        }
    }
}

extension AvroSchema {
    public func compatibilityIssues(readingDataWrittenWith writer: any ParsedSchema) -> [CompatibilityIssue] {
        guard let writer = writer as? AvroSchema else {
            return [CompatibilityIssue(errorType: "TYPE_MISMATCH", path: "/", detail: "The writer schema is not an Avro schema")]
        }
        var found = incompatibilities(readingDataWrittenWith: writer)
        // Java Avro stops at the first ambiguous alias with an exception: Confluent reports only that.
        if let ambiguous = found.first(where: { $0.kind == .ambiguousFieldAlias }) { found = [ambiguous] }
        return found.map {
            CompatibilityIssue(errorType: $0.kind.rawValue, path: $0.location, detail: $0.description(reader: "reader", writer: "writer"),
                               confluentTemplate: $0.confluentTemplate)
        }
    }

    /// Avro's schema resolution rules (spec 1.11 "Schema Resolution", as Java's `SchemaCompatibility`
    /// applies them) with `self` as the reader; empty when every datum `writer` can write is readable.
    public func incompatibilities(readingDataWrittenWith writer: AvroSchema) -> [AvroIncompatibility] {
        var checker = AvroCompatibilityChecker(reader: types, writer: writer.types)
        return checker.check(root, writer.root)
    }
}

/// Walks a reader and a writer graph together. Each (reader, writer) type pair is checked once: a
/// pair met again while being checked (recursive types) counts as compatible until proven otherwise,
/// and a finished pair's result is reused, as Java Avro memoises it.
struct AvroCompatibilityChecker {
    private struct Pair: Hashable {
        var reader: Int
        var writer: Int
    }

    private enum Memo {
        case inProgress
        case done([AvroIncompatibility])
    }

    /// Deeper than this (only reachable through long chains of distinct type pairs) is refused
    /// rather than risking the stack.
    private static let maximumDepth = 600

    let reader: [AvroType]
    let writer: [AvroType]
    private var memo: [Pair: Memo] = [:]
    private var location: [String] = []

    init(reader: [AvroType], writer: [AvroType]) {
        self.reader = reader
        self.writer = writer
    }

    private var path: String {
        "/" + location.map { $0.pointerEscaped }.joined(separator: "/")
    }

    private func issue(_ kind: AvroIncompatibility.Kind, _ message: String) -> AvroIncompatibility {
        AvroIncompatibility(kind: kind, location: path, message: message)
    }

    mutating func check(_ r: Int, _ w: Int) -> [AvroIncompatibility] {
        let pair = Pair(reader: r, writer: w)
        switch memo[pair] {
        case .inProgress: return []
        case let .done(result): return result
        case nil: break
        }
        guard location.count < Self.maximumDepth else {
            return [issue(.typeMismatch, "schemas nested too deeply to compare")]
        }
        memo[pair] = .inProgress
        let result = calculate(r, w)
        memo[pair] = .done(result)
        return result
    }

    private mutating func check(_ r: Int, _ w: Int, at part: String) -> [AvroIncompatibility] {
        location.append(part)
        defer { location.removeLast() }
        return check(r, w)
    }

    private mutating func calculate(_ r: Int, _ w: Int) -> [AvroIncompatibility] {
        let readerType = reader[r], writerType = writer[w]
        switch (readerType.kind, writerType.kind) {
        case let (.primitive(a), .primitive(b)) where a == b:
            return []
        case let (.array(a), .array(b)):
            return check(a, b, at: "items")
        case let (.map(a), .map(b)):
            return check(a, b, at: "values")
        case let (.fixed(a), .fixed(b)):
            var result = checkNames(a.name, aliases: a.aliases, writer: b.name)
            if a.size != b.size {
                location.append("size")
                result.append(issue(.fixedSizeMismatch, "expected: \(b.size), found: \(a.size)"))
                location.removeLast()
            }
            return result
        case let (.enumeration(a), .enumeration(b)):
            var result = checkNames(a.name, aliases: a.aliases, writer: b.name)
            let missing = Set(b.symbols).subtracting(a.symbols)
            let readerHasDefault = a.defaultSymbol.map { a.symbols.contains($0) } ?? false
            if !missing.isEmpty, !readerHasDefault {
                location.append("symbols")
                result.append(issue(.missingEnumSymbols, "[" + missing.sorted().joined(separator: ", ") + "]"))
                location.removeLast()
            }
            return result
        case let (.record(a), .record(b)):
            return checkNames(a.name, aliases: a.aliases, writer: b.name) + checkFields(of: a, against: b, writerIndex: w)
        case let (.union(_), .union(writerBranches)):
            var result: [AvroIncompatibility] = []
            for (i, branch) in writerBranches.enumerated() {
                location.append(String(i))
                if !check(r, branch).isEmpty {
                    result.append(issue(.missingUnionBranch, "reader union lacking writer type: \(writer[branch].typeTag)"))
                }
                location.removeLast()
            }
            return result
        case let (_, .union(writerBranches)):
            // Every branch the writer may have used must be readable.
            return writerBranches.flatMap { check(r, $0) }
        case let (.union(readerBranches), _):
            for branch in readerBranches where check(branch, w).isEmpty {
                return []
            }
            return [issue(.missingUnionBranch, "reader union lacking writer type: \(writerType.typeTag)")]
        case let (.primitive(a), .primitive(b)) where Self.promotes(b, to: a):
            return []
        default:
            return [issue(.typeMismatch, "reader type: \(readerType.typeTag) not compatible with writer type: \(writerType.typeTag)")]
        }
    }

    /// The spec's promotions of a writer's primitive to a reader's.
    private static func promotes(_ writer: AvroPrimitive, to reader: AvroPrimitive) -> Bool {
        switch (writer, reader) {
        case (.int, .long), (.int, .float), (.int, .double), (.long, .float), (.long, .double), (.float, .double),
             (.string, .bytes), (.bytes, .string): true
        default: false
        }
    }

    /// Named types match by unqualified name, or when a reader alias is the writer's full name
    /// (Java Avro's `schemaNameEquals`; a namespace change alone is compatible).
    private mutating func checkNames(_ name: AvroName, aliases: [AvroName], writer: AvroName) -> [AvroIncompatibility] {
        guard name.name != writer.name, !aliases.contains(where: { $0.fullName == writer.fullName }) else { return [] }
        location.append("name")
        defer { location.removeLast() }
        return [issue(.nameMismatch, "expected: \(writer.fullName)")]
    }

    private mutating func checkFields(of readerRecord: AvroRecord, against writerRecord: AvroRecord, writerIndex: Int) -> [AvroIncompatibility] {
        var result: [AvroIncompatibility] = []
        location.append("fields")
        defer { location.removeLast() }
        for (position, field) in readerRecord.fields.enumerated() {
            location.append(String(position))
            defer { location.removeLast() }
            let candidates = ([field.name] + field.aliases).compactMap { writerRecord.field(named: $0) }
            var matches: [AvroField] = []
            for candidate in candidates where !matches.contains(where: { $0.name == candidate.name }) {
                matches.append(candidate)
            }
            if matches.count > 1 {
                // Java Avro's AvroRuntimeException text (SchemaCompatibility.lookupWriterField),
                // with Field.toString() and the writer record's Schema.toString().
                let record = AvroJSONWriter.write(types: writer, root: writerIndex, known: [])
                result.append(issue(.ambiguousFieldAlias,
                                    "Reader record field \(field.name) type:\(reader[field.type].typeTag) pos:\(position) matches multiple fields in writer record schema \(record)"))
            } else if let match = matches.first {
                result += check(field.type, match.type, at: "type")
            } else if field.defaultValue == nil {
                // Java Avro lets an enum with a default stand in for a missing field by checking
                // the enum against the writer record itself (which then fails as a type mismatch).
                if case let .enumeration(e) = reader[field.type].kind, e.defaultSymbol != nil {
                    location.append("type")
                    result.append(issue(.typeMismatch, "reader type: ENUM not compatible with writer type: RECORD"))
                    location.removeLast()
                } else {
                    result.append(issue(.readerFieldMissingDefaultValue, field.name))
                }
            }
        }
        return result
    }
}

private extension String {
    /// JSON-pointer escaping of one path segment (`~` → `~0`, `/` → `~1`).
    var pointerEscaped: String {
        guard contains("~") || contains("/") else { return self }
        var out = ""
        for c in self {
            switch c {
            case "~": out += "~0"
            case "/": out += "~1"
            default: out.append(c)
            }
        }
        return out
    }
}

/// Confluent's Protobuf compatibility rules (its `protobuf/diff` package, as facts): the writer
/// schema is the "original", the reader the "update"; every difference has a type, and only the
/// types outside `compatibleChanges` make the change incompatible.
///
/// Fields are matched by number. Scalars stay compatible within wire-compatible groups
/// (int32/int64/uint32/uint64/bool and enums; sint32/sint64; fixed32/sfixed32; fixed64/sfixed64;
/// string/bytes; float; double). Message-typed fields compare by name and, when the type comes from
/// another file (or another version of a reference), by content.
enum ProtoCompatibility {
    /// Confluent's `Difference.Type` names.
    enum Difference: String, Sendable {
        case packageChanged = "PACKAGE_CHANGED"
        case messageAdded = "MESSAGE_ADDED"
        case messageRemoved = "MESSAGE_REMOVED"
        case messageMoved = "MESSAGE_MOVED"
        case enumAdded = "ENUM_ADDED"
        case enumRemoved = "ENUM_REMOVED"
        case enumConstAdded = "ENUM_CONST_ADDED"
        case enumConstChanged = "ENUM_CONST_CHANGED"
        case enumConstRemoved = "ENUM_CONST_REMOVED"
        case fieldAdded = "FIELD_ADDED"
        case fieldRemoved = "FIELD_REMOVED"
        case fieldNameChanged = "FIELD_NAME_CHANGED"
        case fieldKindChanged = "FIELD_KIND_CHANGED"
        case fieldScalarKindChanged = "FIELD_SCALAR_KIND_CHANGED"
        case fieldNamedTypeChanged = "FIELD_NAMED_TYPE_CHANGED"
        case fieldNumericLabelChanged = "FIELD_NUMERIC_LABEL_CHANGED"
        case fieldStringOrBytesLabelChanged = "FIELD_STRING_OR_BYTES_LABEL_CHANGED"
        case requiredFieldAdded = "REQUIRED_FIELD_ADDED"
        case requiredFieldRemoved = "REQUIRED_FIELD_REMOVED"
        case oneofAdded = "ONEOF_ADDED"
        case oneofRemoved = "ONEOF_REMOVED"
        case oneofFieldAdded = "ONEOF_FIELD_ADDED"
        case oneofFieldRemoved = "ONEOF_FIELD_REMOVED"
        case oneofFieldMovedToTopLevel = "ONEOF_FIELD_MOVED_TO_TOP_LEVEL"
        case multipleFieldsMovedToOneof = "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
        case fieldMovedToExistingOneof = "FIELD_MOVED_TO_EXISTING_ONEOF"

        var isCompatible: Bool {
            switch self {
            case .messageAdded, .messageMoved, .enumAdded, .enumRemoved, .enumConstAdded, .enumConstChanged,
                 .enumConstRemoved, .fieldAdded, .fieldRemoved, .fieldNameChanged, .fieldStringOrBytesLabelChanged,
                 .oneofAdded, .oneofRemoved, .oneofFieldAdded, .oneofFieldMovedToTopLevel:
                true
            default:
                false
            }
        }

        func detail(at path: String) -> String {
            switch self {
            case .packageChanged: "The reader's package differs from the writer's package"
            case .messageRemoved: "The reader has no message at '\(path)', which the writer has"
            case .fieldKindChanged: "The field at '\(path)' changed between scalar, message and map in the reader"
            case .fieldScalarKindChanged: "The field at '\(path)' has a scalar type in the reader that is not wire-compatible with the writer's"
            case .fieldNamedTypeChanged: "The message-typed field at '\(path)' has a different or incompatible message type in the reader"
            case .fieldNumericLabelChanged: "The numeric field at '\(path)' changed its label (optional, required, repeated) in the reader"
            case .requiredFieldAdded: "The reader requires the field at '\(path)', which the writer does not have"
            case .requiredFieldRemoved: "The reader lacks the field at '\(path)', which is required in the writer"
            case .oneofFieldRemoved: "The reader lacks the oneof field at '\(path)', which the writer has"
            case .multipleFieldsMovedToOneof: "Several fields that the writer has outside a oneof are in the reader's oneof at '\(path)'"
            case .fieldMovedToExistingOneof: "A field that the writer has outside this oneof is in the reader's existing oneof at '\(path)'"
            default: "\(rawValue) at '\(path)'"
            }
        }

        /// Confluent's `{errorType:"…", description:"…"}` (its `protobuf/diff/Difference`), the
        /// description's slots naming the reader and the writer schema; types it has no sentence
        /// for get an empty description, as in Confluent.
        func confluentTemplate(at path: String) -> ConfluentMessageTemplate {
            let description: [String]
            switch self {
            case .packageChanged:
                description = ["The package at '\(path)' in the ", " schema does not match the package in the ", " schema"]
            case .messageRemoved:
                description = ["The ", " schema is missing a MESSAGE type at path '\(path)' in the ", " schema"]
            case .fieldKindChanged:
                description = ["The type of a field at path '\(path)' in the ", " schema does not match the ", " schema"]
            case .fieldScalarKindChanged:
                description = ["The kind of a SCALAR field at path '\(path)' in the ", " schema does not match its kind in the ", " schema"]
            case .fieldNamedTypeChanged:
                description = ["The type of a MESSAGE field at path '\(path)' in the ", " schema does not match its type in the ", " schema"]
            case .fieldNumericLabelChanged:
                description = ["The label for a NUMERIC field at path '\(path)' in the ", " schema does not match its label in the ", " schema"]
            case .requiredFieldAdded:
                // Two spaces after "field", as Confluent writes it.
                description = ["A required field  at path '\(path)' in the ", " schema is missing in the ", " schema"]
            case .requiredFieldRemoved:
                description = ["The ", " schema is missing a required field at path: '\(path)' in the ", " schema"]
            case .oneofFieldRemoved:
                description = ["The ", " schema is missing a oneof field at path '\(path)' in the ", " schema"]
            case .oneofFieldMovedToTopLevel:
                description = ["The oneof field at path '\(path)' in the ", " schema was moved out of its oneof to a top-level field in the ", " schema"]
            case .multipleFieldsMovedToOneof:
                description = ["Multiple fields in the oneof at path '\(path)' in the ", " schema are outside a oneof in the ", " schema"]
            case .fieldMovedToExistingOneof:
                description = ["A field in the oneof at path '\(path)' in the ", " schema is outside an existing oneof in the ", " schema"]
            default:
                description = [""]
            }
            var pieces = description
            pieces[0] = "{errorType:\"\(rawValue)\", description:\"" + pieces[0]
            pieces[pieces.count - 1] += "\"}"
            return ConfluentMessageTemplate(pieces)
        }
    }

    static func issues(writer: ProtoFileSet, reader: ProtoFileSet) -> [CompatibilityIssue] {
        var context = Context(original: writer, update: reader)
        if writer.main.package != reader.main.package {
            context.add(.packageChanged)
        }
        context.compareTypes(
            original: writer.main.messages, originalEnums: writer.main.enums, originalPrefix: writer.main.packagePrefix,
            update: reader.main.messages, updateEnums: reader.main.enums, updatePrefix: reader.main.packagePrefix)
        var seen = Set<String>()
        var issues: [CompatibilityIssue] = []
        for (difference, path) in context.differences where !difference.isCompatible {
            guard seen.insert(difference.rawValue + " " + path).inserted else { continue }
            issues.append(CompatibilityIssue(errorType: difference.rawValue, path: path, detail: difference.detail(at: path),
                                             confluentTemplate: difference.confluentTemplate(at: path)))
        }
        return issues
    }

    /// The walk's state: where it is (`path`, as Confluent writes it: `#/Message/Nested/3`), which
    /// writer messages are being compared (recursive types), and what was found.
    struct Context {
        let original: ProtoFileSet
        let update: ProtoFileSet
        var path: [String] = []
        var inProgress = Set<String>()
        var differences: [(Difference, String)] = []

        init(original: ProtoFileSet, update: ProtoFileSet) {
            self.original = original
            self.update = update
        }

        var pathText: String { "#/" + path.joined(separator: "/") }

        mutating func add(_ difference: Difference) {
            differences.append((difference, pathText))
        }

        mutating func add(_ difference: Difference, at component: String) {
            path.append(component)
            add(difference)
            path.removeLast()
        }

        /// Messages and enums of one scope, matched by name.
        mutating func compareTypes(
            original: [ProtoMessage], originalEnums: [ProtoEnum], originalPrefix: String,
            update: [ProtoMessage], updateEnums: [ProtoEnum], updatePrefix: String
        ) {
            let originalIndex = Dictionary(original.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
            let updateIndex = Dictionary(update.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
            for name in Set(originalIndex.keys).union(updateIndex.keys).sorted() {
                path.append(name)
                switch (originalIndex[name], updateIndex[name]) {
                case (_?, nil): if self.original.table.mapEntry(originalPrefix + name) == nil { add(.messageRemoved) }
                case (nil, _?): if self.update.table.mapEntry(updatePrefix + name) == nil { add(.messageAdded) }
                case let (o?, u?):
                    compareMessages(original[o], originalFullName: originalPrefix + name, update[u], updateFullName: updatePrefix + name)
                    if o != u { add(.messageMoved) }
                default: break
                }
                path.removeLast()
            }
            let originalEnumsByName = Dictionary(originalEnums.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            let updateEnumsByName = Dictionary(updateEnums.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            for name in Set(originalEnumsByName.keys).union(updateEnumsByName.keys).sorted() {
                path.append(name)
                switch (originalEnumsByName[name], updateEnumsByName[name]) {
                case (_?, nil): add(.enumRemoved)
                case (nil, _?): add(.enumAdded)
                case let (o?, u?): compareEnums(o, u)
                default: break
                }
                path.removeLast()
            }
        }

        mutating func compareEnums(_ original: ProtoEnum, _ update: ProtoEnum) {
            let originalByNumber = Dictionary(original.values.map { ($0.number, $0.name) }, uniquingKeysWith: { first, _ in first })
            let updateByNumber = Dictionary(update.values.map { ($0.number, $0.name) }, uniquingKeysWith: { first, _ in first })
            for number in Set(originalByNumber.keys).union(updateByNumber.keys).sorted() {
                switch (originalByNumber[number], updateByNumber[number]) {
                case (_?, nil): add(.enumConstRemoved, at: "\(number)")
                case (nil, _?): add(.enumConstAdded, at: "\(number)")
                case let (o?, u?) where o != u: add(.enumConstChanged, at: "\(number)")
                default: break
                }
            }
        }

        mutating func compareMessages(_ original: ProtoMessage, originalFullName: String, _ update: ProtoMessage, updateFullName: String) {
            if inProgress.insert(originalFullName).inserted {
                compareFields(original, update)
                inProgress.remove(originalFullName)
            }
            compareTypes(
                original: original.messages, originalEnums: original.enums, originalPrefix: originalFullName + ".",
                update: update.messages, updateEnums: update.enums, updatePrefix: updateFullName + ".")
        }

        private struct FieldIndex {
            var byNumber: [Int64: ProtoField] = [:]
            var oneofOf: [Int64: String] = [:]
            var oneofs: [String: ProtoOneof] = [:]

            init(_ message: ProtoMessage) {
                for field in message.fields { byNumber[field.number] = field }
                for oneof in message.oneofs {
                    oneofs[oneof.name] = oneof
                    for field in oneof.fields {
                        byNumber[field.number] = field
                        oneofOf[field.number] = oneof.name
                    }
                }
            }
        }

        /// Every field matched by number across the message, whatever oneof holds it, so moving a
        /// field in or out of a oneof cannot hide a change of its type.
        private mutating func compareFields(_ original: ProtoMessage, _ update: ProtoMessage) {
            let o = FieldIndex(original), u = FieldIndex(update)

            // A oneof gone by name with none of its members left anywhere is a whole deletion.
            let deletedOneofs = Set(o.oneofs.filter { name, oneof in
                u.oneofs[name] == nil && !oneof.fields.contains { u.byNumber[$0.number] != nil }
            }.keys)

            // Members of one reader oneof must come from one writer group (one oneof, or one
            // plain field); otherwise fields that were independent became mutually exclusive.
            for oneof in update.oneofs {
                var groups = Set<String>()
                var movedIn = 0
                for field in oneof.fields {
                    if let name = o.oneofOf[field.number] {
                        groups.insert("oneof:" + name)
                    } else if o.byNumber[field.number] != nil {
                        groups.insert("field:\(field.number)")
                        movedIn += 1
                    }
                }
                if groups.count > 1 {
                    add(movedIn > 1 ? .multipleFieldsMovedToOneof : .fieldMovedToExistingOneof, at: oneof.name)
                }
            }

            for name in Set(o.oneofs.keys).union(u.oneofs.keys).sorted() {
                if u.oneofs[name] == nil { add(.oneofRemoved, at: name) } else if o.oneofs[name] == nil { add(.oneofAdded, at: name) }
            }

            for number in Set(o.byNumber.keys).union(u.byNumber.keys).sorted() {
                let tag = "\(number)"
                switch (o.byNumber[number], u.byNumber[number]) {
                case let (originalField?, nil):
                    if let oneof = o.oneofOf[number] {
                        if !deletedOneofs.contains(oneof) {
                            path.append(oneof)
                            add(.oneofFieldRemoved, at: tag)
                            path.removeLast()
                        }
                    } else {
                        add(originalField.label == .required ? .requiredFieldRemoved : .fieldRemoved, at: tag)
                    }
                case let (nil, updateField?):
                    if let oneof = u.oneofOf[number] {
                        path.append(oneof)
                        add(.oneofFieldAdded, at: tag)
                        path.removeLast()
                    } else {
                        add(updateField.label == .required ? .requiredFieldAdded : .fieldAdded, at: tag)
                    }
                case let (originalField?, updateField?):
                    if o.oneofOf[number] != nil, u.oneofOf[number] == nil {
                        add(.oneofFieldMovedToTopLevel, at: tag)
                    }
                    let oneof = u.oneofOf[number]
                    if let oneof { path.append(oneof) }
                    path.append(tag)
                    compareField(originalField, updateField)
                    path.removeLast()
                    if oneof != nil { path.removeLast() }
                default:
                    break
                }
            }
        }

        private enum Kind { case scalar, message, map }

        private enum ScalarGroup { case generalNumber, signedNumber, stringOrBytes, fixed32, fixed64, float, double }

        private static func kind(_ type: ProtoResolvedType) -> Kind {
            switch type {
            case .scalar, .enumeration: .scalar
            case .message: .message
            case .map: .map
            }
        }

        private static func group(_ type: ProtoResolvedType) -> ScalarGroup? {
            switch type {
            case .enumeration: return .generalNumber
            case let .scalar(scalar):
                switch scalar {
                case .int32, .int64, .uint32, .uint64, .bool: return .generalNumber
                case .sint32, .sint64: return .signedNumber
                case .string, .bytes: return .stringOrBytes
                case .fixed32, .sfixed32: return .fixed32
                case .fixed64, .sfixed64: return .fixed64
                case .float: return .float
                case .double: return .double
                }
            default: return nil
            }
        }

        private mutating func compareField(_ original: ProtoField, _ update: ProtoField) {
            if original.name != update.name { add(.fieldNameChanged) }
            guard let originalType = original.resolved, let updateType = update.resolved else { return }
            // A map written as map<K, V> and one written as a repeated entry message are one map.
            let o = self.original.table.effectiveType(originalType, label: original.label)
            let u = self.update.table.effectiveType(updateType, label: update.label)
            compareTypes(Self.isMap(o) ? nil : original.label, Self.isMap(u) ? nil : update.label, o, u)
        }

        private static func isMap(_ type: ProtoResolvedType) -> Bool {
            if case .map = type { true } else { false }
        }

        private mutating func compareTypes(_ originalLabel: ProtoField.Label?, _ updateLabel: ProtoField.Label?,
                                           _ originalType: ProtoResolvedType, _ updateType: ProtoResolvedType) {
            let originalKind = Self.kind(originalType)
            guard originalKind == Self.kind(updateType) else {
                add(.fieldKindChanged)
                return
            }
            switch (originalType, updateType) {
            case let (.map(originalKey, originalValue), .map(updateKey, updateValue)):
                compareTypes(nil, nil, .scalar(originalKey), .scalar(updateKey))
                compareTypes(nil, nil, originalValue, updateValue)
            case let (.message(originalName), .message(updateName)):
                compareMessageTypes(originalName, updateName)
            default:
                let group = Self.group(originalType)
                guard group == Self.group(updateType) else {
                    add(.fieldScalarKindChanged)
                    return
                }
                if let originalLabel, let updateLabel, originalLabel != updateLabel {
                    add(group == .stringOrBytes ? .fieldStringOrBytesLabelChanged : .fieldNumericLabelChanged)
                }
            }
        }

        /// Where a type comes from, for deciding whether its content must be compared again.
        private enum Origin: Equatable {
            case local
            case builtIn
            case reference(subject: String, version: Int)
        }

        private static func origin(_ entry: ProtoTypeTable.Entry) -> Origin {
            if let reference = entry.reference { return .reference(subject: reference.subject, version: reference.version) }
            return entry.importPath == nil ? .local : .builtIn
        }

        private mutating func compareMessageTypes(_ originalName: String, _ updateName: String) {
            guard let originalEntry = original.table[originalName], let updateEntry = update.table[updateName] else {
                if originalName != updateName { add(.fieldNamedTypeChanged) }
                return
            }
            func localName(_ fullName: String, _ package: String) -> String {
                package.isEmpty || !fullName.hasPrefix(package + ".") ? fullName : String(fullName.dropFirst(package.count + 1))
            }
            let originalLocal = localName(originalName, originalEntry.package)
            guard originalLocal == localName(updateName, updateEntry.package) else {
                add(.fieldNamedTypeChanged)
                return
            }
            let originalOrigin = Self.origin(originalEntry), updateOrigin = Self.origin(updateEntry)
            // Types of the schema itself are compared by the walk over its messages; a reference
            // pinned to the same subject version cannot differ.
            if originalOrigin == updateOrigin, originalOrigin != .builtIn { return }
            guard let originalMessage = original.table.messages[originalName], let updateMessage = update.table.messages[updateName] else { return }
            var sub = Context(original: original, update: update)
            sub.inProgress = inProgress
            sub.path = originalLocal.split(separator: ".").map(String.init)
            sub.compareMessages(originalMessage, originalFullName: originalName, updateMessage, updateFullName: updateName)
            differences += sub.differences
            if sub.differences.contains(where: { !$0.0.isCompatible }) { add(.fieldNamedTypeChanged) }
        }
    }
}

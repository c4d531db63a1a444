/// A recursive-descent parser from `.proto` text (proto2, proto3, editions syntax) to `ProtoFile`.
///
/// It checks the grammar only; `ProtoValidator` checks meaning (numbers, names, types).
struct ProtoParser {
    /// Deeper nesting of messages or option aggregates than this is refused, so hostile input cannot
    /// exhaust the stack.
    static let maximumDepth = 64

    private let tokens: [ProtoToken]
    private var index = 0
    private var isProto3 = false

    static func parse(_ text: String) throws(InvalidSchemaError) -> ProtoFile {
        var parser = ProtoParser(tokens: try ProtoLexer.tokens(text))
        return try parser.parseFile()
    }

    private init(tokens: [ProtoToken]) {
        self.tokens = tokens
    }

    // MARK: Token helpers

    private func peek(_ offset: Int = 0) -> ProtoToken? {
        index + offset < tokens.count ? tokens[index + offset] : nil
    }

    private func isSymbol(_ symbol: String, at offset: Int = 0) -> Bool {
        guard let token = peek(offset) else { return false }
        return token.kind == .symbol && token.text == symbol
    }

    private func isWord(_ word: String, at offset: Int = 0) -> Bool {
        guard let token = peek(offset) else { return false }
        return token.kind == .identifier && token.text == word
    }

    private func error(_ reason: String) -> InvalidSchemaError {
        if let token = peek() {
            return InvalidSchemaError("Invalid Protobuf schema: \(token.line):\(token.column): \(reason)")
        }
        let last = tokens.last
        return InvalidSchemaError("Invalid Protobuf schema: \(last?.line ?? 1):\(last.map { $0.column + $0.text.utf8.count } ?? 1): \(reason) (unexpected end of input)")
    }

    private func describeCurrent() -> String {
        guard let token = peek() else { return "end of input" }
        return token.kind == .string ? "a string" : "'\(token.text)'"
    }

    private mutating func expectSymbol(_ symbol: String) throws(InvalidSchemaError) {
        guard isSymbol(symbol) else { throw error("expected '\(symbol)' but found \(describeCurrent())") }
        index += 1
    }

    private mutating func acceptSymbol(_ symbol: String) -> Bool {
        guard isSymbol(symbol) else { return false }
        index += 1
        return true
    }

    private mutating func expectWord(_ word: String) throws(InvalidSchemaError) {
        guard isWord(word) else { throw error("expected '\(word)' but found \(describeCurrent())") }
        index += 1
    }

    private mutating func identifier(_ what: String) throws(InvalidSchemaError) -> ProtoToken {
        guard let token = peek(), token.kind == .identifier else {
            throw error("expected \(what) but found \(describeCurrent())")
        }
        index += 1
        return token
    }

    /// `a.b.c`, optionally with a leading dot when `allowLeadingDot`.
    private mutating func dottedName(_ what: String, allowLeadingDot: Bool) throws(InvalidSchemaError) -> String {
        var name = ""
        if allowLeadingDot, acceptSymbol(".") { name = "." }
        name += try identifier(what).text
        while isSymbol("."), peek(1)?.kind == .identifier {
            index += 1
            name += "." + (try identifier(what).text)
        }
        return name
    }

    private mutating func stringLiteral(_ what: String) throws(InvalidSchemaError) -> String {
        guard let token = peek(), token.kind == .string else { throw error("expected \(what) but found \(describeCurrent())") }
        index += 1
        var value = token.text
        // Adjacent string literals concatenate, as in C.
        while let next = peek(), next.kind == .string {
            value += next.text
            index += 1
        }
        return value
    }

    /// An integer with an optional sign, as a value (decimal, hex or octal).
    private mutating func integer(_ what: String) throws(InvalidSchemaError) -> Int64 {
        let negative = acceptSymbol("-")
        guard let token = peek(), token.kind == .integer else { throw error("expected \(what) but found \(describeCurrent())") }
        guard let magnitude = Self.integerValue(token.text) else { throw error("integer \(token.text) is out of range") }
        index += 1
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw error("integer -\(token.text) is out of range") }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw error("integer \(token.text) is out of range") }
        return Int64(magnitude)
    }

    static func integerValue(_ text: String) -> UInt64? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt64(text.dropFirst(2), radix: 16) }
        if text.count > 1, text.hasPrefix("0") { return UInt64(text.dropFirst(), radix: 8) }
        return UInt64(text)
    }

    // MARK: File

    private mutating func parseFile() throws(InvalidSchemaError) -> ProtoFile {
        var file = ProtoFile()
        if isWord("syntax") || isWord("edition") {
            let isEdition = isWord("edition")
            index += 1
            try expectSymbol("=")
            let value = try stringLiteral(isEdition ? "an edition" : "a syntax name")
            if isEdition {
                file.syntax = .edition(value)
            } else {
                switch value {
                case "proto2": file.syntax = .proto2
                case "proto3": file.syntax = .proto3
                default: index -= 1; throw error("unknown syntax \"\(value)\" (expected \"proto2\" or \"proto3\")")
                }
            }
            try expectSymbol(";")
        }
        isProto3 = file.isProto3
        while let token = peek() {
            if acceptSymbol(";") { continue }
            guard token.kind == .identifier else { throw error("expected a top-level declaration but found \(describeCurrent())") }
            switch token.text {
            case "import":
                index += 1
                var kind = ProtoImport.Kind.plain
                if isWord("public") { kind = .public; index += 1 } else if isWord("weak") { kind = .weak; index += 1 }
                let path = try stringLiteral("an import path")
                try expectSymbol(";")
                file.imports.append(ProtoImport(path: path, kind: kind))
            case "package":
                guard file.package == nil else { throw error("multiple package declarations") }
                index += 1
                file.package = try dottedName("a package name", allowLeadingDot: false)
                try expectSymbol(";")
            case "option":
                file.options.append(try optionStatement())
            case "message":
                file.messages.append(try message(depth: 1))
            case "enum":
                file.enums.append(try enumDeclaration())
            case "extend":
                file.extends.append(try extend(depth: 1))
            case "service":
                file.services.append(try service())
            case "syntax", "edition":
                throw error("'\(token.text)' must be the first statement of the file")
            default:
                throw error("expected a top-level declaration but found '\(token.text)'")
            }
        }
        return file
    }

    // MARK: Options

    /// `option name = value;`
    private mutating func optionStatement() throws(InvalidSchemaError) -> ProtoOption {
        try expectWord("option")
        let option = try optionAssignment()
        try expectSymbol(";")
        return option
    }

    /// `name = value`
    private mutating func optionAssignment() throws(InvalidSchemaError) -> ProtoOption {
        let name = try optionName()
        try expectSymbol("=")
        let value = try optionValue(depth: 0)
        return ProtoOption(name: name, value: value)
    }

    private mutating func optionName() throws(InvalidSchemaError) -> String {
        var name = ""
        repeat {
            if !name.isEmpty { name += "." }
            if acceptSymbol("(") {
                name += "(" + (try dottedName("an extension name", allowLeadingDot: true)) + ")"
                try expectSymbol(")")
            } else {
                name += try identifier("an option name").text
            }
        } while acceptSymbol(".")
        return name
    }

    private mutating func optionValue(depth: Int) throws(InvalidSchemaError) -> ProtoOptionValue {
        guard depth < Self.maximumDepth else { throw error("option value nested deeper than \(Self.maximumDepth)") }
        if isSymbol("{") { return try aggregate(depth: depth + 1) }
        if isSymbol("[") {
            index += 1
            var values: [ProtoOptionValue] = []
            if !isSymbol("]") {
                repeat { values.append(try optionValue(depth: depth + 1)) } while acceptSymbol(",")
            }
            try expectSymbol("]")
            return .list(values)
        }
        var sign = ""
        if acceptSymbol("-") { sign = "-" } else { _ = acceptSymbol("+") }
        guard let token = peek() else { throw error("expected an option value") }
        switch token.kind {
        case .string where sign.isEmpty:
            return .string(try stringLiteral("a string"))
        case .integer, .float:
            index += 1
            return .number(sign + token.text)
        case .identifier:
            index += 1
            var name = token.text
            while isSymbol("."), peek(1)?.kind == .identifier {
                index += 1
                name += "." + (try identifier("a name").text)
            }
            return .identifier(sign + name)
        default:
            throw error("expected an option value but found \(describeCurrent())")
        }
    }

    /// A text-format message literal: `{ key: value key { ... } [ext.name]: value }`.
    private mutating func aggregate(depth: Int) throws(InvalidSchemaError) -> ProtoOptionValue {
        guard depth < Self.maximumDepth else { throw error("option value nested deeper than \(Self.maximumDepth)") }
        let close = isSymbol("<") ? ">" : "}"
        index += 1
        var members: [(String, ProtoOptionValue)] = []
        while !isSymbol(close) {
            guard peek() != nil else { throw error("unterminated option aggregate") }
            var key: String
            if acceptSymbol("[") {
                key = "[" + (try dottedName("an extension name", allowLeadingDot: false)) + "]"
                try expectSymbol("]")
            } else {
                key = try identifier("a field name").text
            }
            let value: ProtoOptionValue
            if acceptSymbol(":") {
                value = isSymbol("<") ? try aggregate(depth: depth + 1) : try optionValue(depth: depth + 1)
            } else if isSymbol("{") || isSymbol("<") {
                value = try aggregate(depth: depth + 1)
            } else {
                throw error("expected ':' or '{' after '\(key)'")
            }
            members.append((key, value))
            if !acceptSymbol(",") { _ = acceptSymbol(";") }
        }
        index += 1
        return .aggregate(members)
    }

    /// `[a = 1, (b).c = "x"]` after a field or enum value; splits out `default` and `json_name`.
    private mutating func bracketedOptions() throws(InvalidSchemaError) -> [ProtoOption] {
        var options: [ProtoOption] = []
        guard acceptSymbol("[") else { return options }
        repeat { options.append(try optionAssignment()) } while acceptSymbol(",")
        try expectSymbol("]")
        return options
    }

    // MARK: Messages

    private mutating func message(depth: Int) throws(InvalidSchemaError) -> ProtoMessage {
        guard depth <= Self.maximumDepth else { throw error("messages nested deeper than \(Self.maximumDepth)") }
        let start = try identifier("'message'")
        let name = try identifier("a message name").text
        var message = ProtoMessage(name: name, line: start.line, column: start.column)
        try expectSymbol("{")
        while !acceptSymbol("}") {
            guard let token = peek() else { throw error("expected '}' to close message \(name)") }
            if acceptSymbol(";") { continue }
            guard token.kind == .identifier || isSymbol(".") else { throw error("expected a field or declaration but found \(describeCurrent())") }
            let followedByBlockName = peek(1)?.kind == .identifier && (isSymbol("{", at: 2))
            switch token.text {
            case "message" where followedByBlockName:
                let nested = try self.message(depth: depth + 1)
                message.nestedOrder.append(nested.name)
                message.messages.append(nested)
            case "enum" where followedByBlockName:
                message.enums.append(try enumDeclaration())
            case "oneof" where followedByBlockName:
                message.oneofs.append(try oneof())
            case "extend" where peek(1)?.kind == .identifier || isSymbol(".", at: 1):
                message.extends.append(try extend(depth: depth + 1))
            case "option":
                message.options.append(try optionStatement())
            case "reserved" where !isSymbol("=", at: 2):
                message.reserved.append(try reserved(maximum: ProtoValidator.maximumFieldNumber))
            case "extensions" where !isSymbol("=", at: 2):
                message.extensionRanges.append(try extensions())
            case "group":
                throw error("groups are not supported; use a nested message")
            default:
                let field = try field(inOneof: false)
                if field.isMap { message.nestedOrder.append(ProtoDescriptorWriter.entryName(field.name)) }
                message.fields.append(field)
            }
        }
        return message
    }

    /// A field, with its label, type, name, number and options.
    private mutating func field(inOneof: Bool) throws(InvalidSchemaError) -> ProtoField {
        guard let start = peek() else { throw error("expected a field") }
        var label: ProtoField.Label?
        if let word = peek(), word.kind == .identifier, let parsed = ProtoField.Label(rawValue: word.text),
           peek(1)?.kind == .identifier || isSymbol(".", at: 1) {
            if inOneof { throw error("fields in a oneof must not have labels") }
            label = parsed
            index += 1
        }
        if isWord("group") { throw error("groups are not supported; use a nested message") }
        var typeName: String
        var mapTypes: (key: String, value: String)?
        if isWord("map"), isSymbol("<", at: 1) {
            index += 2
            let key = try dottedName("a map key type", allowLeadingDot: true)
            try expectSymbol(",")
            let value = try dottedName("a map value type", allowLeadingDot: true)
            try expectSymbol(">")
            mapTypes = (key, value)
            typeName = "map<\(key), \(value)>"
        } else {
            typeName = try dottedName("a field type", allowLeadingDot: true)
        }
        let name = try identifier("a field name").text
        try expectSymbol("=")
        let number = try integer("a field number")
        var field = ProtoField(label: label, typeName: typeName, mapTypes: mapTypes, name: name, number: number, line: start.line, column: start.column)
        for option in try bracketedOptions() {
            switch option.name {
            case "default":
                guard field.defaultValue == nil else { throw error("field \(name) has two default values") }
                field.defaultValue = option.value
            case "json_name":
                guard case let .string(json) = option.value else { throw error("json_name of field \(name) must be a string") }
                field.jsonName = json
            default:
                field.options.append(option)
            }
        }
        try expectSymbol(";")
        return field
    }

    private mutating func oneof() throws(InvalidSchemaError) -> ProtoOneof {
        try expectWord("oneof")
        var oneof = ProtoOneof(name: try identifier("a oneof name").text)
        try expectSymbol("{")
        while !acceptSymbol("}") {
            guard peek() != nil else { throw error("expected '}' to close oneof \(oneof.name)") }
            if acceptSymbol(";") { continue }
            if isWord("option") {
                oneof.options.append(try optionStatement())
            } else {
                oneof.fields.append(try field(inOneof: true))
            }
        }
        return oneof
    }

    /// `reserved 2, 15, 9 to 11, 40 to max;` or `reserved "foo", "bar";` (editions: bare names).
    private mutating func reserved(maximum: Int64) throws(InvalidSchemaError) -> [ProtoReservation] {
        try expectWord("reserved")
        var items: [ProtoReservation] = []
        repeat {
            if let token = peek(), token.kind == .string {
                items.append(.name(try stringLiteral("a reserved name")))
            } else if let token = peek(), token.kind == .identifier {
                index += 1
                items.append(.name(token.text))
            } else {
                items.append(.numbers(try range(maximum: maximum)))
            }
        } while acceptSymbol(",")
        try expectSymbol(";")
        return items
    }

    private mutating func range(maximum: Int64) throws(InvalidSchemaError) -> ClosedRange<Int64> {
        let low = try integer("a number")
        guard isWord("to") else { return low...low }
        index += 1
        let high: Int64
        if isWord("max") {
            index += 1
            high = maximum
        } else {
            high = try integer("a number or 'max'")
        }
        guard low <= high else { throw error("range \(low) to \(high) is empty") }
        return low...high
    }

    private mutating func extensions() throws(InvalidSchemaError) -> ProtoExtensionRange {
        try expectWord("extensions")
        var ranges: [ClosedRange<Int64>] = []
        repeat { ranges.append(try range(maximum: ProtoValidator.maximumFieldNumber)) } while acceptSymbol(",")
        let options = try bracketedOptions()
        try expectSymbol(";")
        return ProtoExtensionRange(ranges: ranges, options: options)
    }

    private mutating func extend(depth: Int) throws(InvalidSchemaError) -> ProtoExtend {
        let start = try identifier("'extend'")
        var extend = ProtoExtend(typeName: try dottedName("a message name", allowLeadingDot: true), line: start.line, column: start.column)
        try expectSymbol("{")
        while !acceptSymbol("}") {
            guard peek() != nil else { throw error("expected '}' to close extend \(extend.typeName)") }
            if acceptSymbol(";") { continue }
            extend.fields.append(try field(inOneof: false))
        }
        return extend
    }

    // MARK: Enums

    private mutating func enumDeclaration() throws(InvalidSchemaError) -> ProtoEnum {
        let start = try identifier("'enum'")
        var declaration = ProtoEnum(name: try identifier("an enum name").text, line: start.line, column: start.column)
        try expectSymbol("{")
        while !acceptSymbol("}") {
            guard let token = peek() else { throw error("expected '}' to close enum \(declaration.name)") }
            if acceptSymbol(";") { continue }
            if token.kind == .identifier, token.text == "option", !isSymbol("=", at: 1) {
                declaration.options.append(try optionStatement())
            } else if token.kind == .identifier, token.text == "reserved", !isSymbol("=", at: 1) {
                declaration.reserved.append(try reserved(maximum: Int64(Int32.max)))
            } else {
                let nameToken = try identifier("an enum value name")
                try expectSymbol("=")
                let number = try integer("an enum value number")
                let options = try bracketedOptions()
                try expectSymbol(";")
                declaration.values.append(ProtoEnumValue(name: nameToken.text, number: number, options: options, line: nameToken.line, column: nameToken.column))
            }
        }
        return declaration
    }

    // MARK: Services

    private mutating func service() throws(InvalidSchemaError) -> ProtoService {
        try expectWord("service")
        var service = ProtoService(name: try identifier("a service name").text)
        try expectSymbol("{")
        while !acceptSymbol("}") {
            guard peek() != nil else { throw error("expected '}' to close service \(service.name)") }
            if acceptSymbol(";") { continue }
            if isWord("option") {
                service.options.append(try optionStatement())
                continue
            }
            let start = try identifier("'rpc'")
            guard start.text == "rpc" else { index -= 1; throw error("expected 'rpc' or 'option' but found '\(start.text)'") }
            let name = try identifier("an rpc name").text
            try expectSymbol("(")
            let requestStreaming = isWord("stream") && peek(1)?.kind == .identifier || isWord("stream") && isSymbol(".", at: 1)
            if requestStreaming { index += 1 }
            let request = try dottedName("a request type", allowLeadingDot: true)
            try expectSymbol(")")
            try expectWord("returns")
            try expectSymbol("(")
            let responseStreaming = isWord("stream") && peek(1)?.kind == .identifier || isWord("stream") && isSymbol(".", at: 1)
            if responseStreaming { index += 1 }
            let response = try dottedName("a response type", allowLeadingDot: true)
            try expectSymbol(")")
            var rpc = ProtoRPC(name: name, requestType: request, requestStreaming: requestStreaming, responseType: response,
                               responseStreaming: responseStreaming, line: start.line, column: start.column)
            if acceptSymbol("{") {
                while !acceptSymbol("}") {
                    guard peek() != nil else { throw error("expected '}' to close rpc \(name)") }
                    if acceptSymbol(";") { continue }
                    rpc.options.append(try optionStatement())
                }
                _ = acceptSymbol(";")
            } else {
                try expectSymbol(";")
            }
            service.rpcs.append(rpc)
        }
        return service
    }
}

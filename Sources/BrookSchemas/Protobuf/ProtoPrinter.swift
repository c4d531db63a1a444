/// Prints a `ProtoFile` in the text layout Confluent's registry stores and returns (the layout of
/// its `ProtobufSchemaUtils` printer: comments dropped, two-space indents, in each message the
/// reserved ranges, options, plain fields, oneofs, extension ranges, extends, then nested messages
/// and nested enums), or in Confluent's normalized form (`normalize: true`): imports, options,
/// fields, enum values and reserved ranges sorted; type names written as full names.
struct ProtoPrinter {
    let normalize: Bool
    let table: ProtoTypeTable

    static func canonical(_ file: ProtoFile, table: ProtoTypeTable) -> String {
        ProtoPrinter(normalize: false, table: table).print(file)
    }

    static func normalized(_ file: ProtoFile, table: ProtoTypeTable) -> String {
        ProtoPrinter(normalize: true, table: table).print(file)
    }

    // MARK: File

    func print(_ file: ProtoFile) -> String {
        var out = ""
        switch file.syntax {
        case .unspecified: break
        case .proto2: if !normalize { out += "syntax = \"proto2\";\n" }
        case .proto3: out += "syntax = \"proto3\";\n"
        case let .edition(edition): out += "edition = \"\(edition)\";\n"
        }
        if let package = file.package { out += "package \(package);\n" }
        if !file.imports.isEmpty {
            out += "\n"
            for kind in [ProtoImport.Kind.plain, .weak, .public] {
                var paths = file.imports.filter { $0.kind == kind }.map(\.path)
                if normalize { paths = Array(Set(paths)).sorted() }
                let keyword = kind == .plain ? "import" : kind == .weak ? "import weak" : "import public"
                for path in paths { out += "\(keyword) \"\(escape(path))\";\n" }
            }
        }
        let scope = file.package ?? ""
        let options = filter(file.options, scope: scope)
        if !options.isEmpty {
            out += "\n"
            for option in options { out += optionStatement(option) }
        }
        if !file.messages.isEmpty || !file.enums.isEmpty {
            out += "\n"
            for message in file.messages { out += print(message, fullName: file.packagePrefix + message.name) }
            for declaration in file.enums { out += print(declaration, scope: scope) }
        }
        if !file.extends.isEmpty {
            out += "\n"
            for extend in extends(file.extends) { out += print(extend, scope: scope) }
        }
        if !file.services.isEmpty {
            out += "\n"
            for service in file.services { out += print(service, scope: scope) }
        }
        return out
    }

    // MARK: Messages

    private func print(_ message: ProtoMessage, fullName: String) -> String {
        var out = "message \(message.name) {"
        if !message.reserved.isEmpty {
            out += "\n"
            for items in reservedGroups(message.reserved) { indent(reservedStatement(items), into: &out) }
        }
        let options = filter(message.options, scope: fullName)
        if !options.isEmpty {
            out += "\n"
            for option in options { indent(optionStatement(option), into: &out) }
        }
        if !message.fields.isEmpty {
            out += "\n"
            for field in sortedFields(message.fields) { indent(print(field, scope: fullName), into: &out) }
        }
        var oneofs = message.oneofs
        if normalize {
            oneofs = oneofs.filter { !$0.fields.isEmpty }.map { var o = $0; o.fields = sortedFields(o.fields); return o }
            oneofs.sort { $0.fields[0].number < $1.fields[0].number }
        }
        if !oneofs.isEmpty {
            out += "\n"
            for oneof in oneofs { indent(print(oneof, scope: fullName), into: &out) }
        }
        if !message.extensionRanges.isEmpty {
            out += "\n"
            var ranges = message.extensionRanges
            if normalize {
                ranges = ranges.flatMap { r in r.ranges.map { ProtoExtensionRange(ranges: [$0], options: r.options) } }
                ranges.sort { $0.ranges[0].lowerBound < $1.ranges[0].lowerBound }
            }
            for range in ranges {
                var line = "extensions " + range.ranges.map(rangeText).joined(separator: ", ")
                let options = filter(range.options, scope: fullName)
                if !options.isEmpty { line += " " + bracketed(options.map(optionText)) }
                indent(line + ";\n", into: &out)
            }
        }
        if !message.extends.isEmpty {
            out += "\n"
            for extend in extends(message.extends) { indent(print(extend, scope: fullName), into: &out) }
        }
        // Normalizing drops map entry messages: their fields print as map<K, V>.
        let nestedMessages = normalize ? message.messages.filter { table.mapEntry(fullName + "." + $0.name) == nil } : message.messages
        if !nestedMessages.isEmpty || !message.enums.isEmpty {
            out += "\n"
            for nested in nestedMessages { indent(print(nested, fullName: fullName + "." + nested.name), into: &out) }
            for nested in message.enums { indent(print(nested, scope: fullName), into: &out) }
        }
        return out + "}\n"
    }

    private func sortedFields(_ fields: [ProtoField]) -> [ProtoField] {
        normalize ? fields.sorted { $0.number < $1.number } : fields
    }

    private func print(_ oneof: ProtoOneof, scope: String) -> String {
        var out = "oneof \(oneof.name) {"
        let options = filter(oneof.options, scope: scope)
        if !options.isEmpty {
            out += "\n"
            for option in options { indent(optionStatement(option), into: &out) }
        }
        if !oneof.fields.isEmpty {
            out += "\n"
            for field in oneof.fields { indent(print(field, scope: scope), into: &out) }
        }
        return out + "}\n"
    }

    private func print(_ field: ProtoField, scope: String) -> String {
        var out = ""
        var typeText = field.typeName
        var isMap = field.isMap
        if normalize, let resolved = field.resolved {
            let effective = table.effectiveType(resolved, label: field.label)
            if case .map = effective { isMap = true }
            typeText = normalizedTypeText(effective, written: field.typeName)
        }
        if let label = field.label, !(normalize && isMap) { out += label.rawValue + " " }
        out += "\(typeText) \(field.name) = \(field.number)"
        var options = field.options
        if let value = field.defaultValue { options.append(ProtoOption(name: "default", value: value)) }
        if let json = field.jsonName { options.append(ProtoOption(name: "json_name", value: .string(json))) }
        options = filter(options, scope: scope)
        if !options.isEmpty { out += " " + bracketed(options.map(optionText)) }
        return out + ";\n"
    }

    private func normalizedTypeText(_ type: ProtoResolvedType, written: String) -> String {
        switch type {
        case let .scalar(scalar): scalar.rawValue
        case let .message(name), let .enumeration(name): "." + name
        case let .map(key, value): "map<\(key.rawValue), \(normalizedTypeText(value, written: ""))>"
        }
    }

    // MARK: Enums

    private func print(_ declaration: ProtoEnum, scope: String) -> String {
        let fullName = scope.isEmpty ? declaration.name : scope + "." + declaration.name
        var out = "enum \(declaration.name) {"
        if !declaration.reserved.isEmpty {
            out += "\n"
            for items in reservedGroups(declaration.reserved) { indent(reservedStatement(items), into: &out) }
        } else if !declaration.options.isEmpty || !declaration.values.isEmpty {
            out += "\n"
        }
        for option in filter(declaration.options, scope: fullName) { indent(optionStatement(option), into: &out) }
        var values = declaration.values
        if normalize { values.sort { ($0.number, $0.name) < ($1.number, $1.name) } }
        for value in values {
            var line = "\(value.name) = \(value.number)"
            let options = filter(value.options, scope: fullName)
            if !options.isEmpty { line += " " + bracketed(options.map(optionText)) }
            indent(line + ";\n", into: &out)
        }
        return out + "}\n"
    }

    // MARK: Reserved, extends, services

    private func reservedGroups(_ groups: [[ProtoReservation]]) -> [[ProtoReservation]] {
        guard normalize else { return groups }
        func key(_ item: ProtoReservation) -> (Int64, String) {
            switch item {
            case let .numbers(range): (range.lowerBound, "\(range.lowerBound)")
            case let .name(name): (Int64.max, name)
            }
        }
        return groups.flatMap { $0 }.sorted { key($0) < key($1) }.map { [$0] }
    }

    private func reservedStatement(_ items: [ProtoReservation]) -> String {
        let parts = items.map { item -> String in
            switch item {
            case let .numbers(range): rangeText(range)
            case let .name(name): "\"\(name)\""
            }
        }
        return "reserved " + parts.joined(separator: ", ") + ";\n"
    }

    private func rangeText(_ range: ClosedRange<Int64>) -> String {
        if range.lowerBound == range.upperBound { return "\(range.lowerBound)" }
        let high = range.upperBound >= ProtoValidator.maximumFieldNumber ? "max" : "\(range.upperBound)"
        return "\(range.lowerBound) to \(high)"
    }

    /// Normalizing merges extend blocks of one target and writes the target's full name.
    private func extends(_ extends: [ProtoExtend]) -> [ProtoExtend] {
        guard normalize else { return extends }
        var merged: [ProtoExtend] = []
        for extend in extends {
            let target = extend.resolvedTarget.map { "." + $0 } ?? extend.typeName
            if let i = merged.firstIndex(where: { $0.typeName == target }) {
                merged[i].fields += extend.fields
            } else {
                var copy = extend
                copy.typeName = target
                merged.append(copy)
            }
        }
        return merged
    }

    private func print(_ extend: ProtoExtend, scope: String) -> String {
        var out = "extend \(extend.typeName) {"
        if !extend.fields.isEmpty {
            out += "\n"
            for field in sortedFields(extend.fields) { indent(print(field, scope: scope), into: &out) }
        }
        return out + "}\n"
    }

    private func print(_ service: ProtoService, scope: String) -> String {
        var out = "service \(service.name) {"
        let options = filter(service.options, scope: scope)
        if !options.isEmpty {
            out += "\n"
            for option in options { indent(optionStatement(option), into: &out) }
        }
        if !service.rpcs.isEmpty {
            out += "\n"
            for rpc in service.rpcs {
                let request = normalize ? rpc.resolvedRequest.map { "." + $0 } ?? rpc.requestType : rpc.requestType
                let response = normalize ? rpc.resolvedResponse.map { "." + $0 } ?? rpc.responseType : rpc.responseType
                var line = "rpc \(rpc.name) (\(rpc.requestStreaming ? "stream " : "")\(request)) returns (\(rpc.responseStreaming ? "stream " : "")\(response))"
                let rpcOptions = filter(rpc.options, scope: scope)
                if !rpcOptions.isEmpty {
                    line += " {\n"
                    for option in rpcOptions { indent(optionStatement(option), into: &line) }
                    line += "}"
                }
                indent(line + ";\n", into: &out)
            }
        }
        return out + "}\n"
    }

    // MARK: Options

    /// Normalizing qualifies custom option names, turns `(ext).a.b = v` into `(ext) = { a: { b: v } }`,
    /// merges options of one extension, and sorts by name.
    private func filter(_ options: [ProtoOption], scope: String) -> [ProtoOption] {
        guard normalize, !options.isEmpty else { return options }
        var transformed: [(key: String, option: ProtoOption)] = []
        for option in options {
            guard option.isCustom, let close = option.name.firstIndex(of: ")") else {
                transformed.append((option.name, option))
                continue
            }
            let written = String(option.name[option.name.index(after: option.name.startIndex)..<close])
            let resolved = table.resolve(written, scope: scope) { table.extensionFields[$0] != nil } ?? (written.hasPrefix(".") ? String(written.dropFirst()) : written)
            let rest = option.name[option.name.index(after: close)...]
            var value = option.value
            if rest.hasPrefix(".") {
                for part in rest.dropFirst().split(separator: ".").reversed() { value = .aggregate([(String(part), value)]) }
            }
            let name = "(\(resolved))"
            if let i = transformed.firstIndex(where: { $0.key == resolved }),
               case let .aggregate(existing) = transformed[i].option.value, case let .aggregate(more) = value {
                transformed[i].option.value = .aggregate(existing + more)
            } else {
                transformed.append((resolved, ProtoOption(name: name, value: value)))
            }
        }
        return transformed.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }.map(\.element.option)
    }

    private func optionStatement(_ option: ProtoOption) -> String {
        "option " + optionText(option) + ";\n"
    }

    private func optionText(_ option: ProtoOption) -> String {
        switch option.value {
        case let .list(values): option.name + " = " + bracketed(values.map(valueText))
        default: option.name + " = " + valueText(option.value)
        }
    }

    private func valueText(_ value: ProtoOptionValue) -> String {
        switch value {
        case let .string(s): return "\"\(escape(s))\""
        case let .identifier(word): return word
        case let .number(text): return normalize ? normalizedNumber(text) : text
        case let .aggregate(members):
            var out = "{\n"
            let grouped = mergedMembers(members)
            for (i, member) in grouped.enumerated() {
                indent("\(member.0): \(valueText(member.1))" + (i < grouped.count - 1 ? "," : ""), into: &out)
            }
            return out + "}"
        case let .list(values):
            if normalize, values.count == 1 { return valueText(values[0]) }
            var out = "[\n"
            for (i, element) in values.enumerated() {
                indent(valueText(element) + (i < values.count - 1 ? "," : ""), into: &out)
            }
            return out + "]"
        }
    }

    /// Repeated keys of a text-format aggregate become one list, as Confluent's printer shows them.
    private func mergedMembers(_ members: [(String, ProtoOptionValue)]) -> [(String, ProtoOptionValue)] {
        var merged: [(String, ProtoOptionValue)] = []
        for (key, value) in members {
            if let i = merged.firstIndex(where: { $0.0 == key }) {
                func elements(_ v: ProtoOptionValue) -> [ProtoOptionValue] { if case let .list(values) = v { values } else { [v] } }
                merged[i].1 = .list(elements(merged[i].1) + elements(value))
            } else {
                merged.append((key, value))
            }
        }
        if normalize { merged.sort { $0.0 < $1.0 } }
        return merged
    }

    private func bracketed(_ items: [String]) -> String {
        if items.count == 1 { return "[" + items[0] + "]" }
        var out = "[\n"
        for (i, item) in items.enumerated() { indent(item + (i < items.count - 1 ? "," : ""), into: &out) }
        return out + "]"
    }

    /// Integers in decimal; other numbers with at most three fraction digits (Confluent's normalizer
    /// formats numbers with Java's default `DecimalFormat`).
    private func normalizedNumber(_ text: String) -> String {
        let negative = text.hasPrefix("-")
        let magnitude = negative ? String(text.dropFirst()) : text
        if let integer = ProtoParser.integerValue(magnitude) { return (negative && integer != 0 ? "-" : "") + "\(integer)" }
        guard let value = Double(text), value.isFinite else { return text }
        let rounded = (value * 1000).rounded() / 1000
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return "\(Int64(rounded))" }
        return "\(rounded)"
    }

    private func escape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\"": out += "\\\""
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Appends `text` indented by two spaces, line by line (trailing empty lines dropped).
    private func indent(_ text: String, into out: inout String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        for line in lines { out += "  " + line + "\n" }
    }
}

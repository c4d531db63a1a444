/// Writes an Avro type graph as compact JSON in the layout of Java Avro's `Schema.toString()`, the
/// text Confluent stores and returns: primitives without attributes as plain strings, attributes in
/// a fixed order per kind (type, name, namespace, doc, body, custom attributes, aliases), a named
/// type defined at its first occurrence and named afterwards, namespaces written only where they
/// differ from the enclosing one.
struct AvroJSONWriter {
    private let types: [AvroType]
    /// Full names already defined in the output (or by references), written by name from then on.
    private var known: Set<String>
    /// The namespace a name written now is relative to: that of the innermost enclosing record.
    private var space: String?
    private var out = ""

    static func write(types: [AvroType], root: Int, known: Set<String>) -> String {
        var writer = AvroJSONWriter(types: types, known: known)
        writer.write(root)
        return writer.out
    }

    private init(types: [AvroType], known: Set<String>) {
        self.types = types
        self.known = known
    }

    private mutating func write(_ index: Int) {
        let type = types[index]
        if let name = type.name {
            if known.contains(name.fullName) {
                string(name.qualified(in: space))
                return
            }
            known.insert(name.fullName)
        }
        switch type.kind {
        case let .primitive(primitive):
            if type.attributes.isEmpty {
                string(primitive.rawValue)
                return
            }
            out += "{\"type\":"
            string(primitive.rawValue)
        case let .array(items):
            out += "{\"type\":\"array\",\"items\":"
            write(items)
        case let .map(values):
            out += "{\"type\":\"map\",\"values\":"
            write(values)
        case let .union(branches):
            out += "["
            for (i, branch) in branches.enumerated() {
                if i > 0 { out += "," }
                write(branch)
            }
            out += "]"
            return
        case let .record(record):
            out += record.isError ? "{\"type\":\"error\"" : "{\"type\":\"record\""
            writeName(record.name, doc: record.doc)
            let enclosing = space
            space = record.name.namespace
            out += ",\"fields\":["
            for (i, field) in record.fields.enumerated() {
                if i > 0 { out += "," }
                write(field)
            }
            out += "]"
            writeAttributes(type.attributes)
            writeAliases(record.aliases, of: record.name)
            space = enclosing
            out += "}"
            return
        case let .enumeration(e):
            out += "{\"type\":\"enum\""
            writeName(e.name, doc: e.doc)
            out += ",\"symbols\":["
            for (i, symbol) in e.symbols.enumerated() {
                if i > 0 { out += "," }
                string(symbol)
            }
            out += "]"
            if let d = e.defaultSymbol {
                out += ",\"default\":"
                string(d)
            }
            writeAttributes(type.attributes)
            writeAliases(e.aliases, of: e.name)
            out += "}"
            return
        case let .fixed(f):
            out += "{\"type\":\"fixed\""
            writeName(f.name, doc: f.doc)
            out += ",\"size\":\(f.size)"
            writeAttributes(type.attributes)
            writeAliases(f.aliases, of: f.name)
            out += "}"
            return
        }
        writeAttributes(type.attributes)
        out += "}"
    }

    private mutating func write(_ field: AvroField) {
        out += "{\"name\":"
        string(field.name)
        out += ",\"type\":"
        write(field.type)
        if let doc = field.doc {
            out += ",\"doc\":"
            string(doc)
        }
        if let value = field.defaultValue {
            out += ",\"default\":" + value.withJavaNumbers.compactText
        }
        if field.order != .ascending {
            out += ",\"order\":"
            string(field.order.rawValue)
        }
        if !field.aliases.isEmpty {
            out += ",\"aliases\":["
            for (i, alias) in field.aliases.enumerated() {
                if i > 0 { out += "," }
                string(alias)
            }
            out += "]"
        }
        writeAttributes(field.attributes)
        out += "}"
    }

    private mutating func writeName(_ name: AvroName, doc: String?) {
        out += ",\"name\":"
        string(name.name)
        if let namespace = name.namespace {
            if namespace != space {
                out += ",\"namespace\":"
                string(namespace)
            }
        } else if space != nil {
            // A type in the null namespace inside a namespaced record says so explicitly.
            out += ",\"namespace\":\"\""
        }
        if let doc {
            out += ",\"doc\":"
            string(doc)
        }
    }

    private mutating func writeAttributes(_ attributes: [AvroAttribute]) {
        for attribute in attributes {
            out += ","
            string(attribute.name)
            out += ":" + attribute.value.withJavaNumbers.compactText
        }
    }

    private mutating func writeAliases(_ aliases: [AvroName], of name: AvroName) {
        guard !aliases.isEmpty else { return }
        out += ",\"aliases\":["
        for (i, alias) in aliases.enumerated() {
            if i > 0 { out += "," }
            string(alias.qualified(in: name.namespace))
        }
        out += "]"
    }

    private mutating func string(_ s: String) {
        JSONValue.writeString(s, to: &out)
    }
}

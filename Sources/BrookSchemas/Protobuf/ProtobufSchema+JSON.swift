extension ProtobufSchema {
    /// The message `messageFullName` (package optional; default: the first top-level message) of
    /// protobuf binary `bytes`, in the proto3 JSON mapping.
    public func decodeJSON(_ bytes: [UInt8], messageFullName: String? = nil) throws(ProtobufDataError) -> JSONValue {
        try ProtobufJSONDecoder(table: files.table).decode(bytes, messageFullName: try resolvedMessageName(messageFullName))
    }

    /// Protobuf binary for `json` (the proto3 JSON mapping) as message `messageFullName`
    /// (default: the first top-level message).
    public func encodeJSON(_ json: JSONValue, messageFullName: String? = nil) throws(ProtobufDataError) -> [UInt8] {
        let encoder = ProtobufJSONEncoder(table: files.table, files: [files.main] + Array(files.dependencies.values))
        return try encoder.encode(json, messageFullName: try resolvedMessageName(messageFullName))
    }

    /// Decodes a Confluent-framed payload (message indexes, then the message; magic byte and schema
    /// id already removed) into the message's full name and its JSON.
    public func decodeConfluentPayload(_ payload: [UInt8]) throws(ProtobufDataError) -> (messageFullName: String, json: JSONValue) {
        let (indexes, start) = try ConfluentProtobufFraming.readMessageIndexes(payload)
        guard let name = messageFullName(forIndexes: indexes) else { throw ProtobufDataError("message indexes \(indexes) point to no message of the schema") }
        return (name, try decodeJSON(Array(payload[start...]), messageFullName: name))
    }

    /// Message indexes followed by the message bytes, as Confluent's serializer writes them after
    /// the magic byte and schema id.
    public func encodeConfluentPayload(_ json: JSONValue, messageFullName: String? = nil) throws(ProtobufDataError) -> [UInt8] {
        let name = try resolvedMessageName(messageFullName)
        guard let indexes = messageIndexes(forFullName: name) else { throw ProtobufDataError("the schema has no message \(name)") }
        return ConfluentProtobufFraming.messageIndexBytes(indexes) + (try encodeJSON(json, messageFullName: name))
    }

    private func resolvedMessageName(_ name: String?) throws(ProtobufDataError) -> String {
        guard let name else {
            guard let first = messageFullNames.first else { throw ProtobufDataError("the schema declares no message") }
            return first
        }
        let bare = name.hasPrefix(".") ? String(name.dropFirst()) : name
        if files.table.messages[bare] != nil { return bare }
        let qualified = files.main.packagePrefix + bare
        if files.table.messages[qualified] != nil { return qualified }
        throw ProtobufDataError("the schema has no message \(name)")
    }
}

/// A column the sink writes: its name and the Connect schema of the field it comes from, which
/// gives its SQL type, whether it may be NULL, and its default.
public struct SQLColumnDefinition: Sendable, Hashable {
    public var name: String
    public var schema: ConnectSchema

    public init(name: String, schema: ConnectSchema) {
        self.name = name
        self.schema = schema
    }

    public var isOptional: Bool { schema.isOptional }
}

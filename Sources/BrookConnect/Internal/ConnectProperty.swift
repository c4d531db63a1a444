/// One entry of a connector's or task's configuration as stored in `connect-configs`; values may
/// be null (the schema's map values are optional strings). Kept as an ordered list so a record
/// reads back exactly as written.
public struct ConnectProperty: Sendable, Hashable {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String?) {
        self.name = name
        self.value = value
    }
}

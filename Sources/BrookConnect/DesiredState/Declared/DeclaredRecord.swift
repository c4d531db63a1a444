/// One record the user declares should exist in the target topic: its key (text; the record key is
/// its UTF-8) and value bytes, and where it was declared.
public struct DeclaredRecord: Sendable, Hashable {
    public var key: String
    public var value: [UInt8]
    public var origin: DeclaredOrigin

    public init(key: String, value: [UInt8], origin: DeclaredOrigin) {
        self.key = key
        self.value = value
        self.origin = origin
    }
}

/// Why a pipeline file was refused, pointing at the YAML line the problem is on.
public struct ConnectPipelineError: Error, Sendable, Hashable, CustomStringConvertible {
    public var position: YAMLPosition
    public var message: String

    public init(position: YAMLPosition, message: String) {
        self.position = position
        self.message = message
    }

    init(_ error: YAMLError) {
        self.init(position: error.position, message: error.message)
    }

    /// "line 7, column 3: expected …"; the caller prefixes the file name.
    public var description: String { "\(position): \(message)" }
}

import BrookClient

/// The release of this `brook` binary, shown by `brook --version`. The broker, the CLI and the
/// client library ship together, so they share one number.
enum BrookVersion {
    static let string = BrookClientVersion.string
}

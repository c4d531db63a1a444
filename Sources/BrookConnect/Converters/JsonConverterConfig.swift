/// The settings of `JsonConverter` (Kafka's `JsonConverterConfig`).
public struct JsonConverterConfig: Sendable, Hashable {
    /// How Decimal values are written (Kafka's `DecimalFormat`).
    public enum DecimalFormat: String, Sendable, Hashable {
        /// The unscaled two's complement bytes, base64-encoded (the default).
        case base64 = "BASE64"
        /// A JSON number.
        case numeric = "NUMERIC"
    }

    public static let schemasEnableConfig = "schemas.enable"
    public static let schemasCacheSizeConfig = "schemas.cache.size"
    public static let decimalFormatConfig = "decimal.format"
    public static let replaceNullWithDefaultConfig = "replace.null.with.default"

    public var schemasEnabled: Bool
    public var decimalFormat: DecimalFormat
    public var replaceNullWithDefault: Bool
    /// Accepted and checked for compatibility; Brook keeps no schema cache.
    public var schemaCacheSize: Int32

    public init(schemasEnabled: Bool = true, decimalFormat: DecimalFormat = .base64, replaceNullWithDefault: Bool = true,
                schemaCacheSize: Int32 = 1000) {
        self.schemasEnabled = schemasEnabled
        self.decimalFormat = decimalFormat
        self.replaceNullWithDefault = replaceNullWithDefault
        self.schemaCacheSize = schemaCacheSize
    }

    public init(properties: [String: String]) throws(ConnectConfigError) {
        let reader = ConnectConfigReader(properties)
        schemasEnabled = try reader.bool(Self.schemasEnableConfig, default: true)
        schemaCacheSize = try reader.int(Self.schemasCacheSizeConfig, default: 1000)
        let format = try reader.choice(Self.decimalFormatConfig, default: "BASE64", allowed: ["BASE64", "NUMERIC"], caseInsensitive: true)
        decimalFormat = DecimalFormat(rawValue: format) ?? .base64
        replaceNullWithDefault = try reader.bool(Self.replaceNullWithDefaultConfig, default: true)
    }
}

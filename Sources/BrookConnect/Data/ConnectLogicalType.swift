/// Connect's logical types (`org.apache.kafka.connect.data.Decimal`, `Date`, `Time`, `Timestamp`):
/// named schemas over BYTES, INT32, INT32 and INT64 whose values are decimals or instants.
public enum ConnectLogicalType: String, Sendable, Hashable, CaseIterable {
    case decimal = "org.apache.kafka.connect.data.Decimal"
    case date = "org.apache.kafka.connect.data.Date"
    case time = "org.apache.kafka.connect.data.Time"
    case timestamp = "org.apache.kafka.connect.data.Timestamp"

    public init?(schemaName: String?) {
        guard let schemaName, let type = ConnectLogicalType(rawValue: schemaName) else { return nil }
        self = type
    }

    public static let decimalScaleParameter = "scale"
    public static let millisPerDay: Int64 = 24 * 60 * 60 * 1000

    /// `Decimal.builder(scale)`: BYTES named Decimal, version 1, parameter scale.
    public static func decimalSchema(scale: Int32) -> ConnectSchema {
        ConnectSchema(type: .bytes, name: ConnectLogicalType.decimal.rawValue, version: 1,
                      parameters: [.init(decimalScaleParameter, String(scale))])
    }

    /// `Date.SCHEMA`: INT32 days since the epoch, version 1.
    public static let dateSchema = ConnectSchema(type: .int32, name: ConnectLogicalType.date.rawValue, version: 1)
    /// `Time.SCHEMA`: INT32 milliseconds since midnight, version 1.
    public static let timeSchema = ConnectSchema(type: .int32, name: ConnectLogicalType.time.rawValue, version: 1)
    /// `Timestamp.SCHEMA`: INT64 milliseconds since the epoch, version 1.
    public static let timestampSchema = ConnectSchema(type: .int64, name: ConnectLogicalType.timestamp.rawValue, version: 1)

    /// The scale parameter of a Decimal schema (Decimal.scale).
    public static func decimalScale(of schema: ConnectSchema) throws(ConnectDataError) -> Int32 {
        guard let text = schema.parameter(decimalScaleParameter) else {
            throw ConnectDataError("Invalid Decimal schema: scale parameter not found.")
        }
        guard let scale = Int32(text) else { throw ConnectDataError("Invalid scale parameter found in Decimal schema: ") }
        return scale
    }

    /// Decimal.fromLogical: the unscaled bytes; the value's scale must equal the schema's.
    public static func decimalBytes(_ value: ConnectDecimal, schema: ConnectSchema) throws(ConnectDataError) -> [UInt8] {
        let schemaScale = try decimalScale(of: schema)
        guard value.scale == schemaScale else {
            throw ConnectDataError("Decimal value has mismatching scale for given Decimal schema. Schema has scale \(schemaScale), value has scale \(value.scale).")
        }
        return value.unscaledTwosComplement
    }

    /// Decimal.toLogical.
    public static func decimal(fromBytes bytes: [UInt8], schema: ConnectSchema) throws(ConnectDataError) -> ConnectDecimal {
        try ConnectDecimal(unscaledTwosComplement: bytes, scale: decimalScale(of: schema))
    }

    /// Date.fromLogical: days since the epoch; the instant must be midnight UTC.
    public static func days(fromMillis millis: Int64) throws(ConnectDataError) -> Int32 {
        let (days, rest) = millis.quotientAndRemainder(dividingBy: millisPerDay)
        guard rest == 0, let result = Int32(exactly: days) else {
            throw ConnectDataError("Kafka Connect Date type should not have any time fields set to non-zero values.")
        }
        return result
    }

    /// Time.fromLogical: milliseconds since midnight; the instant must lie on 1970-01-01.
    public static func timeOfDay(fromMillis millis: Int64) throws(ConnectDataError) -> Int32 {
        guard millis >= 0, millis <= millisPerDay else {
            throw ConnectDataError("Kafka Connect Time type should not have any date fields set to non-zero values.")
        }
        return Int32(millis)
    }

    /// Time.toLogical's range check.
    public static func millis(fromTimeOfDay value: Int32) throws(ConnectDataError) -> Int64 {
        guard value >= 0, Int64(value) <= millisPerDay else {
            throw ConnectDataError("Time values must use number of milliseconds greater than 0 and less than 86400000")
        }
        return Int64(value)
    }
}

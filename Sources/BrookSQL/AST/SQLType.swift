/// A column or cast type. INT and INTEGER are one type, as are STRING and VARCHAR (ksqlDB's aliases).
public indirect enum SQLType: Sendable, Equatable, Hashable {
    case boolean
    case integer
    case bigint
    case double
    case decimal(precision: Int, scale: Int)
    case string
    case bytes
    case date
    case time
    case timestamp
    case array(SQLType)
    case map(key: SQLType, value: SQLType)
    case `struct`([StructField])
    /// A name the grammar allows (a type registered with CREATE TYPE); the analyzer resolves it.
    case custom(String)

    /// One field of a STRUCT type.
    public struct StructField: Sendable, Equatable, Hashable {
        public var name: String
        public var type: SQLType

        public init(name: String, type: SQLType) {
            self.name = name
            self.type = type
        }
    }
}

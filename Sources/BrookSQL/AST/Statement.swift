/// STREAM or TABLE.
public enum SourceKind: String, Sendable, Equatable, Hashable {
    case stream = "STREAM"
    case table = "TABLE"
}

/// What a column declaration says about where the column lives.
public enum ColumnConstraint: Sendable, Equatable, Hashable {
    /// A value column.
    case none
    /// `KEY` (streams).
    case key
    /// `PRIMARY KEY` (tables).
    case primaryKey
    /// `HEADERS`: all headers as ARRAY<STRUCT<KEY STRING, VALUE BYTES>>.
    case headers
    /// `HEADER('k')`: one header's bytes.
    case header(String)
}

/// A column declaration in CREATE STREAM/TABLE.
public struct ColumnDefinition: Sendable, Equatable, Hashable {
    public var name: String
    public var type: SQLType
    public var constraint: ColumnConstraint

    public init(name: String, type: SQLType, constraint: ColumnConstraint = .none) {
        self.name = name
        self.type = type
        self.constraint = constraint
    }
}

/// A `NAME = literal` pair of a WITH clause. Unquoted names are upper-cased (KAFKA_TOPIC); a quoted
/// name keeps its case.
public struct Property: Sendable, Equatable, Hashable {
    public var name: String
    public var value: Literal

    public init(name: String, value: Literal) {
        self.name = name
        self.value = value
    }
}

/// CREATE [OR REPLACE] [SOURCE] STREAM|TABLE [IF NOT EXISTS] name [(columns)] [WITH (...)].
public struct CreateSource: Sendable, Equatable, Hashable {
    public var kind: SourceKind
    public var name: String
    public var orReplace: Bool
    public var isSource: Bool
    public var ifNotExists: Bool
    /// nil when no column list was written (columns then come from the schema registry).
    public var columns: [ColumnDefinition]?
    public var properties: [Property]

    public init(kind: SourceKind, name: String, orReplace: Bool = false, isSource: Bool = false,
                ifNotExists: Bool = false, columns: [ColumnDefinition]? = nil, properties: [Property] = []) {
        self.kind = kind
        self.name = name
        self.orReplace = orReplace
        self.isSource = isSource
        self.ifNotExists = ifNotExists
        self.columns = columns
        self.properties = properties
    }
}

/// CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS] name [WITH (...)] AS SELECT (CSAS / CTAS).
public struct CreateAsSelect: Sendable, Equatable, Hashable {
    public var kind: SourceKind
    public var name: String
    public var orReplace: Bool
    public var ifNotExists: Bool
    public var properties: [Property]
    public var query: Query

    public init(kind: SourceKind, name: String, orReplace: Bool = false, ifNotExists: Bool = false,
                properties: [Property] = [], query: Query) {
        self.kind = kind
        self.name = name
        self.orReplace = orReplace
        self.ifNotExists = ifNotExists
        self.properties = properties
        self.query = query
    }
}

/// What SHOW / LIST lists.
public enum ListTarget: Sendable, Equatable, Hashable {
    case streams(extended: Bool)
    case tables(extended: Bool)
    /// `SHOW ALL TOPICS` includes internal topics.
    case topics(all: Bool, extended: Bool)
    case queries(extended: Bool)
    case properties
    case functions
    case types
    case variables
}

/// A statement of the language.
public indirect enum Statement: Sendable, Equatable, Hashable {
    case createSource(CreateSource)
    case createAsSelect(CreateAsSelect)
    /// INSERT INTO target [WITH (...)] SELECT ...
    case insertInto(target: String, properties: [Property], query: Query)
    /// INSERT INTO target [(columns)] VALUES (...); `columns` nil when not written.
    case insertValues(target: String, columns: [String]?, values: [SQLExpression])
    case query(Query)
    case drop(kind: SourceKind, name: String, ifExists: Bool, deleteTopic: Bool)
    /// SHOW or LIST (the same statement).
    case list(ListTarget)
    /// DESCRIBE name [EXTENDED].
    case describe(name: String, extended: Bool)
    /// DESCRIBE STREAMS|TABLES [EXTENDED]: every source of that kind.
    case describeAll(SourceKind, extended: Bool)
    case describeFunction(String)
    /// TERMINATE id; nil means TERMINATE ALL.
    case terminate(queryID: String?)
    case explainQuery(String)
    case explain(Statement)
    /// PRINT topic [FROM BEGINNING] [INTERVAL n] [LIMIT n]. The topic keeps its case.
    case print(topic: String, fromBeginning: Bool, interval: Int?, limit: Int?)
    case setProperty(name: String, value: String)
    case unsetProperty(String)
    case defineVariable(name: String, value: String)
    case undefineVariable(String)
}

/// A statement as found in a script: its tree, its text exactly as written (ksqlDB echoes it as
/// `statementText`; it includes the closing `;` when there was one) and where it starts.
public struct ParsedStatement: Sendable, Equatable {
    public var statement: Statement
    public var text: String
    public var location: SourceLocation

    public init(statement: Statement, text: String, location: SourceLocation) {
        self.statement = statement
        self.text = text
        self.location = location
    }
}

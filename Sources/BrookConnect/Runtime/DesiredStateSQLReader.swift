import BrookSchemas

/// Reads the rows of a desired-state `input=sql` query (the I/O edge of `DesiredStateInput.sqlRows`):
/// opens `connection.url` (PostgreSQL or SQLite), runs `query`, and turns each row into ordered
/// (column, JSON value) pairs. Without `key.columns`, the key is the primary key of the query's
/// table, when the query reads a single table `DesiredStateSQLQueryTable` can name.
public struct DesiredStateSQLReader: Sendable {
    public var connectionURL: String
    public var user: String?
    public var password: String?
    public var query: String
    public var keyColumns: [String]

    public init(connectionURL: String, user: String? = nil, password: String? = nil, query: String, keyColumns: [String]) {
        self.connectionURL = connectionURL
        self.user = user
        self.password = password
        self.query = query
        self.keyColumns = keyColumns
    }

    /// The reader of a desired-state config with `input=sql`.
    public init(config: DesiredStateConfig) throws(DesiredStateError) {
        guard let url = config.connectionURL, !url.isEmpty else {
            throw .invalidConfig(key: "connection.url", reason: "input=sql needs connection.url (the database to query)")
        }
        guard let query = config.query else {
            throw .invalidConfig(key: "query", reason: "input=sql needs a query")
        }
        self.init(connectionURL: url, user: config.connectionUser, password: config.connectionPassword, query: query,
                  keyColumns: config.keyColumns)
    }

    /// The rows, and the key columns to use (`key.columns`, else the table's primary key).
    public func read() async throws -> (rows: [[(String, JSONValue)]], keyColumns: [String]) {
        let session: any SQLSession
        do {
            session = try await SQLSessions.open(url: connectionURL, user: user, password: password)
        } catch let error as SQLConnectorError {
            throw DesiredStateError.invalidConfig(key: "connection.url", reason: error.message)
        } catch {
            throw SQLConnectorError("input=sql: cannot open \(connectionURL): \(SQLSessions.describe(error))")
        }
        do {
            let keys = try await resolveKeyColumns(session)
            let result: SQLRows
            do {
                result = try await session.query(query, [])
            } catch {
                throw SQLConnectorError("input=sql: the query failed: \(session.describe(error))")
            }
            await session.close()
            let names = result.columns.map(\.name)
            let rows = result.rows.map { row in Array(zip(names, row.map(\.json))) }
            return (rows, keys)
        } catch {
            await session.close()
            throw error
        }
    }

    private func resolveKeyColumns(_ session: any SQLSession) async throws -> [String] {
        if !keyColumns.isEmpty { return keyColumns }
        guard let table = DesiredStateSQLQueryTable.table(in: query) else {
            throw DesiredStateError.invalidConfig(key: "key.columns",
                reason: "the query does not read a single table whose primary key Brook can look up: set key.columns")
        }
        let key = try await session.primaryKey(of: table)
        guard !key.isEmpty else {
            throw DesiredStateError.invalidConfig(key: "key.columns", reason: "table \(table) has no primary key: set key.columns")
        }
        return key
    }
}

/// Names the one table a simple query reads (`SELECT … FROM [schema.]table [alias] [WHERE …|ORDER
/// BY …|LIMIT …]`); nil for joins, several tables, subqueries, set operations and anything else it
/// cannot be sure of. Sans-IO.
public enum DesiredStateSQLQueryTable {
    public static func table(in query: String) -> SQLTableID? {
        let tokens = tokenize(query)
        let lowered = tokens.map { $0.hasPrefix("\"") ? $0 : $0.lowercased() }
        guard lowered.first == "select" || lowered.first == "table" else { return nil }
        let forbidden: Set<String> = ["join", "union", "intersect", "except", "with", ","]
        guard let from = lowered.firstIndex(of: "from"), lowered.filter({ $0 == "from" }).count == 1,
              lowered.filter({ $0 == "select" }).count == 1 else { return nil }
        var index = from + 1
        guard index < tokens.count, let first = identifier(tokens[index]) else { return nil }
        var parts = [first]
        index += 1
        while index + 1 < tokens.count, tokens[index] == ".", let next = identifier(tokens[index + 1]) {
            parts.append(next)
            index += 2
        }
        guard parts.count <= 2 else { return nil }
        // After the table: an alias, then only clauses that keep it a single-table read.
        let rest = lowered[index...]
        guard !rest.contains(where: forbidden.contains), !rest.contains("(") || !rest.contains("select") else { return nil }
        return parts.count == 2 ? SQLTableID(schema: parts[0], table: parts[1]) : SQLTableID(table: parts[0])
    }

    /// A table or schema name token: a delimited identifier unquoted, a bare word as written.
    private static func identifier(_ token: String) -> String? {
        if token.hasPrefix("\""), token.hasSuffix("\""), token.count >= 2 {
            return String(token.dropFirst().dropLast()).replacingAll("\"\"", with: "\"")
        }
        guard let first = token.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return nil }
        let keywords: Set<String> = ["where", "order", "limit", "group", "select", "from", "lateral", "only"]
        return keywords.contains(token.lowercased()) ? nil : token
    }

    /// Words, delimited identifiers, string literals and single punctuation characters.
    static func tokenize(_ query: String) -> [String] {
        var tokens: [String] = []
        var chars = Array(query)[...]
        while let c = chars.first {
            if c.isWhitespace { chars = chars.dropFirst(); continue }
            if c == "\"" || c == "'" {
                var token = String(c)
                chars = chars.dropFirst()
                while let d = chars.first {
                    token.append(d)
                    chars = chars.dropFirst()
                    if d == c {
                        if chars.first == c { token.append(c); chars = chars.dropFirst() } else { break }
                    }
                }
                tokens.append(token)
            } else if c.isLetter || c.isNumber || c == "_" || c == "$" {
                let word = chars.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" }
                tokens.append(String(word))
                chars = chars.dropFirst(word.count)
            } else {
                tokens.append(String(c))
                chars = chars.dropFirst()
            }
        }
        return tokens
    }
}

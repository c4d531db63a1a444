/// Prints statements, queries, expressions and types in one canonical form: keywords upper-case,
/// identifiers back-quoted only when they would not read back as themselves, parentheses only where
/// precedence needs them, single spaces. Parsing the output gives back the same tree.
public enum SQLFormatter {
    public static func format(_ statement: Statement) -> String {
        switch statement {
        case .createSource(let create):
            var text = "CREATE " + (create.orReplace ? "OR REPLACE " : "") + (create.isSource ? "SOURCE " : "")
            text += create.kind.rawValue + " " + (create.ifNotExists ? "IF NOT EXISTS " : "") + identifier(create.name)
            if let columns = create.columns {
                text += " (" + columns.map(format(column:)).joined(separator: ", ") + ")"
            }
            return text + withClause(create.properties)
        case .createAsSelect(let create):
            var text = "CREATE " + (create.orReplace ? "OR REPLACE " : "") + create.kind.rawValue + " "
            text += (create.ifNotExists ? "IF NOT EXISTS " : "") + identifier(create.name)
            return text + withClause(create.properties) + " AS " + format(create.query)
        case .insertInto(let target, let properties, let query):
            return "INSERT INTO " + identifier(target) + withClause(properties) + " " + format(query)
        case .insertValues(let target, let columns, let values):
            var text = "INSERT INTO " + identifier(target)
            if let columns { text += " (" + columns.map(identifier).joined(separator: ", ") + ")" }
            return text + " VALUES (" + values.map { format($0, context: .concat) }.joined(separator: ", ") + ")"
        case .query(let query):
            return format(query)
        case .drop(let kind, let name, let ifExists, let deleteTopic):
            return "DROP " + kind.rawValue + (ifExists ? " IF EXISTS " : " ") + identifier(name)
                + (deleteTopic ? " DELETE TOPIC" : "")
        case .list(let target):
            return "SHOW " + format(target)
        case .describe(let name, let extended):
            return "DESCRIBE " + identifier(name) + (extended ? " EXTENDED" : "")
        case .describeAll(let kind, let extended):
            return "DESCRIBE " + (kind == .stream ? "STREAMS" : "TABLES") + (extended ? " EXTENDED" : "")
        case .describeFunction(let name):
            return "DESCRIBE FUNCTION " + identifier(name)
        case .terminate(let queryID):
            return "TERMINATE " + (queryID.map(identifier) ?? "ALL")
        case .explainQuery(let queryID):
            return "EXPLAIN " + identifier(queryID)
        case .explain(let inner):
            return "EXPLAIN " + format(inner)
        case .print(let topic, let fromBeginning, let interval, let limit):
            var text = "PRINT " + string(topic)
            if fromBeginning { text += " FROM BEGINNING" }
            if let interval { text += " INTERVAL \(interval)" }
            if let limit { text += " LIMIT \(limit)" }
            return text
        case .setProperty(let name, let value):
            return "SET " + string(name) + " = " + string(value)
        case .unsetProperty(let name):
            return "UNSET " + string(name)
        case .defineVariable(let name, let value):
            return "DEFINE " + name + " = " + string(value)
        case .undefineVariable(let name):
            return "UNDEFINE " + name
        }
    }

    /// Statements joined as a script, each ending with `;`.
    public static func format(script statements: [Statement]) -> String {
        statements.map { format($0) + ";" }.joined(separator: "\n")
    }

    public static func format(_ query: Query) -> String {
        var text = "SELECT " + query.select.map(format(selectItem:)).joined(separator: ", ")
        text += " FROM " + format(source: query.from.source)
        for join in query.from.joins {
            text += " " + join.type.rawValue + " JOIN " + format(source: join.source)
            if let within = join.within {
                if let after = within.after {
                    text += " WITHIN (" + format(within.before) + ", " + format(after) + ")"
                } else {
                    text += " WITHIN " + format(within.before)
                }
                if let grace = within.grace { text += " GRACE PERIOD " + format(grace) }
            }
            text += " ON " + format(join.condition)
        }
        if let window = query.window { text += " WINDOW " + format(window) }
        if let condition = query.whereClause { text += " WHERE " + format(condition) }
        if let groupBy = query.groupBy { text += " GROUP BY " + grouping(groupBy) }
        if let partitionBy = query.partitionBy { text += " PARTITION BY " + grouping(partitionBy) }
        if let having = query.having { text += " HAVING " + format(having) }
        if let emit = query.emit { text += " EMIT " + emit.rawValue }
        if let limit = query.limit { text += " LIMIT \(limit)" }
        return text
    }

    public static func format(_ window: WindowExpression) -> String {
        var parts: [String]
        switch window.kind {
        case .tumbling(let size): parts = ["TUMBLING (SIZE " + format(size)]
        case .hopping(let size, let advance): parts = ["HOPPING (SIZE " + format(size), "ADVANCE BY " + format(advance)]
        case .session(let gap): parts = ["SESSION (" + format(gap)]
        }
        if let retention = window.retention { parts.append("RETENTION " + format(retention)) }
        if let grace = window.grace { parts.append("GRACE PERIOD " + format(grace)) }
        return parts.joined(separator: ", ") + ")"
    }

    public static func format(_ duration: SQLDuration) -> String { "\(duration.amount) \(duration.unit.rawValue)" }

    public static func format(_ type: SQLType) -> String {
        switch type {
        case .boolean: "BOOLEAN"
        case .integer: "INTEGER"
        case .bigint: "BIGINT"
        case .double: "DOUBLE"
        case .decimal(let precision, let scale): "DECIMAL(\(precision), \(scale))"
        case .string: "STRING"
        case .bytes: "BYTES"
        case .date: "DATE"
        case .time: "TIME"
        case .timestamp: "TIMESTAMP"
        case .array(let element): "ARRAY<" + format(element) + ">"
        case .map(let key, let value): "MAP<" + format(key) + ", " + format(value) + ">"
        case .struct(let fields):
            "STRUCT<" + fields.map { identifier($0.name) + " " + format($0.type) }.joined(separator: ", ") + ">"
        case .custom(let name): builtInTypeNames.contains(name) ? "`" + name + "`" : identifier(name)
        }
    }

    /// Words that read back as a built-in type, so a custom type of that name must be quoted.
    private static let builtInTypeNames: Set<String> = [
        "BOOLEAN", "INT", "INTEGER", "BIGINT", "DOUBLE", "DECIMAL", "STRING", "VARCHAR", "BYTES", "DATE", "TIME",
        "TIMESTAMP", "ARRAY", "MAP", "STRUCT",
    ]

    /// A name as an identifier: bare when it reads back as itself, back-quoted otherwise.
    public static func identifier(_ name: String) -> String {
        // ARRAY, MAP and STRUCT are not reserved, but before `[` or `(` they read as constructors.
        if Keywords.isPlainIdentifier(name), !["ARRAY", "MAP", "STRUCT"].contains(name) { return name }
        return "`" + name.replacingAll("`", with: "``") + "`"
    }

    /// A string literal, quotes doubled.
    public static func string(_ value: String) -> String { "'" + value.replacingAll("'", with: "''") + "'" }

    private static func format(column: ColumnDefinition) -> String {
        var text = identifier(column.name) + " " + format(column.type)
        switch column.constraint {
        case .none: break
        case .key: text += " KEY"
        case .primaryKey: text += " PRIMARY KEY"
        case .headers: text += " HEADERS"
        case .header(let key): text += " HEADER(" + string(key) + ")"
        }
        return text
    }

    private static func withClause(_ properties: [Property]) -> String {
        guard !properties.isEmpty else { return "" }
        let pairs = properties.map { property in
            (Keywords.isPlainIdentifier(property.name) ? property.name : string(property.name))
                + "=" + format(literal: property.value)
        }
        return " WITH (" + pairs.joined(separator: ", ") + ")"
    }

    private static func format(_ target: ListTarget) -> String {
        switch target {
        case .streams(let extended): "STREAMS" + (extended ? " EXTENDED" : "")
        case .tables(let extended): "TABLES" + (extended ? " EXTENDED" : "")
        case .topics(let all, let extended): (all ? "ALL " : "") + "TOPICS" + (extended ? " EXTENDED" : "")
        case .queries(let extended): "QUERIES" + (extended ? " EXTENDED" : "")
        case .properties: "PROPERTIES"
        case .functions: "FUNCTIONS"
        case .types: "TYPES"
        case .variables: "VARIABLES"
        }
    }

    private static func format(selectItem: SelectItem) -> String {
        switch selectItem {
        case .all: "*"
        case .allOf(let source): identifier(source) + ".*"
        case .structAll(let base): format(base, context: .primary) + "->*"
        case .expression(let expression, let alias): format(expression) + (alias.map { " AS " + identifier($0) } ?? "")
        }
    }

    private static func format(source: AliasedSource) -> String {
        identifier(source.name) + (source.alias.map { " AS " + identifier($0) } ?? "")
    }

    private static func grouping(_ expressions: [SQLExpression]) -> String {
        if expressions.isEmpty { return "()" }
        return expressions.map { format($0, context: .concat) }.joined(separator: ", ")
    }
}

extension String {
    /// `self` with every `target` replaced; Foundation-free.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target {
                result += replacement
            } else {
                result.append(character)
            }
        }
        return result
    }
}

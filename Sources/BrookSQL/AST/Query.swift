/// One item of a SELECT list.
public enum SelectItem: Sendable, Equatable, Hashable {
    case expression(SQLExpression, alias: String?)
    /// `*`
    case all
    /// `source.*`
    case allOf(source: String)
    /// `expr->*`: every field of a struct.
    case structAll(SQLExpression)
}

/// A source named in FROM or JOIN, with its alias.
public struct AliasedSource: Sendable, Equatable, Hashable {
    public var name: String
    public var alias: String?

    public init(name: String, alias: String? = nil) {
        self.name = name
        self.alias = alias
    }
}

/// The kind of a join; a bare JOIN is INNER.
public enum JoinType: String, Sendable, Equatable, Hashable, CaseIterable {
    case inner = "INNER"
    case left = "LEFT"
    case right = "RIGHT"
    case full = "FULL"
}

/// `WITHIN n UNIT` or `WITHIN (before, after)`, with an optional GRACE PERIOD.
public struct JoinWindow: Sendable, Equatable, Hashable {
    public var before: SQLDuration
    /// Set only for the `(before, after)` form.
    public var after: SQLDuration?
    public var grace: SQLDuration?

    public init(before: SQLDuration, after: SQLDuration? = nil, grace: SQLDuration? = nil) {
        self.before = before
        self.after = after
        self.grace = grace
    }
}

/// One `JOIN source [WITHIN ...] ON condition` after the first source.
public struct Join: Sendable, Equatable, Hashable {
    public var type: JoinType
    public var source: AliasedSource
    public var within: JoinWindow?
    public var condition: SQLExpression

    public init(type: JoinType, source: AliasedSource, within: JoinWindow? = nil, condition: SQLExpression) {
        self.type = type
        self.source = source
        self.within = within
        self.condition = condition
    }
}

/// FROM: the first source and the joins chained after it.
public struct FromClause: Sendable, Equatable, Hashable {
    public var source: AliasedSource
    public var joins: [Join]

    public init(source: AliasedSource, joins: [Join] = []) {
        self.source = source
        self.joins = joins
    }
}

/// WINDOW TUMBLING | HOPPING | SESSION.
public struct WindowExpression: Sendable, Equatable, Hashable {
    public enum Kind: Sendable, Equatable, Hashable {
        case tumbling(size: SQLDuration)
        case hopping(size: SQLDuration, advance: SQLDuration)
        case session(gap: SQLDuration)
    }

    public var kind: Kind
    public var retention: SQLDuration?
    public var grace: SQLDuration?

    public init(kind: Kind, retention: SQLDuration? = nil, grace: SQLDuration? = nil) {
        self.kind = kind
        self.retention = retention
        self.grace = grace
    }
}

/// EMIT CHANGES (push), EMIT FINAL (push, one row per closed window), or nothing (pull, unless the
/// analyzer decides otherwise for a persistent query).
public enum ResultMaterialization: String, Sendable, Equatable, Hashable {
    case changes = "CHANGES"
    case final = "FINAL"
}

/// A SELECT. The window is recorded once whether it was written before or after WHERE.
public struct Query: Sendable, Equatable, Hashable {
    public var select: [SelectItem]
    public var from: FromClause
    public var window: WindowExpression?
    public var whereClause: SQLExpression?
    /// nil when absent; `GROUP BY ()` is an empty list.
    public var groupBy: [SQLExpression]?
    public var partitionBy: [SQLExpression]?
    public var having: SQLExpression?
    public var emit: ResultMaterialization?
    public var limit: Int?

    public init(select: [SelectItem], from: FromClause, window: WindowExpression? = nil,
                whereClause: SQLExpression? = nil, groupBy: [SQLExpression]? = nil, partitionBy: [SQLExpression]? = nil,
                having: SQLExpression? = nil, emit: ResultMaterialization? = nil, limit: Int? = nil) {
        self.select = select
        self.from = from
        self.window = window
        self.whereClause = whereClause
        self.groupBy = groupBy
        self.partitionBy = partitionBy
        self.having = having
        self.emit = emit
        self.limit = limit
    }
}

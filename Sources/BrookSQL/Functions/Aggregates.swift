/// The aggregate functions (ksqlDB's udaf package).
public enum AggregateKind: String, Sendable, CaseIterable {
    case count = "COUNT"
    case countDistinct = "COUNT_DISTINCT"
    case sum = "SUM"
    case avg = "AVG"
    case min = "MIN"
    case max = "MAX"
    case collectList = "COLLECT_LIST"
    case collectSet = "COLLECT_SET"
    case latestByOffset = "LATEST_BY_OFFSET"
    case earliestByOffset = "EARLIEST_BY_OFFSET"
    case topK = "TOPK"
    case topKDistinct = "TOPKDISTINCT"
    case histogram = "HISTOGRAM"
    case stddevSamp = "STDDEV_SAMP"

    public init?(name: String) { self.init(rawValue: name.uppercased()) }

    /// Whether ksqlDB implements undo (TableUdaf) so a table aggregation can retract an old row.
    public var supportsUndo: Bool {
        switch self {
        case .count, .sum, .avg, .collectList, .collectSet, .histogram, .stddevSamp: true
        default: false
        }
    }

    /// The result type for an input column type (nil: COUNT(*) or not accepted).
    public func returnType(for input: SQLType?) -> SQLType? {
        switch self {
        case .count, .countDistinct: return .bigint
        case .avg, .stddevSamp: return .double
        case .histogram: return .map(key: .string, value: .bigint)
        case .collectList, .collectSet, .topK, .topKDistinct: return input.map { .array($0) }
        case .sum, .min, .max, .latestByOffset, .earliestByOffset: return input
        }
    }
}

/// One group's running aggregate: `add` a row's argument, `remove` it again (table aggregation,
/// where `kind.supportsUndo`), `merge` another accumulator (session windows), read `result`.
/// Sans-IO value type; arrival order stands in for offsets (the executor adds in offset order).
public struct AggregateAccumulator: Sendable {
    public let kind: AggregateKind
    /// COUNT(*): NULL rows count too.
    public let countsNulls: Bool
    /// TOPK/TOPKDISTINCT's k, LATEST/EARLIEST_BY_OFFSET's n (nil: a single value, not an array).
    public let limit: Int?
    /// LATEST/EARLIEST_BY_OFFSET's ignoreNulls (default true).
    public let ignoreNulls: Bool
    /// COLLECT_LIST/COLLECT_SET stop growing at this size (ksql.functions.collect_list.limit and
    /// collect_set.limit, unlimited by default).
    public let collectLimit: Int
    /// HISTOGRAM keeps at most this many distinct values (HistogramUdaf's LIMIT); later new values
    /// are ignored.
    public static let histogramLimit = 1000

    private var count: Int64 = 0
    private var sum: SQLValue = .null
    private var doubleSum = 0.0
    private var mean = 0.0
    private var m2 = 0.0
    private var extreme: SQLValue = .null
    private var values: [SQLValue] = []
    private var counts: [(key: String, value: Int64)] = []

    /// `parameters` are the literal arguments after the column (TOPK(col, 3) → [3];
    /// LATEST_BY_OFFSET(col, 2, false) → [2, false]).
    /// `inputType` lets SUM start at a typed zero as ksqlDB's initializers do (SUM of only NULLs is
    /// 0, not NULL); without it SUM starts at NULL.
    public init(_ kind: AggregateKind, countsNulls: Bool = false, parameters: [SQLValue] = [], inputType: SQLType? = nil, collectLimit: Int = .max) throws {
        self.kind = kind
        self.collectLimit = collectLimit
        if kind == .sum {
            switch inputType {
            case .integer?: sum = .int(0)
            case .bigint?: sum = .bigint(0)
            case .double?: sum = .double(0)
            case .decimal(let precision, let scale)?: sum = .decimal(SQLDecimal(unscaled: 0, scale: scale, precision: precision))
            default: break
            }
        }
        self.countsNulls = countsNulls
        var limit: Int? = nil
        var ignoreNulls = true
        switch kind {
        case .topK, .topKDistinct:
            guard let k = parameters.first?.integerValue, k > 0 else {
                throw SQLEvaluationError.invalidArguments(function: kind.rawValue, reason: "needs a positive k")
            }
            limit = Int(k)
        case .latestByOffset, .earliestByOffset:
            for parameter in parameters {
                switch parameter {
                case .boolean(let b): ignoreNulls = b
                case .int, .bigint:
                    guard let n = parameter.integerValue, n > 0 else {
                        throw SQLEvaluationError.invalidArguments(function: kind.rawValue, reason: "n must be positive")
                    }
                    limit = Int(n)
                default: throw SQLEvaluationError.invalidArguments(function: kind.rawValue, reason: "bad parameter")
                }
            }
        default:
            break
        }
        self.limit = limit
        self.ignoreNulls = ignoreNulls
    }

    public mutating func add(_ value: SQLValue) throws {
        switch kind {
        case .count:
            if countsNulls || !value.isNull { count += 1 }
        case .countDistinct:
            if !value.isNull, !values.contains(where: { SQLValue.deepEquals($0, value) }) { values.append(value) }
        case .sum:
            guard !value.isNull else { return }
            sum = sum.isNull ? value : try SQLArithmetic.apply(.add, sum, value)
        case .avg:
            guard let d = value.numericDouble else { return }
            count += 1
            doubleSum += d
        case .stddevSamp:
            guard let d = value.numericDouble else { return }
            count += 1
            let delta = d - mean
            mean += delta / Double(count)
            m2 += delta * (d - mean)
        case .min, .max:
            guard !value.isNull else { return }
            guard !extreme.isNull, let order = SQLValue.compare(value, extreme) else {
                if extreme.isNull { extreme = value }
                return
            }
            if (kind == .min && order < 0) || (kind == .max && order > 0) { extreme = value }
        case .collectList:
            if values.count < collectLimit { values.append(value) }
        case .collectSet:
            if values.count < collectLimit, !values.contains(where: { SQLValue.deepEquals($0, value) }) { values.append(value) }
        case .latestByOffset:
            guard !(ignoreNulls && value.isNull) else { return }
            values.append(value)
            if values.count > (limit ?? 1) { values.removeFirst() }
        case .earliestByOffset:
            guard !(ignoreNulls && value.isNull), values.count < (limit ?? 1) else { return }
            values.append(value)
        case .topK, .topKDistinct:
            guard !value.isNull else { return }
            if kind == .topKDistinct, values.contains(where: { SQLValue.deepEquals($0, value) }) { return }
            values.append(value)
            values = Array(try CollectionFunctions.sorted(values, descending: true).prefix(limit ?? 1))
        case .histogram:
            guard !value.isNull else { return }
            let key = try SQLCast.text(of: value)
            if let i = counts.firstIndex(where: { $0.key == key }) {
                counts[i].value += 1
            } else if counts.count < Self.histogramLimit {
                counts.append((key, 1))
            }
        }
    }

    /// Retracts a value added before (ksqlDB's undo). Throws for aggregates without undo.
    public mutating func remove(_ value: SQLValue) throws {
        guard kind.supportsUndo else { throw SQLEvaluationError.notScalar("\(kind.rawValue) has no undo") }
        switch kind {
        case .count:
            if countsNulls || !value.isNull { count -= 1 }
        case .sum:
            guard !value.isNull, !sum.isNull else { return }
            sum = try SQLArithmetic.apply(.subtract, sum, value)
        case .avg:
            guard let d = value.numericDouble else { return }
            count -= 1
            doubleSum -= d
        case .stddevSamp:
            guard let d = value.numericDouble else { return }
            if count <= 1 { count = 0; mean = 0; m2 = 0; return }
            let previousMean = (mean * Double(count) - d) / Double(count - 1)
            m2 -= (d - mean) * (d - previousMean)
            mean = previousMean
            count -= 1
        case .collectList, .collectSet:
            if let i = values.firstIndex(where: { SQLValue.deepEquals($0, value) }) { values.remove(at: i) }
        case .histogram:
            guard !value.isNull else { return }
            let key = try SQLCast.text(of: value)
            if let i = counts.firstIndex(where: { $0.key == key }) {
                counts[i].value -= 1
                if counts[i].value <= 0 { counts.remove(at: i) }
            }
        default:
            break
        }
    }

    /// Folds in another accumulator of the same aggregate whose rows came after this one's.
    public mutating func merge(_ other: AggregateAccumulator) throws {
        switch kind {
        case .count:
            count += other.count
        case .sum:
            if !other.sum.isNull { try add(other.sum) }
        case .avg:
            count += other.count
            doubleSum += other.doubleSum
        case .stddevSamp:
            guard other.count > 0 else { return }
            let total = count + other.count
            let delta = other.mean - mean
            m2 += other.m2 + delta * delta * Double(count) * Double(other.count) / Double(total)
            mean += delta * Double(other.count) / Double(total)
            count = total
        case .min, .max:
            try add(other.extreme)
        case .collectList:
            values += other.values.prefix(max(0, collectLimit - values.count))
        case .latestByOffset, .earliestByOffset:
            for value in other.values { try add(value) }
        case .countDistinct, .collectSet, .topK, .topKDistinct:
            for value in other.values { try add(value) }
        case .histogram:
            for entry in other.counts {
                if let i = counts.firstIndex(where: { $0.key == entry.key }) {
                    counts[i].value += entry.value
                } else if counts.count < Self.histogramLimit {
                    counts.append(entry)
                }
            }
        }
    }

    public var result: SQLValue {
        switch kind {
        case .count: return .bigint(count)
        case .countDistinct: return .bigint(Int64(values.count))
        case .sum: return sum
        case .avg: return .double(count == 0 ? 0 : doubleSum / Double(count))
        case .stddevSamp: return .double(count < 2 ? 0 : (m2 / Double(count - 1)).squareRoot())
        case .min, .max: return extreme
        case .collectList, .collectSet, .topK, .topKDistinct: return .array(values)
        case .latestByOffset, .earliestByOffset:
            return limit == nil ? (values.first ?? .null) : .array(values)
        case .histogram: return .map(counts.map { ($0.key, .bigint($0.value)) })
        }
    }
}

/// EXPLODE: one output row per array element (a NULL or empty array yields no rows).
public enum TableFunctions {
    public static func explode(_ value: SQLValue) throws -> [SQLValue] {
        switch value {
        case .null: return []
        case .array(let items): return items
        default: throw SQLEvaluationError.invalidArguments(function: "EXPLODE", reason: "expects an ARRAY")
        }
    }
}

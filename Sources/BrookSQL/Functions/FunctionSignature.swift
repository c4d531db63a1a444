/// A parameter or return type in a function signature: concrete types, type variables bound by the
/// first argument that matches them (`T` in ARRAY_MAX(ARRAY<T>) → T), and lambda shapes.
public indirect enum TypePattern: Sendable, Hashable {
    case exact(SQLType)
    /// Any DECIMAL, bound to a variable so a return can repeat it.
    case decimal(String)
    /// Any type, bound to the variable.
    case variable(String)
    case array(TypePattern)
    /// MAP<STRING, value>.
    case map(TypePattern)
    case anyStruct
    /// A lambda taking `parameters` and returning `returns`.
    case lambda(parameters: [TypePattern], returns: TypePattern)
    /// A time unit keyword argument (TIMESTAMPADD(SECONDS, ...)).
    case timeUnit

    static let string = TypePattern.exact(.string)
    static let int = TypePattern.exact(.integer)
    static let bigint = TypePattern.exact(.bigint)
    static let double = TypePattern.exact(.double)
    static let boolean = TypePattern.exact(.boolean)
    static let timestamp = TypePattern.exact(.timestamp)
    static let date = TypePattern.exact(.date)
    static let bytes = TypePattern.exact(.bytes)
}

/// One overload: argument types → return type. `variadic` repeats the last parameter 0+ times.
public struct FunctionSignature: Sendable, Hashable {
    public var parameters: [TypePattern]
    public var variadic: Bool
    public var returns: TypePattern

    public init(_ parameters: [TypePattern], variadic: Bool = false, returns: TypePattern) {
        self.parameters = parameters
        self.variadic = variadic
        self.returns = returns
    }

    /// The return type for these argument types, or nil when this overload does not accept them.
    /// Integer arguments widen implicitly (INT → BIGINT → DECIMAL → DOUBLE) as ksqlDB's resolver
    /// allows; a nil argument type is a NULL literal and matches anything.
    public func returnType(for arguments: [SQLType?]) -> SQLType? { resolve(arguments)?.type }

    /// The return type and how many arguments had to widen (fewer is a better overload).
    func resolve(_ arguments: [SQLType?]) -> (type: SQLType, widenings: Int)? {
        guard variadic ? arguments.count >= parameters.count - 1 : arguments.count == parameters.count else { return nil }
        var bindings: [String: SQLType] = [:]
        var widenings = 0
        for (index, argument) in arguments.enumerated() {
            let pattern = index < parameters.count ? parameters[index] : parameters[parameters.count - 1]
            guard let argument else { continue }
            guard Self.match(pattern, argument, &bindings) else { return nil }
            if case .exact(let expected) = pattern, expected != argument { widenings += 1 }
        }
        return Self.resolve(returns, bindings).map { ($0, widenings) }
    }

    static func match(_ pattern: TypePattern, _ type: SQLType, _ bindings: inout [String: SQLType]) -> Bool {
        switch (pattern, type) {
        case (.exact(let expected), _):
            return expected == type || widens(type, to: expected)
        case (.decimal(let name), .decimal), (.variable(let name), _):
            if let bound = bindings[name] {
                if bound == type || widens(type, to: bound) { return true }
                if widens(bound, to: type) { bindings[name] = type; return true }
                return false
            }
            bindings[name] = type
            return true
        case (.array(let element), .array(let actual)):
            return match(element, actual, &bindings)
        case (.map(let value), .map(.string, let actual)):
            return match(value, actual, &bindings)
        case (.anyStruct, .struct):
            return true
        case (.timeUnit, .string):
            return true
        default:
            return false
        }
    }

    static func widens(_ from: SQLType, to: SQLType) -> Bool {
        switch (from, to) {
        case (.integer, .bigint), (.integer, .double), (.bigint, .double), (.decimal, .double),
             (.integer, .decimal), (.bigint, .decimal): true
        default: false
        }
    }

    static func resolve(_ pattern: TypePattern, _ bindings: [String: SQLType]) -> SQLType? {
        switch pattern {
        case .exact(let t): t
        case .decimal(let name), .variable(let name): bindings[name] ?? .string
        case .array(let element): resolve(element, bindings).map { .array($0) }
        case .map(let value): resolve(value, bindings).map { .map(key: .string, value: $0) }
        case .anyStruct: nil
        case .lambda(_, let returns): resolve(returns, bindings)
        case .timeUnit: .string
        }
    }
}

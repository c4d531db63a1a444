extension ExpressionEvaluator {
    /// Calls a scalar function; TRANSFORM, FILTER and REDUCE evaluate their lambda arguments here.
    func callFunction(_ call: FunctionCall, row: (ColumnReference) -> SQLValue?, scope: [String: SQLValue]) throws -> SQLValue {
        let name = call.name.uppercased()
        switch name {
        case "TRANSFORM", "FILTER", "REDUCE":
            return try callHigherOrder(name, call.arguments, row: row, scope: scope)
        default:
            break
        }
        if AggregateKind(name: name) != nil || name == "EXPLODE" {
            throw SQLEvaluationError.notScalar(name)
        }
        guard let function = functions.scalar(named: name) else { throw SQLEvaluationError.unknownFunction(call.name) }
        let arguments = try call.arguments.map { try evaluate($0, row: row, scope: scope) }
        if function.nullOnNullInput && arguments.contains(where: \.isNull) { return .null }
        return try function.implementation(arguments, context)
    }

    private func callHigherOrder(_ name: String, _ arguments: [SQLExpression], row: (ColumnReference) -> SQLValue?, scope: [String: SQLValue]) throws -> SQLValue {
        func lambda(_ e: SQLExpression, arity: Int) throws -> (parameters: [String], body: SQLExpression) {
            guard case .lambda(let parameters, let body) = e, parameters.count == arity else {
                throw SQLEvaluationError.invalidArguments(function: name, reason: "expects a lambda of \(arity) parameter(s)")
            }
            return (parameters, body)
        }
        func apply(_ l: (parameters: [String], body: SQLExpression), _ values: [SQLValue]) throws -> SQLValue {
            var inner = scope
            for (parameter, value) in zip(l.parameters, values) { inner[parameter] = value }
            return try evaluate(l.body, row: row, scope: inner)
        }
        guard let first = arguments.first else {
            throw SQLEvaluationError.invalidArguments(function: name, reason: "no arguments")
        }
        let collection = try evaluate(first, row: row, scope: scope)
        switch (name, collection, arguments.count) {
        case (_, .null, _):
            return .null
        case ("TRANSFORM", .array(let items), 2):
            let f = try lambda(arguments[1], arity: 1)
            return .array(try items.map { try apply(f, [$0]) })
        case ("TRANSFORM", .map(let entries), 3):
            let keyF = try lambda(arguments[1], arity: 2), valueF = try lambda(arguments[2], arity: 2)
            var result: [(key: String, value: SQLValue)] = []
            for entry in entries {
                let key = try apply(keyF, [.string(entry.key), entry.value])
                guard !key.isNull else { throw SQLEvaluationError.functionFailed(function: name, reason: "a key is NULL") }
                let text = try SQLCast.text(of: key)
                let value = try apply(valueF, [.string(entry.key), entry.value])
                if let i = result.firstIndex(where: { $0.key == text }) { result[i].value = value } else { result.append((text, value)) }
            }
            return .map(result)
        case ("FILTER", .array(let items), 2):
            let f = try lambda(arguments[1], arity: 1)
            return .array(try items.filter { try Self.truth(apply(f, [$0])) == true })
        case ("FILTER", .map(let entries), 2):
            let f = try lambda(arguments[1], arity: 2)
            return .map(try entries.filter { try Self.truth(apply(f, [.string($0.key), $0.value])) == true })
        case ("REDUCE", .array(let items), 3):
            var state = try evaluate(arguments[1], row: row, scope: scope)
            let f = try lambda(arguments[2], arity: 2)
            for item in items { state = try apply(f, [state, item]) }
            return state
        case ("REDUCE", .map(let entries), 3):
            var state = try evaluate(arguments[1], row: row, scope: scope)
            let f = try lambda(arguments[2], arity: 3)
            for entry in entries { state = try apply(f, [state, .string(entry.key), entry.value]) }
            return state
        default:
            throw SQLEvaluationError.invalidArguments(function: name, reason: "expects an ARRAY or MAP and lambda(s)")
        }
    }
}

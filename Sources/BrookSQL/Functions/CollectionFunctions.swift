/// ksqlDB's array and map UDFs (function/udf/array, function/udf/map) plus SLICE.
enum CollectionFunctions {
    static let all: [ScalarFunction] = [
        ScalarFunction("ARRAY_LENGTH", [FunctionSignature([.array(.variable("T"))], returns: .int)]) { args, _ in
            .int(Int32(try Arg.array(args, 0, "ARRAY_LENGTH").count))
        },
        ScalarFunction("ARRAY_CONTAINS", [FunctionSignature([.array(.variable("T")), .variable("T")], returns: .boolean)], nullOnNullInput: false) { args, _ in
            try Arg.arity(args, 2...2, "ARRAY_CONTAINS")
            guard case .array(let items) = args[0] else { return .boolean(false) }
            return .boolean(items.contains { SQLValue.deepEquals($0, args[1]) })
        },
        ScalarFunction("ARRAY_DISTINCT", [FunctionSignature([.array(.variable("T"))], returns: .array(.variable("T")))]) { args, _ in
            var seen: [SQLValue] = []
            for item in try Arg.array(args, 0, "ARRAY_DISTINCT") where !seen.contains(where: { SQLValue.deepEquals($0, item) }) {
                seen.append(item)
            }
            return .array(seen)
        },
        ScalarFunction("ARRAY_MAX", [FunctionSignature([.array(.variable("T"))], returns: .variable("T"))]) { args, _ in
            try extreme(try Arg.array(args, 0, "ARRAY_MAX")) { $0 > 0 }
        },
        ScalarFunction("ARRAY_MIN", [FunctionSignature([.array(.variable("T"))], returns: .variable("T"))]) { args, _ in
            try extreme(try Arg.array(args, 0, "ARRAY_MIN")) { $0 < 0 }
        },
        ScalarFunction("ARRAY_SORT", [FunctionSignature([.array(.variable("T"))], returns: .array(.variable("T"))),
                                      FunctionSignature([.array(.variable("T")), .string], returns: .array(.variable("T")))]) { args, _ in
            let items = try Arg.array(args, 0, "ARRAY_SORT")
            let direction = args.count > 1 ? try Arg.string(args, 1, "ARRAY_SORT").uppercased() : "ASC"
            switch direction {
            case "ASC", "ASCENDING": return .array(try sorted(items, descending: false))
            case "DESC", "DESCENDING": return .array(try sorted(items, descending: true))
            default: return .null
            }
        },
        ScalarFunction("ARRAY_JOIN", [FunctionSignature([.array(.variable("T"))], returns: .string),
                                      FunctionSignature([.array(.variable("T")), .string], returns: .string)], nullOnNullInput: false) { args, _ in
            guard case .array(let items) = args.first else { return .null }
            let delimiter = args.count > 1 ? (args[1].stringValue ?? "") : ","
            // ArrayJoin: only BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL and STRING elements; NULL is "null".
            return .string(try items.map { item in
                switch item {
                case .null, .boolean, .int, .bigint, .double, .decimal, .string: return try SQLCast.text(of: item)
                default: throw SQLEvaluationError.functionFailed(function: "ARRAY_JOIN", reason: "elements of type \(SQLArithmetic.typeName(item)) are not supported")
                }
            }.joined(separator: delimiter))
        },
        ScalarFunction("ARRAY_REMOVE", [FunctionSignature([.array(.variable("T")), .variable("T")], returns: .array(.variable("T")))], nullOnNullInput: false) { args, _ in
            try Arg.arity(args, 2...2, "ARRAY_REMOVE")
            guard case .array(let items) = args[0] else { return .null }
            return .array(items.filter { !SQLValue.deepEquals($0, args[1]) })
        },
        ScalarFunction("MAP_KEYS", [FunctionSignature([.map(.variable("V"))], returns: .array(.string))]) { args, _ in
            .array(try Arg.map(args, 0, "MAP_KEYS").map { .string($0.key) })
        },
        ScalarFunction("MAP_VALUES", [FunctionSignature([.map(.variable("V"))], returns: .array(.variable("V")))]) { args, _ in
            .array(try Arg.map(args, 0, "MAP_VALUES").map(\.value))
        },
        ScalarFunction("AS_MAP", [FunctionSignature([.array(.string), .array(.variable("V"))], returns: .map(.variable("V")))]) { args, _ in
            let keys = try Arg.array(args, 0, "AS_MAP"), values = try Arg.array(args, 1, "AS_MAP")
            var result: [(key: String, value: SQLValue)] = []
            for (index, key) in keys.enumerated() {
                guard case .string(let k) = key else { continue }
                let value = index < values.count ? values[index] : .null
                if let i = result.firstIndex(where: { $0.key == k }) { result[i].value = value } else { result.append((k, value)) }
            }
            return .map(result)
        },
        ScalarFunction("SLICE", [FunctionSignature([.array(.variable("T")), .int, .int], returns: .array(.variable("T")))], nullOnNullInput: false) { args, _ in
            try Arg.arity(args, 3...3, "SLICE")
            guard case .array(let items) = args[0] else { return .null }
            let from = args[1].integerValue ?? 1, to = args[2].integerValue ?? Int64(items.count)
            let start = max(from, 1), end = min(to, Int64(items.count))
            guard start <= end else { return .array([]) }
            return .array(Array(items[Int(start - 1)..<Int(end)]))
        },
    ]

    /// ARRAY_MAX/ARRAY_MIN skip NULL elements; NULL for an empty or all-NULL array.
    private static func extreme(_ items: [SQLValue], _ better: (Int) -> Bool) throws -> SQLValue {
        var best: SQLValue?
        for item in items where !item.isNull {
            guard let current = best else { best = item; continue }
            guard let order = SQLValue.compare(item, current) else { throw Arg.bad("ARRAY_MAX/MIN", "elements are not comparable") }
            if better(order) { best = item }
        }
        return best ?? .null
    }

    /// Stable sort, NULLs last in both directions.
    static func sorted(_ items: [SQLValue], descending: Bool) throws -> [SQLValue] {
        let values = items.filter { !$0.isNull }
        var failure: SQLEvaluationError?
        let ordered = values.enumerated().sorted { a, b in
            guard let order = SQLValue.compare(a.element, b.element) else {
                failure = Arg.bad("ARRAY_SORT", "elements are not comparable")
                return a.offset < b.offset
            }
            if order == 0 { return a.offset < b.offset }
            return descending ? order > 0 : order < 0
        }.map(\.element)
        if let failure { throw failure }
        return ordered + Array(repeating: .null, count: items.count - values.count)
    }
}

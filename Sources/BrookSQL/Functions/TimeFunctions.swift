/// ksqlDB's date/time UDFs (function/udf/datetime) over fixed zones (see FixedZone).
enum TimeFunctions {
    static let all: [ScalarFunction] = [
        ScalarFunction("UNIX_TIMESTAMP", [FunctionSignature([], returns: .bigint), FunctionSignature([.timestamp], returns: .bigint)]) { args, context in
            args.isEmpty ? .bigint(context.now) : .bigint(try Arg.timestamp(args, 0, "UNIX_TIMESTAMP"))
        },
        ScalarFunction("FROM_UNIXTIME", [FunctionSignature([.bigint], returns: .timestamp)]) { args, _ in
            .timestamp(try Arg.integer(args, 0, "FROM_UNIXTIME"))
        },
        ScalarFunction("TIMESTAMPTOSTRING", [FunctionSignature([.bigint, .string], returns: .string), FunctionSignature([.bigint, .string, .string], returns: .string)]) { args, _ in
            try format(try Arg.integer(args, 0, "TIMESTAMPTOSTRING"), args, "TIMESTAMPTOSTRING")
        },
        ScalarFunction("FORMAT_TIMESTAMP", [FunctionSignature([.timestamp, .string], returns: .string), FunctionSignature([.timestamp, .string, .string], returns: .string)]) { args, _ in
            try format(try Arg.timestamp(args, 0, "FORMAT_TIMESTAMP"), args, "FORMAT_TIMESTAMP")
        },
        ScalarFunction("STRINGTOTIMESTAMP", [FunctionSignature([.string, .string], returns: .bigint), FunctionSignature([.string, .string, .string], returns: .bigint)]) { args, _ in
            .bigint(try parse(args, "STRINGTOTIMESTAMP"))
        },
        ScalarFunction("PARSE_TIMESTAMP", [FunctionSignature([.string, .string], returns: .timestamp), FunctionSignature([.string, .string, .string], returns: .timestamp)]) { args, _ in
            .timestamp(try parse(args, "PARSE_TIMESTAMP"))
        },
        ScalarFunction("FORMAT_DATE", [FunctionSignature([.date, .string], returns: .string)]) { args, _ in
            guard case .date(let days) = args[0] else { throw Arg.bad("FORMAT_DATE", "argument 1 must be DATE") }
            let pattern = try DateTimePattern(try Arg.string(args, 1, "FORMAT_DATE"), function: "FORMAT_DATE")
            return .string(pattern.format(Int64(days) * 86_400_000, offsetSeconds: 0))
        },
        ScalarFunction("PARSE_DATE", [FunctionSignature([.string, .string], returns: .date)]) { args, _ in
            let pattern = try DateTimePattern(try Arg.string(args, 1, "PARSE_DATE"), function: "PARSE_DATE")
            let ms = try pattern.parse(try Arg.string(args, 0, "PARSE_DATE"), defaultOffset: 0, function: "PARSE_DATE")
            return .date(Int32(truncatingIfNeeded: floorDivide(ms, 86_400_000)))
        },
        ScalarFunction("DATEADD", [FunctionSignature([.timeUnit, .int, .date], returns: .date)]) { args, _ in
            guard case .date(let days) = args[2] else { throw Arg.bad("DATEADD", "argument 3 must be DATE") }
            // DateAdd: TimeUnit.MILLISECONDS.toDays, which truncates towards zero.
            let ms = Int64(days) * 86_400_000 &+ (try unitMillis(args, "DATEADD"))
            return .date(Int32(truncatingIfNeeded: ms / 86_400_000))
        },
        ScalarFunction("TIMESTAMPADD", [FunctionSignature([.timeUnit, .int, .timestamp], returns: .timestamp)]) { args, _ in
            .timestamp(try Arg.timestamp(args, 2, "TIMESTAMPADD") &+ (try unitMillis(args, "TIMESTAMPADD")))
        },
        ScalarFunction("CONVERT_TZ", [FunctionSignature([.timestamp, .string, .string], returns: .timestamp)]) { args, _ in
            // ConvertTz: shift by the target zone's offset minus the source zone's.
            let ts = try Arg.timestamp(args, 0, "CONVERT_TZ")
            let from = try FixedZone.offsetSeconds(try Arg.string(args, 1, "CONVERT_TZ"), function: "CONVERT_TZ")
            let to = try FixedZone.offsetSeconds(try Arg.string(args, 2, "CONVERT_TZ"), function: "CONVERT_TZ")
            return .timestamp(ts &+ Int64(to - from) * 1000)
        },
    ]

    private static func format(_ millis: Int64, _ args: [SQLValue], _ name: String) throws -> SQLValue {
        try Arg.arity(args, 2...3, name)
        let pattern = try DateTimePattern(try Arg.string(args, 1, name), function: name)
        let offset = args.count > 2 ? try FixedZone.offsetSeconds(try Arg.string(args, 2, name), function: name) : 0
        return .string(pattern.format(millis, offsetSeconds: offset))
    }

    private static func parse(_ args: [SQLValue], _ name: String) throws -> Int64 {
        try Arg.arity(args, 2...3, name)
        let pattern = try DateTimePattern(try Arg.string(args, 1, name), function: name)
        let offset = args.count > 2 ? try FixedZone.offsetSeconds(try Arg.string(args, 2, name), function: name) : 0
        return try pattern.parse(try Arg.string(args, 0, name), defaultOffset: offset, function: name)
    }

    /// The interval of a (unit, amount, …) call in milliseconds (wrapping as Java's long math).
    private static func unitMillis(_ args: [SQLValue], _ name: String) throws -> Int64 {
        try Arg.arity(args, 3...3, name)
        guard let unit = TimeUnit(rawValue: try Arg.string(args, 0, name).uppercased()) else {
            throw Arg.bad(name, "unknown time unit")
        }
        return try Arg.integer(args, 1, name) &* unit.milliseconds
    }
}

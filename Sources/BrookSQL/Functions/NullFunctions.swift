/// COALESCE, IFNULL, NULLIF.
enum NullFunctions {
    static let all: [ScalarFunction] = [
        ScalarFunction("COALESCE", [FunctionSignature([.variable("T")], variadic: true, returns: .variable("T"))], nullOnNullInput: false) { args, _ in
            args.first { !$0.isNull } ?? .null
        },
        ScalarFunction("IFNULL", [FunctionSignature([.variable("T"), .variable("T")], returns: .variable("T"))], nullOnNullInput: false) { args, _ in
            try Arg.arity(args, 2...2, "IFNULL")
            return args[0].isNull ? args[1] : args[0]
        },
        ScalarFunction("NULLIF", [FunctionSignature([.variable("T"), .variable("T")], returns: .variable("T"))], nullOnNullInput: false) { args, _ in
            try Arg.arity(args, 2...2, "NULLIF")
            return SQLValue.sqlEquals(args[0], args[1]) == true ? .null : args[0]
        },
    ]
}

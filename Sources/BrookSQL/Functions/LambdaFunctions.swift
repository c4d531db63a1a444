/// TRANSFORM, FILTER and REDUCE: registered for their signatures; ExpressionEvaluator evaluates them
/// because their lambdas need the row and scope.
enum LambdaFunctions {
    static let all: [ScalarFunction] = [
        ScalarFunction("TRANSFORM", [
            FunctionSignature([.array(.variable("T")), .lambda(parameters: [.variable("T")], returns: .variable("U"))], returns: .array(.variable("U"))),
            FunctionSignature([.map(.variable("V")), .lambda(parameters: [.string, .variable("V")], returns: .string),
                               .lambda(parameters: [.string, .variable("V")], returns: .variable("W"))], returns: .map(.variable("W"))),
        ], nullOnNullInput: false) { _, _ in throw SQLEvaluationError.notScalar("TRANSFORM needs the evaluator") },
        ScalarFunction("FILTER", [
            FunctionSignature([.array(.variable("T")), .lambda(parameters: [.variable("T")], returns: .boolean)], returns: .array(.variable("T"))),
            FunctionSignature([.map(.variable("V")), .lambda(parameters: [.string, .variable("V")], returns: .boolean)], returns: .map(.variable("V"))),
        ], nullOnNullInput: false) { _, _ in throw SQLEvaluationError.notScalar("FILTER needs the evaluator") },
        ScalarFunction("REDUCE", [
            FunctionSignature([.array(.variable("T")), .variable("S"), .lambda(parameters: [.variable("S"), .variable("T")], returns: .variable("S"))], returns: .variable("S")),
            FunctionSignature([.map(.variable("V")), .variable("S"), .lambda(parameters: [.variable("S"), .string, .variable("V")], returns: .variable("S"))], returns: .variable("S")),
        ], nullOnNullInput: false) { _, _ in throw SQLEvaluationError.notScalar("REDUCE needs the evaluator") },
    ]
}

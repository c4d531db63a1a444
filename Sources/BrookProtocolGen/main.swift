import Foundation

/// BrookProtocolGen <specDir> <outDir>: writes one Swift file per spec plus GeneratedApis.swift.
let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: BrookProtocolGen <specDir> <outDir>\n".utf8))
    exit(2)
}
let specDirectory = URL(fileURLWithPath: arguments[1])
let outputDirectory = URL(fileURLWithPath: arguments[2])

do {
    let fileManager = FileManager.default
    let specFiles = try fileManager.contentsOfDirectory(atPath: specDirectory.path)
        .filter { $0.hasSuffix(".spec") }
        .sorted()
    var apis: [ApiSpec] = []
    for fileName in specFiles {
        let text = try String(contentsOf: specDirectory.appendingPathComponent(fileName), encoding: .utf8)
        apis.append(try SpecParser(fileName: fileName).parse(text))
    }
    try fileManager.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
    for api in apis {
        let source = MessageEmitter(api: api).emitFile()
        try Data(source.utf8).write(to: outputDirectory.appendingPathComponent("\(api.name).swift"))
    }
    try Data(TableEmitter(apis: apis).emitFile().utf8).write(to: outputDirectory.appendingPathComponent("GeneratedApis.swift"))
    print("BrookProtocolGen: generated \(apis.count) APIs into \(outputDirectory.path)")
} catch {
    FileHandle.standardError.write(Data("BrookProtocolGen: \(error)\n".utf8))
    exit(1)
}

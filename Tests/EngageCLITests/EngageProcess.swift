import EngageTestSupport
import Foundation
import Testing

/// What a run of the `engage` binary left: its exit status and its two streams.
struct Finished {
    var status: Int32
    var out: String
    var err: String
    var lines: [String] { out.split(separator: "\n").map(String.init) }
}

/// The `engage` executable built beside the test bundle (this target depends on it).
let engageBinary: String = {
    let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for dir in [here, here.deletingLastPathComponent()] where FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("engage").path) {
        return dir.appendingPathComponent("engage").path
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/engage").path
}()

/// Runs `engage args…` as a user would: a process of its own, `stdin` as its input (a
/// password when asked for one), and returns when it ends.
func engage(_ args: [String], stdin: String = "", environment extra: [String: String] = [:]) throws -> Finished {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: engageBinary)
    p.arguments = args
    var env = ProcessInfo.processInfo.environment
    env["ENGAGE_DATABASE_URL"] = nil
    env["USER"] = "tester"
    env.merge(extra) { _, new in new }
    p.environment = env
    let input = Pipe(), output = Pipe(), error = Pipe()
    p.standardInput = input
    p.standardOutput = output
    p.standardError = error
    try p.run()
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = error.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Finished(status: p.terminationStatus, out: String(decoding: out, as: UTF8.self), err: String(decoding: err, as: UTF8.self))
}

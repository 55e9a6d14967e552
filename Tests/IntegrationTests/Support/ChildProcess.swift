import Foundation

/// A process started by a test; it is always stopped by pid, also when the test fails.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let name: String
    private let outputURL: URL

    /// Starts `executable` with `arguments`; stdout and stderr go to a temporary log file.
    init(_ executable: String, _ arguments: [String], name: String? = nil) throws {
        self.name = name ?? URL(fileURLWithPath: executable).lastPathComponent
        outputURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("hw-\(self.name)-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: outputURL)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try Self.withSignalsUnblocked { try process.run() }
    }

    /// Runs `body` (the spawn) with no signal blocked on this thread. Swift's runtime threads block
    /// nearly every signal and a spawned child inherits the mask across exec, so without this
    /// SIGTERM and SIGINT never reach the child and `stop` always waits out its grace period.
    private static func withSignalsUnblocked<T>(_ body: () throws -> T) rethrows -> T {
        var all = sigset_t()
        var previous = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_UNBLOCK, &all, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var exitCode: Int32 { process.terminationStatus }

    /// Everything the process printed so far.
    var output: String {
        (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
    }

    func signal(_ signal: Int32) {
        if process.isRunning { kill(pid, signal) }
    }

    /// Waits up to `seconds` for the process to exit; returns whether it did.
    @discardableResult
    func waitForExit(timeout seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return !process.isRunning
    }

    /// SIGTERM, then SIGKILL if it has not exited within `grace` seconds.
    func stop(grace: Double = 5) {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        if !waitForExit(timeout: grace) {
            kill(pid, SIGKILL)
            waitForExit(timeout: 5)
        }
    }

    deinit {
        stop(grace: 1)
        try? FileManager.default.removeItem(at: outputURL)
    }

    /// Runs a tool to completion (bounded by `timeout`) and returns its exit code and output.
    static func run(_ executable: String, _ arguments: [String], timeout: Double = 60) throws -> (code: Int32, output: String) {
        let child = try ChildProcess(executable, arguments)
        if !child.waitForExit(timeout: timeout) {
            child.stop(grace: 2)
            return (-1, child.output + "\n[timed out after \(timeout) s]")
        }
        return (child.exitCode, child.output)
    }
}

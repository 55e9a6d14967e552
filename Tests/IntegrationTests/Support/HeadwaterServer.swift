import Foundation

/// The real `headwater` binary on loopback ports chosen for this test, with its own config and
/// working folder. Stopped (by pid) when released.
final class HeadwaterServer: @unchecked Sendable {
    let rtmpPort: Int
    let directory: URL
    let configPath: String
    let process: ChildProcess

    /// - Parameter vhostBody: directives placed inside `vhost __defaultVhost__ { }`.
    /// - Parameter extra: directives placed at the root of the config.
    init(vhostBody: String = "", extra: String = "") throws {
        rtmpPort = Ports.free()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hw-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        configPath = directory.appendingPathComponent("headwater.conf").path
        let config = """
            listen \(rtmpPort);
            pid \(directory.path)/headwater.pid;
            srs_log_tank console;
            srs_log_level trace;
            \(extra)
            vhost __defaultVhost__ {
                \(vhostBody)
            }
            """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        process = try ChildProcess(Tools.headwaterBinary, ["-c", configPath], name: "headwater")
        let deadline = Date().addingTimeInterval(20)
        while !Ports.isOpen(rtmpPort) {
            guard process.isRunning, Date() < deadline else {
                let log = process.output
                process.stop()
                throw HarnessError("headwater did not start listening on \(rtmpPort):\n\(log)")
            }
            usleep(50_000)
        }
    }

    func url(_ path: String = "live/test") -> String { "rtmp://127.0.0.1:\(rtmpPort)/\(path)" }

    var log: String { process.output }

    deinit {
        process.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

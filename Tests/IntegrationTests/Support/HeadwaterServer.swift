import Foundation

/// The real `headwater` binary on loopback ports chosen for this test, with its own config and
/// working folder. Stopped (by pid) when released.
final class HeadwaterServer: @unchecked Sendable {
    let rtmpPort: Int
    /// The HTTP server's port, when the test asked for one.
    let httpPort: Int?
    let directory: URL
    let configPath: String
    let process: ChildProcess

    /// - Parameter vhostBody: directives placed inside `vhost __defaultVhost__ { }`; `$DIR` is the server's folder.
    /// - Parameter extra: directives placed at the root of the config; `$DIR` as above, `$HTTP_PORT` is the HTTP port.
    /// - Parameter http: whether to run the HTTP server, serving `$DIR/html`.
    /// - Parameter rtmpPort: the RTMP port, to restart a server where another stood; a free one when `nil`.
    /// - Parameter launcher: a command the binary runs under (its arguments follow it; `$DIR` as above), which
    ///   must end by exec'ing them so the process stays the server's, e.g. `unshare` with a mount first.
    init(
        vhostBody: String = "", extra: String = "", http: Bool = false, rtmpPort fixedPort: Int? = nil,
        launcher: [String] = []
    ) throws {
        rtmpPort = fixedPort ?? Ports.free()
        httpPort = http ? Ports.free() : nil
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hw-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        configPath = directory.appendingPathComponent("headwater.conf").path
        let vhostBody = vhostBody.replacingOccurrences(of: "$DIR", with: directory.path)
        var extra = extra.replacingOccurrences(of: "$DIR", with: directory.path)
            .replacingOccurrences(of: "$HTTP_PORT", with: httpPort.map(String.init) ?? "0")
        if let httpPort {
            extra += "\nhttp_server { enabled on; listen 127.0.0.1:\(httpPort); dir \(directory.path)/html; }\n"
        }
        let config = """
            listen \(self.rtmpPort);
            pid \(directory.path)/headwater.pid;
            srs_log_tank console;
            srs_log_level trace;
            \(extra)
            vhost __defaultVhost__ {
                \(vhostBody)
            }
            """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let folder = directory.path
        let command = launcher.map { $0.replacingOccurrences(of: "$DIR", with: folder) }
            + [Tools.headwaterBinary, "-c", configPath]
        process = try ChildProcess(command[0], Array(command.dropFirst()), name: "headwater")
        let deadline = Date().addingTimeInterval(20)
        while !Ports.isOpen(self.rtmpPort) || !(httpPort.map(Ports.isOpen) ?? true) {
            guard process.isRunning, Date() < deadline else {
                let log = process.output
                process.stop()
                throw HarnessError("headwater did not start listening on \(self.rtmpPort):\n\(log)")
            }
            usleep(50_000)
        }
    }

    func url(_ path: String = "live/test") -> String { "rtmp://127.0.0.1:\(rtmpPort)/\(path)" }

    /// `http://127.0.0.1:PORT/path` on the HTTP server.
    func httpURL(_ path: String) -> String { "http://127.0.0.1:\(httpPort ?? 0)/\(path)" }

    var http: HTTPTestClient { HTTPTestClient(port: httpPort ?? 0) }

    /// The folder HLS and DVR write into in these tests (`$DIR/html`).
    var htmlPath: String { directory.appendingPathComponent("html").path }

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

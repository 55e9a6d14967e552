import Foundation

/// nginx with Debian's nginx-rtmp module (`libnginx-mod-rtmp`) as a peer: run as the current user in the
/// foreground on its own temporary prefix and config, with one `live` application on a free loopback port.
/// Stopped (by pid) when released.
final class NginxRTMP: @unchecked Sendable {
    static let binary = "/usr/sbin/nginx"
    static let module = "/usr/lib/nginx/modules/ngx_rtmp_module.so"

    /// Whether nginx and the RTMP module are installed (scripts/setup.sh installs them).
    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: binary) && FileManager.default.fileExists(atPath: module)
    }

    let rtmpPort: Int
    let directory: URL
    let process: ChildProcess

    /// - Parameter application: the RTMP application to serve (`live on`).
    init(application: String = "live") throws {
        guard Self.isAvailable else {
            throw HarnessError("nginx-rtmp is not installed (apt-get install nginx libnginx-mod-rtmp)")
        }
        rtmpPort = Ports.free()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hw-nginx-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.path
        let config = """
            load_module \(Self.module);
            daemon off;
            master_process off;
            worker_processes 1;
            error_log \(path)/error.log info;
            pid \(path)/nginx.pid;
            events { worker_connections 64; }
            rtmp {
                server {
                    listen 127.0.0.1:\(rtmpPort);
                    application \(application) { live on; }
                }
            }
            """
        let configPath = directory.appendingPathComponent("nginx.conf").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        // `-p` keeps every default path (temp folders, the startup error log) inside our folder.
        process = try ChildProcess(
            Self.binary, ["-p", path + "/", "-c", configPath, "-e", path + "/error.log"], name: "nginx-rtmp")
        let deadline = Date().addingTimeInterval(10)
        while !Ports.isOpen(rtmpPort) {
            guard process.isRunning, Date() < deadline else {
                let log = self.log
                process.stop()
                throw HarnessError("nginx did not start listening on \(rtmpPort):\n\(log)")
            }
            usleep(50_000)
        }
    }

    /// `rtmp://127.0.0.1:PORT/path`.
    func url(_ path: String = "live/test") -> String { "rtmp://127.0.0.1:\(rtmpPort)/\(path)" }

    /// What nginx printed and logged.
    var log: String {
        let errorLog = (try? String(contentsOf: directory.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
        return process.output + errorLog
    }

    deinit {
        process.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

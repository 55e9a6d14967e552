import Foundation

/// A tiny HTTP hook server (python3, a child process on a free 127.0.0.1 port) that records every
/// POST as a JSON line and answers like an SRS hook server: `0`, except `{"code":1}` to on_publish
/// and on_play for the stream named `denied` and to on_connect when the tcUrl or param carries
/// `token=bad`; requests to `/hang` are never answered.
final class HookRecorder: @unchecked Sendable {
    struct Call {
        var path: String
        var time: Date
        var body: [String: Any]
        var action: String { body["action"] as? String ?? "" }
        var stream: String { body["stream"] as? String ?? "" }
    }

    let port: Int
    let process: ChildProcess
    private let logPath: String
    private let directory: URL

    private static let script = """
        import json, sys, threading, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        port, log_path = int(sys.argv[1]), sys.argv[2]
        lock = threading.Lock()
        class Hook(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode())
                with lock, open(log_path, "a") as log:
                    log.write(json.dumps({"path": self.path, "time": time.time(), "body": body}) + "\\n")
                if self.path.startswith("/hang"):
                    time.sleep(60)
                    return
                deny = body.get("stream") == "denied" and body.get("action") in ("on_publish", "on_play")
                carried = str(body.get("tcUrl", "")) + str(body.get("param", ""))
                deny = deny or (body.get("action") == "on_connect" and "token=bad" in carried)
                answer = b'{"code":1}' if deny else b"0"
                self.send_response(200)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            def log_message(self, *args):
                pass
        server = ThreadingHTTPServer(("127.0.0.1", port), Hook)
        server.daemon_threads = True
        server.serve_forever()
        """

    init() throws {
        port = Ports.free()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hooks-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let scriptPath = directory.appendingPathComponent("hooks.py").path
        logPath = directory.appendingPathComponent("calls.jsonl").path
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        process = try ChildProcess(Tools.path(of: "python3") ?? "/usr/bin/python3", [scriptPath, "\(port)", logPath], name: "hooks")
        let deadline = Date().addingTimeInterval(10)
        while !Ports.isOpen(port) {
            guard process.isRunning, Date() < deadline else {
                process.stop()
                throw HarnessError("hook server did not start:\n\(process.output)")
            }
            usleep(50_000)
        }
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    var calls: [Call] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let body = object["body"] as? [String: Any]
            else { return nil }
            return Call(
                path: object["path"] as? String ?? "", time: Date(timeIntervalSince1970: object["time"] as? Double ?? 0),
                body: body)
        }
    }

    func calls(_ action: String, stream: String? = nil) -> [Call] {
        calls.filter { $0.action == action && (stream == nil || $0.stream == stream) }
    }

    /// Waits until `count` calls of `action` arrived.
    func waitFor(_ action: String, stream: String? = nil, count: Int = 1, timeout: Double) -> Bool {
        MediaTools.waitFor({ calls(action, stream: stream).count >= count }, timeout: timeout)
    }

    deinit {
        process.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

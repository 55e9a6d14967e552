import Foundation

/// A hook server (python3, a child process on a free 127.0.0.1 port) that answers wrongly, by path:
/// `/nothttp` bytes that are not HTTP; `/huge` a 200 announcing 50 MB and sending 8 MB of it;
/// `/truncated` a 200 whose body stops short of its Content-Length; `/chunked` a broken chunked body.
/// Each request is logged as a line `PATH TIME`.
final class GarbageHookServer: @unchecked Sendable {
    let port: Int
    let process: ChildProcess
    private let directory: URL
    private let logPath: String

    private static let script = """
        import socket, sys, threading, time
        port, log_path = int(sys.argv[1]), sys.argv[2]
        def serve(conn):
            try:
                data = b""
                while b"\\r\\n\\r\\n" not in data:
                    more = conn.recv(65536)
                    if not more:
                        return
                    data += more
                path = data.split(b" ")[1].decode()
                with open(log_path, "a") as log:
                    log.write("%s %f\\n" % (path, time.time()))
                if path.startswith("/nothttp"):
                    conn.sendall(b"\\x00\\xffSSH-2.0-garbage\\r\\n\\r\\nnot http at all\\r\\n")
                elif path.startswith("/huge"):
                    conn.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 50000000\\r\\n\\r\\n")
                    block = b"0" * 65536
                    for _ in range(128):
                        conn.sendall(block)
                elif path.startswith("/truncated"):
                    conn.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 10\\r\\n\\r\\n0")
                elif path.startswith("/chunked"):
                    conn.sendall(b"HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n0\\r\\n\\r\\n")
                time.sleep(0.2)
            except OSError:
                pass
            finally:
                conn.close()
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()
        """

    init() throws {
        port = Ports.free()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("garbage-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let scriptPath = directory.appendingPathComponent("garbage.py").path
        logPath = directory.appendingPathComponent("requests.log").path
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        process = try ChildProcess(Tools.path(of: "python3") ?? "/usr/bin/python3", [scriptPath, "\(port)", logPath], name: "garbage-hooks")
        let deadline = Date().addingTimeInterval(10)
        while !Ports.isOpen(port) {
            guard process.isRunning, Date() < deadline else {
                process.stop()
                throw HarnessError("garbage hook server did not start:\n\(process.output)")
            }
            usleep(50_000)
        }
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// The paths requested so far.
    var requests: [String] {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            $0.split(separator: " ").first.map(String.init)
        }
    }

    deinit {
        process.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

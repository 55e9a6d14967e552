import Foundation

/// Talks to the HTTP API over raw loopback sockets: JSON answers, request bodies, Basic credentials,
/// and deliberately broken requests (huge headers, requests never finished).
struct APITestClient {
    let port: Int
    var credentials: (user: String, password: String)?

    /// Sends `method path` with an optional body and returns the status and the parsed JSON object.
    func json(
        _ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:]
    ) throws -> (status: Int, headers: [String: String], object: [String: Any]) {
        let response = try send(method, path, body: body, headers: headers)
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw HarnessError("\(method) \(path): \(response.status) without a JSON object: \(response.text)")
        }
        return (response.status, response.headers, object)
    }

    func send(
        _ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:]
    ) throws -> HTTPTestClient.Response {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let credentials {
            let token = Data("\(credentials.user):\(credentials.password)".utf8).base64EncodedString()
            head += "Authorization: Basic \(token)\r\n"
        }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        head += "\r\n" + (body ?? "")
        return try HTTPTestClient.parse(try exchange(Array(head.utf8)), method: method)
    }

    /// Writes `bytes` on a fresh connection and reads until the server closes it (or `timeout`).
    func exchange(_ bytes: [UInt8], timeout: Int = 10) throws -> [UInt8] {
        let fd = try connectSocket(timeout: timeout)
        defer { close(fd) }
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while received.count < 16 << 20 {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            received += chunk[..<count]
        }
        return received
    }

    /// An open connection the caller writes to (and must close).
    func connectSocket(timeout: Int = 10) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket failed") }
        var time = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            close(fd)
            throw HarnessError("connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
        return fd
    }

    /// Polls `GET path` until `condition` holds for its JSON, or `timeout` passes; returns the last answer.
    @discardableResult
    func waitFor(
        _ path: String, timeout: Double, _ condition: ([String: Any]) -> Bool
    ) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String: Any]?
        while Date() < deadline {
            if let answer = try? json("GET", path).object {
                last = answer
                if condition(answer) { return answer }
            }
            usleep(200_000)
        }
        return last
    }
}

extension HeadwaterServer {
    /// A server whose HTTP API listens on `apiPort`; with `sharePort`, the HTTP file server shares it.
    static func withAPI(
        apiPort: Int, sharePort: Bool, auth: (String, String)? = nil, vhostBody: String = ""
    ) throws -> HeadwaterServer {
        var extra = "http_api {\n    enabled on;\n    listen 127.0.0.1:\(apiPort);\n"
        if let auth { extra += "    auth { enabled on; username \(auth.0); password \(auth.1); }\n" }
        extra += "}\n"
        if sharePort { extra += "http_server { enabled on; listen 127.0.0.1:\(apiPort); dir $DIR/html; }\n" }
        let server = try HeadwaterServer(vhostBody: vhostBody, extra: extra, http: !sharePort)
        let deadline = Date().addingTimeInterval(10)
        while !Ports.isOpen(apiPort) {
            guard Date() < deadline else { throw HarnessError("the API did not listen on \(apiPort):\n\(server.log)") }
            usleep(50_000)
        }
        return server
    }
}

extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func objects(_ key: String) -> [[String: Any]]? { self[key] as? [[String: Any]] }
    func int(_ key: String) -> Int? { (self[key] as? NSNumber)?.intValue }
    func string(_ key: String) -> String? { self[key] as? String }
    func bool(_ key: String) -> Bool? { (self[key] as? NSNumber)?.boolValue }
}

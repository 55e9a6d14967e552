import Foundation

/// A blocking TCP connection to 127.0.0.1 for tests that need byte-level control (slow clients,
/// many concurrent readers). Closed when released.
final class RawSocket: @unchecked Sendable {
    let fd: Int32

    /// - Parameter receiveBufferSize: SO_RCVBUF set before connecting (a small TCP window for a slow reader).
    init(port: Int, timeout: Double = 10, receiveBufferSize: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket failed") }
        if var size = receiveBufferSize {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
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
    }

    /// Sends all of `text`; returns false when the peer is gone.
    @discardableResult
    func send(_ text: String) -> Bool {
        send(Array(text.utf8))
    }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0, errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// Reads until `count` bytes arrived, the peer closed, or the receive timeout passed.
    /// - Returns: the bytes and whether the peer closed the connection.
    func read(upTo count: Int) -> (bytes: [UInt8], closed: Bool) {
        var received: [UInt8] = []
        received.reserveCapacity(count)
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while received.count < count {
            let result = recv(fd, &chunk, min(chunk.count, count - received.count), 0)
            if result < 0, errno == EINTR { continue }
            if result == 0 { return (received, true) }
            if result < 0 { return (received, errno == ECONNRESET) }
            received += chunk[..<result]
        }
        return (received, false)
    }

    deinit { close(fd) }
}

/// An HTTP-FLV response parsed from raw bytes: status, headers, and the complete FLV tags of its body.
struct FLVResponse {
    struct Tag: Equatable {
        var type: UInt8
        var timestamp: UInt32
        /// The whole tag: header, body and PreviousTagSize.
        var bytes: ArraySlice<UInt8>

        var isKeyframe: Bool { type == 9 && bytes.count > 12 && bytes[bytes.startIndex + 11] >> 4 == 1 && bytes[bytes.startIndex + 12] == 1 }
    }

    var status: Int
    var headers: [String: String]
    var hasAudio = false
    var hasVideo = false
    var tags: [Tag] = []

    init(_ raw: [UInt8]) throws {
        let response = try HTTPTestClient.parse(raw, method: "GET")
        status = response.status
        headers = response.headers
        let body = response.body
        guard status == 200 else { return }
        guard body.count >= 13, body[0] == 0x46, body[1] == 0x4C, body[2] == 0x56 else {
            throw HarnessError("body is not FLV: \(body.prefix(16))")
        }
        hasAudio = body[4] & 0x04 != 0
        hasVideo = body[4] & 0x01 != 0
        var offset = 13
        while offset + 11 <= body.count {
            let size = Int(body[offset + 1]) << 16 | Int(body[offset + 2]) << 8 | Int(body[offset + 3])
            let end = offset + 11 + size + 4
            guard end <= body.count else { break }
            let timestamp = UInt32(body[offset + 7]) << 24 | UInt32(body[offset + 4]) << 16 | UInt32(body[offset + 5]) << 8
                | UInt32(body[offset + 6])
            let previous = Int(body[end - 4]) << 24 | Int(body[end - 3]) << 16 | Int(body[end - 2]) << 8 | Int(body[end - 1])
            guard previous == 11 + size else { throw HarnessError("PreviousTagSize \(previous) after a tag of \(11 + size)") }
            tags.append(Tag(type: body[offset], timestamp: timestamp, bytes: body[offset..<end]))
            offset = end
        }
    }
}

import NIOCore
import Testing

@testable import RTMP

/// The bytes of a `.send`, or `nil` for any other action.
private func sentBytes(_ action: RTMPHandshakeStateMachine.Action?) -> ByteBuffer? {
    if case .send(let bytes) = action { return bytes }
    return nil
}

private func leftover(_ action: RTMPHandshakeStateMachine.Action?) -> ByteBuffer? {
    if case .complete(let bytes) = action { return bytes }
    return nil
}

private func failure(_ action: RTMPHandshakeStateMachine.Action?) -> RTMPHandshakeError? {
    if case .fail(let error) = action { return error }
    return nil
}

private func packet(_ buffer: ByteBuffer, at offset: Int) -> [UInt8] {
    buffer.getBytes(at: buffer.readerIndex + offset, length: RTMPHandshakeDigest.packetLength)!
}

/// Splits a buffer into pieces of `size` bytes.
private func pieces(_ buffer: ByteBuffer, size: Int) -> [ByteBuffer] {
    var buffer = buffer
    var result: [ByteBuffer] = []
    while buffer.readableBytes > 0 {
        result.append(buffer.readSlice(length: min(size, buffer.readableBytes))!)
    }
    return result
}

/// Feeds `input` in pieces and collects every action. As the handler does, pieces that arrive
/// after completion are appended to the leftover instead of being fed to the machine.
private func feed(
    _ machine: inout RTMPHandshakeStateMachine, _ input: ByteBuffer, pieceSize: Int
)
    -> [RTMPHandshakeStateMachine.Action]
{
    var actions: [RTMPHandshakeStateMachine.Action] = []
    var completedWith: ByteBuffer?
    for var piece in pieces(input, size: pieceSize) {
        if completedWith != nil {
            completedWith!.writeBuffer(&piece)
            continue
        }
        for action in machine.receive(piece) {
            if case .complete(let rest) = action {
                completedWith = rest
            } else {
                actions.append(action)
            }
        }
    }
    if let completedWith {
        actions.append(.complete(leftover: completedWith))
    }
    return actions
}

@Suite("RTMP handshake state machine")
struct RTMPHandshakeStateMachineTests {
    static let modes: [RTMPHandshakeMode] = [.simple, .digest(.keyThenDigest), .digest(.digestThenKey)]

    @Test("client and server complete against each other", arguments: modes, [1, 7, 5000])
    func clientAgainstServer(mode: RTMPHandshakeMode, pieceSize: Int) throws {
        var client = RTMPHandshakeStateMachine(role: .client, configuration: .init(clientMode: mode))
        var server = RTMPHandshakeStateMachine(role: .server)
        #expect(server.start() == nil)

        let c0c1 = try #require(sentBytes(client.start()))
        #expect(c0c1.readableBytes == 1537)
        let serverActions = feed(&server, c0c1, pieceSize: pieceSize)
        #expect(serverActions.count == 1)
        let s0s1s2 = try #require(sentBytes(serverActions.first))
        #expect(s0s1s2.readableBytes == 3073)
        #expect(server.negotiatedMode == mode)

        var fromServer = s0s1s2
        fromServer.writeString("chunks from the server")
        let clientActions = feed(&client, fromServer, pieceSize: pieceSize)
        #expect(clientActions.count == 2)
        let c2 = try #require(sentBytes(clientActions.first))
        #expect(c2.readableBytes == 1536)
        #expect(leftover(clientActions.last) == ByteBuffer(string: "chunks from the server"))
        #expect(client.negotiatedMode == mode)
        #expect(client.peerResponseVerified)

        var fromClient = c2
        fromClient.writeString("connect")
        let finalActions = feed(&server, fromClient, pieceSize: pieceSize)
        #expect(finalActions.count == 1)
        #expect(leftover(finalActions.first) == ByteBuffer(string: "connect"))
        #expect(server.peerResponseVerified)
        #expect(server.receive(ByteBuffer(string: "late")).isEmpty)
    }

    @Test("random handshake bytes are as many as asked for and differ from call to call")
    func randomBytes() {
        let first = RTMPHandshakeDigest.randomBytes(count: 1536)
        let second = RTMPHandshakeDigest.randomBytes(count: 1536)
        #expect(first.count == 1536)
        #expect(first != second)
        // Not a constant fill: a fair generator gives at least 200 distinct byte values in 1,536.
        #expect(Set(first).count > 200)
        // Consecutive packets take different stretches of the generator's stream: no shared 8-byte run.
        let firstRuns = Set(stride(from: 0, to: 1536 - 8, by: 1).map { first[$0..<($0 + 8)] })
        #expect(!stride(from: 0, to: 1536 - 8, by: 1).contains { firstRuns.contains(second[$0..<($0 + 8)]) })
        #expect(RTMPHandshakeDigest.randomBytes(count: 0).isEmpty)
        #expect(RTMPHandshakeDigest.randomBytes(count: 5).count == 5)
    }

    @Test("a digest C1 carries the client digest in the schema asked for", arguments: RTMPHandshakeSchema.allCases)
    func clientDigestSchema(schema: RTMPHandshakeSchema) throws {
        var client = RTMPHandshakeStateMachine(role: .client, configuration: .init(clientMode: .digest(schema)))
        let c0c1 = try #require(sentBytes(client.start()))
        #expect(c0c1.getInteger(at: 0, as: UInt8.self) == 3)
        let c1 = packet(c0c1, at: 1)
        #expect(c1[4..<8] == [0x09, 0x00, 0x7C, 0x02])
        let found = try #require(RTMPHandshakeDigest.findDigest(in: c1, key: RTMPHandshakeDigest.clientDigestKey))
        #expect(found.schema == schema)
    }

    @Test("server answers ffmpeg's captured C1 with a digest S1 and an S2 ffmpeg can verify")
    func ffmpegC1() throws {
        let c0c1 = try WireFixture.load("Handshake/ffmpeg-c0c1.bin")
        var server = RTMPHandshakeStateMachine(role: .server)
        let actions = server.receive(c0c1)
        let reply = try #require(sentBytes(actions.first))
        #expect(actions.count == 1)
        #expect(server.negotiatedMode == .digest(.digestThenKey))
        #expect(reply.getInteger(at: reply.readerIndex, as: UInt8.self) == 3)

        // Offsets computed independently (python hmac) for this capture: the client digest sits
        // at 494 (schema 1).
        let c1 = packet(c0c1, at: 1)
        let clientDigest = Array(c1[494..<526])
        let s1 = packet(reply, at: 1)
        let s2 = packet(reply, at: 1 + 1536)
        #expect(s1[4] >= 3, "ffmpeg only checks S1 digests of servers with major version >= 3")
        let serverDigest = try #require(
            RTMPHandshakeDigest.findDigest(
                in: s1, key: HMACSHA256(key: Array("Genuine Adobe Flash Media Server 001".utf8))))
        #expect(serverDigest.schema == .digestThenKey)

        let fmsKey =
            Array("Genuine Adobe Flash Media Server 001".utf8) + [
                0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
                0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
            ]
        #expect(fmsKey.count == 68)
        let signingKey = HMACSHA256(key: fmsKey).authenticationCode(of: clientDigest)
        let signature = HMACSHA256(key: signingKey).authenticationCode(of: Array(s2[0..<1504]))
        #expect(signature[...] == s2[1504...])

        // ffmpeg publishing echoes S1 as C2.
        var c2 = ByteBuffer(bytes: s1)
        c2.writeBytes([0x03, 0x00])
        let done = server.receive(c2)
        #expect(leftover(done.first) == ByteBuffer(bytes: [0x03, 0x00]))
        #expect(server.peerResponseVerified)
    }

    @Test("server accepts rtmpdump's digest C1 (schema 1) and its simple C1")
    func rtmpdumpC1() throws {
        var digestServer = RTMPHandshakeStateMachine(role: .server)
        let digestC0C1 = try WireFixture.load("Handshake/rtmpdump-digest-c0c1.bin")
        #expect(sentBytes(digestServer.receive(digestC0C1).first) != nil)
        #expect(digestServer.negotiatedMode == .digest(.digestThenKey))

        var simpleServer = RTMPHandshakeStateMachine(role: .server)
        let simpleC0C1 = try WireFixture.load("Handshake/rtmpdump-simple-c0c1.bin")
        let reply = try #require(sentBytes(simpleServer.receive(simpleC0C1).first))
        #expect(simpleServer.negotiatedMode == .simple)
        // Simple handshake: S1 has a zero version and S2 echoes C1.
        #expect(packet(reply, at: 1)[4..<8] == [0, 0, 0, 0])
        #expect(packet(reply, at: 1537) == packet(simpleC0C1, at: 1))
    }

    @Test("server falls back to simple when a versioned C1 has no valid digest")
    func versionedC1WithoutDigest() throws {
        var c1 = try WireFixture.bytes("Handshake/ffmpeg-c0c1.bin")
        c1[1 + 494] ^= 0xFF  // break the digest, keep the version field
        var server = RTMPHandshakeStateMachine(role: .server)
        let reply = try #require(sentBytes(server.receive(ByteBuffer(bytes: c1)).first))
        #expect(server.negotiatedMode == .simple)
        #expect(packet(reply, at: 1537)[...] == c1[1...])
    }

    @Test("server ignores a C2 that proves nothing")
    func randomC2() throws {
        var server = RTMPHandshakeStateMachine(role: .server)
        _ = server.receive(try WireFixture.load("Handshake/ffmpeg-c0c1.bin"))
        let done = server.receive(ByteBuffer(repeating: 0xAB, count: 1536))
        #expect(leftover(done.first)?.readableBytes == 0)
        #expect(!server.peerResponseVerified)
    }

    static let badFirstBytes: [([UInt8], UInt8)] = [
        (Array("GET / HTTP/1.1\r\n".utf8), 0x47),
        ([0x06, 0x00, 0x00, 0x00], 6),
        ([0x00, 0x00], 0),
        ([0xFF], 0xFF),
    ]

    @Test("server rejects a first byte that is not version 3", arguments: badFirstBytes)
    func badVersion(input: [UInt8], version: UInt8) {
        var server = RTMPHandshakeStateMachine(role: .server)
        let actions = server.receive(ByteBuffer(bytes: input))
        #expect(actions.count == 1)
        #expect(failure(actions.first) == .unsupportedVersion(version))
        #expect(server.receive(ByteBuffer(bytes: [3])).isEmpty)
    }

    @Test("a partial C0+C1 waits for more bytes")
    func partial() {
        var server = RTMPHandshakeStateMachine(role: .server)
        #expect(server.receive(ByteBuffer(bytes: [3])).isEmpty)
        #expect(server.receive(ByteBuffer(repeating: 1, count: 1535)).isEmpty)
        #expect(sentBytes(server.receive(ByteBuffer(bytes: [1])).first) != nil)
    }

    @Test("client accepts a simple server and echoes its S1")
    func clientAgainstSimpleServer() throws {
        var client = RTMPHandshakeStateMachine(role: .client)
        let c0c1 = try #require(sentBytes(client.start()))
        #expect(client.start() == nil)
        var s1 = [UInt8](repeating: 0, count: 8) + RTMPHandshakeDigest.randomBytes(count: 1528)
        s1[0] = 7
        var reply = ByteBuffer(bytes: [3] + s1)
        reply.writeBytes(packet(c0c1, at: 1))
        let actions = client.receive(reply)
        #expect(client.negotiatedMode == .simple)
        #expect(packet(try #require(sentBytes(actions.first)), at: 0) == s1)
        #expect(leftover(actions.last)?.readableBytes == 0)
        #expect(client.peerResponseVerified)
    }

    @Test("client rejects a bad S0")
    func clientBadVersion() {
        var client = RTMPHandshakeStateMachine(role: .client)
        _ = client.start()
        #expect(failure(client.receive(ByteBuffer(bytes: [0x48])).first) == .unsupportedVersion(0x48))
    }
}

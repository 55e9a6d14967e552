public import NIOCore

/// The RTMP handshake (RTMP 1.0 §5.2) as a pure state machine, for either end of a connection.
///
/// Feed it received bytes with ``receive(_:)`` and execute the returned actions in order. A
/// server accepts both the simple handshake and the Flash Player 9 digest handshake in either
/// schema, falling back to simple when C1 carries no valid digest. A client sends a digest or a
/// simple C1 (``start()``) and accepts any S1: it answers a valid server digest with a signed
/// C2 and anything else with an echo.
public struct RTMPHandshakeStateMachine: Sendable {
    /// Which end of the connection this machine plays.
    public enum Role: Sendable, Hashable {
        case server
        case client
    }

    /// What the owner of the machine must do next.
    public enum Action: Sendable {
        /// Write these bytes to the peer.
        case send(ByteBuffer)
        /// The handshake is done; the bytes are what the peer sent after it (possibly empty)
        /// and belong to the chunk stream.
        case complete(leftover: ByteBuffer)
        /// The peer is not speaking RTMP; close the connection.
        case fail(RTMPHandshakeError)
    }

    /// Versions and the client's flavour.
    public struct Configuration: Sendable, Hashable {
        /// The handshake the client offers in C1.
        public var clientMode: RTMPHandshakeMode
        /// The Flash Player version a client puts in a digest C1.
        public var clientVersion: UInt32
        /// The server version a server puts in a digest S1. ffmpeg only checks S1 digests
        /// from servers whose major version is at least 3.
        public var serverVersion: UInt32

        /// - Parameters:
        ///   - clientMode: The client's C1 flavour; schema 1 is what ffmpeg and librtmp send.
        ///   - clientVersion: Flash Player 9.0.124.2, the player version ffmpeg announces.
        ///   - serverVersion: FMS 3.5.1.1.
        public init(
            clientMode: RTMPHandshakeMode = .digest(.digestThenKey),
            clientVersion: UInt32 = 0x0900_7C02,
            serverVersion: UInt32 = 0x0305_0101
        ) {
            self.clientMode = clientMode
            self.clientVersion = clientVersion
            self.serverVersion = serverVersion
        }
    }

    private enum State: Sendable {
        case clientIdle
        case awaitingVersionAndPacket
        case awaitingResponse
        case complete
        case failed
    }

    /// The end this machine plays.
    public let role: Role
    /// The handshake in use, known once C1 (server) or S1 (client) has been read.
    public private(set) var negotiatedMode: RTMPHandshakeMode?
    /// Whether the peer's C2 (server) or S2 (client) proved it read our S1/C1, by a valid
    /// signature or an exact echo. Informational only: many peers send neither, and the
    /// handshake completes regardless.
    public private(set) var peerResponseVerified = false

    private let configuration: Configuration
    private var state: State
    private var received = ByteBuffer()
    /// Our C1/S1 and its digest, kept until the peer's C2/S2 has been checked.
    private var ownPacket: [UInt8] = []
    private var ownDigest: [UInt8]?

    /// - Parameters:
    ///   - role: Server or client.
    ///   - configuration: Versions and the client's C1 flavour.
    public init(role: Role, configuration: Configuration = Configuration()) {
        self.role = role
        self.configuration = configuration
        self.state = role == .server ? .awaitingVersionAndPacket : .clientIdle
    }

    /// Starts the handshake. A client must call this once, before ``receive(_:)``.
    ///
    /// - Returns: `.send(C0 + C1)` for a client, `nil` for a server (which speaks second).
    public mutating func start() -> Action? {
        guard case .clientIdle = self.state else { return nil }
        var c1 = RTMPHandshakeDigest.makePacket(version: 0)
        if case .digest(let schema) = self.configuration.clientMode {
            c1 = RTMPHandshakeDigest.makePacket(version: self.configuration.clientVersion)
            self.ownDigest = RTMPHandshakeDigest.imprintDigest(
                into: &c1, schema: schema, key: RTMPHandshakeDigest.clientDigestKey)
        }
        self.ownPacket = c1
        self.state = .awaitingVersionAndPacket
        var out = ByteBuffer()
        out.reserveCapacity(1 + RTMPHandshakeDigest.packetLength)
        out.writeInteger(RTMPHandshakeDigest.rtmpVersion)
        out.writeBytes(c1)
        return .send(out)
    }

    /// Consumes bytes from the peer.
    ///
    /// - Parameter bytes: Whatever arrived; partial packets are buffered.
    /// - Returns: The actions to execute, in order; empty while more bytes are needed.
    ///   `.complete` and `.fail` are always last, and nothing follows them.
    public mutating func receive(_ bytes: ByteBuffer) -> [Action] {
        switch self.state {
        case .complete, .failed:
            return []
        case .clientIdle:
            preconditionFailure("RTMPHandshakeStateMachine: a client must call start() before receive(_:)")
        case .awaitingVersionAndPacket, .awaitingResponse:
            break
        }
        if self.received.readableBytes == 0 {
            self.received = bytes
        } else {
            var bytes = bytes
            self.received.writeBuffer(&bytes)
        }

        var actions: [Action] = []
        while let action = self.step() {
            actions.append(action)
            switch action {
            case .send: continue
            case .complete, .fail: return actions
            }
        }
        return actions
    }

    /// Advances by one packet if enough bytes are buffered.
    private mutating func step() -> Action? {
        switch self.state {
        case .awaitingVersionAndPacket:
            // Reject a wrong C0/S0 at once: an HTTP request or a port scan sends no C1.
            guard let version = self.received.getInteger(at: self.received.readerIndex, as: UInt8.self) else {
                return nil
            }
            guard version == RTMPHandshakeDigest.rtmpVersion else {
                self.state = .failed
                self.received = ByteBuffer()
                return .fail(.unsupportedVersion(version))
            }
            guard self.received.readableBytes >= 1 + RTMPHandshakeDigest.packetLength else { return nil }
            self.received.moveReaderIndex(forwardBy: 1)
            let packet = self.received.readBytes(length: RTMPHandshakeDigest.packetLength)!
            self.state = .awaitingResponse
            switch self.role {
            case .server: return .send(self.respond(toC1: packet))
            case .client: return .send(self.respond(toS1: packet))
            }
        case .awaitingResponse:
            guard let packet = self.received.readBytes(length: RTMPHandshakeDigest.packetLength) else { return nil }
            self.peerResponseVerified = self.verifyResponse(packet)
            self.ownPacket = []
            self.state = .complete
            let leftover = self.received
            self.received = ByteBuffer()
            return .complete(leftover: leftover)
        case .clientIdle, .complete, .failed:
            return nil
        }
    }

    /// S0 + S1 + S2 for a client's C1.
    private mutating func respond(toC1 c1: [UInt8]) -> ByteBuffer {
        let s1: [UInt8]
        let s2: [UInt8]
        if RTMPHandshakeDigest.hasVersion(c1),
            let (schema, clientDigest) = RTMPHandshakeDigest.findDigest(
                in: c1, key: RTMPHandshakeDigest.clientDigestKey)
        {
            self.negotiatedMode = .digest(schema)
            var packet = RTMPHandshakeDigest.makePacket(version: self.configuration.serverVersion)
            self.ownDigest = RTMPHandshakeDigest.imprintDigest(
                into: &packet, schema: schema, key: RTMPHandshakeDigest.serverDigestKey)
            s1 = packet
            s2 = RTMPHandshakeDigest.makeSignedResponse(
                peerDigest: clientDigest, signingKey: RTMPHandshakeDigest.serverSigningKey)
        } else {
            self.negotiatedMode = .simple
            s1 = RTMPHandshakeDigest.makePacket(version: 0)
            s2 = c1
        }
        self.ownPacket = s1
        var out = ByteBuffer()
        out.reserveCapacity(1 + 2 * RTMPHandshakeDigest.packetLength)
        out.writeInteger(RTMPHandshakeDigest.rtmpVersion)
        out.writeBytes(s1)
        out.writeBytes(s2)
        return out
    }

    /// C2 for a server's S1: signed when S1 carries a valid server digest, an echo otherwise.
    private mutating func respond(toS1 s1: [UInt8]) -> ByteBuffer {
        let c2: [UInt8]
        if RTMPHandshakeDigest.hasVersion(s1),
            let (schema, serverDigest) = RTMPHandshakeDigest.findDigest(
                in: s1, key: RTMPHandshakeDigest.serverDigestKey)
        {
            self.negotiatedMode = .digest(schema)
            c2 = RTMPHandshakeDigest.makeSignedResponse(
                peerDigest: serverDigest, signingKey: RTMPHandshakeDigest.clientSigningKey)
        } else {
            self.negotiatedMode = .simple
            c2 = s1
        }
        var out = ByteBuffer()
        out.reserveCapacity(RTMPHandshakeDigest.packetLength)
        out.writeBytes(c2)
        return out
    }

    /// Whether the peer's C2/S2 is signed for our digest or echoes our packet.
    private func verifyResponse(_ packet: [UInt8]) -> Bool {
        if let ownDigest = self.ownDigest {
            let signingKey =
                self.role == .server ? RTMPHandshakeDigest.clientSigningKey : RTMPHandshakeDigest.serverSigningKey
            if RTMPHandshakeDigest.isSignedResponse(packet, ownDigest: ownDigest, signingKey: signingKey) {
                return true
            }
        }
        return RTMPHandshakeDigest.isEcho(packet, of: self.ownPacket)
    }
}

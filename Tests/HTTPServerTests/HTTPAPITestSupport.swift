import Config
import Foundation
import Hummingbird
import HummingbirdTesting
import Live
import Media
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Sessions
import Testing

@testable import HTTPServer

/// A hub, a client registry and the API over them, with helpers to publish the tiny sample and to
/// register clients the way the RTMP and HTTP-FLV connections do.
final class APIFixture: Sendable {
    static let vhost = "__defaultVhost__"
    static let key = StreamKey(vhost: vhost, app: "live", stream: "s")

    let streams = StreamRegistry()
    let clients = ClientRegistry(maxConnections: 100)
    let sampler = TrafficSampler()
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let api: HTTPAPI
    /// Ids of the clients whose kick closure ran.
    let kicked = NIOLockedValueBox<[UInt64]>([])
    var kickedIDs: [UInt64] { kicked.withLockedValue { $0 } }

    init(upstreams: any StreamUpstreams = NoUpstreams()) {
        api = HTTPAPI(
            identity: HTTPAPIIdentity(server: "test-server", service: "svc12345", pid: 4242, version: "1.2.3"),
            streams: streams, clients: clients, sampler: sampler, upstreams: upstreams
        ) {
            [HTTPAPIVhost(name: APIFixture.vhost, enabled: true, hlsFragment: 2.5)]
        }
    }

    deinit {
        try? group.syncShutdownGracefully()
    }

    /// The API in front of the file fallback, as `Application` wires it on the shared port.
    func application(
        _ configuration: HTTPAPIConfiguration = APIFixture.configuration(), root: TemporaryRoot,
        crossdomain: Bool = false, apiHasOwnCORS: Bool = false
    ) -> some ApplicationProtocol {
        makeTestApplication(root: root, crossdomain: crossdomain, apiHasOwnCORS: apiHasOwnCORS) { router in
            self.api.install(on: router, configuration: configuration)
        }
    }

    static func configuration(crossdomain: Bool = false, auth: (String, String)? = nil) -> HTTPAPIConfiguration {
        var configuration = HTTPAPIConfiguration()
        configuration.enabled = true
        configuration.crossdomain = crossdomain
        if let auth {
            configuration.auth.enabled = true
            configuration.auth.username = auth.0
            configuration.auth.password = auth.1
        }
        return configuration
    }

    /// Registers a client; its kick closure records the id.
    @discardableResult
    func register(_ kind: ClientKind, stream: String = "s", tcUrl: String = "rtmp://127.0.0.1/live") throws
        -> ClientSession
    {
        let box = NIOLockedValueBox<UInt64?>(nil)
        let kicked = self.kicked
        let kick: @Sendable () -> Void = {
            if let id = box.withLockedValue({ $0 }) { kicked.withLockedValue { $0.append(id) } }
        }
        let info = ClientInfo(kind: kind, ip: "127.0.0.1", vhost: Self.vhost, app: "live", stream: stream, tcUrl: tcUrl)
        let registered = clients.register(info, kick: kick)
        let session = try #require(registered)
        box.withLockedValue { $0 = session.id }
        return session
    }

    /// Publishes every tag of the tiny H.264/AAC sample into `key`.
    func publishSample(clientID: UInt64?, key: StreamKey = APIFixture.key) async throws -> LivePublishSession {
        let loop = group.next()
        let session = try await streams.publish(
            key, configuration: LiveStreamConfiguration(), on: loop, clientID: clientID
        ).get()
        let packets = try Self.samplePackets()
        try await loop.submit {
            for packet in packets { session.append(packet) }
            session.flush()
        }.get()
        return session
    }

    static func samplePackets() throws -> [MediaPacket] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("MediaTests/Fixtures/tiny-h264-aac.flv")
        var buffer = ByteBuffer(bytes: try Data(contentsOf: url))
        buffer.moveReaderIndex(forwardBy: 13)
        var packets: [MediaPacket] = []
        while let tag = try buffer.readFLVTag() {
            packets.append(
                MediaPacket(
                    kind: tag.kind, timestamp: Int64(tag.timestamp),
                    flags: MediaPacket.Flags.classify(kind: tag.kind, payload: tag.data), payload: tag.data))
        }
        return packets
    }
}

/// A JSON answer as a dictionary.
func jsonObject(_ response: TestResponse) throws -> [String: Any] {
    #expect(response.headers[.contentType] == "application/json")
    let data = Data(response.body.readableBytesView)
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(String(buffer: response.body))")
}

extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func objects(_ key: String) -> [[String: Any]]? { self[key] as? [[String: Any]] }
    func int(_ key: String) -> Int? { (self[key] as? NSNumber)?.intValue }
    func string(_ key: String) -> String? { self[key] as? String }
    func bool(_ key: String) -> Bool? { (self[key] as? NSNumber)?.boolValue }
}

/// A player of the hub that ignores what it gets: keeps a stream alive with nobody publishing.
final class IdleConsumer: LiveConsumer {
    let eventLoop: any EventLoop
    var format: LiveFormat? { nil }

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func liveStream(didReceive event: LiveEvent) {}
    func liveStreamDidFinishBatch() {}
}

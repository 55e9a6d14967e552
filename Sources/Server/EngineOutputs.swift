import Config
import Edge
import HLS
import Ingest
import Live
import Logging
import Media
import NIOCore
import RTMP
import Sessions
import Transcode

/// Where transcode and ingest engines publish (`TranscodeOutputs`): an RTMP URL on one of this server's
/// own ports goes straight into the local hub, with no socket and no RTMP; any other URL is pushed with
/// the edge's RTMP client, reconnecting with backoff.
final class EngineOutputs: TranscodeOutputs {
    private let registry: StreamRegistry
    private let group: any EventLoopGroup
    private let logger: Logger
    /// The RTMP ports this server listens on.
    private let ports: Set<Int>
    private let settings: @Sendable () -> RTMPServerSettings

    init(
        registry: StreamRegistry, group: any EventLoopGroup, ports: Set<Int>, logger: Logger,
        settings: @escaping @Sendable () -> RTMPServerSettings
    ) {
        self.registry = registry
        self.group = group
        self.ports = ports
        self.logger = logger
        self.settings = settings
    }

    func nextEventLoop() -> any EventLoop { group.next() }

    func localKey(for url: String) -> StreamKey? {
        guard let request = Self.request(url), isLocal(request) else { return nil }
        return StreamKey(vhost: settings().resolvedVhostName(request.vhost), app: request.app, stream: request.stream)
    }

    func publish(url: String, on eventLoop: any EventLoop) -> EventLoopFuture<TranscodeOutputPublisher> {
        guard let request = Self.request(url), !request.stream.isEmpty else {
            return eventLoop.makeFailedFuture(
                LibAVError(operation: "output \(url)", message: "not an RTMP URL with an app and a stream"))
        }
        if isLocal(request) {
            let settings = self.settings()
            let vhost = settings.resolvedVhostName(request.vhost)
            let key = StreamKey(vhost: vhost, app: request.app, stream: request.stream)
            var live = settings.vhosts[vhost]?.live ?? LiveStreamConfiguration()
            // The engine's timestamps are already the source's stream clock; keeping them as they are is
            // what lines up the segments of every rendition.
            live.timeJitter = .off
            return registry.publish(key, configuration: live, on: eventLoop).map {
                TranscodeOutputPublisher(publisher: $0, localKey: key)
            }
        }
        let key = StreamKey(vhost: request.vhost, app: request.app, stream: request.stream)
        let target = RTMPPushClient.Target(
            role: .forward, key: key, servers: [UpstreamAddress(host: request.host, port: request.port)],
            param: request.queryItems.isEmpty ? "" : "?" + request.query)
        let logger = self.logger
        return eventLoop.submit {
            let client = RTMPPushClient(target: target, on: eventLoop, logger: logger)
            client.start()
            return TranscodeOutputPublisher(publisher: PushedOutput(client: client), localKey: nil)
        }
    }

    private func isLocal(_ request: RTMPStreamRequest) -> Bool {
        let host = request.host
        let loopback = host == "localhost" || host == "::1" || host == "0.0.0.0" || host.hasPrefix("127.")
        return loopback && ports.contains(request.port)
    }

    private static func request(_ url: String) -> RTMPStreamRequest? {
        guard let parsed = try? RTMPURL(url) else { return nil }
        return try? RTMPStreamRequest(url: parsed)
    }
}

/// An engine's output pushed to another server, used on the client's loop only.
private final class PushedOutput: LivePublishing, @unchecked Sendable {
    private let client: RTMPPushClient

    init(client: RTMPPushClient) {
        self.client = client
    }

    func append(_ packet: MediaPacket) { client.append(packet) }
    func flush() { client.flush() }
    func finish() { client.stop() }
}

extension HLSLadder {
    /// A transcode ladder as HLS lists it: each rendition's configured bitrate as its bandwidth floor.
    init(_ ladder: TranscodeLadder) {
        self.init(
            source: ladder.source,
            renditions: ladder.renditions.map { rendition in
                let kbps = (rendition.videoBitrate ?? 0) + (rendition.audioBitrate ?? 0)
                return Rendition(key: rendition.key, bandwidth: kbps > 0 ? kbps * 1000 : nil)
            })
    }
}

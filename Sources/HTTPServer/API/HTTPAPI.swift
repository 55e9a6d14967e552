import Foundation
import Hummingbird
public import Live
import NIOConcurrencyHelpers
import NIOCore
public import Sessions

/// The data behind SRS's HTTP API: versions, summaries, vhosts, streams and clients, assembled from the
/// live hub (`StreamRegistry`), the connections (`ClientRegistry`) and the traffic sampler.
///
/// Ids are strings, as SRS's: streams are `vid-<LiveStream.id>`, clients the decimal `ClientSession.id`,
/// vhosts `vhost-<n>` numbered in the order first seen. A stream's `clients` counts its players (RTMP and
/// HTTP-FLV), not the publisher nor internal outputs (HLS, DVR). Serve it with `HTTPAPIMiddleware`.
public final class HTTPAPI: Sendable {
    /// SRS's default page (`count`) and first index (`start`).
    public static let defaultCount = HTTPAPIPage.defaultCount
    public static let streamIDPrefix = "vid-"
    static let vhostIDPrefix = "vhost-"

    let identity: HTTPAPIIdentity
    private let streams: StreamRegistry
    private let clients: ClientRegistry
    private let sampler: TrafficSampler
    private let vhosts: @Sendable () -> [HTTPAPIVhost]
    let upstreams: any StreamUpstreams
    private let process = HTTPAPIProcessStatistics()
    private let startedAt = NIODeadline.now()
    private let vhostIDs = NIOLockedValueBox<[String: String]>([:])

    /// - Parameters:
    ///   - identity: The `server`, `service`, `pid` of every answer, and the version.
    ///   - streams: The live hub.
    ///   - clients: Every client connection.
    ///   - sampler: Per-client bitrates over 30 s; someone else starts its sampling.
    ///   - upstreams: The edge pulls, pushes and forwards (`/api/v1/upstreams`, a stream's `upstream`).
    ///   - vhosts: The configured vhosts, read at each request (so reloads show).
    public init(
        identity: HTTPAPIIdentity, streams: StreamRegistry, clients: ClientRegistry, sampler: TrafficSampler,
        upstreams: any StreamUpstreams = NoUpstreams(), vhosts: @escaping @Sendable () -> [HTTPAPIVhost]
    ) {
        self.upstreams = upstreams
        self.identity = identity
        self.streams = streams
        self.clients = clients
        self.sampler = sampler
        self.vhosts = vhosts
        for vhost in vhosts().sorted(by: { $0.name < $1.name }) {
            _ = vhostID(vhost.name)
        }
    }

    // MARK: Endpoints

    func versions() throws -> Response {
        let parts = identity.versionParts
        let data = HTTPAPIModel.Version(
            major: parts.major, minor: parts.minor, revision: parts.revision, version: identity.version)
        return try answer([("data", data)])
    }

    func vhostsAnswer(id: String?) async throws -> Response {
        let all = await vhostEntries()
        guard let id else { return try answer([("vhosts", all)]) }
        guard let vhost = all.first(where: { $0.id == id }) else { throw HTTPAPIError.vhostNotFound }
        return try answer([("vhost", vhost)])
    }

    func streamsAnswer(id: String?, page: HTTPAPIPage) async throws -> Response {
        let sessions = clients.sessions
        let upstreams = streamUpstreams()
        if let id {
            guard let stream = streams.streams.first(where: { Self.streamID($0) == id }) else {
                throw HTTPAPIError.streamNotFound
            }
            return try answer([("stream", await entry(for: stream, sessions: sessions, upstreams: upstreams))])
        }
        let all = streams.streams.sorted { $0.id < $1.id }
        var entries: [HTTPAPIModel.Stream] = []
        for stream in page.slice(of: all) {
            entries.append(await entry(for: stream, sessions: sessions, upstreams: upstreams))
        }
        return try answer([("total", all.count), ("streams", entries)])
    }

    func clientsAnswer(id: String?, page: HTTPAPIPage) throws -> Response {
        let ids = streamIDs()
        if let id {
            guard let session = session(id: id) else { throw HTTPAPIError.clientNotFound }
            return try answer([("client", entry(for: session, streamIDs: ids))])
        }
        let all = clients.sessions
        return try answer([("total", all.count), ("clients", page.slice(of: all).map { entry(for: $0, streamIDs: ids) })])
    }

    /// Closes a client's connection: a player stops, a publisher's stream ends.
    func kick(id: String) throws -> Response {
        guard let session = session(id: id) else { throw HTTPAPIError.clientNotFound }
        session.kick()
        return try answer([])
    }

    // MARK: Entries

    private func entry(
        for stream: LiveStream, sessions: [ClientSession], upstreams: [StreamKey: UpstreamStatus]
    ) async -> HTTPAPIModel.Stream {
        let statistics = (try? await stream.statisticsSnapshot().get()) ?? LiveStreamStatistics()
        let key = stream.key
        let players = sessions.filter { $0.info.kind.isPlayer && $0.info.streamKey == key }
        let publisher = statistics.publisherClientID.flatMap { clients.session(id: $0) }
            ?? sessions.first { $0.info.kind.isPublisher && $0.info.streamKey == key }
        let playerRates = players.map { sampler.rate(of: $0.id) }
        let publisherRate = publisher.map { sampler.rate(of: $0.id) } ?? TrafficSampler.Rate()
        let cid = statistics.publisherClientID ?? (statistics.isPublishing ? publisher?.id : nil)
        return HTTPAPIModel.Stream(
            id: Self.streamID(stream), name: key.stream, vhost: vhostID(key.vhost), app: key.app,
            tcUrl: publisher?.info.tcUrl ?? "", url: "/\(key.app)/\(key.stream)",
            liveMs: Self.nowMilliseconds, clients: players.count, frames: statistics.videoFrames,
            sendBytes: players.reduce(0) { $0 + $1.traffic.sentBytes },
            recvBytes: publisher?.traffic.receivedBytes ?? statistics.bytesIn,
            kbps: HTTPAPIModel.Kbps(
                recv30s: publisherRate.receivedKbps, send30s: playerRates.reduce(0) { $0 + $1.sentKbps }),
            publish: HTTPAPIModel.Stream.Publish(active: statistics.isPublishing, cid: cid.map { String($0) }),
            video: statistics.video.map {
                HTTPAPIModel.Stream.Video(
                    codec: $0.codec, profile: $0.profile, level: $0.level, width: $0.width, height: $0.height)
            },
            audio: statistics.audio.map {
                HTTPAPIModel.Stream.Audio(
                    codec: $0.codec, sampleRate: $0.sampleRate, channel: $0.channels, profile: $0.profile ?? "Other")
            },
            upstream: upstreams[key].map { HTTPAPIModel.Upstream($0) })
    }

    private func entry(for session: ClientSession, streamIDs: [StreamKey: String]) -> HTTPAPIModel.Client {
        let info = session.info
        let rate = sampler.rate(of: session.id)
        let alive = NIODeadline.now() - session.connectedAt
        return HTTPAPIModel.Client(
            id: String(session.id), vhost: info.vhost.isEmpty ? "" : vhostID(info.vhost),
            stream: info.streamKey.flatMap { streamIDs[$0] } ?? "", ip: info.ip, pageUrl: info.pageUrl,
            swfUrl: info.swfUrl, tcUrl: info.tcUrl, url: info.url, name: info.stream, type: info.kind.rawValue,
            publish: info.kind.isPublisher, alive: Double(alive.nanoseconds / 1_000_000) / 1000,
            sendBytes: session.traffic.sentBytes, recvBytes: session.traffic.receivedBytes,
            kbps: HTTPAPIModel.Kbps(recv30s: rate.receivedKbps, send30s: rate.sentKbps))
    }

    private func vhostEntries() async -> [HTTPAPIModel.Vhost] {
        let sessions = clients.sessions
        // SRS counts the streams being published, not those players merely wait for.
        var publishing: [String: Int] = [:]
        for stream in streams.streams where (try? await stream.statisticsSnapshot().get())?.isPublishing == true {
            publishing[stream.key.vhost, default: 0] += 1
        }
        var configured = vhosts()
        // Vhosts clients used without configuring them (none today, but the registry does not forbid it).
        for name in Set(sessions.map(\.info.vhost)).subtracting(configured.map(\.name)) where !name.isEmpty {
            configured.append(HTTPAPIVhost(name: name, enabled: true, hlsFragment: nil))
        }
        return configured.map { vhost in
            let members = sessions.filter { $0.info.vhost == vhost.name }
            let rates = members.map { sampler.rate(of: $0.id) }
            return HTTPAPIModel.Vhost(
                id: vhostID(vhost.name), name: vhost.name, enabled: vhost.enabled, clients: members.count,
                streams: publishing[vhost.name] ?? 0,
                sendBytes: members.reduce(0) { $0 + $1.traffic.sentBytes },
                recvBytes: members.reduce(0) { $0 + $1.traffic.receivedBytes },
                kbps: HTTPAPIModel.Kbps(
                    recv30s: rates.reduce(0) { $0 + $1.receivedKbps }, send30s: rates.reduce(0) { $0 + $1.sentKbps }),
                hls: HTTPAPIModel.Vhost.HLS(enabled: vhost.hlsFragment != nil, fragment: vhost.hlsFragment))
        }.sorted { $0.id.count != $1.id.count ? $0.id.count < $1.id.count : $0.id < $1.id }
    }

    // MARK: Helpers

    static func streamID(_ stream: LiveStream) -> String { streamIDPrefix + String(stream.id) }

    func streamIDs() -> [StreamKey: String] {
        Dictionary(streams.streams.map { ($0.key, Self.streamID($0)) }, uniquingKeysWith: { first, _ in first })
    }

    private func session(id: String) -> ClientSession? {
        guard let number = UInt64(id) else { return nil }
        return clients.session(id: number)
    }

    func vhostID(_ name: String) -> String {
        vhostIDs.withLockedValue { ids in
            if let id = ids[name] { return id }
            let id = Self.vhostIDPrefix + String(ids.count + 1)
            ids[name] = id
            return id
        }
    }

    var uptimeSeconds: Int { Int((NIODeadline.now() - startedAt).nanoseconds / 1_000_000_000) }

    var processStatistics: HTTPAPIProcessStatistics.Snapshot { process.snapshot() }

    var clientRegistry: ClientRegistry { clients }

    var trafficSampler: TrafficSampler { sampler }

    static var nowMilliseconds: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// A successful answer: `code`, `server`, `service`, `pid`, then `fields`.
    func answer(_ fields: [(key: String, value: any Encodable)]) throws -> Response {
        try Self.json(HTTPAPIModel.Answer(identity: identity, fields: fields))
    }

    static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        // Sorted keys: the same answer is the same bytes, which diff tools and caches like.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

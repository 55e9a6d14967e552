import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import RTMP

/// Opens one player connection on a shard's loop, with the pipeline of its mode.
struct PlayerStarter: Sendable {
    private enum Target: Sendable {
        case rtmp(RTMPURL)
        case flv(HTTPURL)
        case hls(HTTPURL)
    }

    /// Reads grow to this size when a batch holds more (a 200 ms batch of a few Mbit/s stream).
    static let maximumReadSize = 1 << 20

    private let target: Target
    private let configuration: BenchConfiguration
    private let channels: NIOLockedValueBox<[any Channel]>

    init(configuration: BenchConfiguration, channels: NIOLockedValueBox<[any Channel]>) throws {
        self.configuration = configuration
        self.channels = channels
        switch configuration.mode {
        case .flv, .hls:
            guard let url = HTTPURL(configuration.url) else {
                throw BenchRunner.Failure(description: "not an http:// URL: \(configuration.url)")
            }
            target = configuration.mode == .flv ? .flv(url) : .hls(url)
        case .play, .publish:
            target = .rtmp(try RTMPURL(configuration.url))
        }
    }

    func start(shard: NIOLoopBound<PlayerShard>) {
        let target = self.target
        let parseEvery = configuration.parseEvery
        let bootstrap = ClientBootstrap(group: shard.eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(
                minimum: 4096, initial: 64 << 10, maximum: Self.maximumReadSize))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let players = shard.value
                    let index = players.addPlayer(at: .now())
                    let pipeline = channel.pipeline.syncOperations
                    switch target {
                    case .rtmp(let url):
                        try pipeline.addHandler(PlayerByteCounter(shard: players, index: index))
                        // The player parses chunks itself (no reassembly of media), so only the
                        // byte counter, handshake and outbound encoder of RTMPClientPipeline are used.
                        try pipeline.addHandler(RTMPByteCountingHandler())
                        try pipeline.addHandler(RTMPHandshakeHandler(role: .client))
                        try pipeline.addHandler(RTMPOutboundHandler())
                        try pipeline.addHandler(
                            RTMPBenchPlayerHandler(
                                url: url, shard: players, index: index, parsesEveryMessage: index % parseEvery == 0))
                    case .flv(let url):
                        try pipeline.addHTTPClientHandlers()
                        try pipeline.addHandler(
                            HTTPFLVPlayerHandler(
                                host: url.hostHeader, path: url.path, shard: players, index: index))
                    case .hls(let url):
                        try pipeline.addHTTPClientHandlers()
                        try pipeline.addHandler(
                            HLSPlayerHandler(host: url.hostHeader, playlistPath: url.path, shard: players, index: index))
                    }
                }
            }
        let host: String
        let port: Int
        switch target {
        case .rtmp(let url): (host, port) = (url.host, url.port)
        case .flv(let url), .hls(let url): (host, port) = (url.host, url.port)
        }
        let channels = self.channels
        bootstrap.connect(host: host, port: port).whenSuccess { channel in
            channels.withLockedValue { $0.append(channel) }
        }
    }
}

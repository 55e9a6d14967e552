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
    /// Runs the blocking connects of RTMP and HTTP-FLV players (``PlayerSocket``).
    private let connector: NIOThreadPool

    init(configuration: BenchConfiguration, channels: NIOLockedValueBox<[any Channel]>, connector: NIOThreadPool)
        throws
    {
        self.configuration = configuration
        self.channels = channels
        self.connector = connector
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
        let host: String
        let port: Int
        switch target {
        case .rtmp(let url): (host, port) = (url.host, url.port)
        case .flv(let url), .hls(let url): (host, port) = (url.host, url.port)
        }
        let channels = self.channels
        if case .hls = target {
            bootstrap(shard: shard, handoff: nil).connect(host: host, port: port).whenSuccess { channel in
                channels.withLockedValue { $0.append(channel) }
            }
            return
        }
        let timeout = configuration.connectTimeout
        let handoff = NIOLockedValueBox(DescriptorHandoff.connecting)
        connector.runIfActive(eventLoop: shard.eventLoop) {
            try PlayerSocket.connected(host: host, port: port, timeout: timeout)
        }.flatMap { socket in
            handoff.withLockedValue { $0 = .ready(socket) }
            return bootstrap(shard: shard, handoff: handoff).withConnectedSocket(socket)
        }.whenComplete { result in
            switch (result, handoff.withLockedValue { $0 }) {
            case (.success(let channel), _):
                channels.withLockedValue { $0.append(channel) }
            case (.failure, .ready), (.failure, .connecting):
                // No initializer ran, so no handler records the player. The socket, if any, is NIO's.
                Self.recordFailure(on: shard)
            case (.failure, .taken):
                break  // the player's handler recorded its end
            }
        }
    }

    /// A connecting player's socket descriptor: not yet connected, connected, or known to its shard.
    private enum DescriptorHandoff {
        case connecting
        case ready(CInt)
        case taken
    }

    private static func recordFailure(on shard: NIOLoopBound<PlayerShard>) {
        let players = shard.value
        let index = players.addPlayer(at: .now())
        players.update(index) { $0.ended(at: .now()) }
    }

    /// The bootstrap of one player. `handoff` holds its socket's descriptor (none for HLS): players that
    /// will only count bytes tell it to their shard, which reads it directly later on.
    private func bootstrap(shard: NIOLoopBound<PlayerShard>, handoff: NIOLockedValueBox<DescriptorHandoff>?)
        -> ClientBootstrap
    {
        let target = self.target
        let parseEvery = configuration.parseEvery
        return ClientBootstrap(group: shard.eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(
                minimum: 4096, initial: 64 << 10, maximum: Self.maximumReadSize))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let players = shard.value
                    let index = players.addPlayer(at: .now())
                    let parsesEveryMessage = index % parseEvery == 0
                    if case .ready(let descriptor) = handoff?.withLockedValue({ $0 }) {
                        handoff?.withLockedValue { $0 = .taken }
                        if !parsesEveryMessage { players.adoptDescriptor(descriptor, for: index) }
                    }
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
                                url: url, shard: players, index: index, parsesEveryMessage: parsesEveryMessage))
                    case .flv(let url):
                        try pipeline.addHTTPClientHandlers()
                        try pipeline.addHandler(
                            HTTPFLVPlayerHandler(
                                host: url.hostHeader, path: url.path, shard: players, index: index,
                                parsesEveryMessage: parsesEveryMessage))
                    case .hls(let url):
                        try pipeline.addHTTPClientHandlers()
                        try pipeline.addHandler(
                            HLSPlayerHandler(host: url.hostHeader, playlistPath: url.path, shard: players, index: index))
                    }
                }
            }
    }
}

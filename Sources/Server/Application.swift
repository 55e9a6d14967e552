public import Config
public import Edge
import Foundation
public import Ingest
public import Live
public import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
public import DVR
public import HLS
import HTTPServer
import Hooks
public import Sessions
import ServiceLifecycle
public import Transcode
import UnixSignals

/// The whole server: builds the event loops, the hub and the services from a configuration,
/// runs them until SIGTERM/SIGINT, and reloads on SIGHUP.
///
/// Tests can start it in-process; the `headwater` executable is a thin shell around it.
public final class Application: Sendable {
    public let configurationPath: String?
    /// The configuration the server started with (listen addresses come from it).
    public let configuration: ServerConfiguration
    /// The configuration in force: the last one loaded successfully.
    private let current: NIOLockedValueBox<ServerConfiguration>
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    /// One per CPU the process may run on (`ProcessorAffinity`).
    private let eventLoopCount: Int
    public let registry = StreamRegistry()
    /// Every client connection (RTMP and HTTP-FLV): the API's clients, kicks, and `max_connections` for all protocols.
    public let clients: ClientRegistry
    /// Open connections by address, RTMP and HTTP together (`max_connections_per_ip`).
    let connectionsPerIP: ConnectionsPerIP
    /// HTTP requests per second by address (`http_max_requests_per_ip`).
    let requestRate: RequestRateLimiter
    /// Decides connect, publish and play (access rules, HTTP hooks) and hears when they end.
    let policy: any SessionPolicy
    /// Sends the HTTP callbacks (`http_hooks`); shut down when the server stops.
    private let hookClient: HookClient
    /// Edge pulls and pushes, and forwards.
    public let edge: EdgeUpstreams
    public let rtmpServer: RTMPServer
    public let hls: HLSController
    public let dvr: DVRController
    /// Runs file work that NIO schedules (DVR writes), never on an event loop.
    private let threadPool: NIOThreadPool
    /// The HTTP-FLV mounts (`http_remux`), replaced on reload.
    private let flvMounts: HTTPFLVMounts
    /// Per-client bitrates over 30 s, sampled every 5 s while the server runs (the API's `kbps`).
    public let trafficSampler = TrafficSampler()
    /// SRS's HTTP API (`http_api`).
    let api: HTTPAPI
    /// In-process renditions of published streams (`transcode`).
    public let transcodes: TranscodeController
    /// Files and URLs read with libav and published as live streams (`ingest`).
    public let ingests: IngestController

    /// - Parameters:
    ///   - configuration: the loaded configuration.
    ///   - configurationPath: the file to reread on SIGHUP (`nil`: the built-in default, not reloadable).
    public init(configuration: ServerConfiguration, configurationPath: String?, logger: Logger) {
        // Before any component exists: swift-metrics binds each metric to the factory at its creation.
        MetricsBootstrap.bootstrapOnce()
        self.configuration = configuration
        let current = NIOLockedValueBox(configuration)
        self.current = current
        self.configurationPath = configurationPath
        self.logger = logger
        self.eventLoopCount = ProcessorAffinity.usableCoreCount
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: eventLoopCount)
        self.clients = ClientRegistry(maxConnections: configuration.maxConnections)
        self.connectionsPerIP = ConnectionsPerIP(limit: configuration.limits.maxConnectionsPerIP)
        self.requestRate = RequestRateLimiter(ratePerSecond: configuration.limits.httpMaxRequestsPerIP)
        self.flvMounts = HTTPFLVMounts(configuration.httpFLVMounts)
        let hookClient = HookClient(group: group, logger: logger)
        self.hookClient = hookClient
        let hooksPolicy = HooksPolicy(
            client: hookClient,
            origin: HookBody.Origin(
                serverID: "headwater-\(Version.current)-\(getpid())",
                serviceID: String(UInt32.random(in: .min ... .max), radix: 36),
                workingDirectory: FileManager.default.currentDirectoryPath),
            notificationLoops: group, logger: logger, maxPending: configuration.limits.httpHooksMaxPending
        ) { vhost in
            current.withLockedValue { $0.vhost(named: vhost) }
        }
        self.policy = hooksPolicy
        let outputHooks = HookOutputNotifier(policy: hooksPolicy, clients: clients)
        let edge = EdgeUpstreams(group: group, registry: registry, logger: logger) { vhost in
            current.withLockedValue { $0.vhost(named: vhost) }
        }
        self.edge = edge
        registry.addPublishObserver(edge.forwards)
        // On edge vhosts with token_traverse, an RTMP connect the hooks allowed is then put to the origin.
        let rtmpPolicy = TokenTraversePolicy(wrapping: hooksPolicy, logger: logger) { vhost in
            current.withLockedValue { $0.vhost(named: vhost).cluster }
        }
        self.rtmpServer = RTMPServer(
            group: group, registry: registry, settings: configuration.rtmpSettings, logger: logger,
            clients: clients, policy: rtmpPolicy, upstreams: edge, connectionsPerIP: connectionsPerIP)
        LibAVLog.keepErrorsOnly()
        let rtmpPort = configuration.listen.first?.port ?? UpstreamAddress.defaultPort
        let engineOutputs = EngineOutputs(
            registry: registry, group: group, ports: Set(configuration.listen.map(\.port)), logger: logger
        ) { current.withLockedValue { $0.rtmpSettings } }
        let transcodes = TranscodeController(
            registry: registry, outputs: engineOutputs, logger: logger,
            vhost: { vhost in current.withLockedValue { $0.vhost(named: vhost) } }, rtmpPort: { rtmpPort })
        self.transcodes = transcodes
        self.ingests = IngestController(outputs: engineOutputs, logger: logger, rtmpPort: { rtmpPort })
        self.hls = HLSController(
            registry: registry, logger: logger, observer: outputHooks,
            ladder: { key in transcodes.ladder(for: key).map(HLSLadder.init) },
            backlogLimit: configuration.limits.hlsMaxBacklogBytes
        ) { key in
            current.withLockedValue { $0.vhost(named: key.vhost).hls }
        }
        registry.addPublishObserver(hls)
        self.threadPool = NIOThreadPool(numberOfThreads: max(2, System.coreCount))
        threadPool.start()
        self.dvr = DVRController(
            registry: registry, threadPool: threadPool, observer: outputHooks,
            limits: DVRLimits(maximumBacklogBytes: configuration.limits.dvrMaxBacklogBytes), logger: logger
        ) { key in
            current.withLockedValue { $0.vhost(named: key.vhost).dvr }
        }
        registry.addPublishObserver(dvr)
        registry.addPublishObserver(transcodes)
        self.api = Self.makeHTTPAPI(
            registry: registry, clients: clients, sampler: trafficSampler, upstreams: edge, configuration: current)
    }

    /// Runs until a graceful shutdown signal; returns once every session is closed.
    public func run() async throws {
        writePIDFile()
        defer { removePIDFile() }
        let addresses = configuration.listen.map { (host: $0.host ?? "0.0.0.0", port: $0.port) }
        let rtmp = RTMPService(server: rtmpServer, addresses: addresses)
        let reloader = ReloadService(application: self, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: OutputsService(hls: hls, dvr: dvr)),
            .init(service: EnginesService(transcodes: transcodes, ingests: ingests, configuration: configuration)),
        ]
        if configuration.httpServer.enabled {
            let bitrates = StreamBitrateService(streams: registry)
            services.append(.init(service: bitrates))
            services.append(.init(service: makeHTTPService(bitrates: bitrates)))
        }
        if configuration.httpAPI.enabled && !apiSharesHTTPServer {
            services.append(.init(service: makeAPIService()))
        }
        // Cancelled before the event loops shut down: cancelling a repeated task schedules on its loop.
        let sampling = trafficSampler.start(sampling: clients, on: group.next())
        services += [.init(service: rtmp), .init(service: reloader)]
        // Services stop in reverse order: RTMP sessions end first, so the outputs see every unpublish
        // before they close their files.
        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        logger.info(
            "headwater starting",
            metadata: [
                "version": "\(Version.current)", "pid": "\(getpid())",
                "event_loops": "\(eventLoopCount)",
            ])
        do {
            try await serviceGroup.run()
        } catch {
            sampling.cancel()
            edge.shutdown()
            try? await hookClient.shutdown()
            try? await threadPool.shutdownGracefully()
            try? await group.shutdownGracefully()
            throw error
        }
        sampling.cancel()
        edge.shutdown()
        await drainHooks()
        logger.info("headwater stopped")
        try? await hookClient.shutdown()
        try await threadPool.shutdownGracefully()
        try await group.shutdownGracefully()
    }

    /// Gives the callbacks the last sessions and recordings sent (on_unpublish, on_close, on_dvr…) up to
    /// the longest hook timeout to be delivered before the client is shut down.
    private func drainHooks() async {
        guard let hooks = policy as? HooksPolicy, hooks.callsInFlight > 0 else { return }
        let longest = current.withLockedValue { $0.vhosts.values.map(\.httpHooks.timeout).max() } ?? .seconds(3)
        let deadline = ContinuousClock.now + longest + .milliseconds(100)
        while hooks.callsInFlight > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The HTTP server: the API routes, then the files under `http_server.dir` (HLS, DVR recordings).
    private func makeHTTPService(bitrates: StreamBitrateService) -> HTTPServerService {
        let http = configuration.httpServer
        // A CDN may keep a playlist about half a segment: players then see each new segment in time.
        let fragments = configuration.vhosts.values.filter(\.hls.enabled).map(\.hls.fragment)
        let shortest = fragments.min() ?? .seconds(2)
        let playlistMaxAge = max(1, Int(shortest.components.seconds / 2))
        let catalog = dvr.catalog
        let serverID = "headwater-\(Version.current)-\(getpid())"
        let metrics = ServerMetrics(
            registry: MetricsBootstrap.registry, clients: clients, bitrates: bitrates, upstreams: edge)
        let files = HTTPFileServerSettings(configuration: http, playlistMaxAge: playlistMaxAge)
        // The page links the default vhost's URL shapes: its HTTP-FLV mount, and its playlist when HLS
        // writes under the served folder.
        let defaultVhost = configuration.vhost(named: VhostConfiguration.defaultName)
        let trimmed = { (path: String) in path.hasSuffix("/") ? String(path.dropLast()) : path }
        let page = WebPage(
            rtmpPort: configuration.listen.first?.port ?? 1935,
            flvPathTemplate: "/" + defaultVhost.httpRemux.mount.replacingOccurrences(of: "[vhost]/", with: ""),
            hlsPathTemplate: trimmed(defaultVhost.hls.path) == trimmed(http.dir)
                ? "/" + defaultVhost.hls.m3u8File : "/[app]/[stream].m3u8")
        let threadPool = self.threadPool
        return HTTPServerService(
            configuration: http, playlistMaxAge: playlistMaxAge, group: group, threadPool: threadPool, logger: logger,
            registry: registry, flvMounts: flvMounts, clients: clients, policy: policy, upstreams: edge,
            apiHasOwnCORS: apiSharesHTTPServer, limits: httpLimits
        ) { [api, apiSharesHTTPServer, configuration] router in
            // First, so it also authenticates and wraps the other /api/ routes.
            if apiSharesHTTPServer {
                api.install(on: router, configuration: configuration.httpAPI)
            }
            // With the API on its own port, the recordings list moves there, behind its authentication.
            if !configuration.httpAPI.enabled || apiSharesHTTPServer {
                DVRListingRoute.add(to: router, catalog: catalog, httpRoot: http.dir, serverID: serverID)
            }
            MetricsRoute.add(to: router, metrics: metrics)
            WebPageRoute.add(to: router, page: page, files: files, threadPool: threadPool)
        }
    }

    /// The HTTP servers' per-address limits, shared with RTMP (`max_connections_per_ip`).
    private var httpLimits: HTTPConnectionLimits {
        HTTPConnectionLimits(
            connectionsPerIP: connectionsPerIP, requestRate: requestRate,
            maxHeaderSize: configuration.limits.httpMaxHeaderSize)
    }

    // MARK: HTTP API

    /// Whether the API is served by the HTTP server (same `listen`) rather than on its own port.
    private var apiSharesHTTPServer: Bool {
        configuration.httpAPI.enabled && configuration.httpServer.enabled
            && configuration.httpAPI.listen == configuration.httpServer.listen
    }

    /// The API alone on `http_api.listen`: no files, 404 JSON for unknown /api/ paths.
    private func makeAPIService() -> HTTPServerService {
        var settings = HTTPServerConfiguration()
        settings.listen = configuration.httpAPI.listen
        // The API middleware sends its own CORS headers.
        settings.crossdomain = false
        return HTTPServerService(
            configuration: settings, group: group, threadPool: threadPool, logger: logger, servesFiles: false,
            limits: httpLimits
        ) { [api, configuration, dvr] router in
            api.install(on: router, configuration: configuration.httpAPI)
            DVRListingRoute.add(
                to: router, catalog: dvr.catalog, httpRoot: configuration.httpServer.dir,
                serverID: "headwater-\(Version.current)-\(getpid())")
        }
    }

    private static func makeHTTPAPI(
        registry: StreamRegistry, clients: ClientRegistry, sampler: TrafficSampler, upstreams: any StreamUpstreams,
        configuration: NIOLockedValueBox<ServerConfiguration>
    ) -> HTTPAPI {
        let identity = HTTPAPIIdentity(
            server: "headwater-\(Version.current)-\(getpid())", pid: Int(getpid()), version: Version.current)
        return HTTPAPI(
            identity: identity, streams: registry, clients: clients, sampler: sampler, upstreams: upstreams
        ) {
            configuration.withLockedValue { current in
                current.vhosts.values.map { vhost in
                    HTTPAPIVhost(
                        name: vhost.name, enabled: vhost.enabled,
                        hlsFragment: vhost.hls.enabled ? Double(vhost.hls.fragment.components.seconds)
                            + Double(vhost.hls.fragment.components.attoseconds) / 1e18 : nil)
                }
            }
        }
    }

    /// Rereads the configuration file; a broken file is reported and the running configuration kept.
    func reload() {
        guard let configurationPath else {
            logger.warning("reload ignored: running on the built-in default configuration")
            return
        }
        do {
            let (fresh, warnings) = try ServerConfiguration.load(path: configurationPath)
            try TranscodeValidator.validate(fresh)
            for warning in warnings { logger.warning("\(warning)") }
            let previous = current.withLockedValue { value in
                defer { value = fresh }
                return value
            }
            let changed = fresh.vhostChanges(from: previous)
            rtmpServer.reload(fresh.rtmpSettings)
            connectionsPerIP.setLimit(fresh.limits.maxConnectionsPerIP)
            if fresh.limits.httpMaxRequestsPerIP != requestRate.ratePerSecond {
                requestRate.setRate(fresh.limits.httpMaxRequestsPerIP)
            }
            ingests.reload(fresh)
            flvMounts.update(fresh.httpFLVMounts)
            if fresh.listen != configuration.listen {
                logger.warning("reload: listen addresses change only on restart")
            }
            logger.info(
                "configuration reloaded; changes apply to new sessions",
                metadata: ["vhosts.changed": "\(changed.joined(separator: ","))"])
        } catch {
            logger.error("reload failed, keeping the running configuration: \(error)")
        }
    }

    private func writePIDFile() {
        let url = URL(fileURLWithPath: configuration.pidFile)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try "\(getpid())\n".write(to: url, atomically: true, encoding: .utf8)
        } catch {
            logger.warning("cannot write pid file \(configuration.pidFile): \(error)")
        }
    }

    private func removePIDFile() {
        try? FileManager.default.removeItem(atPath: configuration.pidFile)
    }
}

/// Waits for SIGHUP and reloads the configuration each time.
struct ReloadService: Service {
    let application: Application
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            logger.info("SIGHUP received, reloading configuration")
            application.reload()
        }
    }
}

public enum Version {
    public static let current = "0.1.0"
}

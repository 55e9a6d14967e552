public import Config
public import Hummingbird
import HummingbirdCore
public import Logging
public import NIOCore
public import NIOPosix
public import Live
public import Sessions
public import ServiceLifecycle

/// Headwater's HTTP server as a lifecycle service: a Hummingbird application on the shared event loops.
///
/// Every request passes, in order:
/// 1. the access log (one debug line per request),
/// 2. CORS headers, when `crossdomain` is on,
/// 3. the routes you add (HTTP-FLV, the API, metrics…),
/// 4. the file fallback (`HTTPFileResponder`), which answers what no route matched.
///
/// Add routes with the `routes` closure, on paths that the file tree does not use:
/// ```
/// let http = HTTPServerService(configuration: config.httpServer, group: group, logger: logger) { router in
///     router.get("/api/v1/versions") { _, _ in "{}" }
/// }
/// ```
/// `run()` listens until graceful shutdown, then stops accepting, lets requests in flight finish, ends
/// HTTP-FLV responses and returns. It does not look at `configuration.enabled`: whoever builds the service
/// group decides whether it runs.
///
/// HTTP-FLV requests never reach the router: `HTTPFLVInterceptor`, a `ChannelHandler` after the request
/// decoder, serves them on the event loop. Every connection must send a complete request head within
/// `requestTimeout` of connecting or of its previous response (slow clients are closed), and a head over
/// `limits.maxHeaderSize` bytes (default `maximumRequestHeadSize`) is answered 431 and closed; an address
/// over `limits.requestRate` gets 429 and one over `limits.connectionsPerIP` is closed at accept.
public final class HTTPServerService: Service {
    /// Adds routes to the router, after the middleware and before the file fallback.
    public typealias Routes = (Router<HTTPRequestContext>) -> Void

    /// The default time a client has to send a complete request head, and a kept-alive connection may idle.
    public static let defaultRequestTimeout: TimeAmount = .seconds(15)
    /// The largest request head (request line and header fields) accepted, in bytes.
    public static let maximumRequestHeadSize = 32 << 10
    /// The largest single header field or request target accepted, in bytes.
    public static let maximumHeaderFieldSize = 16 << 10
    /// The most header fields a request may have.
    public static let maximumHeaderFieldCount = 100

    private let server: HTTPConnectionServer<HTTPFLVChildChannel>
    private let port: HTTPListeningPort

    /// Creates the service; nothing listens until `run()`.
    /// - Parameters:
    ///   - configuration: The `http_server` block: `listen` (port 0 picks a free port), `dir`, `crossdomain`.
    ///   - playlistMaxAge: Seconds a `.m3u8` may be cached; about half a segment.
    ///   - group: The event loops, shared with RTMP; the service never shuts them down.
    ///   - threadPool: Where files are opened and read.
    ///   - logger: Lifecycle at info, one line per request at debug, failures at warning.
    ///   - registry: The live hub; `nil` serves no live streams.
    ///   - flvMounts: The HTTP-FLV mounts in force (`http_remux`), updated on reload.
    ///   - clients: Every client connection; HTTP-FLV players register here (`max_connections`).
    ///   - policy: Decides each HTTP-FLV play and hears when it ends.
    ///   - upstreams: Pulls HTTP-FLV plays of edge vhosts from their origins.
    ///   - requestTimeout: The time a client has to send a complete request head (slowloris clients are
    ///     closed after it), and a kept-alive connection may stay idle.
    ///   - limits: Connections and requests per address, and the request head size.
    ///   - routes: Adds routes before the file fallback.
    ///   - servesFiles: Whether the file fallback answers what no route matched; off for a server that
    ///     carries only routes (the API on its own port), which then answers 404 to anything else.
    ///   - apiHasOwnCORS: Whether `/api` paths get their CORS headers from the API alone (`http_api`'s
    ///     `crossdomain`), not from `http_server`'s.
    public init(
        configuration: HTTPServerConfiguration,
        playlistMaxAge: Int = 1,
        group: any EventLoopGroup,
        threadPool: NIOThreadPool = .singleton,
        logger: Logger,
        registry: StreamRegistry? = nil,
        flvMounts: HTTPFLVMounts = HTTPFLVMounts(),
        clients: ClientRegistry = ClientRegistry(maxConnections: .max),
        policy: any SessionPolicy = AllowAllPolicy(),
        upstreams: any StreamUpstreams = NoUpstreams(),
        requestTimeout: TimeAmount = HTTPServerService.defaultRequestTimeout,
        servesFiles: Bool = true,
        apiHasOwnCORS: Bool = false,
        limits: HTTPConnectionLimits = HTTPConnectionLimits(),
        routes: Routes = { _ in }
    ) {
        let settings = HTTPFileServerSettings(configuration: configuration, playlistMaxAge: playlistMaxAge)
        let router = Self.makeRouter(
            settings: settings, threadPool: threadPool, servesFiles: servesFiles, apiHasOwnCORS: apiHasOwnCORS,
            routes: routes)
        let port = HTTPListeningPort()
        self.port = port
        let liveSettings = registry.map {
            HTTPLiveSettings(
                registry: $0, mounts: flvMounts, clients: clients, policy: policy, upstreams: upstreams)
        }
        let crossdomain = configuration.crossdomain
        let reporter = LimitReporter(logger: logger)
        let channelConfiguration = HTTP1Channel.Configuration(
            idleTimeout: requestTimeout,
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: min(Self.maximumHeaderFieldSize, limits.maxHeaderSize),
                maxHeaderListSize: limits.maxHeaderSize,
                maxHeaderFieldCount: Self.maximumHeaderFieldCount))
        let responder = Self.respond(with: router.buildResponder(), logger: logger)
        self.server = HTTPConnectionServer(
            childChannel: HTTPFLVChildChannel(
                base: HTTP1Channel(responder: responder, configuration: channelConfiguration),
                settings: liveSettings, crossdomain: crossdomain, limits: limits, reporter: reporter),
            host: configuration.listen.host ?? "0.0.0.0", port: configuration.listen.port, group: group,
            logger: logger)
    }

    /// Listens and serves until graceful shutdown.
    /// - Throws: When binding fails.
    public func run() async throws {
        do {
            try await server.run { [port] in await port.bound($0) }
        } catch {
            await port.stopped(error)
            throw error
        }
        await port.stopped(HTTPServerError.stopped)
    }

    /// The port the server listens on, once it does (the one chosen when `listen` asked for port 0).
    /// - Throws: `HTTPServerError.stopped` or the bind error when the server stopped or never started.
    public var listeningPort: Int {
        get async throws { try await port.value() }
    }

    /// Builds the router the service runs: the middleware chain, your routes and the file fallback.
    ///
    /// Tests use it to drive the same chain in-process (`Application(router:)` with `.router` testing).
    /// - Parameters:
    ///   - settings: What the file fallback serves, and whether CORS headers are added.
    ///   - threadPool: Where files are opened and read.
    ///   - servesFiles: Whether the file fallback is installed.
    ///   - apiHasOwnCORS: Whether `http_server`'s CORS headers leave `/api` paths to the API.
    ///   - routes: Adds routes before the file fallback.
    /// - Returns: The router.
    public static func makeRouter(
        settings: HTTPFileServerSettings,
        threadPool: NIOThreadPool = .singleton,
        servesFiles: Bool = true,
        apiHasOwnCORS: Bool = false,
        routes: Routes = { _ in }
    ) -> Router<HTTPRequestContext> {
        let router = Router(context: HTTPRequestContext.self)
        // Middleware applies to the routes added after it, and to the router's not-found answer.
        router.add(middleware: HTTPAccessLogMiddleware())
        if settings.crossdomain {
            router.add(
                middleware: HTTPCORSMiddleware<HTTPRequestContext>(
                    excluding: apiHasOwnCORS ? HTTPAPIMiddleware<HTTPRequestContext>.isAPIPath : nil))
        }
        if servesFiles {
            router.add(middleware: HTTPFileResponder<HTTPRequestContext>(settings: settings, threadPool: threadPool))
        }
        routes(router)
        return router
    }
}

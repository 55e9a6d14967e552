public import Hummingbird
import Logging
import NIOCore
public import NIOPosix

/// Serves the files under a root: HLS playlists and segments, DVR recordings, a player page.
///
/// As a router middleware it is the fallback: a request goes to the routes first, and only when the router
/// finds no route for it does this type answer from the disk. A route that exists and throws a 404 keeps its
/// error. It is also an `HTTPResponder`, answering every request from the disk.
///
/// GET and HEAD get the file with `Content-Type`, `Content-Length`, `Accept-Ranges`, `Last-Modified`, a strong
/// `ETag` and the `Cache-Control` of `HTTPCachePolicy`; one byte range gets 206; `If-None-Match` and
/// `If-Modified-Since` may get 304. OPTIONS gets 204, other methods 405, all with `Allow`. A directory answers
/// with its `index.html`, never a listing. Hidden (`.name`) and temporary (`name.tmp`) files and anything whose
/// real path leaves the root are 404; malformed paths are 400 (`HTTPPathResolver`). Files are opened and read
/// on `threadPool`, never on an event loop, and streamed in `readChunkSize` pieces.
public struct HTTPFileResponder<Context: RequestContext>: RouterMiddleware, HTTPResponder {
    /// The methods a file path allows, as `Allow` lists them.
    public static var allowedMethods: String { "GET, HEAD, OPTIONS" }

    private let settings: HTTPFileServerSettings
    private let resolver: HTTPPathResolver
    private let opener: HTTPFileOpener
    private let threadPool: NIOThreadPool

    /// Creates a file responder.
    /// - Parameters:
    ///   - settings: The root, cache and read settings (`crossdomain` is applied by `HTTPCORSMiddleware`).
    ///   - threadPool: Where files are opened and read.
    ///   - resolver: How request paths are checked.
    public init(
        settings: HTTPFileServerSettings,
        threadPool: NIOThreadPool = .singleton,
        resolver: HTTPPathResolver = HTTPPathResolver()
    ) {
        self.settings = settings
        self.resolver = resolver
        self.opener = HTTPFileOpener(root: settings.root)
        self.threadPool = threadPool
    }

    /// Passes the request to the routes, and answers from the files when the router found none.
    /// - Parameters:
    ///   - request: The request.
    ///   - context: Its context.
    ///   - next: The routes.
    /// - Returns: The route's response, or the file server's.
    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError where error.status == .notFound && !Self.routeMatched(context) {
            return try await respond(to: request, context: context)
        }
    }

    /// Answers a request from the files alone.
    /// - Parameters:
    ///   - request: The request.
    ///   - context: Its context (for the logger).
    /// - Returns: The response; errors are answered as short plain-text responses, never thrown.
    public func respond(to request: Request, context: Context) async throws -> Response {
        let isHead = request.method == .head
        switch request.method {
        case .get, .head:
            break
        case .options:
            return Response(status: .noContent, headers: [.allow: Self.allowedMethods])
        default:
            return .plainText(.methodNotAllowed, headers: [.allow: Self.allowedMethods], isHead: false)
        }

        let path: HTTPResolvedPath
        do {
            path = try resolver.resolve(request.uri.path)
        } catch {
            context.logger.debug("bad file path", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
            return .plainText(.badRequest, isHead: isHead)
        }

        let opened: HTTPOpenedFile?
        do {
            let opener = self.opener
            opened = try await threadPool.runIfActive { try opener.openFile(path) }
        } catch {
            context.logger.warning(
                "file open failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
            return .plainText(.internalServerError, isHead: isHead)
        }
        guard let file = opened else { return .plainText(.notFound, isHead: isHead) }
        return response(for: file, request: request, logger: context.logger)
    }

    /// The response for a file that was found, after the conditional and range fields.
    private func response(for file: HTTPOpenedFile, request: Request, logger: Logger) -> Response {
        let isHead = request.method == .head
        let entityTag = HTTPEntityTag(size: file.size, modification: file.modification)
        // RFC 9110 §15.4.5: a 304 carries the validators and Cache-Control a 200 would.
        var headers: HTTPFields = [
            .eTag: entityTag.fieldValue,
            .lastModified: HTTPDate.format(secondsSince1970: file.modification.seconds),
            .cacheControl: HTTPCachePolicy.cacheControl(forFile: file.name, playlistMaxAge: settings.playlistMaxAge),
        ]
        let conditional = HTTPConditionalRequest(
            ifNoneMatch: request.headers[values: .ifNoneMatch],
            ifModifiedSince: request.headers[.ifModifiedSince],
            range: request.headers[.range],
            ifRange: request.headers[.ifRange],
            isHead: isHead)
        let answer = conditional.answer(
            size: file.size, entityTag: entityTag, lastModified: file.modification.seconds)
        switch answer {
        case .notModified:
            return Response(status: .notModified, headers: headers)
        case .unsatisfiable:
            let rangeHeaders: HTTPFields = [.acceptRanges: "bytes", .contentRange: "bytes */\(file.size)"]
            return .plainText(.rangeNotSatisfiable, headers: rangeHeaders, isHead: isHead)
        case .whole:
            headers[.acceptRanges] = "bytes"
            headers[.contentType] = HTTPContentType.forFile(named: file.name)
            headers[.contentLength] = "\(file.size)"
            let body = isHead || file.size == 0 ? ResponseBody() : body(of: file, range: 0...(file.size - 1), logger)
            return Response(status: .ok, headers: headers, body: body)
        case .partial(let range):
            headers[.acceptRanges] = "bytes"
            headers[.contentType] = HTTPContentType.forFile(named: file.name)
            headers[.contentLength] = "\(range.count)"
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(file.size)"
            return Response(status: .partialContent, headers: headers, body: body(of: file, range: range, logger))
        }
    }

    private func body(of file: HTTPOpenedFile, range: ClosedRange<Int>, _ logger: Logger) -> ResponseBody {
        file.responseBody(range: range, chunkSize: settings.readChunkSize, threadPool: threadPool, logger: logger)
    }

    /// Hummingbird's router names the endpoint of a request it found no route for this way.
    private static var routerNotFoundEndpoint: String { "NotFound" }

    /// Whether the router found a route for the request (which then threw its own 404).
    private static func routeMatched(_ context: Context) -> Bool {
        guard let endpoint = context.endpointPath else { return false }
        return endpoint != routerNotFoundEndpoint
    }
}

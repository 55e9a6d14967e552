public import Config
import Foundation
public import Hummingbird
import Logging

/// Serves `/api/` (SRS's HTTP API) in front of whatever else the router has: answers JSON for the
/// endpoints of `HTTPAPIRoute`, authenticates with HTTP Basic when `auth` is on, adds CORS headers when
/// `crossdomain` is on, and turns every failure under `/api/` into a JSON error (`HTTPAPIError`), so
/// unknown API paths never fall through to the file server.
///
/// Add it before other `/api/` routes (such as `DVRListingRoute`), which it then authenticates and
/// wraps. OPTIONS (CORS preflight) is answered without authentication, as browsers send no credentials
/// with it. The API reads no request body: one sent is refused with 400, never parsed.
public struct HTTPAPIMiddleware<Context: RequestContext>: RouterMiddleware {
    /// What the API allows cross-origin: reads, kicks and preflights.
    public static var corsMethods: String { "GET, DELETE, OPTIONS" }

    private let api: HTTPAPI
    private let authenticator: HTTPBasicAuthenticator?
    private let cors: HTTPCORSMiddleware<Context>?

    /// - Parameters:
    ///   - api: The data behind the answers.
    ///   - configuration: `auth` and `crossdomain` of `http_api`.
    public init(api: HTTPAPI, configuration: HTTPAPIConfiguration) {
        self.api = api
        let auth = configuration.auth
        self.authenticator = auth.enabled ? HTTPBasicAuthenticator(username: auth.username, password: auth.password) : nil
        self.cors = configuration.crossdomain
            ? HTTPCORSMiddleware(allowedMethods: Self.corsMethods, allowedHeaders: "Authorization, Content-Type")
            : nil
    }

    /// Answers `/api` and `/api/...`; passes anything else on.
    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard Self.isAPIPath(request.uri.path) else { return try await next(request, context) }
        var response = await serve(request, context: context, next: next)
        cors?.decorate(&response)
        return response
    }

    /// Whether the router could resolve `path` under `/api`: it skips empty components (`//api/v1/dvr`),
    /// so the check must too, or such paths would reach API routes without authentication.
    static func isAPIPath(_ path: String) -> Bool {
        guard let first = path.split(separator: "/", omittingEmptySubsequences: true).first else { return false }
        return (first.removingPercentEncoding ?? String(first)) == "api"
    }

    private func serve(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async -> Response {
        do {
            if request.method == .options {
                return Response(status: .noContent, headers: [.allow: Self.corsMethods])
            }
            if let authenticator, !authenticator.authenticates(request) {
                throw HTTPAPIError.unauthorized
            }
            guard let route = HTTPAPIRoute(path: request.uri.path) else {
                return try await passOn(request, context: context, next: next)
            }
            guard route.methods.contains(request.method) else {
                throw HTTPAPIError.methodNotAllowed(allowed: route.allowHeader)
            }
            guard !Self.hasBody(request) else { throw HTTPAPIError.bodyNotAccepted }
            return try await respond(to: route, request: request, context: context)
        } catch let error as HTTPAPIError {
            return error.response
        } catch {
            context.logger.warning("API request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return HTTPAPIError.internalError.response
        }
    }

    /// Other `/api/` routes (the DVR listing); what no route matches becomes a JSON 404.
    private func passOn(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error.status == .notFound ? HTTPAPIError.routeNotFound : HTTPAPIError.status(error.status)
        }
    }

    private func respond(to route: HTTPAPIRoute, request: Request, context: Context) async throws -> Response {
        switch route {
        case .index: return try api.index()
        case .versions: return try api.versions()
        case .summaries: return try api.summaries()
        case .vhosts(let id): return try await api.vhostsAnswer(id: id)
        case .streams(let id): return try await api.streamsAnswer(id: id, page: try Self.page(of: request))
        case .clients(let id) where request.method == .delete:
            // The route allows DELETE only with an id.
            let response = try api.kick(id: id ?? "")
            context.logger.info("API kicked a client", metadata: ["client.id": "\(id ?? "")"])
            return response
        case .clients(let id): return try api.clientsAnswer(id: id, page: try Self.page(of: request))
        case .upstreams: return try api.upstreamsAnswer()
        }
    }

    private static func page(of request: Request) throws(HTTPAPIError) -> HTTPAPIPage {
        let query = request.uri.queryParameters
        guard let page = HTTPAPIPage(start: query.get("start"), count: query.get("count")) else {
            throw .invalidPagination
        }
        return page
    }

    /// Whether the request announces a body (RFC 9112 §6.3: Transfer-Encoding or a non-zero Content-Length).
    static func hasBody(_ request: Request) -> Bool {
        if request.headers[.transferEncoding] != nil { return true }
        if let length = request.headers[.contentLength] { return length != "0" }
        return false
    }
}

extension HTTPAPI {
    /// Adds the API to a router: call first in `HTTPServerService`'s `routes`, so that the other `/api/`
    /// routes added after it are authenticated and wrapped too.
    /// - Parameters:
    ///   - router: The router.
    ///   - configuration: `auth` and `crossdomain` of `http_api`.
    public func install(on router: Router<HTTPRequestContext>, configuration: HTTPAPIConfiguration) {
        router.add(middleware: HTTPAPIMiddleware<HTTPRequestContext>(api: self, configuration: configuration))
    }
}

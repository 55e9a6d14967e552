public import Hummingbird

/// Adds CORS headers to every response, errors included, so web players on any origin can fetch the files,
/// the API and live streams (SRS `crossdomain on`; Fetch Standard §3.2).
///
/// Preflights need no special case: `HTTPFileResponder` answers OPTIONS with 204, and this middleware
/// decorates that like any other response. Credentials are never allowed (`*` forbids them).
public struct HTTPCORSMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The methods files allow cross-origin.
    public static var defaultAllowedMethods: String { "GET, HEAD, OPTIONS" }
    /// The request headers files allow cross-origin.
    public static var defaultAllowedHeaders: String { "Range, If-None-Match, If-Modified-Since" }

    /// The headers added to file answers, in order.
    public static var headers: HTTPFields {
        Self().fields
    }

    /// The headers this middleware adds, in order.
    public let fields: HTTPFields
    /// Paths whose CORS headers another middleware decides (the API's, under its own `crossdomain`).
    private let excluded: (@Sendable (String) -> Bool)?

    /// Creates the middleware.
    /// - Parameters:
    ///   - allowedMethods: `Access-Control-Allow-Methods`; the API adds DELETE (kicks).
    ///   - allowedHeaders: `Access-Control-Allow-Headers`; the API adds Authorization.
    ///   - excluded: Paths left undecorated, whatever the inner middleware answered.
    public init(
        allowedMethods: String = Self.defaultAllowedMethods, allowedHeaders: String = Self.defaultAllowedHeaders,
        excluding excluded: (@Sendable (String) -> Bool)? = nil
    ) {
        self.excluded = excluded
        self.fields = [
            .accessControlAllowOrigin: "*",
            .accessControlAllowMethods: allowedMethods,
            .accessControlAllowHeaders: allowedHeaders,
            .accessControlExposeHeaders: "Content-Length, Content-Range, ETag",
        ]
    }

    /// Runs the rest of the chain and adds the CORS headers to what it answers.
    /// - Parameters:
    ///   - request: The request.
    ///   - context: Its context.
    ///   - next: The rest of the chain.
    /// - Returns: The response with the CORS headers.
    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            // Turned into a response here, as the router would, so error answers carry the headers too.
            response = try error.response(from: request, context: context)
        }
        if excluded?(request.uri.path) != true {
            decorate(&response)
        }
        return response
    }

    /// Adds the CORS headers a response does not have yet: an inner middleware's (the API's) win.
    /// - Parameter response: The response to decorate.
    public func decorate(_ response: inout Response) {
        for field in fields where response.headers[field.name] == nil {
            response.headers[field.name] = field.value
        }
    }
}

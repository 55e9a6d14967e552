public import Hummingbird

/// Adds CORS headers to every response, errors included, so web players on any origin can fetch the files,
/// the API and live streams (SRS `crossdomain on`; Fetch Standard §3.2).
///
/// Preflights need no special case: `HTTPFileResponder` answers OPTIONS with 204, and this middleware
/// decorates that like any other response. Credentials are never allowed (`*` forbids them).
public struct HTTPCORSMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The headers added, in order.
    public static var headers: HTTPFields {
        [
            .accessControlAllowOrigin: "*",
            .accessControlAllowMethods: "GET, HEAD, OPTIONS",
            .accessControlAllowHeaders: "Range, If-None-Match, If-Modified-Since",
            .accessControlExposeHeaders: "Content-Length, Content-Range, ETag",
        ]
    }

    /// Creates the middleware.
    public init() {}

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
        for field in Self.headers {
            response.headers[field.name] = field.value
        }
        return response
    }
}

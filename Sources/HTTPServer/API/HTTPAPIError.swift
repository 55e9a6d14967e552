import Foundation
public import Hummingbird
import NIOCore

/// An API failure as SRS reports it: a JSON body `{"code": N, "msg": "..."}` with a non-zero `code`, under
/// the matching HTTP status. Messages are fixed text: never a path, a configuration value or a request echo.
public struct HTTPAPIError: Error, HTTPResponseError, Hashable, CustomStringConvertible {
    /// The HTTP status of the answer.
    public let status: HTTPResponse.Status
    /// SRS's error code (`srs_kernel_error.hpp`), or the HTTP status where SRS has none.
    public let code: Int
    /// A short fixed description.
    public let message: String
    private let allow: String?

    private init(_ status: HTTPResponse.Status, code: Int, _ message: String, allow: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.allow = allow
    }

    /// SRS ERROR_RTMP_VHOST_NOT_FOUND.
    public static let vhostNotFound = Self(.notFound, code: 2014, "vhost not found")
    /// SRS ERROR_RTMP_STREAM_NOT_FOUND.
    public static let streamNotFound = Self(.notFound, code: 2048, "stream not found")
    /// SRS ERROR_RTMP_CLIENT_NOT_FOUND.
    public static let clientNotFound = Self(.notFound, code: 2049, "client not found")
    /// No API endpoint has this path.
    public static let routeNotFound = Self(.notFound, code: 404, "no such API endpoint")
    /// Malformed `start`/`count`.
    public static let invalidPagination = Self(
        .badRequest, code: 400, "start must be an integer >= 0 and count an integer >= 1")
    /// The API takes no request body.
    public static let bodyNotAccepted = Self(.badRequest, code: 400, "the API accepts no request body")
    /// Something failed inside the server; details go to the log, not to the client.
    public static let internalError = Self(.internalServerError, code: 500, "internal error")
    /// Missing or wrong HTTP Basic credentials.
    public static let unauthorized = Self(.unauthorized, code: 401, "authentication required")

    /// The endpoint exists but not with this method.
    /// - Parameter allowed: The methods it takes, as `Allow` lists them.
    public static func methodNotAllowed(allowed: String) -> Self {
        Self(.methodNotAllowed, code: 405, "method not allowed", allow: allowed)
    }

    /// Another failure under `/api/`, by its HTTP status.
    static func status(_ status: HTTPResponse.Status) -> Self {
        Self(status, code: status.code, status.reasonPhrase.isEmpty ? "error" : status.reasonPhrase)
    }

    public var description: String { "\(status.code) \(code) \(message)" }

    /// The JSON answer.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response
    }

    /// The JSON answer, without a request.
    public var response: Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let allow { headers[.allow] = allow }
        if status == .unauthorized {
            headers[.wwwAuthenticate] = #"Basic realm="headwater", charset="UTF-8""#
        }
        // Hand-written: the message is a fixed ASCII string with nothing to escape.
        let body = #"{"code":\#(code),"msg":"\#(message)"}"#
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

import Hummingbird
import Logging
import NIOCore

/// Logs one line per request at debug level once its body is written: method, path, status and bytes sent.
///
/// A request the chain fails with a non-HTTP error (answered 500 by Hummingbird) is logged at warning. When
/// debug is off for the request's logger, responses pass through untouched, so the log costs nothing.
struct HTTPAccessLogMiddleware: RouterMiddleware {
    typealias Context = HTTPRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let logger = context.logger
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            logger.warning(
                "\(request.method) \(request.uri.path) 500 0",
                metadata: ["http.peer": "\(context.remoteAddress.map { "\($0)" } ?? "-")", "error": "\(error)"])
            throw error
        }
        guard logger.logLevel <= .debug else { return response }
        let line = "\(request.method) \(request.uri.path) \(response.status.code)"
        let peer = context.remoteAddress.map { "\($0)" } ?? "-"
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            let counter = HTTPByteCounter()
            do {
                try await body.write(HTTPCountingBodyWriter(parent: writer, counter: counter))
            } catch {
                logger.debug(
                    "\(line) \(counter.bytes) aborted", metadata: ["http.peer": "\(peer)", "error": "\(error)"])
                throw error
            }
            logger.debug("\(line) \(counter.bytes)", metadata: ["http.peer": "\(peer)"])
        }
        return response
    }
}

/// Bytes written so far by one response body; used by one task only.
private final class HTTPByteCounter {
    var bytes = 0
}

/// Passes buffers on and counts their bytes.
private struct HTTPCountingBodyWriter: ResponseBodyWriter {
    var parent: any ResponseBodyWriter
    let counter: HTTPByteCounter

    mutating func write(_ buffer: ByteBuffer) async throws {
        try await parent.write(buffer)
        counter.bytes += buffer.readableBytes
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await parent.finish(trailingHeaders)
    }
}

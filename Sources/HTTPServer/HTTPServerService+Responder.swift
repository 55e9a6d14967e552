#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

extension HTTPServerService {
    /// What Hummingbird's `Application` does around the router for each request, which this service does
    /// itself since it accepts its own connections: a request context with the request's own logger, a
    /// 500 for an error the router left unanswered, and the `Date` header.
    static func respond(
        with responder: RouterResponder<HTTPRequestContext>, logger: Logger
    ) -> HTTPChannelHandler.Responder {
        let dates = HTTPDateHeader()
        return { request, writer, channel in
            var requestLogger = logger
            requestLogger[metadataKey: "hb.request.id"] = .stringConvertible(RequestID())
            let context = HTTPRequestContext(source: .init(channel: channel, logger: requestLogger))
            var response: Response
            do {
                response = try await responder.respond(to: request, context: context)
            } catch let error as HTTPParserError {
                throw error
            } catch {
                requestLogger.debug("Unanswered error", metadata: ["error.type": "\(error)"])
                response = Response(status: .internalServerError, body: .init())
            }
            response.headers[.date] = dates.value
            do {
                try await writer.write(response: response.head, body: response.body)
            } catch is HTTPParserError {
                // Rethrown as is, it would make the connection answer 400 after this response's head.
                throw ParseErrorWhileWriting()
            }
        }
    }

    private struct ParseErrorWhileWriting: Error {}
}

/// The `Date` header's value, formatted once per second rather than per response.
final class HTTPDateHeader: Sendable {
    private let cached = Mutex<(second: Int, text: String)>((-1, ""))

    var value: String {
        let now = time(nil)
        return cached.withLock { cached in
            if cached.second != now { cached = (now, HTTPDate.format(secondsSince1970: now)) }
            return cached.text
        }
    }
}

public import Hummingbird
import NIOCore
public import NIOPosix

/// `GET /` (and HEAD): the HTTP root's `index.html` when there is one, else the built-in `WebPage`.
public enum WebPageRoute {
    /// Adds the route.
    /// - Parameters:
    ///   - router: The HTTP server's router.
    ///   - page: The built-in page.
    ///   - files: The file server's settings; its root's `index.html` wins over the page.
    ///   - threadPool: Where the file server opens files.
    public static func add(
        to router: Router<HTTPRequestContext>, page: WebPage, files: HTTPFileServerSettings,
        threadPool: NIOThreadPool = .singleton
    ) {
        let html = ByteBuffer(string: page.render())
        let fileResponder = HTTPFileResponder<HTTPRequestContext>(settings: files, threadPool: threadPool)
        let handler: @Sendable (Request, HTTPRequestContext) async throws -> Response = { request, context in
            let file = try await fileResponder.respond(to: request, context: context)
            guard file.status == .notFound else { return file }
            let headers: HTTPFields = [
                .contentType: "text/html; charset=utf-8",
                .contentLength: "\(html.readableBytes)",
                // The page is small and changes with the server's version: always revalidate.
                .cacheControl: "no-cache",
            ]
            let body = request.method == .head ? ResponseBody() : ResponseBody(byteBuffer: html)
            return Response(status: .ok, headers: headers, body: body)
        }
        router.get("/", use: handler)
        router.head("/", use: handler)
    }
}

public import Hummingbird
import NIOCore

/// `GET /metrics`: every metric in the Prometheus text exposition format (version 0.0.4).
public enum MetricsRoute {
    /// The media type Prometheus expects for the text format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Adds the route.
    /// - Parameters:
    ///   - router: The HTTP server's router.
    ///   - metrics: What the route renders.
    public static func add(to router: Router<HTTPRequestContext>, metrics: ServerMetrics) {
        router.get("/metrics") { _, _ -> Response in
            let text = await metrics.render()
            return Response(
                status: .ok,
                headers: [.contentType: contentType, .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}

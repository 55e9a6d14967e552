public import DVR
import Foundation
public import Hummingbird
import Live
import NIOCore

/// `GET /api/v1/dvr`: the completed recordings of each stream, newest last, with the URL this server serves
/// each one at (when it lies under the HTTP root). `?stream=app/name` narrows the answer to one stream.
///
/// The shape follows SRS's API: `{"code": 0, "server": ..., "dvr": [...]}`; the HTTP API issue extends it.
public enum DVRListingRoute {
    struct Listing: Encodable {
        var code = 0
        var server: String
        var dvr: [Stream]
    }

    struct Stream: Encodable {
        var vhost: String
        var app: String
        var stream: String
        var recordings: [Recording]
    }

    struct Recording: Encodable {
        var url: String?
        var path: String
        var size: Int
        /// Seconds of media.
        var duration: Double
        /// Milliseconds since 1970 when recording began.
        var start: Int64
        var indexed: Bool
    }

    /// Adds the route.
    /// - Parameters:
    ///   - catalog: The recordings the DVR finished in this process.
    ///   - httpRoot: The folder the HTTP server serves, to turn file paths into URLs.
    ///   - serverID: Identifies this process in the answer (SRS's `server`).
    public static func add(to router: Router<HTTPRequestContext>, catalog: DVRCatalog, httpRoot: String, serverID: String) {
        let root = URL(fileURLWithPath: httpRoot).standardizedFileURL.path
        router.get("/api/v1/dvr") { request, _ -> Response in
            let filter = request.uri.queryParameters.get("stream")
            var streams: [Stream] = []
            for key in catalog.streams.sorted(by: { $0.description < $1.description }) {
                if let filter, filter != "\(key.app)/\(key.stream)" { continue }
                let recordings = catalog.recordings(for: key).map { recording in
                    Recording(
                        url: url(of: recording.path, under: root), path: recording.path, size: recording.size,
                        duration: Double(recording.duration.components.seconds)
                            + Double(recording.duration.components.attoseconds) / 1e18,
                        start: Int64(recording.startDate.timeIntervalSince1970 * 1000), indexed: recording.isIndexed)
                }
                streams.append(Stream(vhost: key.vhost, app: key.app, stream: key.stream, recordings: recordings))
            }
            return try json(Listing(server: serverID, dvr: streams))
        }
    }

    /// `/` plus the file's path below `root`, or `nil` when the file is elsewhere.
    static func url(of path: String, under root: String) -> String? {
        let file = URL(fileURLWithPath: path).standardizedFileURL.path
        guard file.hasPrefix(root.hasSuffix("/") ? root : root + "/") else { return nil }
        let relative = file.dropFirst(root.count).drop { $0 == "/" }
        return "/" + relative.split(separator: "/").map {
            $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0)
        }.joined(separator: "/")
    }

    static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

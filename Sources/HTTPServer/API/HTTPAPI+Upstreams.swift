import Hummingbird
import Live
import Sessions

/// `GET /api/v1/upstreams` and the `upstream` of a stream: the edge's connections to origins and the
/// forwards (Headwater's own; SRS shows none of this). Read from `StreamUpstreams.statuses()` at each
/// request.
extension HTTPAPI {
    /// Every upstream, pulls first, then pushes, then forwards, each by stream and server.
    func upstreamsAnswer() throws -> Response {
        let ids = streamIDs()
        let order: [UpstreamStatus.Role: Int] = [.pull: 0, .push: 1, .forward: 2]
        let entries = upstreams.statuses()
            .sorted {
                (order[$0.role] ?? 0, $0.key.description, $0.server) < (order[$1.role] ?? 0, $1.key.description, $1.server)
            }
            .map { status in
                var entry = HTTPAPIModel.Upstream(status)
                entry.vhost = vhostID(status.key.vhost)
                entry.app = status.key.app
                entry.name = status.key.stream
                entry.url = "/\(status.key.app)/\(status.key.stream)"
                entry.stream = ids[status.key]
                return entry
            }
        return try answer([("upstreams", entries)])
    }

    /// The pull or push of each stream (a stream has at most one of them; forwards are listed apart).
    func streamUpstreams() -> [StreamKey: UpstreamStatus] {
        var byKey: [StreamKey: UpstreamStatus] = [:]
        for status in upstreams.statuses() where status.role != .forward && byKey[status.key] == nil {
            byKey[status.key] = status
        }
        return byKey
    }
}

extension HTTPAPIModel {
    /// One upstream connection. In a stream's entry only the connection's own fields are sent; in
    /// `/api/v1/upstreams` also where it belongs (`vhost` id, `app`, `name`, `url`, and the local `stream`
    /// id when the stream exists here).
    struct Upstream: Encodable {
        var role: String
        var server: String
        var state: String
        var reconnects: Int
        var players: Int
        var recvBytes: Int
        var sendBytes: Int
        var vhost: String?
        var app: String?
        var name: String?
        var url: String?
        var stream: String?

        init(_ status: UpstreamStatus) {
            role = status.role.rawValue
            server = status.server
            state = status.state.rawValue
            reconnects = status.reconnects
            players = status.players
            recvBytes = status.receivedBytes
            sendBytes = status.sentBytes
        }

        enum CodingKeys: String, CodingKey {
            case role, server, state, reconnects, players, vhost, app, name, url, stream
            case recvBytes = "recv_bytes"
            case sendBytes = "send_bytes"
        }
    }
}

/// Identifies a live stream the way SRS does: vhost, app and stream name.
public struct StreamKey: Hashable, Sendable, CustomStringConvertible {
    public var vhost: String
    public var app: String
    public var stream: String

    public init(vhost: String, app: String, stream: String) {
        self.vhost = vhost
        self.app = app
        self.stream = stream
    }

    /// `vhost/app/stream`, the form used in logs and the API.
    public var description: String { "\(vhost)/\(app)/\(stream)" }
}

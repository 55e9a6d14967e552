public import Live
public import NIOCore

/// Where engines publish: the server resolves an engine's expanded `output` URL into a publisher.
///
/// An output on this server (`rtmp://127.0.0.1:[port]/...` with one of its RTMP ports) is a publish into
/// the local hub, with no network hop; any other URL is pushed with the RTMP client.
public protocol TranscodeOutputs: Sendable {
    /// Opens a publish of `url`. The publisher is used on `eventLoop` only.
    /// - Returns: the publisher and, when the output is local, the stream key it publishes.
    func publish(url: String, on eventLoop: any EventLoop) -> EventLoopFuture<TranscodeOutputPublisher>
    /// The stream a URL names when it is on this server, else `nil` (used to recognise renditions).
    func localKey(for url: String) -> StreamKey?
    /// An event loop for an engine's output (any of the server's).
    func nextEventLoop() -> any EventLoop
}

/// An opened output.
public struct TranscodeOutputPublisher: Sendable {
    public let publisher: any LivePublishing
    /// The local stream published into, or `nil` when pushed to another server.
    public let localKey: StreamKey?

    public init(publisher: any LivePublishing, localKey: StreamKey?) {
        self.publisher = publisher
        self.localKey = localKey
    }
}

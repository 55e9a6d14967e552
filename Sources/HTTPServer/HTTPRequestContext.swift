public import Hummingbird
public import NIOCore

/// The request context of Headwater's HTTP server: Hummingbird's core storage plus the client's address,
/// which access logs, HTTP-FLV players and hooks need.
public struct HTTPRequestContext: RequestContext {
    /// Hummingbird's per-request storage (logger, endpoint, parameters).
    public var coreContext: CoreRequestContextStorage
    /// The client's address; `nil` when there is no socket (router tests).
    public let remoteAddress: SocketAddress?

    /// Creates the context for a request on `source.channel`.
    /// - Parameter source: The channel and logger of the request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = CoreRequestContextStorage(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}

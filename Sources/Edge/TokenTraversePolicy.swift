public import Config
public import Logging
import Media
import NIOConcurrencyHelpers
public import NIOCore
import RTMP
public import Sessions

/// SRS's `token_traverse`: on an edge vhost with it on, a client's `connect` is first put to the origin,
/// with the same tcUrl (and so the same `?token=`), app, pageUrl and swfUrl, and refused here when the
/// origin refuses it. The origin's own rules and `on_connect` hook decide; the edge keeps no secrets.
///
/// Everything else (publish, play, the ends, and connects on other vhosts) goes to the wrapped policy
/// alone. The wrapped policy is asked first: a client it refuses never costs an upstream connection.
/// Origins are tried in order; the next one is tried only when one cannot be reached or does not answer
/// within `upstream_timeout`, never after a refusal. Checks in flight are capped, so a flood of connects
/// cannot open unbounded upstream connections.
public final class TokenTraversePolicy: SessionPolicy {
    /// How many checks may run at once by default; a connect over it is refused.
    public static let defaultMaximumChecks = 256
    /// The reason a client gets when an origin refused its connect (the origin's own words stay in our log).
    public static let refusedReason = "refused by origin"
    /// The reason a client gets when no origin answered.
    public static let unavailableReason = "origin unavailable"
    /// The reason a client gets when too many checks are in flight.
    public static let busyReason = "too many token checks in flight"

    /// A vhost's cluster settings, by resolved vhost name (reread on reload).
    public typealias ClusterLookup = @Sendable (String) -> ClusterConfiguration

    private let wrapped: any SessionPolicy
    private let cluster: ClusterLookup
    private let logger: Logger
    private let maximumChecks: Int
    private let inFlight = NIOLockedValueBox(0)

    /// - Parameters:
    ///   - wrapped: the policy that decides first, and alone for everything but token-traversed connects.
    ///   - maximumChecks: the cap on checks in flight.
    ///   - cluster: the cluster settings of a vhost, by resolved name.
    public init(
        wrapping wrapped: any SessionPolicy, logger: Logger, maximumChecks: Int = defaultMaximumChecks,
        cluster: @escaping ClusterLookup
    ) {
        self.wrapped = wrapped
        self.cluster = cluster
        self.logger = logger
        self.maximumChecks = maximumChecks
    }

    /// Checks in flight now.
    public var checksInFlight: Int { inFlight.withLockedValue { $0 } }

    public func authorize(_ action: SessionAction, client: ClientSessionSnapshot, on eventLoop: any EventLoop)
        -> EventLoopFuture<SessionDecision>
    {
        let decided = wrapped.authorize(action, client: client, on: eventLoop)
        guard action == .connect else { return decided }
        let cluster = self.cluster(client.info.vhost)
        guard cluster.isEdge, cluster.tokenTraverse else { return decided }
        return decided.flatMap { decision in
            guard decision == .allow else { return eventLoop.makeSucceededFuture(decision) }
            return self.check(client, cluster: cluster, on: eventLoop)
        }
    }

    /// The wrapped policy's, unless this is a token-traversed connect (which the origin decides).
    public func immediateDecision(_ action: SessionAction, client: ClientSessionSnapshot) -> SessionDecision? {
        let decision = wrapped.immediateDecision(action, client: client)
        guard action == .connect, decision == .allow else { return decision }
        let cluster = self.cluster(client.info.vhost)
        return cluster.isEdge && cluster.tokenTraverse ? nil : decision
    }

    public func sessionDidEnd(_ end: SessionEnd, client: ClientSessionSnapshot) {
        wrapped.sessionDidEnd(end, client: client)
    }

    /// Puts the connect to the origins, within the cap.
    private func check(_ client: ClientSessionSnapshot, cluster: ClusterConfiguration, on eventLoop: any EventLoop)
        -> EventLoopFuture<SessionDecision>
    {
        let admitted = inFlight.withLockedValue { count in
            guard count < maximumChecks else { return false }
            count += 1
            return true
        }
        guard admitted else {
            logger.warning("token traverse: too many checks in flight", metadata: ["client.id": "\(client.id)"])
            return eventLoop.makeSucceededFuture(.deny(reason: Self.busyReason))
        }
        let connect = Self.connect(for: client.info, debugUpnode: cluster.debugUpnode)
        let timeout = cluster.upstreamTimeout.timeAmount
        let decision = attempt(cluster.origins[...], client: client, connect: connect, timeout: timeout, on: eventLoop)
        decision.whenComplete { _ in self.inFlight.withLockedValue { $0 -= 1 } }
        return decision
    }

    /// Tries `origins` in order until one answers.
    private func attempt(
        _ origins: ArraySlice<UpstreamAddress>, client: ClientSessionSnapshot, connect: RTMPConnectCommand,
        timeout: TimeAmount, on eventLoop: any EventLoop
    ) -> EventLoopFuture<SessionDecision> {
        guard let origin = origins.first else {
            logger.warning(
                "token traverse: no origin answered, connect refused",
                metadata: ["client.id": "\(client.id)", "tcUrl": "\(client.info.tcUrl)"])
            return eventLoop.makeSucceededFuture(.deny(reason: Self.unavailableReason))
        }
        let metadata: Logger.Metadata = ["client.id": "\(client.id)", "origin": "\(origin)"]
        logger.debug("token traverse: checking connect with origin", metadata: metadata)
        let url = RTMPURL(host: origin.host, port: origin.port, app: client.info.app, stream: "")
        return TokenCheck.run(url: url, server: origin, connect: connect, timeout: timeout, on: eventLoop)
            .flatMap { outcome -> EventLoopFuture<SessionDecision> in
                switch outcome {
                case .accepted:
                    self.logger.info("token traverse: origin accepted connect", metadata: metadata)
                    return eventLoop.makeSucceededFuture(.allow)
                case .refused(let why):
                    self.logger.warning(
                        "token traverse: origin refused connect", metadata: metadata.merging(["why": "\(why)"]) { $1 })
                    return eventLoop.makeSucceededFuture(.deny(reason: Self.refusedReason))
                case .unreachable(let why):
                    self.logger.warning(
                        "token traverse: origin unreachable, trying the next",
                        metadata: metadata.merging(["why": "\(why)"]) { $1 })
                    return self.attempt(
                        origins.dropFirst(), client: client, connect: connect, timeout: timeout, on: eventLoop)
                }
            }
    }

    /// The `connect` put to the origin: ours (with `debug_srs_upnode`'s object), but with the client's
    /// tcUrl, pageUrl and swfUrl, so the origin sees what the client sent.
    static func connect(for info: ClientInfo, debugUpnode: Bool) -> RTMPConnectCommand {
        let placeholder = RTMPURL(host: "127.0.0.1", app: info.app, stream: "")
        var command = UpstreamRequest.connect(for: placeholder, publishing: false, debugUpnode: debugUpnode)
        command.properties = command.properties.map { property in
            property.key == RTMPConnectCommand.Key.tcUrl
                ? AMF0Property(RTMPConnectCommand.Key.tcUrl, .string(info.tcUrl)) : property
        }
        if !info.swfUrl.isEmpty {
            command.properties.append(AMF0Property(RTMPConnectCommand.Key.swfUrl, .string(info.swfUrl)))
        }
        if !info.pageUrl.isEmpty {
            command.properties.append(AMF0Property(RTMPConnectCommand.Key.pageUrl, .string(info.pageUrl)))
        }
        return command
    }
}

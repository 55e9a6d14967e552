public import Config
public import Logging
import Metrics
import NIOConcurrencyHelpers
public import NIOCore
public import Sessions

/// The server's `SessionPolicy`: a disabled vhost and `security` rules answer at once, then the
/// vhost's deciding hooks (on_connect, on_publish, on_play) are called, each URL in order, all of
/// which must allow. Ends are reported to the notification hooks (on_close, on_unpublish, on_stop),
/// fire and forget, at most `maxPending` (`http_hooks_max_pending`) at a time.
///
/// Reads the configuration in force on every call through `configuration`, so a reload applies to
/// the next client without rebuilding anything.
public final class HooksPolicy: SessionPolicy {
    /// Notifications beyond this many unanswered ones are dropped (and counted): a dead hook
    /// server must not make the server hold an unbounded number of requests.
    public static let maximumNotificationsInFlight = 256
    /// Deciding callbacks (on_connect, on_publish, on_play) beyond this many unanswered ones are
    /// treated as failed (`on_failure`) at once, so a hung hook server cannot pile up requests.
    public static let maximumDecisionsInFlight = 256

    private let client: HookClient
    private let origin: HookBody.Origin
    private let configuration: @Sendable (_ vhost: String) -> VhostConfiguration
    private let notificationLoops: any EventLoopGroup
    private let logger: Logger
    private let inFlight = NIOLockedValueBox(0)
    private let decisionsInFlight = NIOLockedValueBox(0)
    private let dropped = NIOLockedValueBox(0)
    /// The bound of each kind of call in flight (`http_hooks_max_pending`).
    private let maxPending: Int
    private let limits: LimitReporter

    /// - Parameters:
    ///   - configuration: the vhost's configuration in force (by resolved vhost name).
    ///   - notificationLoops: where fire-and-forget callbacks run.
    ///   - maxPending: deciding calls, and separately notifications, in flight at most
    ///     (`http_hooks_max_pending`; default `maximumDecisionsInFlight`).
    public init(
        client: HookClient, origin: HookBody.Origin, notificationLoops: any EventLoopGroup, logger: Logger,
        maxPending: Int = HooksPolicy.maximumDecisionsInFlight,
        configuration: @escaping @Sendable (_ vhost: String) -> VhostConfiguration
    ) {
        self.maxPending = max(1, maxPending)
        self.limits = LimitReporter(logger: logger)
        self.client = client
        self.origin = origin
        self.notificationLoops = notificationLoops
        self.logger = logger
        self.configuration = configuration
    }

    /// Notifications dropped because too many were in flight, since start.
    public var droppedNotifications: Int { dropped.withLockedValue { $0 } }

    /// What the vhost's settings decide before any hook is called.
    private enum Precheck {
        case decided(SessionDecision)
        case call(HTTPHooksConfiguration.Hook, hooks: HTTPHooksConfiguration, urls: [String])
    }

    private func precheck(_ action: SessionAction, client: ClientSessionSnapshot) -> Precheck {
        let vhost = configuration(client.info.vhost)
        guard vhost.enabled else { return .decided(.deny(reason: "vhost \(vhost.name) is disabled")) }
        let hook: HTTPHooksConfiguration.Hook
        switch action {
        case .connect:
            hook = .onConnect
        case .publish, .play:
            let securityAction: SecurityRule.Action = action == .publish ? .publish : .play
            if let reason = vhost.security.denial(of: securityAction, ip: client.info.ip) {
                Self.countRefusal("security")
                return .decided(.deny(reason: reason))
            }
            hook = action == .publish ? .onPublish : .onPlay
        }
        let urls = vhost.httpHooks.urls(for: hook)
        guard !urls.isEmpty else { return .decided(.allow) }
        return .call(hook, hooks: vhost.httpHooks, urls: urls)
    }

    /// A disabled vhost, a `security` rule or a vhost without the action's hook decides at once.
    public func immediateDecision(_ action: SessionAction, client: ClientSessionSnapshot) -> SessionDecision? {
        guard case .decided(let decision) = precheck(action, client: client) else { return nil }
        return decision
    }

    public func authorize(_ action: SessionAction, client: ClientSessionSnapshot, on eventLoop: any EventLoop)
        -> EventLoopFuture<SessionDecision>
    {
        let hook: HTTPHooksConfiguration.Hook
        let hooks: HTTPHooksConfiguration
        let urls: [String]
        switch precheck(action, client: client) {
        case .decided(let decision):
            return eventLoop.makeSucceededFuture(decision)
        case .call(let called, let configured, let configuredURLs):
            (hook, hooks, urls) = (called, configured, configuredURLs)
        }
        let admitted = decisionsInFlight.withLockedValue { count -> Bool in
            guard count < maxPending else { return false }
            count += 1
            return true
        }
        guard admitted else {
            Counter(label: MetricLabel.hookFailures, dimensions: [("hook", hook.rawValue), ("result", "dropped")])
                .increment()
            limits.hit(.hooksMaxPending, value: maxPending, peer: client.info.ip)
            guard hooks.onFailure == .allow else {
                Self.countRefusal("hook")
                return eventLoop.makeSucceededFuture(.deny(reason: "\(hook.rawValue) unavailable"))
            }
            return eventLoop.makeSucceededFuture(.allow)
        }
        let body = HookBody.make(hook, client: client, origin: origin)
        return decide(body, urls: urls[...], hook: hook, hooks: hooks, on: eventLoop).always { [decisionsInFlight] _ in
            decisionsInFlight.withLockedValue { $0 -= 1 }
        }.map { decision in
            if case .deny = decision { Self.countRefusal("hook") }
            return decision
        }
    }

    /// Callbacks in flight (deciding and notifications): shutdown waits for them to drain.
    public var callsInFlight: Int {
        decisionsInFlight.withLockedValue { $0 } + inFlight.withLockedValue { $0 }
    }

    /// Calls `urls` one after another; the first that does not allow decides.
    private func decide(
        _ body: HookBody, urls: ArraySlice<String>, hook: HTTPHooksConfiguration.Hook,
        hooks: HTTPHooksConfiguration, on eventLoop: any EventLoop
    ) -> EventLoopFuture<SessionDecision> {
        guard let url = urls.first else { return eventLoop.makeSucceededFuture(.allow) }
        return client.post(body, to: url, hook: hook, timeout: hooks.timeout, on: eventLoop).flatMap { [self] outcome in
            switch outcome {
            case .allowed:
                return decide(body, urls: urls.dropFirst(), hook: hook, hooks: hooks, on: eventLoop)
            // The client learns which hook refused, never its URL or the hook server's answer
            // (HookClient logs those).
            case .denied:
                return eventLoop.makeSucceededFuture(.deny(reason: "refused by \(hook.rawValue)"))
            case .failed(let reason, _):
                guard hooks.onFailure == .allow else {
                    return eventLoop.makeSucceededFuture(.deny(reason: "\(hook.rawValue) unavailable"))
                }
                logger.warning("hook failed, allowed by on_failure allow", metadata: ["reason": "\(reason)"])
                return decide(body, urls: urls.dropFirst(), hook: hook, hooks: hooks, on: eventLoop)
            }
        }
    }

    public func sessionDidEnd(_ end: SessionEnd, client: ClientSessionSnapshot) {
        let hook: HTTPHooksConfiguration.Hook
        switch end {
        case .close: hook = .onClose
        case .unpublish: hook = .onUnpublish
        case .stop: hook = .onStop
        }
        notify(hook, client: client)
    }

    /// Sends a notification hook (on_close, on_unpublish, on_stop, on_dvr, on_hls) to every URL of
    /// the client's vhost, in order, without waiting; dropped when too many are in flight.
    /// - Parameter extras: the hook's own fields (on_dvr `file`, on_hls `duration`, `seq_no`…).
    public func notify(_ hook: HTTPHooksConfiguration.Hook, client: ClientSessionSnapshot, extras: [HookBody.Field] = []) {
        let hooks = configuration(client.info.vhost).httpHooks
        let urls = hooks.urls(for: hook)
        guard !urls.isEmpty else { return }
        let admitted = inFlight.withLockedValue { count -> Bool in
            guard count < maxPending else { return false }
            count += 1
            return true
        }
        guard admitted else {
            dropped.withLockedValue { $0 += 1 }
            Counter(label: MetricLabel.hookFailures, dimensions: [("hook", hook.rawValue), ("result", "dropped")])
                .increment()
            limits.hit(.hooksMaxPending, value: maxPending, peer: client.info.ip)
            return
        }
        let body = HookBody.make(hook, client: client, origin: origin, extras: extras)
        let loop = notificationLoops.next()
        var chain = loop.makeSucceededVoidFuture()
        for url in urls {
            chain = chain.flatMap { [client = self.client] in
                client.post(body, to: url, hook: hook, timeout: hooks.timeout, on: loop).map { _ in }
            }
        }
        chain.whenComplete { [inFlight] _ in inFlight.withLockedValue { $0 -= 1 } }
    }

    private static func countRefusal(_ reason: String) {
        Counter(label: MetricLabel.refusedClients, dimensions: [("reason", reason)]).increment()
    }
}

/// A vhost's HTTP callbacks: SRS's `http_hooks { }` block, plus Headwater's `timeout` and `on_failure`.
public struct HTTPHooksConfiguration: Sendable, Hashable {
    /// The callbacks SRS defines, by their directive and `action` names.
    public enum Hook: String, Sendable, Hashable, CaseIterable {
        case onConnect = "on_connect"
        case onClose = "on_close"
        case onPublish = "on_publish"
        case onUnpublish = "on_unpublish"
        case onPlay = "on_play"
        case onStop = "on_stop"
        case onDVR = "on_dvr"
        case onHLS = "on_hls"

        /// Whether the server waits for the answer and refuses the client unless it allows
        /// (on_connect, on_publish, on_play); the others are notifications.
        public var decides: Bool {
            self == .onConnect || self == .onPublish || self == .onPlay
        }
    }

    /// What a hook that times out or cannot be reached means for a deciding hook.
    public enum FailurePolicy: String, Sendable, Hashable, CaseIterable {
        case deny
        case allow
    }

    /// Whether callbacks are made (SRS `enabled`, default off).
    public var enabled = false
    /// The URLs per hook, called in order.
    public var urls: [Hook: [String]] = [:]
    /// Headwater's own `timeout`: how long one callback may take (default 3 s; SRS has no setting).
    public var timeout: Duration = .seconds(3)
    /// Headwater's own `on_failure`: a deciding hook that times out or is unreachable denies (default) or allows.
    public var onFailure: FailurePolicy = .deny

    /// The accepted range of `timeout`.
    public static let timeoutRange: ClosedRange<Duration> = .milliseconds(1) ... .seconds(60)

    public init() {}

    /// The URLs to call for `hook`, empty when disabled or none configured.
    public func urls(for hook: Hook) -> [String] {
        enabled ? urls[hook] ?? [] : []
    }
}

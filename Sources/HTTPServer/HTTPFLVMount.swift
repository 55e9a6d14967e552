import Config
public import Live
public import NIOCore

/// Where one vhost serves HTTP-FLV: its mount (SRS `http_remux.mount`) and what its players need.
public struct HTTPFLVMount: Sendable, Hashable {
    /// How long a player whose stream lost its publisher waits for a republish before its response ends.
    public static let defaultRepublishTimeout: TimeAmount = .seconds(30)
    /// The vhost whose streams the mount serves.
    public var vhost: String
    /// The mount as matched: `[vhost]` replaced (dropped with its `/` for the default vhost), no leading `/`.
    public let pattern: String
    /// The stream settings a player subscribes with (GOP cache, `queue_length`).
    public var live: LiveStreamConfiguration
    /// How long a player waits for a republish after the publisher leaves.
    public var republishTimeout: TimeAmount
    let segments: [Segment]

    /// - Parameters:
    ///   - vhost: The vhost name (`__defaultVhost__` for the default one).
    ///   - mount: The configured mount, with `[vhost]`, `[app]` and `[stream]`.
    public init(
        vhost: String, mount: String, live: LiveStreamConfiguration = LiveStreamConfiguration(),
        republishTimeout: TimeAmount = Self.defaultRepublishTimeout
    ) {
        self.vhost = vhost
        self.live = live
        self.republishTimeout = republishTimeout
        var pattern = mount.drop { $0 == "/" }
        if vhost == VhostConfiguration.defaultName, pattern.hasPrefix(Variable.vhost.token + "/") {
            pattern = pattern.dropFirst(Variable.vhost.token.count + 1)
        }
        self.pattern = String(pattern).replacing(Variable.vhost.token, with: vhost)
        self.segments = self.pattern.split(separator: "/").map { Segment(String($0)) }
    }

    /// The variables a mount holds once `[vhost]` is replaced.
    enum Variable: String, CaseIterable {
        case vhost, app, stream
        var token: String { "[\(rawValue)]" }
    }

    /// One path segment of the pattern: a literal, or one variable between a literal prefix and suffix.
    struct Segment: Hashable {
        var prefix: String
        var variable: Variable?
        var suffix: String

        init(_ text: String) {
            for variable in [Variable.app, .stream] {
                if let range = text.firstRange(of: variable.token) {
                    self.prefix = String(text[..<range.lowerBound])
                    self.variable = variable
                    self.suffix = String(text[range.upperBound...])
                    return
                }
            }
            self.prefix = text
            self.variable = nil
            self.suffix = ""
        }

        /// The variable's value in `component`, `""` for a matching literal, or `nil`.
        func match(_ component: String) -> String? {
            guard variable != nil else { return component == prefix ? "" : nil }
            guard component.count > prefix.count + suffix.count, component.hasPrefix(prefix), component.hasSuffix(suffix)
            else { return nil }
            return String(component.dropFirst(prefix.count).dropLast(suffix.count))
        }
    }

    /// The stream `components` (a resolved request path) names under this mount, or `nil`.
    func streamKey(for components: [String]) -> StreamKey? {
        guard components.count == segments.count else { return nil }
        var app: String?
        var stream: String?
        for (segment, component) in zip(segments, components) {
            guard let value = segment.match(component) else { return nil }
            switch segment.variable {
            case .app: app = value
            case .stream: stream = value
            case .vhost, nil: continue
            }
        }
        guard let app, let stream, HTTPPathResolver.isServableName(app), HTTPPathResolver.isServableName(stream)
        else { return nil }
        return StreamKey(vhost: vhost, app: app, stream: stream)
    }
}

/// A request path that names a live stream under an HTTP-FLV mount.
public struct HTTPFLVMatch: Sendable, Hashable {
    public var mount: HTTPFLVMount
    public var key: StreamKey
    /// The query string with its leading `?` (SRS `param`), or empty.
    public var param: String
}

/// The HTTP-FLV mounts of every vhost that has `http_remux` on; matching is pure and does no I/O.
public struct HTTPFLVMountTable: Sendable, Hashable {
    public var mounts: [HTTPFLVMount]

    /// - Parameter mounts: Tried in order; named vhosts should come before the default one.
    public init(mounts: [HTTPFLVMount] = []) {
        self.mounts = mounts
    }

    public var isEmpty: Bool { mounts.isEmpty }

    /// The stream a request target names, or `nil` when no mount matches or a name is unsafe
    /// (the same refusals as the file server: `..`, encoded separators, control characters, hidden names).
    /// - Parameter target: The request target as received, possibly with a query.
    public func match(_ target: String) -> HTTPFLVMatch? {
        guard !mounts.isEmpty, let resolved = try? HTTPPathResolver().resolve(target), !resolved.hasTrailingSlash
        else { return nil }
        let param = target.firstIndex(of: "?").map { String(target[$0...]) } ?? ""
        for mount in mounts {
            if let key = mount.streamKey(for: resolved.components) {
                return HTTPFLVMatch(mount: mount, key: key, param: param)
            }
        }
        return nil
    }
}

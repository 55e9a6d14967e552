/// A request path made safe: decoded segments with no separators, `.` or `..` in them, relative to the root.
public struct HTTPResolvedPath: Sendable, Hashable {
    /// The decoded path segments, in order; empty for the root itself.
    public let components: [String]
    /// Whether the request path ended in `/`, so only a directory can answer it.
    public let hasTrailingSlash: Bool

    /// Creates a path from segments that `HTTPPathResolver` has already checked.
    init(components: [String], hasTrailingSlash: Bool) {
        self.components = components
        self.hasTrailingSlash = hasTrailingSlash
    }

    /// The segments joined with `/`, without a leading `/`; empty for the root.
    public var relativePath: String {
        components.joined(separator: "/")
    }

    /// Whether every segment is a name the server may show (see `HTTPPathResolver.isServableName(_:)`).
    public var isServable: Bool {
        components.allSatisfy(HTTPPathResolver.isServableName)
    }
}

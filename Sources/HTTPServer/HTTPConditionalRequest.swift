/// The validator and range fields of a GET or HEAD, evaluated against a file's validators with no I/O.
///
/// The order is RFC 9110 §13.2.2's: `If-None-Match` (or, only without it, `If-Modified-Since`) may answer 304;
/// then, for GET only, `If-Range` decides whether `Range` is honoured. `If-Match` and `If-Unmodified-Since` are
/// not evaluated: they guard state-changing requests, and this server only reads.
struct HTTPConditionalRequest: Sendable, Hashable {
    /// The values of every `If-None-Match` line.
    var ifNoneMatch: [String] = []
    /// `If-Modified-Since`.
    var ifModifiedSince: String?
    /// `Range`.
    var range: String?
    /// `If-Range`.
    var ifRange: String?
    /// Whether the method is HEAD, for which `Range` is ignored (it is defined for GET only, RFC 9110 §14.2).
    var isHead = false

    /// What to send.
    enum Answer: Sendable, Hashable {
        /// 304 Not Modified.
        case notModified
        /// 200 with the whole file.
        case whole
        /// 206 with these bytes.
        case partial(ClosedRange<Int>)
        /// 416 Range Not Satisfiable.
        case unsatisfiable
    }

    /// Decides the answer for a file.
    /// - Parameters:
    ///   - size: The file's size in bytes.
    ///   - entityTag: The file's entity tag.
    ///   - lastModified: The file's modification time in whole seconds since 1970 (as `Last-Modified` says).
    /// - Returns: What to send.
    func answer(size: Int, entityTag: HTTPEntityTag, lastModified: Int) -> Answer {
        if let condition = HTTPEntityTag.parseCondition(ifNoneMatch) {
            if Self.matches(condition, entityTag) { return .notModified }
        } else if let ifModifiedSince, let since = HTTPDate.parse(ifModifiedSince), lastModified <= since {
            return .notModified
        }
        guard !isHead, let range else { return .whole }
        if let ifRange, !Self.rangeValidatorHolds(ifRange, entityTag: entityTag, lastModified: lastModified) {
            return .whole
        }
        switch HTTPByteRange(header: range, size: size) {
        case .whole: return .whole
        case .partial(let bytes): return .partial(bytes)
        case .unsatisfiable: return .unsatisfiable
        }
    }

    /// `If-None-Match` uses weak comparison (RFC 9110 §13.1.2).
    private static func matches(_ condition: HTTPEntityTag.Condition, _ entityTag: HTTPEntityTag) -> Bool {
        switch condition {
        case .any: true
        case .tags(let tags): tags.contains { $0.weaklyMatches(entityTag) }
        }
    }

    /// `If-Range` holds for a strongly matching entity tag or the exact `Last-Modified` date (RFC 9110 §13.1.5).
    private static func rangeValidatorHolds(_ value: String, entityTag: HTTPEntityTag, lastModified: Int) -> Bool {
        let value = value.trimmingOWS()
        if value.hasPrefix("\"") || value.hasPrefix("W/") {
            guard case .tags(let tags)? = HTTPEntityTag.parseCondition([String(value)]), tags.count == 1 else {
                return false
            }
            return tags[0].stronglyMatches(entityTag)
        }
        return HTTPDate.parse(String(value)) == lastModified
    }
}

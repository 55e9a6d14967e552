/// An entity tag (RFC 9110 §8.8.3): an opaque validator, strong or weak.
struct HTTPEntityTag: Sendable, Hashable {
    /// The text between the quotes.
    var opaqueTag: String
    /// Whether the tag is weak (`W/"…"`).
    var isWeak: Bool

    /// The strong tag of a file version: its modification time (to the nanosecond) and size, in hex.
    ///
    /// Strong because HLS and DVR never rewrite a file in place: they write `name.tmp` and rename it, so a
    /// given name, mtime and size always carry the same bytes. That lets `If-Range` resume downloads.
    init(size: Int, modification: HTTPFileTimestamp) {
        let seconds = String(modification.seconds, radix: 16)
        let nanoseconds = String(modification.nanoseconds, radix: 16)
        self.init(opaqueTag: "\(seconds).\(nanoseconds)-\(String(size, radix: 16))", isWeak: false)
    }

    init(opaqueTag: String, isWeak: Bool) {
        self.opaqueTag = opaqueTag
        self.isWeak = isWeak
    }

    /// The field value, `"…"` or `W/"…"`.
    var fieldValue: String {
        (isWeak ? "W/" : "") + "\"\(opaqueTag)\""
    }

    /// Weak comparison: the opaque tags are equal, whatever their weakness (RFC 9110 §8.8.3.2).
    func weaklyMatches(_ other: Self) -> Bool {
        opaqueTag == other.opaqueTag
    }

    /// Strong comparison: neither is weak and the opaque tags are equal (RFC 9110 §8.8.3.2).
    func stronglyMatches(_ other: Self) -> Bool {
        !isWeak && !other.isWeak && opaqueTag == other.opaqueTag
    }

    /// What an `If-None-Match` or `If-Match` field value lists.
    enum Condition: Sendable, Hashable {
        /// `*`: any current representation.
        case any
        /// A list of tags.
        case tags([HTTPEntityTag])
    }

    /// Parses `*` or a comma-separated list of entity tags, joining several field lines first.
    /// - Parameter fieldValues: The values of every line of the field.
    /// - Returns: `nil` when the value is malformed (the condition is then ignored).
    static func parseCondition(_ fieldValues: [String]) -> Condition? {
        let joined = fieldValues.joined(separator: ",")
        if joined.trimmingOWS() == "*" { return .any }
        var tags: [HTTPEntityTag] = []
        var rest = Substring(joined)
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "," }
            if rest.isEmpty { break }
            let isWeak = rest.hasPrefix("W/")
            if isWeak { rest = rest.dropFirst(2) }
            // The opaque tag cannot contain a quote, so the next quote closes it; a comma may be inside it.
            guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else { return nil }
            let opaqueTag = rest[rest.index(after: rest.startIndex)..<close]
            tags.append(HTTPEntityTag(opaqueTag: String(opaqueTag), isWeak: isWeak))
            rest = rest[rest.index(after: close)...].trimmingOWS()
            guard rest.isEmpty || rest.first == "," else { return nil }
        }
        return tags.isEmpty ? nil : .tags(tags)
    }
}

/// A file's modification time as `stat` reports it.
struct HTTPFileTimestamp: Sendable, Hashable {
    /// Whole seconds since 1970.
    var seconds: Int
    /// Nanoseconds into that second.
    var nanoseconds: Int
}

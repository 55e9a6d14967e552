public import Foundation

/// A file path with SRS's variables: `[vhost] [app] [stream] [seq] [timestamp] [duration]` and the
/// Go-style date parts `[2006] [01] [02] [15] [04] [05] [999]` (local time, as SRS writes them).
///
/// Client-chosen names (`app`, `stream`) must not move a file out of its folder, so expansion refuses
/// values with `..`, a backslash, a control character or a leading `/`.
public struct PathTemplate: Sendable, Hashable, CustomStringConvertible {
    /// The template as written in the configuration.
    public let text: String

    /// Creates a template.
    /// - Parameter text: The path with variables.
    public init(_ text: String) {
        self.text = text
    }

    public var description: String { text }

    /// What the variables stand for.
    public struct Values: Sendable {
        public var vhost: String
        public var app: String
        public var stream: String
        /// The segment sequence number (`[seq]`), when there is one.
        public var sequence: Int?
        /// The segment duration in seconds (`[duration]`), when known.
        public var duration: Double?
        /// The moment the date parts and `[timestamp]` (milliseconds since 1970) describe.
        public var date: Date

        public init(vhost: String, app: String, stream: String, sequence: Int? = nil, duration: Double? = nil, date: Date) {
            self.vhost = vhost
            self.app = app
            self.stream = stream
            self.sequence = sequence
            self.duration = duration
            self.date = date
        }
    }

    /// Why a template could not be expanded.
    public struct ExpansionError: Error, Hashable, CustomStringConvertible {
        /// The variable whose value was refused.
        public let variable: String
        public let value: String

        public var description: String {
            "the \(variable) '\(value)' cannot be used in a file path"
        }
    }

    /// The path with every known variable replaced; unknown `[words]` stay as written.
    /// - Throws: `ExpansionError` when a client-chosen value would leave its folder.
    public func expand(_ values: Values) throws(ExpansionError) -> String {
        try Self.check("vhost", values.vhost)
        try Self.check("app", values.app)
        try Self.check("stream", values.stream)
        let milliseconds = Int64((values.date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)

        var result = ""
        var rest = text[...]
        // The innermost `[...]` is the variable, as with SRS's plain replacement: `[[app]]` is `[live]`.
        // A `[` never closed is plain text.
        while let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") {
            let start = rest[open..<close].lastIndex(of: "[") ?? open
            result += rest[..<start]
            let name = rest[rest.index(after: start)..<close]
            if let value = Self.value(of: name, values, milliseconds: milliseconds, parts: parts) {
                result += value
            } else {
                result += rest[start...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        return result
    }

    private static func value(of name: Substring, _ values: Values, milliseconds: Int64, parts: tm) -> String? {
        switch name {
        case "vhost": return values.vhost
        case "app": return values.app
        case "stream": return values.stream
        case "seq": return values.sequence.map(String.init)
        case "duration": return values.duration.map { String(Int(($0 * 1000).rounded())) }
        case "timestamp": return String(milliseconds)
        case "2006": return String(format: "%04d", Int(parts.tm_year) + 1900)
        case "01": return String(format: "%02d", Int(parts.tm_mon) + 1)
        case "02": return String(format: "%02d", Int(parts.tm_mday))
        case "15": return String(format: "%02d", Int(parts.tm_hour))
        case "04": return String(format: "%02d", Int(parts.tm_min))
        case "05": return String(format: "%02d", Int(parts.tm_sec))
        case "999": return String(format: "%03d", Int(milliseconds % 1000))
        default: return nil
        }
    }

    private static func check(_ variable: String, _ value: String) throws(ExpansionError) {
        let unsafe =
            value.isEmpty || value.hasPrefix("/") || value.contains("\\")
            || value.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
            || value.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0 == "." || $0.isEmpty }
        if unsafe { throw ExpansionError(variable: variable, value: value) }
    }
}

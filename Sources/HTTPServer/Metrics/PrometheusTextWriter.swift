/// Writes metric families in the Prometheus text exposition format, version 0.0.4, for the values
/// `/metrics` computes when it is scraped (the swift-metrics registry writes its own).
///
/// One family is one `# HELP` line, one `# TYPE` line and its samples; label values are escaped.
public struct PrometheusTextWriter: Sendable {
    /// The kinds of family this writer emits (Prometheus text format, "TYPE" line).
    public enum MetricType: String, Sendable {
        case counter
        case gauge
    }

    /// One sample of a family: its labels, in order, and its value.
    public struct Sample: Sendable {
        public var labels: [(name: String, value: String)]
        public var value: Double

        /// - Parameters:
        ///   - labels: Label names and values; names must be valid Prometheus label names.
        ///   - value: The value.
        public init(labels: [(name: String, value: String)] = [], value: Double) {
            self.labels = labels
            self.value = value
        }
    }

    /// The text written so far.
    public private(set) var text = ""

    public init() {}

    /// Appends one family.
    /// - Parameters:
    ///   - name: The metric name.
    ///   - help: One line of help text.
    ///   - type: Counter or gauge.
    ///   - samples: The samples; a family with none is written with its HELP and TYPE lines only.
    public mutating func family(_ name: String, help: String, type: MetricType, samples: [Sample]) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n"
        text += "# TYPE \(name) \(type.rawValue)\n"
        for sample in samples {
            text += name
            if !sample.labels.isEmpty {
                text += "{"
                text += sample.labels.map { "\($0.name)=\"\(Self.escapeLabelValue($0.value))\"" }.joined(separator: ",")
                text += "}"
            }
            text += " \(Self.format(sample.value))\n"
        }
    }

    /// Appends a family with one unlabelled sample.
    public mutating func family(_ name: String, help: String, type: MetricType, value: Double) {
        family(name, help: help, type: type, samples: [Sample(value: value)])
    }

    /// Prometheus text format: label values escape backslash, double quote and line feed. Scalars, not
    /// Characters: `"\r\n"` is one Character and would slip a raw line feed past a Character switch.
    /// A carriage return, which the format cannot escape and a scraper may take as a line end, is dropped.
    static func escapeLabelValue(_ value: String) -> String {
        escape(value, quotes: true)
    }

    /// Prometheus text format: HELP text escapes backslash and line feed.
    static func escapeHelp(_ help: String) -> String {
        escape(help, quotes: false)
    }

    private static func escape(_ value: String, quotes: Bool) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped.append(contentsOf: "\\\\".unicodeScalars)
            case "\"" where quotes: escaped.append(contentsOf: "\\\"".unicodeScalars)
            case "\n": escaped.append(contentsOf: "\\n".unicodeScalars)
            case "\r": break
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    /// Whole numbers without a fraction (byte counts stay exact and readable), others as Swift prints them,
    /// which Prometheus' float parser reads; the special values with Prometheus' spelling.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        // 2^53: beyond it a Double no longer holds every integer.
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return "\(value)"
    }
}

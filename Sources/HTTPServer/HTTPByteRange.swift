/// What a `Range` header asks of a representation of known size (RFC 9110 §14.1.2, §14.2), with no I/O.
///
/// Only the `bytes` unit with a single range is honoured. Anything else (another unit, bad syntax, or several
/// ranges) is ignored and the whole representation is sent with 200, as RFC 9110 §14.2 allows: several ranges
/// would need a `multipart/byteranges` body, which players never ask for.
public enum HTTPByteRange: Sendable, Hashable {
    /// Ignore the header and send everything (200).
    case whole
    /// Send these bytes, both offsets inclusive and inside the representation (206).
    case partial(ClosedRange<Int>)
    /// No requested byte exists (416 with `Content-Range: bytes */size`).
    case unsatisfiable

    /// Evaluates a `Range` field value against a size.
    /// - Parameters:
    ///   - header: The `Range` field value, e.g. `bytes=0-499`, `bytes=500-` or `bytes=-500`.
    ///   - size: The representation's length in bytes.
    public init(header: String, size: Int) {
        guard let spec = Self.singleRangeSpec(header) else {
            self = .whole
            return
        }
        self = Self.evaluate(spec, size: max(size, 0))
    }

    /// The one `range-spec` of a `bytes` ranges-specifier, or `nil` when the header must be ignored.
    private static func singleRangeSpec(_ header: String) -> Substring? {
        let value = header.trimmingOWS()
        guard let equals = value.firstIndex(of: "="),
            value[..<equals].lowercased() == unit
        else { return nil }
        // The list syntax lets empty elements appear (RFC 9110 §5.6.1), so "bytes=0-1," is one range.
        let specs = value[value.index(after: equals)...]
            .split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingOWS() }
            .filter { !$0.isEmpty }
        guard specs.count == 1 else { return nil }
        return specs[0]
    }

    private static func evaluate(_ spec: Substring, size: Int) -> Self {
        guard let dash = spec.firstIndex(of: "-") else { return .whole }
        let firstText = spec[..<dash]
        let lastText = spec[spec.index(after: dash)...]
        let first = parsePosition(firstText)
        let last = parsePosition(lastText)
        // A part that is present but not all digits makes the spec invalid.
        if (first == nil && !firstText.isEmpty) || (last == nil && !lastText.isEmpty) { return .whole }
        switch (first, last) {
        case (nil, nil):
            return .whole
        case (nil, let suffixLength?):
            guard suffixLength > 0 else { return .unsatisfiable }
            // An empty representation cannot express a byte range in Content-Range; send it whole.
            guard size > 0 else { return .whole }
            return .partial(max(size - suffixLength, 0)...(size - 1))
        case (let first?, nil):
            guard first < size else { return .unsatisfiable }
            return .partial(first...(size - 1))
        case (let first?, let last?):
            // last < first makes the spec invalid, not unsatisfiable (RFC 9110 §14.1.1).
            guard last >= first else { return .whole }
            guard first < size else { return .unsatisfiable }
            return .partial(first...min(last, size - 1))
        }
    }

    /// Parses a non-empty run of digits, saturating at `Int.max`; `nil` for an empty or non-digit text.
    private static func parsePosition(_ text: Substring) -> Int? {
        guard !text.isEmpty else { return nil }
        var value = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowPlus) = shifted.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            value = overflowTimes || overflowPlus ? Int.max : sum
        }
        return value
    }

    private static let unit = "bytes"
}

extension StringProtocol {
    /// The text without leading and trailing optional whitespace (SP and HTAB, RFC 9110 §5.6.3).
    func trimmingOWS() -> SubSequence {
        let isOWS: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isOWS($0) }) else { return self[endIndex...] }
        let end = lastIndex(where: { !isOWS($0) })!
        return self[start...end]
    }
}

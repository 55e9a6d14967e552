/// One `name=value` pair of an RTMP URL query (`?token=abc&vhost=example.com`), in wire order.
public struct RTMPQueryItem: Sendable, Hashable {
    /// The text before the first `=`.
    public var name: String
    /// The text after the first `=`; empty when the item has no `=`.
    public var value: String

    /// Creates an item.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Splits a raw query (without the leading `?`) on `&`; empty items are skipped.
    /// Values are kept as sent: RTMP peers do not percent-encode consistently, so decoding is left to the user.
    public static func parse<S: StringProtocol>(_ query: S) -> [RTMPQueryItem] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { item in
            guard let equals = item.firstIndex(of: "=") else { return RTMPQueryItem(name: String(item), value: "") }
            return RTMPQueryItem(
                name: String(item[..<equals]),
                value: String(item[item.index(after: equals)...])
            )
        }
    }
}

extension Array where Element == RTMPQueryItem {
    /// The value of the first item named `name`, if any.
    public func value(named name: String) -> String? {
        first(where: { $0.name == name })?.value
    }
}

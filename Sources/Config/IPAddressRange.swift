#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One address or a CIDR block, IPv4 or IPv6, as access rules name peers (`127.0.0.1`, `10.0.0.0/8`,
/// `::1`, `fe80::/10`).
///
/// IPv4 is held as its IPv4-mapped IPv6 form (RFC 4291 §2.5.5.2), so a peer that a dual-stack socket
/// reports as `::ffff:127.0.0.1` matches the rule `127.0.0.0/8`, and `127.0.0.1` matches `::ffff:127.0.0.1`.
public struct IPAddressRange: Sendable, Hashable, CustomStringConvertible {
    /// The first address of the block, 128 bits big-endian, host bits cleared.
    private let high: UInt64
    private let low: UInt64
    /// Leading bits that must match, 0...128 (an IPv4 `/n` is stored as `/(96 + n)`).
    public let prefixLength: Int
    /// As written in the configuration.
    public let description: String

    private static let ipv4MappedPrefix: UInt64 = 0x0000_FFFF_0000_0000
    private static let ipv4PrefixOffset = 96
    private static let ipv4Bits = 32
    private static let ipv6Bits = 128

    /// Parses `ADDRESS` or `ADDRESS/PREFIX`; `nil` when it is neither IPv4 nor IPv6 or the prefix is out of range.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        guard let (address, isIPv4) = Self.parseAddress(String(parts[0])) else { return nil }
        let maximum = isIPv4 ? Self.ipv4Bits : Self.ipv6Bits
        var prefix = maximum
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), parts[1].count <= 3,
                let value = Int(parts[1]), value <= maximum
            else { return nil }
            prefix = value
        }
        let length = isIPv4 ? prefix + Self.ipv4PrefixOffset : prefix
        let (maskHigh, maskLow) = Self.mask(length)
        self.high = address.high & maskHigh
        self.low = address.low & maskLow
        self.prefixLength = length
        self.description = text
    }

    /// Whether `address` (a peer as the socket reports it, IPv4 or IPv6) lies in the block; `false` if it does not parse.
    public func contains(_ address: String) -> Bool {
        guard let (peer, _) = Self.parseAddress(address) else { return false }
        let (maskHigh, maskLow) = Self.mask(prefixLength)
        return peer.high & maskHigh == high && peer.low & maskLow == low
    }

    private static func mask(_ length: Int) -> (UInt64, UInt64) {
        func bits(_ count: Int) -> UInt64 { count <= 0 ? 0 : count >= 64 ? .max : ~(UInt64.max >> count) }
        return (bits(length), bits(length - 64))
    }

    /// The address as 128 bits (IPv4 mapped), and whether it was written as IPv4.
    private static func parseAddress(_ text: String) -> ((high: UInt64, low: UInt64), Bool)? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            let value = UInt64(UInt32(bigEndian: v4.s_addr))
            return ((0, Self.ipv4MappedPrefix | value), true)
        }
        var v6 = in6_addr()
        // Zone ids (`fe80::1%eth0`) name an interface, not part of the address.
        let unzoned = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text
        guard inet_pton(AF_INET6, unzoned, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<8 { high = high << 8 | UInt64(bytes[index]) }
        for index in 8..<16 { low = low << 8 | UInt64(bytes[index]) }
        return ((high, low), false)
    }
}

import Foundation
public import Hummingbird

/// Checks HTTP Basic credentials (RFC 7617) against one user name and password, in constant time.
public struct HTTPBasicAuthenticator: Sendable {
    private let username: [UInt8]
    private let password: [UInt8]

    /// - Parameters:
    ///   - username: The expected user name.
    ///   - password: The expected password.
    public init(username: String, password: String) {
        self.username = Array(username.utf8)
        self.password = Array(password.utf8)
    }

    /// Whether `request` carries the right `Authorization: Basic ...` header.
    public func authenticates(_ request: Request) -> Bool {
        guard let header = request.headers[.authorization] else { return false }
        return authenticates(authorization: header)
    }

    /// Whether an `Authorization` value holds the right credentials.
    public func authenticates(authorization: String) -> Bool {
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        // The scheme is case-insensitive (RFC 7235 §2.1).
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces))
        else { return false }
        let bytes = Array(decoded)
        // The user id cannot contain a colon; the password may (RFC 7617 §2).
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let userMatches = Self.constantTimeEquals(Array(bytes[..<colon]), username)
        let passwordMatches = Self.constantTimeEquals(Array(bytes[(colon + 1)...]), password)
        // Both compared before either decides, so the time does not tell which one was wrong.
        return userMatches && passwordMatches
    }

    /// Compares two byte strings in time that depends only on `expected`'s length, not on where they differ.
    static func constantTimeEquals(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference = UInt(bitPattern: given.count ^ expected.count)
        for index in expected.indices {
            // Past the end of `given`, compare against a byte that still costs the same work.
            let byte = index < given.count ? given[index] : ~expected[index]
            difference |= UInt(byte ^ expected[index])
        }
        return difference == 0
    }
}

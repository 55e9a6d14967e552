/// A configuration that cannot be used: a syntax error, a bad include, or an invalid value.
///
/// Its `description` is `file:line: message`, ready to print as is.
public struct ConfigError: Error, Hashable, CustomStringConvertible {
    /// The family of the problem, extensible in the NIO way.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case syntax
            case include
            case invalidValue
            case unreadableFile
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The text does not follow the `directive args;` / `name { }` grammar.
        public static let syntax = Kind(.syntax)
        /// An `include` names a missing file, loops back, or nests too deep.
        public static let include = Kind(.include)
        /// A directive Headwater implements has a wrong value, argument count or shape.
        public static let invalidValue = Kind(.invalidValue)
        /// The configuration file itself is missing, unreadable, too large or not UTF-8.
        public static let unreadableFile = Kind(.unreadableFile)

        public var description: String {
            switch self.base {
            case .syntax: "syntax"
            case .include: "include"
            case .invalidValue: "invalidValue"
            case .unreadableFile: "unreadableFile"
            }
        }
    }

    /// The family of the problem.
    public var kind: Kind
    /// Where the problem is.
    public var location: SourceLocation
    /// What is wrong, for a person, without the location.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - kind: The family of the problem.
    ///   - location: Where the problem is.
    ///   - message: What is wrong, without the location.
    public init(_ kind: Kind, at location: SourceLocation, _ message: String) {
        self.kind = kind
        self.location = location
        self.message = message
    }

    /// `file:line: message`.
    public var description: String {
        "\(self.location): \(self.message)"
    }
}

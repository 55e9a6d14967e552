/// One directive of an SRS/nginx-style configuration: `name arg1 arg2;` or `name args { children }`.
///
/// This is the syntax tree; it knows nothing of what the directives mean. `include` directives never
/// appear here: the parser replaces them with the directives of the included files.
///
/// Equality compares what a directive says (name, arguments, block and children), not where it was
/// written, so a reloaded file whose comments or line numbers moved compares equal.
public struct ConfigDirective: Sendable, CustomStringConvertible {
    /// The directive name, the first word.
    public var name: String
    /// The words after the name, quotes removed and escapes resolved.
    public var args: [String]
    /// The directives inside the block; empty for a plain directive or an empty block.
    public var children: [ConfigDirective]
    /// Whether the directive was written with a block (`name { }`), even an empty one.
    public var isBlock: Bool
    /// Where the directive's name was written.
    public var location: SourceLocation

    /// Creates a directive.
    /// - Parameters:
    ///   - name: The directive name.
    ///   - args: The arguments after the name.
    ///   - children: The directives of its block.
    ///   - isBlock: Whether it has a block; by default, whether `children` is not empty.
    ///   - location: Where the name was written.
    public init(
        name: String,
        args: [String] = [],
        children: [ConfigDirective] = [],
        isBlock: Bool? = nil,
        location: SourceLocation
    ) {
        self.name = name
        self.args = args
        self.children = children
        self.isBlock = isBlock ?? !children.isEmpty
        self.location = location
    }

    /// The first child with the given name, as SRS's `SrsConfDirective::get` finds it.
    /// - Parameter name: The child directive name.
    /// - Returns: The first matching child, or `nil`.
    public func child(named name: String) -> ConfigDirective? {
        self.children.first { $0.name == name }
    }

    /// The directive as it would be written on one line (arguments quoted where needed), for messages.
    public var description: String {
        let words = [self.name] + self.args.map(Self.quotedIfNeeded)
        return words.joined(separator: " ") + (self.isBlock ? " { ... }" : ";")
    }

    /// Quotes a word when writing it bare would not parse back to the same word.
    static func quotedIfNeeded(_ word: String) -> String {
        let special: Set<Character> = [" ", "\t", "\n", "\r", ";", "{", "}", "\"", "'", "#", "\\"]
        guard word.isEmpty || word.contains(where: special.contains) else { return word }
        var escaped = ""
        for character in word {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            case "\r": escaped += "\\r"
            default: escaped.append(character)
            }
        }
        return "\"\(escaped)\""
    }
}

extension ConfigDirective: Hashable {
    public static func == (lhs: ConfigDirective, rhs: ConfigDirective) -> Bool {
        lhs.name == rhs.name && lhs.args == rhs.args && lhs.isBlock == rhs.isBlock && lhs.children == rhs.children
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.name)
        hasher.combine(self.args)
        hasher.combine(self.isBlock)
        hasher.combine(self.children)
    }
}

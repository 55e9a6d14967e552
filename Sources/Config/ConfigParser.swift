/// Builds the `ConfigDirective` tree from text, expanding `include` directives in place.
///
/// Grammar (nginx's, as SRS uses it): `directive := word+ (';' | '{' directive* '}')`. Arguments may span
/// lines. An included file must be complete on its own (it cannot close a block its includer opened).
struct ConfigParser {
    /// Nested includes deeper than this are almost certainly a mistake; cycles are reported separately.
    static let maximumIncludeDepth = 16
    /// Bounds the total work when files include the same file many times without a cycle.
    static let maximumFileCount = 256
    /// Bounds the tree depth so that recursive consumers (equality, hashing) stay shallow.
    static let maximumBlockDepth = 32
    /// Words shown in a "missing ';'" message before it is cut short.
    private static let maximumQuotedLength = 60
    private static let includeName = "include"

    /// A file on the include chain: its identity and its name for messages.
    private struct Link {
        var canonical: String
        var display: String
    }

    /// A block being filled, from its opening brace.
    private struct OpenBlock {
        var name: String
        var args: [String]
        var location: SourceLocation
        var children: [ConfigDirective] = []
    }

    private let reader = ConfigFileReader()
    private var fileCount = 0

    /// Parses the file at `path` and every file it includes.
    mutating func parseFile(path: String) throws(ConfigError) -> [ConfigDirective] {
        let text = try self.reader.read(path: path, includedBy: nil)
        return try self.parse(text: text, file: path)
    }

    /// Parses `text` as if it were the file `file` (which names it in messages and anchors its includes).
    mutating func parse(text: String, file: String) throws(ConfigError) -> [ConfigDirective] {
        self.fileCount += 1
        let link = Link(canonical: ConfigFileReader.canonicalPath(file), display: file)
        return try self.parse(text: text, file: file, chain: [link])
    }

    private mutating func parse(text: String, file: String, chain: [Link]) throws(ConfigError) -> [ConfigDirective] {
        var tokenizer = ConfigTokenizer(text: text, file: file)
        var stack = [OpenBlock(name: "", args: [], location: SourceLocation(file: file, line: 0))]
        var words: [(word: String, line: Int)] = []

        func location(_ line: Int) -> SourceLocation {
            SourceLocation(file: file, line: line)
        }

        while true {
            let token = try tokenizer.next()
            switch token.kind {
            case .word(let word):
                words.append((word, token.line))

            case .semicolon:
                guard let name = words.first else {
                    throw ConfigError(.syntax, at: location(token.line), "unexpected ';' (no directive before it)")
                }
                let directive = ConfigDirective(
                    name: name.word,
                    args: words.dropFirst().map(\.word),
                    location: location(name.line)
                )
                words.removeAll()
                if directive.name == Self.includeName {
                    stack[stack.count - 1].children += try self.expand(include: directive, chain: chain)
                } else {
                    stack[stack.count - 1].children.append(directive)
                }

            case .openBrace:
                guard let name = words.first else {
                    throw ConfigError(.syntax, at: location(token.line), "unexpected '{' (a block needs a name)")
                }
                guard name.word != Self.includeName else {
                    throw ConfigError(.syntax, at: location(name.line), "'include' cannot open a block")
                }
                guard stack.count <= Self.maximumBlockDepth else {
                    throw ConfigError(
                        .syntax,
                        at: location(name.line),
                        "blocks are nested deeper than \(Self.maximumBlockDepth) levels"
                    )
                }
                stack.append(
                    OpenBlock(name: name.word, args: words.dropFirst().map(\.word), location: location(name.line))
                )
                words.removeAll()

            case .closeBrace:
                try Self.requireNoPendingWords(words, file: file)
                guard stack.count > 1, let block = stack.popLast() else {
                    throw ConfigError(.syntax, at: location(token.line), "unexpected '}' (no block is open)")
                }
                let directive = ConfigDirective(
                    name: block.name,
                    args: block.args,
                    children: block.children,
                    isBlock: true,
                    location: block.location
                )
                stack[stack.count - 1].children.append(directive)

            case .end:
                try Self.requireNoPendingWords(words, file: file)
                if stack.count > 1, let open = stack.last {
                    throw ConfigError(
                        .syntax,
                        at: location(token.line),
                        "unexpected end of file: block '\(open.name)' opened at line \(open.location.line) is not closed"
                    )
                }
                return stack[0].children
            }
        }
    }

    /// Words left when a `}` or the end of file arrives: the directive lacks its terminating `;`.
    private static func requireNoPendingWords(_ words: [(word: String, line: Int)], file: String) throws(ConfigError) {
        guard let last = words.last else { return }
        var written = words.map { ConfigDirective.quotedIfNeeded($0.word) }.joined(separator: " ")
        if written.count > Self.maximumQuotedLength {
            written = String(written.prefix(Self.maximumQuotedLength)) + "..."
        }
        throw ConfigError(.syntax, at: SourceLocation(file: file, line: last.line), "missing ';' after '\(written)'")
    }

    /// Reads and parses each file an `include` names, returning their directives in order.
    private mutating func expand(include: ConfigDirective, chain: [Link]) throws(ConfigError) -> [ConfigDirective] {
        guard !include.args.isEmpty else {
            throw ConfigError(.include, at: include.location, "'include' needs at least one file name")
        }
        guard chain.count <= Self.maximumIncludeDepth else {
            throw ConfigError(
                .include,
                at: include.location,
                "includes are nested deeper than \(Self.maximumIncludeDepth) levels"
            )
        }
        var directives: [ConfigDirective] = []
        for argument in include.args {
            let path = ConfigFileReader.resolveInclude(argument, relativeTo: include.location.file)
            let link = Link(canonical: ConfigFileReader.canonicalPath(path), display: path)
            if chain.contains(where: { $0.canonical == link.canonical }) {
                let cycle = (chain + [link]).map(\.display).joined(separator: " -> ")
                throw ConfigError(.include, at: include.location, "include cycle: \(cycle)")
            }
            self.fileCount += 1
            guard self.fileCount <= Self.maximumFileCount else {
                throw ConfigError(
                    .include,
                    at: include.location,
                    "more than \(Self.maximumFileCount) files are included in total"
                )
            }
            let text = try self.reader.read(path: path, includedBy: include.location)
            directives += try self.parse(text: text, file: path, chain: chain + [link])
        }
        return directives
    }
}

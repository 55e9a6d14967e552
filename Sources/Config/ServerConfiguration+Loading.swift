/// Entry points: from a file, from text, and the parsed tree alone.
extension ServerConfiguration {
    /// The file name `parse(text:file:)` is given for `builtInDefaultText`.
    public static let builtInDefaultFileName = "<built-in>"

    /// Reads, parses and validates a configuration file and the files it includes.
    /// - Parameter path: The file; messages name it (and included files) as given, relative paths kept.
    /// - Returns: The configuration, and one warning per directive Headwater ignores, in file order.
    /// - Throws: `ConfigError` with the file:line of the first problem.
    public static func load(path: String) throws(ConfigError) -> (ServerConfiguration, [ConfigWarning]) {
        var parser = ConfigParser()
        return try Self.decode(try parser.parseFile(path: path))
    }

    /// Parses and validates configuration text.
    /// - Parameters:
    ///   - text: The configuration.
    ///   - file: The name used in messages, and the anchor of relative `include` paths.
    /// - Returns: The configuration, and one warning per directive Headwater ignores, in file order.
    /// - Throws: `ConfigError` with the file:line of the first problem.
    public static func parse(text: String, file: String) throws(ConfigError) -> (ServerConfiguration, [ConfigWarning]) {
        var parser = ConfigParser()
        return try Self.decode(try parser.parse(text: text, file: file))
    }

    /// The built-in default configuration, parsed.
    public static var builtInDefault: ServerConfiguration {
        // The text is a constant that tests parse; failing here would be a build defect, not a user error.
        guard let (configuration, _) = try? Self.parse(text: Self.builtInDefaultText, file: Self.builtInDefaultFileName)
        else {
            preconditionFailure("the built-in default configuration does not parse")
        }
        return configuration
    }

    private static func decode(
        _ directives: [ConfigDirective]
    ) throws(ConfigError) -> (ServerConfiguration, [ConfigWarning]) {
        var decoder = ConfigDecoder()
        let configuration = try decoder.decode(directives)
        return (configuration, Self.inFileOrder(decoder.warnings, of: directives))
    }

    /// The decoder reads the root before the vhosts; users read files top to bottom. Rank each location by
    /// a pre-order walk of the tree, which is document order with includes expanded where they stand.
    private static func inFileOrder(_ warnings: [ConfigWarning], of directives: [ConfigDirective]) -> [ConfigWarning] {
        var rank: [SourceLocation: Int] = [:]
        var pending = Array(directives.reversed())
        while let directive = pending.popLast() {
            if rank[directive.location] == nil {
                rank[directive.location] = rank.count
            }
            pending += directive.children.reversed()
        }
        return warnings.enumerated()
            .sorted { lhs, rhs in
                (rank[lhs.element.location] ?? Int.max, lhs.offset) < (
                    rank[rhs.element.location] ?? Int.max, rhs.offset
                )
            }
            .map(\.element)
    }
}

extension ConfigDirective {
    /// Parses configuration text into directives without interpreting them, expanding `include`s.
    /// - Parameters:
    ///   - text: The configuration.
    ///   - file: The name used in locations, and the anchor of relative `include` paths.
    /// - Returns: The top-level directives.
    /// - Throws: `ConfigError` for syntax and include errors.
    public static func parse(text: String, file: String) throws(ConfigError) -> [ConfigDirective] {
        var parser = ConfigParser()
        return try parser.parse(text: text, file: file)
    }

    /// Reads and parses a configuration file into directives without interpreting them.
    /// - Parameter path: The file.
    /// - Returns: The top-level directives.
    /// - Throws: `ConfigError` for unreadable files, syntax and include errors.
    public static func parseFile(path: String) throws(ConfigError) -> [ConfigDirective] {
        var parser = ConfigParser()
        return try parser.parseFile(path: path)
    }
}

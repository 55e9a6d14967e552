/// Shape and value checks for single directives, each failing with the directive's file:line.
extension ConfigDecoder {
    private static let on = "on"
    private static let off = "off"

    /// Because arguments may span lines, a forgotten `;` glues the next directive onto this one as extra
    /// arguments (`listen 1935` / `chunk_size 128;`). Spot that by an argument that is itself a directive
    /// name of the same block, and say what actually went wrong.
    static func checkMissingSemicolon(_ directive: ConfigDirective, in context: DirectiveContext) throws(ConfigError) {
        guard
            let glued = directive.args.firstIndex(where: { DirectiveTable.role(of: $0, in: context) != nil })
        else { return }
        let written = ([directive.name] + directive.args[..<glued].map(ConfigDirective.quotedIfNeeded))
            .joined(separator: " ")
        throw ConfigError(.syntax, at: directive.location, "missing ';' after '\(written)'")
    }

    static func checkShape(
        _ directive: ConfigDirective,
        wantsBlock: Bool,
        arguments: ClosedRange<Int>
    ) throws(ConfigError) {
        let name = directive.name
        if directive.isBlock && !wantsBlock {
            throw ConfigError(.invalidValue, at: directive.location, "directive '\(name)' does not take a block")
        }
        if !directive.isBlock && wantsBlock {
            throw ConfigError(
                .invalidValue,
                at: directive.location,
                "directive '\(name)' needs a block: '\(name) { ... }'"
            )
        }
        let count = directive.args.count
        guard !arguments.contains(count) else { return }
        let expected: String
        switch (arguments.lowerBound, arguments.upperBound) {
        case (0, 0): expected = "no arguments"
        case (1, 1): expected = "exactly 1 argument"
        case (let low, Int.max): expected = "at least \(low) argument\(low == 1 ? "" : "s")"
        case (let low, let high) where low == high: expected = "exactly \(low) arguments"
        case (let low, let high): expected = "\(low) to \(high) arguments"
        }
        throw ConfigError(
            .invalidValue,
            at: directive.location,
            "directive '\(name)' takes \(expected), found \(count)"
        )
    }

    private static func invalid(_ directive: ConfigDirective, _ expectation: String) -> ConfigError {
        ConfigError(
            .invalidValue,
            at: directive.location,
            "invalid value '\(directive.args[0])' for '\(directive.name)': \(expectation)"
        )
    }

    /// SRS writes booleans as `on`/`off`; anything else is refused rather than guessed.
    static func boolean(_ directive: ConfigDirective) throws(ConfigError) -> Bool {
        switch directive.args[0] {
        case Self.on: return true
        case Self.off: return false
        default: throw Self.invalid(directive, "expected '\(Self.on)' or '\(Self.off)'")
        }
    }

    static func integer(_ directive: ConfigDirective, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        let text = directive.args[0]
        let digits = text.hasPrefix("-") ? text.dropFirst() : text[...]
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw Self.invalid(directive, "expected an integer")
        }
        guard let value = Int(text), range.contains(value) else {
            throw Self.invalid(directive, "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    static func choice<Choice: RawRepresentable<String> & CaseIterable>(
        _ directive: ConfigDirective
    ) throws(ConfigError) -> Choice {
        guard let value = Choice(rawValue: directive.args[0]) else {
            let names = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw Self.invalid(directive, "expected one of \(names)")
        }
        return value
    }

    static func logLevel(
        _ directive: ConfigDirective,
        names: [String],
        _ map: (String) -> LogLevel?
    ) throws(ConfigError) -> LogLevel {
        guard let level = map(directive.args[0]) else {
            throw Self.invalid(directive, "expected one of \(names.joined(separator: ", "))")
        }
        return level
    }

    static func path(_ directive: ConfigDirective) throws(ConfigError) -> String {
        guard !directive.args[0].isEmpty else {
            throw Self.invalid(directive, "expected a non-empty path")
        }
        return directive.args[0]
    }

    /// All entries of all `listen` directives, in order, each address once.
    static func listenAddresses(_ directives: [ConfigDirective]) throws(ConfigError) -> [ListenAddress] {
        var addresses: [ListenAddress] = []
        for directive in directives {
            for entry in directive.args {
                switch ListenAddress.parse(entry) {
                case .failure(let problem):
                    throw ConfigError(
                        .invalidValue,
                        at: directive.location,
                        "invalid listen address '\(entry)': \(problem.reason)"
                    )
                case .success(let address):
                    guard !addresses.contains(address) else {
                        throw ConfigError(
                            .invalidValue,
                            at: directive.location,
                            "listen address '\(entry)' is repeated"
                        )
                    }
                    addresses.append(address)
                }
            }
        }
        return addresses
    }
}

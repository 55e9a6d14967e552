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

    static func invalid(_ directive: ConfigDirective, _ expectation: String) -> ConfigError {
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

    /// A decimal number such as `1`, `1.0` or `2.1` (SRS reads these with `atof`, which also takes
    /// exponents and trailing junk; those are refused here).
    static func decimal(_ directive: ConfigDirective, in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        let text = directive.args[0]
        let unsigned = text.hasPrefix("-") ? text.dropFirst() : text[...]
        guard Self.isPlainDecimal(unsigned), let value = Double(text) else {
            throw Self.invalid(directive, "expected a decimal number")
        }
        guard range.contains(value) else {
            throw Self.invalid(
                directive,
                "must be between \(Self.plain(range.lowerBound)) and \(Self.plain(range.upperBound))"
            )
        }
        return value
    }

    /// Seconds with up to millisecond precision (`10`, `2.5`, `0.25`), converted exactly, without floating
    /// point. A range starting at one millisecond is read and reported as "more than 0".
    static func seconds(_ directive: ConfigDirective, in range: ClosedRange<Duration>) throws(ConfigError) -> Duration {
        let text = directive.args[0]
        let negative = text.hasPrefix("-")
        let unsigned = negative ? text.dropFirst() : text[...]
        guard Self.isPlainDecimal(unsigned) else {
            throw Self.invalid(directive, "expected seconds, such as 10 or 2.5")
        }
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= Self.millisecondDigits else {
            throw Self.invalid(directive, "seconds have at most \(Self.millisecondDigits) decimals")
        }
        // Too many digits for Int is simply out of range, like integer() does.
        let whole = Int(parts[0]).flatMap { $0 <= Self.largestSeconds ? $0 : nil } ?? Self.largestSeconds + 1
        let padded = fraction + String(repeating: "0", count: Self.millisecondDigits - fraction.count)
        let milliseconds = (whole * 1_000 + (Int(padded) ?? 0)) * (negative ? -1 : 1)
        let value = Duration.milliseconds(milliseconds)
        guard range.contains(value) else {
            let high = Self.secondsText(range.upperBound)
            let bounds =
                range.lowerBound == .milliseconds(1)
                ? "must be more than 0 and at most \(high)"
                : "must be between \(Self.secondsText(range.lowerBound)) and \(high)"
            throw Self.invalid(directive, bounds)
        }
        return value
    }

    /// Seconds are written to the millisecond, like every `Duration` in the configuration.
    private static let millisecondDigits = 3
    /// Far above any range the configuration uses, far below `Int` overflow once in milliseconds.
    private static let largestSeconds = 1_000_000_000

    /// Digits with at most one `.` between digits: `10`, `2.5`; not `.5`, `5.`, `1e3` or `0x10`.
    private static func isPlainDecimal(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    /// `3600` rather than `3600.0`.
    private static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// `3600`, `2.5` or `0.001`, as a person writes seconds.
    static func secondsText(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1_000 + attoseconds / 1_000_000_000_000_000
        let whole = String(milliseconds / 1_000)
        let fraction = milliseconds % 1_000
        guard fraction != 0 else { return whole }
        var digits = String(fraction)
        digits = String(repeating: "0", count: Self.millisecondDigits - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
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

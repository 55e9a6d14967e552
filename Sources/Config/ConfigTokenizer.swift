/// One lexical token of the SRS/nginx configuration syntax.
struct ConfigToken: Hashable {
    enum Kind: Hashable {
        /// A bare or quoted word, quotes removed and escapes resolved.
        case word(String)
        case semicolon
        case openBrace
        case closeBrace
        case end
    }

    var kind: Kind
    /// The line where the token starts (for `.end`, the last line of the file).
    var line: Int
}

/// Splits configuration text into words and punctuation.
///
/// Rules (nginx `ngx_conf_read_token`, as SRS follows them): words are separated by white space; `;`, `{`
/// and `}` end a word; `#` at the start of a word begins a comment that runs to the end of the line; a word
/// may be quoted with `"` or `'`, where `\"`, `\'`, `\\`, `\n`, `\t` and `\r` are escapes and any other
/// backslash stays as written. A quoted word may span lines and may be empty.
struct ConfigTokenizer {
    private static let newline = UInt8(ascii: "\n")
    private static let semicolon = UInt8(ascii: ";")
    private static let openBrace = UInt8(ascii: "{")
    private static let closeBrace = UInt8(ascii: "}")
    private static let hash = UInt8(ascii: "#")
    private static let doubleQuote = UInt8(ascii: "\"")
    private static let singleQuote = UInt8(ascii: "'")
    private static let backslash = UInt8(ascii: "\\")
    /// The UTF-8 byte order mark some editors write at the start of a file.
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    private let bytes: [UInt8]
    private let file: String
    private var index: Int
    private var line = 1

    /// - Parameters:
    ///   - text: The whole file.
    ///   - file: The file name for error locations.
    init(text: String, file: String) {
        self.bytes = Array(text.utf8)
        self.file = file
        self.index = self.bytes.starts(with: Self.byteOrderMark) ? Self.byteOrderMark.count : 0
    }

    /// Reads the next token.
    /// - Throws: `ConfigError.Kind.syntax` for an unterminated string or junk glued to a quoted word.
    mutating func next() throws(ConfigError) -> ConfigToken {
        self.skipSpaceAndComments()
        guard self.index < self.bytes.count else {
            return ConfigToken(kind: .end, line: self.line)
        }
        let line = self.line
        let byte = self.bytes[self.index]
        switch byte {
        case Self.semicolon:
            self.index += 1
            return ConfigToken(kind: .semicolon, line: line)
        case Self.openBrace:
            self.index += 1
            return ConfigToken(kind: .openBrace, line: line)
        case Self.closeBrace:
            self.index += 1
            return ConfigToken(kind: .closeBrace, line: line)
        case Self.doubleQuote, Self.singleQuote:
            return ConfigToken(kind: .word(try self.readQuoted(quote: byte)), line: line)
        default:
            return ConfigToken(kind: .word(self.readBare()), line: line)
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        // space, tab, LF, vertical tab, form feed, CR
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    private mutating func skipSpaceAndComments() {
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            if byte == Self.newline {
                self.line += 1
                self.index += 1
            } else if Self.isSpace(byte) {
                self.index += 1
            } else if byte == Self.hash {
                while self.index < self.bytes.count && self.bytes[self.index] != Self.newline {
                    self.index += 1
                }
            } else {
                return
            }
        }
    }

    /// A bare word runs to white space or punctuation; `#` and quotes inside it are ordinary characters.
    private mutating func readBare() -> String {
        let start = self.index
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            if Self.isSpace(byte) || byte == Self.semicolon || byte == Self.openBrace || byte == Self.closeBrace {
                break
            }
            self.index += 1
        }
        return String(decoding: self.bytes[start..<self.index], as: UTF8.self)
    }

    private mutating func readQuoted(quote: UInt8) throws(ConfigError) -> String {
        let startLine = self.line
        var word: [UInt8] = []
        self.index += 1
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            self.index += 1
            if byte == quote {
                try self.checkAfterQuoted()
                return String(decoding: word, as: UTF8.self)
            }
            if byte == Self.newline {
                self.line += 1
            }
            guard byte == Self.backslash, self.index < self.bytes.count else {
                word.append(byte)
                continue
            }
            let escaped = self.bytes[self.index]
            self.index += 1
            switch escaped {
            case Self.doubleQuote, Self.singleQuote, Self.backslash: word.append(escaped)
            case UInt8(ascii: "n"): word.append(Self.newline)
            case UInt8(ascii: "t"): word.append(UInt8(ascii: "\t"))
            case UInt8(ascii: "r"): word.append(UInt8(ascii: "\r"))
            default:
                if escaped == Self.newline {
                    self.line += 1
                }
                word.append(byte)
                word.append(escaped)
            }
        }
        throw ConfigError(
            .syntax,
            at: SourceLocation(file: self.file, line: self.line),
            "unterminated string starting at line \(startLine)"
        )
    }

    /// nginx requires a separator after a closing quote: `"a"b` is an error, not the word `ab`.
    private func checkAfterQuoted() throws(ConfigError) {
        guard self.index < self.bytes.count else { return }
        let byte = self.bytes[self.index]
        if Self.isSpace(byte) || byte == Self.semicolon || byte == Self.openBrace || byte == Self.closeBrace {
            return
        }
        let character = String(decoding: [byte], as: UTF8.self)
        throw ConfigError(
            .syntax,
            at: SourceLocation(file: self.file, line: self.line),
            "unexpected '\(character)' after a quoted string (expected a space, ';' or '{')"
        )
    }
}

import Testing

@testable import Config

@Suite("Syntax")
struct ConfigSyntaxTests {
    @Test func directivesBlocksAndLocations() throws {
        let text = """
            # comment line
            listen 1935;
            vhost __defaultVhost__ {
                play { gop_cache off; }
                publish {
                }
            }
            max_connections 10; # trailing comment
            """
        let directives = try ConfigDirective.parse(text: text, file: "conf/a.conf")
        #expect(
            directives.flatMap(\.outline) == [
                "listen@2", "vhost@3", "play@4", "gop_cache@4", "publish@5", "max_connections@8",
            ]
        )
        #expect(directives[0].args == ["1935"])
        #expect(directives[0].isBlock == false)
        #expect(directives[0].location == SourceLocation(file: "conf/a.conf", line: 2))
        let vhost = directives[1]
        #expect(vhost.args == ["__defaultVhost__"])
        #expect(vhost.isBlock)
        #expect(vhost.child(named: "play")?.child(named: "gop_cache")?.args == ["off"])
        let publish = try #require(vhost.child(named: "publish"))
        #expect(publish.isBlock && publish.children.isEmpty)
    }

    @Test func argumentsSpanLines() throws {
        let directives = try ConfigDirective.parse(text: "\nlisten\n  1935\n  1936\n;\nchunk_size 128;", file: "f")
        #expect(directives.map(\.name) == ["listen", "chunk_size"])
        #expect(directives[0].args == ["1935", "1936"])
        #expect(directives[0].location.line == 2)
        #expect(directives[1].location.line == 6)
    }

    @Test func commentsOnlyStartAWord() throws {
        let directives = try ConfigDirective.parse(text: "a b#c d;#e f;\n#g;\nh;", file: "f")
        #expect(directives.map(\.name) == ["a", "h"])
        #expect(directives[0].args == ["b#c", "d"])
    }

    @Test func quotedStrings() throws {
        let text = #"""
            a "two words" 'single' "" "semi;{}#" "q\"uote" 'it\'s' "back\\slash" "C:\objs" "tab\tnl\n";
            b "multi
            line" after;
            c;
            """#
        let directives = try ConfigDirective.parse(text: text, file: "f")
        #expect(
            directives[0].args == [
                "two words", "single", "", "semi;{}#", "q\"uote", "it's", "back\\slash", "C:\\objs", "tab\tnl\n",
            ]
        )
        #expect(directives[1].args == ["multi\nline", "after"])
        // Lines keep counting inside a quoted string.
        #expect(directives[2].location.line == 4)
    }

    @Test func quotedWordMayTouchPunctuation() throws {
        let directives = try ConfigDirective.parse(text: #"vhost "a.com"{ x "1";}"#, file: "f")
        #expect(directives.flatMap(\.outline) == ["vhost@1", "x@1"])
        #expect(directives[0].args == ["a.com"])
        #expect(directives[0].children[0].args == ["1"])
    }

    @Test func byteOrderMarkAndCRLF() throws {
        let directives = try ConfigDirective.parse(text: "\u{FEFF}listen 1935;\r\nchunk_size 128;\r\n", file: "f")
        #expect(directives.flatMap(\.outline) == ["listen@1", "chunk_size@2"])
    }

    @Test func equalityIgnoresLocation() throws {
        let first = try ConfigDirective.parse(text: "vhost a { play { gop_cache on; } }", file: "one")
        let second = try ConfigDirective.parse(
            text: "# moved\n\nvhost a {\n play {\n gop_cache on;\n }\n}",
            file: "two"
        )
        let changed = try ConfigDirective.parse(text: "vhost a { play { gop_cache off; } }", file: "one")
        let emptyBlock = try ConfigDirective.parse(text: "vhost a { play { } }", file: "one")
        let noBlock = try ConfigDirective.parse(text: "vhost a { play; }", file: "one")
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        #expect(first != changed)
        #expect(emptyBlock != noBlock)
    }

    static let syntaxErrors: [(text: String, expected: String)] = [
        ("listen 1935;\n}\n", "conf/x.conf:2: unexpected '}' (no block is open)"),
        ("vhost a {\n    listen 1935\n}\n", "conf/x.conf:2: missing ';' after 'listen 1935'"),
        ("chunk_size 128;\nlisten 1935", "conf/x.conf:2: missing ';' after 'listen 1935'"),
        ("a\n  \"b c\"\n}", "conf/x.conf:2: missing ';' after 'a \"b c\"'"),
        ("pid \"./objs\n\n", "conf/x.conf:3: unterminated string starting at line 1"),
        ("pid 'x\\'", "conf/x.conf:1: unterminated string starting at line 1"),
        (
            "a;\n\nvhost b {\n  c;\n",
            "conf/x.conf:5: unexpected end of file: block 'vhost' opened at line 3 is not closed"
        ),
        (
            "vhost a {\n    play {\n",
            "conf/x.conf:3: unexpected end of file: block 'play' opened at line 2 is not closed"
        ),
        ("listen 1935;\n;\n", "conf/x.conf:2: unexpected ';' (no directive before it)"),
        ("\n\n{ }", "conf/x.conf:3: unexpected '{' (a block needs a name)"),
        ("pid \"a\"b;", "conf/x.conf:1: unexpected 'b' after a quoted string (expected a space, ';' or '{')"),
        ("include x {\n}", "conf/x.conf:1: 'include' cannot open a block"),
        ("include;", "conf/x.conf:1: 'include' needs at least one file name"),
        // A forgotten ';' glues the next directive on; the decoder names the real mistake.
        ("listen 1935\nchunk_size 128;", "conf/x.conf:1: missing ';' after 'listen 1935'"),
        ("max_connections 10\nvhost a {\n}\n", "conf/x.conf:1: missing ';' after 'max_connections 10'"),
        (
            "vhost a {\n    play {\n        gop_cache on\n        queue_length 10;\n    }\n}",
            "conf/x.conf:3: missing ';' after 'gop_cache on'"
        ),
    ]

    @Test(arguments: syntaxErrors)
    func syntaxErrorsCarryFileAndLine(text: String, expected: String) {
        #expect(parseError(text) == expected)
    }

    @Test func syntaxErrorKind() {
        let error = #expect(throws: ConfigError.self) {
            _ = try ConfigDirective.parse(text: "}", file: "f")
        }
        #expect(error?.kind == .syntax)
        #expect(error?.location == SourceLocation(file: "f", line: 1))
        #expect(error?.message == "unexpected '}' (no block is open)")
    }

    @Test func blockNestingIsBounded() throws {
        let allowed =
            String(repeating: "a {\n", count: ConfigParser.maximumBlockDepth)
            + String(repeating: "}\n", count: ConfigParser.maximumBlockDepth)
        _ = try ConfigDirective.parse(text: allowed, file: "f")
        let tooDeep = String(repeating: "a {\n", count: ConfigParser.maximumBlockDepth + 1)
        #expect(parseError(tooDeep) == "conf/x.conf:33: blocks are nested deeper than 32 levels")
    }

    @Test func emptyAndCommentOnlyTextsHaveNoDirectives() throws {
        #expect(try ConfigDirective.parse(text: "", file: "f").isEmpty)
        #expect(try ConfigDirective.parse(text: "  # nothing\n\n# here", file: "f").isEmpty)
    }

    @Test func descriptionQuotesWhatNeedsIt() {
        let directive = ConfigDirective(
            name: "dvr_path",
            args: ["a b", "", "x\"y", "plain"],
            location: SourceLocation(file: "f", line: 1)
        )
        #expect(directive.description == #"dvr_path "a b" "" "x\"y" plain;"#)
        #expect(SourceLocation(file: "f", line: 0).description == "f")
    }
}

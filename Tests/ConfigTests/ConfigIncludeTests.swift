import Foundation
import Testing

@testable import Config

@Suite("Include")
struct ConfigIncludeTests {
    @Test func nestedDirectoriesResolveRelativeToTheIncludingFile() throws {
        try withTemporaryDirectory { dir in
            try write("listen 1935;\ninclude vhosts/live.conf;\nmax_connections 5;\n", to: "main.conf", in: dir)
            try write("vhost live {\n    include play.conf;\n    enabled on;\n}\n", to: "vhosts/live.conf", in: dir)
            try write("\nplay {\n    gop_cache off;\n}\n", to: "vhosts/play.conf", in: dir)

            let directives = try ConfigDirective.parseFile(path: "\(dir)/main.conf")
            #expect(
                directives.flatMap(\.outline) == [
                    "listen@1", "vhost@1", "play@2", "gop_cache@3", "enabled@3", "max_connections@3",
                ]
            )
            let vhost = directives[1]
            #expect(vhost.location.file == "\(dir)/vhosts/live.conf")
            #expect(vhost.children[0].location == SourceLocation(file: "\(dir)/vhosts/play.conf", line: 2))

            let (configuration, warnings) = try ServerConfiguration.load(path: "\(dir)/main.conf")
            #expect(warnings.isEmpty)
            #expect(configuration.maxConnections == 5)
            #expect(configuration.vhost(named: "live").play.gopCache == false)
        }
    }

    @Test func oneIncludeMayNameSeveralFilesAndAbsolutePaths() throws {
        try withTemporaryDirectory { dir in
            try write("include a.conf \(dir)/b.conf;\n", to: "main.conf", in: dir)
            try write("vhost a {\n}\n", to: "a.conf", in: dir)
            try write("vhost b {\n}\n", to: "b.conf", in: dir)
            let (configuration, _) = try ServerConfiguration.load(path: "\(dir)/main.conf")
            #expect(Set(configuration.vhosts.keys) == ["a", "b", "__defaultVhost__"])
        }
    }

    @Test func srsStyleIncludeRelativeToTheWorkingDirectoryStillWorks() throws {
        try withTemporaryDirectory { dir in
            // SRS resolves `include` against the working directory; reach the temporary file that way.
            let depth =
                URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.pathComponents.count
                - 1
            let fromWorkingDirectory = String(repeating: "../", count: depth) + "\(dir.dropFirst())/srs/vhost.conf"
            try write("vhost srs {\n}\n", to: "srs/vhost.conf", in: dir)
            // Deep enough that the same path taken from the includer's directory stays inside `dir`, and misses.
            let includer = String(repeating: "d/", count: depth + 1) + "main.conf"
            try write("include \(fromWorkingDirectory);\n", to: includer, in: dir)
            let (configuration, _) = try ServerConfiguration.load(path: "\(dir)/\(includer)")
            #expect(configuration.vhosts["srs"] != nil)
        }
    }

    @Test func missingIncludeIsReportedAtTheIncludeDirective() throws {
        try withTemporaryDirectory { dir in
            try write("listen 1935;\ninclude nothere.conf;\n", to: "main.conf", in: dir)
            let error = #expect(throws: ConfigError.self) {
                _ = try ServerConfiguration.load(path: "\(dir)/main.conf")
            }
            #expect(error?.kind == .include)
            #expect(error?.description == "\(dir)/main.conf:2: include file '\(dir)/nothere.conf' not found")
        }
    }

    @Test func includingADirectoryFails() throws {
        try withTemporaryDirectory { dir in
            try write("include sub;\n", to: "main.conf", in: dir)
            try write("x;\n", to: "sub/x.conf", in: dir)
            let error = #expect(throws: ConfigError.self) {
                _ = try ServerConfiguration.load(path: "\(dir)/main.conf")
            }
            #expect(error?.description == "\(dir)/main.conf:1: include file '\(dir)/sub' is a directory")
        }
    }

    @Test func cyclesAreDetected() throws {
        try withTemporaryDirectory { dir in
            try write("include b.conf;\n", to: "a.conf", in: dir)
            try write("listen 1935;\n\ninclude sub/../a.conf;\n", to: "b.conf", in: dir)
            let error = #expect(throws: ConfigError.self) {
                _ = try ServerConfiguration.load(path: "\(dir)/a.conf")
            }
            #expect(error?.kind == .include)
            #expect(
                error?.description
                    == "\(dir)/b.conf:3: include cycle: \(dir)/a.conf -> \(dir)/b.conf -> \(dir)/sub/../a.conf"
            )
        }
    }

    @Test func selfIncludeIsACycle() throws {
        try withTemporaryDirectory { dir in
            try write("vhost a {\n    include self.conf;\n}\n", to: "self.conf", in: dir)
            let error = #expect(throws: ConfigError.self) {
                _ = try ServerConfiguration.load(path: "\(dir)/self.conf")
            }
            #expect(error?.description == "\(dir)/self.conf:2: include cycle: \(dir)/self.conf -> \(dir)/self.conf")
        }
    }

    @Test func includingTheSameFileTwiceIsNotACycle() throws {
        try withTemporaryDirectory { dir in
            try write(
                "vhost a {\n    include common.conf;\n}\nvhost b {\n    include common.conf;\n}\n",
                to: "main.conf",
                in: dir
            )
            try write("chunk_size 4096;\n", to: "common.conf", in: dir)
            let (configuration, _) = try ServerConfiguration.load(path: "\(dir)/main.conf")
            #expect(configuration.vhost(named: "a").chunkSize == 4096)
            #expect(configuration.vhost(named: "b").chunkSize == 4096)
        }
    }

    @Test func includeDepthIsBounded() throws {
        try withTemporaryDirectory { dir in
            let files = ConfigParser.maximumIncludeDepth + 2
            for index in 0..<files {
                try write("include f\(index + 1).conf;\n", to: "f\(index).conf", in: dir)
            }
            try write("listen 1935;\n", to: "f\(files).conf", in: dir)
            let error = #expect(throws: ConfigError.self) {
                _ = try ServerConfiguration.load(path: "\(dir)/f0.conf")
            }
            #expect(error?.description == "\(dir)/f16.conf:1: includes are nested deeper than 16 levels")
        }
    }

    @Test func errorsInsideAnIncludedFileNameThatFile() throws {
        try withTemporaryDirectory { dir in
            try write("listen 1935;\ninclude bad.conf;\n", to: "main.conf", in: dir)
            try write("vhost a {\n    play {\n    }\n", to: "bad.conf", in: dir)
            let error = #expect(throws: ConfigError.self) {
                _ = try ServerConfiguration.load(path: "\(dir)/main.conf")
            }
            #expect(
                error?.description
                    == "\(dir)/bad.conf:4: unexpected end of file: block 'vhost' opened at line 1 is not closed"
            )
        }
    }

    @Test func anIncludedFileCannotCloseItsIncludersBlock() throws {
        try withTemporaryDirectory { dir in
            try write("vhost a {\n    include close.conf;\n", to: "main.conf", in: dir)
            try write("}\n", to: "close.conf", in: dir)
            let error = #expect(throws: ConfigError.self) {
                _ = try ServerConfiguration.load(path: "\(dir)/main.conf")
            }
            #expect(error?.description == "\(dir)/close.conf:1: unexpected '}' (no block is open)")
        }
    }

    @Test func warningsFollowDocumentOrderAcrossIncludes() throws {
        try withTemporaryDirectory { dir in
            try write(
                "daemon off;\ninclude extra.conf;\nvhost a {\n    rtc { }\n}\nutc_time off;\n",
                to: "main.conf",
                in: dir
            )
            try write("\nheartbeat { enabled on; }\n", to: "extra.conf", in: dir)
            let (_, warnings) = try ServerConfiguration.load(path: "\(dir)/main.conf")
            #expect(
                warnings.map(\.description) == [
                    "\(dir)/main.conf:1: directive 'daemon' is not supported by headwater and is ignored",
                    "\(dir)/extra.conf:2: directive 'heartbeat' is not implemented yet by headwater and is ignored",
                    "\(dir)/main.conf:4: directive 'rtc' is not supported by headwater and is ignored",
                    "\(dir)/main.conf:6: directive 'utc_time' is not supported by headwater and is ignored",
                ]
            )
        }
    }

    @Test func parseTextAnchorsIncludesAtItsFileName() throws {
        try withTemporaryDirectory { dir in
            try write("chunk_size 256;\n", to: "sub/c.conf", in: dir)
            let (configuration, _) = try ServerConfiguration.parse(
                text: "include sub/c.conf;",
                file: "\(dir)/virtual.conf"
            )
            #expect(configuration.chunkSize == 256)
        }
    }

    @Test func missingTopLevelFile() {
        let error = #expect(throws: ConfigError.self) {
            _ = try ServerConfiguration.load(path: "/nonexistent-headwater/x.conf")
        }
        #expect(error?.kind == .unreadableFile)
        #expect(error?.description == "/nonexistent-headwater/x.conf: configuration file not found")
    }
}

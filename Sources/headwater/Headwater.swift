import ArgumentParser
import CMallocTuning
import Config
import Transcode
import Foundation
import Logging
import Server

/// `headwater [-c FILE] [-t]` runs the server or checks a configuration; `headwater remux` converts files.
@main
struct Headwater: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "headwater",
        abstract: "A live-streaming origin/edge server: RTMP in, RTMP/HLS/FLV out.",
        version: Version.current,
        subcommands: [Serve.self, Remux.self],
        defaultSubcommand: Serve.self)
}

/// Runs the server (the default when no subcommand is given).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server (the default): RTMP ingest and play, HLS, DVR and the HTTP server.")

    @Option(name: .customShort("c"), help: "The configuration file (default: conf/headwater.conf, else the built-in default).")
    var configFile: String?

    @Flag(name: .customShort("t"), help: "Check the configuration and exit (0 when valid).")
    var testOnly = false

    func run() async throws {
        let path = configFile ?? Self.defaultConfigurationPath()
        let loaded: (ServerConfiguration, [ConfigWarning])
        do {
            if let path {
                loaded = try ServerConfiguration.load(path: path)
            } else {
                loaded = try ServerConfiguration.parse(
                    text: ServerConfiguration.builtInDefaultText, file: ServerConfiguration.builtInDefaultFileName)
            }
            // Codec names and encoder options are checked against the libav this binary runs with.
            try TranscodeValidator.validate(loaded.0)
        } catch {
            FileHandle.standardError.write(Data("headwater: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let (configuration, warnings) = loaded
        let source = path ?? ServerConfiguration.builtInDefaultFileName

        if testOnly {
            for warning in warnings { FileHandle.standardError.write(Data("headwater: warning: \(warning)\n".utf8)) }
            print("headwater: the configuration file \(source) syntax is ok")
            print("headwater: configuration file \(source) test is successful")
            return
        }

        LogSetup.bootstrap(configuration)
        let logger = Logger(label: "headwater")
        if headwater_malloc_tuning_status() == 0 { logger.warning("glibc refused the allocator tuning (malloc_tuning.c)") }
        for warning in warnings { logger.warning("\(warning)") }
        logger.info("configuration loaded", metadata: ["file": "\(source)"])
        let application = Application(configuration: configuration, configurationPath: path, logger: logger)
        try await application.run()
    }

    /// `conf/headwater.conf` in the working directory when present, like SRS's `conf/srs.conf`.
    static func defaultConfigurationPath() -> String? {
        let candidate = "conf/headwater.conf"
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }
}

/// The `transcode [scope] { }` and `ingest ID { }` blocks of a vhost (SRS's shapes).
///
/// Codec and option names are libav's and are checked against the local libav by the Transcode module
/// (`headwater -t` and every load); here only the shape and the plain values are checked.
extension ConfigDecoder {
    mutating func transcode(_ directive: ConfigDirective) throws(ConfigError) -> TranscodeConfiguration {
        let scope = directive.args.first ?? ""
        if scope.split(separator: "/", omittingEmptySubsequences: false).count > 2 || scope.hasPrefix("/") {
            throw Self.invalid(directive, "expected APP or APP/STREAM")
        }
        var transcode = TranscodeConfiguration(scope: scope, location: directive.location)
        let block = try self.screen(directive.children, in: .transcode)
        if let setting = block.first(DirectiveName.enabled) {
            transcode.enabled = try Self.boolean(setting)
        }
        transcode.engines = try self.engines(block.all(DirectiveName.engine), requireOutput: true)
        return transcode
    }

    mutating func ingest(_ directive: ConfigDirective) throws(ConfigError) -> IngestConfiguration {
        var ingest = IngestConfiguration(id: directive.args[0], location: directive.location)
        let block = try self.screen(directive.children, in: .ingest)
        if let setting = block.first(DirectiveName.enabled) {
            ingest.enabled = try Self.boolean(setting)
        }
        if let input = block.first(DirectiveName.input) {
            let inputBlock = try self.screen(input.children, in: .ingestInput)
            if let setting = inputBlock.first(DirectiveName.type) {
                guard let type = IngestConfiguration.InputType(rawValue: setting.args[0]) else {
                    throw Self.invalid(setting, "expected 'file' or 'stream' (devices are not supported)")
                }
                ingest.inputType = type
            }
            if let setting = inputBlock.first(DirectiveName.url) {
                ingest.inputURL = setting.args[0]
            }
        }
        ingest.engines = try self.engines(block.all(DirectiveName.engine), requireOutput: false)
        if ingest.enabled {
            guard !ingest.inputURL.isEmpty else {
                throw ConfigError(.invalidValue, at: directive.location, "ingest \(ingest.id) has no input url")
            }
            guard ingest.engines.contains(where: { !$0.output.isEmpty }) else {
                throw ConfigError(.invalidValue, at: directive.location, "ingest \(ingest.id) has no engine with an output")
            }
        }
        return ingest
    }

    private mutating func engines(
        _ directives: [ConfigDirective], requireOutput: Bool
    ) throws(ConfigError) -> [TranscodeEngineConfiguration] {
        var engines: [TranscodeEngineConfiguration] = []
        for directive in directives {
            let engine = try self.engine(directive)
            if let first = engines.first(where: { $0.name == engine.name }) {
                throw ConfigError(
                    .invalidValue, at: directive.location,
                    "engine '\(engine.name)' is already defined at \(first.location)")
            }
            if requireOutput && engine.enabled && engine.output.isEmpty {
                throw ConfigError(.invalidValue, at: directive.location, "engine '\(engine.name)' has no output")
            }
            engines.append(engine)
        }
        return engines
    }

    private mutating func engine(_ directive: ConfigDirective) throws(ConfigError) -> TranscodeEngineConfiguration {
        var engine = TranscodeEngineConfiguration(name: directive.args.first ?? "", location: directive.location)
        let block = try self.screen(directive.children, in: .transcodeEngine)
        if let setting = block.first(DirectiveName.enabled) {
            engine.enabled = try Self.boolean(setting)
        }
        if let setting = block.first(DirectiveName.vcodec) {
            engine.videoCodec = Self.codec(setting.args[0], none: "vn")
            engine.videoCodecLocation = setting.location
        }
        if let setting = block.first(DirectiveName.acodec) {
            engine.audioCodec = Self.codec(setting.args[0], none: "an")
            engine.audioCodecLocation = setting.location
        }
        if let setting = block.first(DirectiveName.vbitrate) {
            engine.videoBitrate = try Self.integer(setting, in: TranscodeEngineConfiguration.bitrateRange)
        }
        if let setting = block.first(DirectiveName.vfps) {
            let fps = try Self.decimal(setting, in: 0...TranscodeEngineConfiguration.fpsRange.upperBound)
            engine.videoFPS = fps == 0 ? nil : fps
        }
        // SRS writes 0 for "keep the source's"; so does Headwater.
        if let setting = block.first(DirectiveName.vwidth) {
            engine.videoWidth = try Self.dimension(setting)
        }
        if let setting = block.first(DirectiveName.vheight) {
            engine.videoHeight = try Self.dimension(setting)
        }
        if let setting = block.first(DirectiveName.vthreads) {
            engine.videoThreads = try Self.integer(setting, in: TranscodeEngineConfiguration.threadsRange)
        }
        if let setting = block.first(DirectiveName.vprofile) {
            engine.videoProfile = setting.args[0]
            engine.videoProfileLocation = setting.location
        }
        if let setting = block.first(DirectiveName.vpreset) {
            engine.videoPreset = setting.args[0]
            engine.videoPresetLocation = setting.location
        }
        if let setting = block.first(DirectiveName.vparams) {
            engine.videoParameters = try Self.parameters(setting)
        }
        if let setting = block.first(DirectiveName.abitrate) {
            engine.audioBitrate = try Self.integer(setting, in: TranscodeEngineConfiguration.bitrateRange)
        }
        if let setting = block.first(DirectiveName.asampleRate) {
            let rate = try Self.integer(setting, in: 0...TranscodeEngineConfiguration.sampleRateRange.upperBound)
            if rate != 0 {
                guard TranscodeEngineConfiguration.sampleRateRange.contains(rate) else {
                    throw Self.invalid(setting, "must be 0 (the source's) or between 8000 and 192000")
                }
                engine.audioSampleRate = rate
            }
        }
        if let setting = block.first(DirectiveName.achannels) {
            let channels = try Self.integer(setting, in: 0...TranscodeEngineConfiguration.channelsRange.upperBound)
            engine.audioChannels = channels == 0 ? nil : channels
        }
        if let setting = block.first(DirectiveName.aparams) {
            engine.audioParameters = try Self.parameters(setting)
        }
        for name in [DirectiveName.iformat, DirectiveName.oformat] {
            if let setting = block.first(name), !["flv", "off"].contains(setting.args[0]) {
                throw Self.invalid(setting, "only flv is supported: engines read and write the live stream's FLV tags")
            }
        }
        if let setting = block.first(DirectiveName.output) {
            engine.output = setting.args[0]
            engine.outputLocation = setting.location
        }
        return engine
    }

    private static func codec(_ name: String, none: String) -> TranscodeEngineConfiguration.Codec {
        switch name {
        case "copy": return .copy
        case none: return .drop
        default: return .encode(name)
        }
    }

    private static func dimension(_ directive: ConfigDirective) throws(ConfigError) -> Int? {
        let value = try Self.integer(directive, in: 0...TranscodeEngineConfiguration.dimensionRange.upperBound)
        if value == 0 { return nil }
        guard TranscodeEngineConfiguration.dimensionRange.contains(value), value % 2 == 0 else {
            throw Self.invalid(directive, "must be 0 (the source's) or an even number between 16 and 8192")
        }
        return value
    }

    /// `vparams { name value; }`: any names (libav checks them), one value each.
    private static func parameters(_ directive: ConfigDirective) throws(ConfigError)
        -> [TranscodeEngineConfiguration.Parameter]
    {
        guard directive.isBlock else {
            throw ConfigError(.invalidValue, at: directive.location, "'\(directive.name)' takes a block")
        }
        var parameters: [TranscodeEngineConfiguration.Parameter] = []
        for child in directive.children {
            guard child.args.count == 1, !child.isBlock else {
                throw ConfigError(
                    .invalidValue, at: child.location,
                    "encoder option '\(child.name)' in '\(directive.name)' takes one value")
            }
            parameters.append(.init(name: child.name, value: child.args[0], location: child.location))
        }
        return parameters
    }
}

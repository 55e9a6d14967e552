/// Turns the directive tree into a validated `ServerConfiguration`, collecting warnings for what it skips.
///
/// The directives it reads, and where, come from `DirectiveTable`; this type only says what each one means.
/// As in SRS, the first occurrence of a directive wins; later ones are reported as duplicates.
struct ConfigDecoder {
    /// The directives of one block that Headwater reads, by name, in file order.
    struct Block {
        fileprivate var byName: [String: [ConfigDirective]] = [:]

        func first(_ name: String) -> ConfigDirective? {
            self.byName[name]?.first
        }

        func all(_ name: String) -> [ConfigDirective] {
            self.byName[name] ?? []
        }
    }

    private(set) var warnings: [ConfigWarning] = []

    /// Decodes the top-level directives of a configuration.
    /// - Throws: `ConfigError` for a known directive with a wrong shape or value.
    mutating func decode(_ directives: [ConfigDirective]) throws(ConfigError) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.raw = directives
        let root = try self.screen(directives, in: .root)

        let listens = root.all(DirectiveName.listen)
        if !listens.isEmpty {
            configuration.listen = try Self.listenAddresses(listens)
        }
        if let directive = root.first(DirectiveName.maxConnections) {
            configuration.maxConnections = try Self.integer(directive, in: ServerConfiguration.maxConnectionsRange)
        }
        if let directive = root.first(DirectiveName.chunkSize) {
            configuration.chunkSize = try Self.integer(directive, in: ServerConfiguration.chunkSizeRange)
        }
        if let directive = root.first(DirectiveName.pid) {
            configuration.pidFile = try Self.path(directive)
        }
        if let directive = root.first(DirectiveName.logTank) {
            configuration.logTank = try Self.choice(directive)
        }
        if let directive = root.first(DirectiveName.logLevel) {
            configuration.logLevel = try Self.logLevel(
                directive,
                names: LogLevel.srsNames,
                LogLevel.init(srsName:)
            )
        }
        // SRS: a non-empty srs_log_level_v2 replaces srs_log_level.
        if let directive = root.first(DirectiveName.logLevelV2) {
            configuration.logLevel = try Self.logLevel(
                directive,
                names: LogLevel.srsV2Names,
                LogLevel.init(srsV2Name:)
            )
        }
        if let directive = root.first(DirectiveName.logFile) {
            configuration.logFile = try Self.path(directive)
        }
        if let directive = root.first(DirectiveName.rtmpMaxMessageSize) {
            configuration.rtmpMaxMessageSize = try Self.integer(
                directive,
                in: ServerConfiguration.rtmpMaxMessageSizeRange
            )
        }
        if let directive = root.first(DirectiveName.handshakeTimeout) {
            configuration.handshakeTimeout = .seconds(
                try Self.integer(directive, in: ServerConfiguration.handshakeTimeoutRange)
            )
        }
        configuration.limits = try Self.limits(root, rtmpMaxMessageSize: configuration.rtmpMaxMessageSize)
        if let directive = root.first(DirectiveName.httpServer) {
            configuration.httpServer = try self.httpServer(directive)
        }
        if let directive = root.first(DirectiveName.httpAPI) {
            configuration.httpAPI = try self.httpAPI(directive)
        }
        configuration.vhosts = try self.vhosts(root.all(DirectiveName.vhost))
        return configuration
    }

    /// Checks each directive of a block against the table: warns for and drops the unknown, planned and
    /// repeated ones, and throws for known ones written in the wrong shape.
    mutating func screen(_ directives: [ConfigDirective], in context: DirectiveContext) throws(ConfigError) -> Block {
        var block = Block()
        for directive in directives {
            guard let role = DirectiveTable.role(of: directive.name, in: context) else {
                self.warn(directive, .unsupported)
                continue
            }
            let repeatable: Bool
            switch role {
            case .planned:
                self.warn(directive, .notImplementedYet)
                continue
            case .setting(let arguments, let canRepeat):
                try Self.checkMissingSemicolon(directive, in: context)
                try Self.checkShape(directive, wantsBlock: false, arguments: arguments)
                repeatable = canRepeat
            case .block(_, let arguments, let canRepeat):
                // A block that also has a one-line legacy form (`forward HOST:PORT;`) takes arguments instead.
                let legacyLine = !directive.isBlock && !directive.args.isEmpty && arguments.lowerBound == 0
                if legacyLine { try Self.checkMissingSemicolon(directive, in: context) }
                try Self.checkShape(directive, wantsBlock: !legacyLine, arguments: arguments)
                repeatable = canRepeat
            }
            if !repeatable, let first = block.first(directive.name) {
                self.warn(directive, .duplicate(first: first.location))
                continue
            }
            block.byName[directive.name, default: []].append(directive)
        }
        return block
    }

    private mutating func warn(_ directive: ConfigDirective, _ reason: ConfigWarning.Reason) {
        self.warnings.append(ConfigWarning(location: directive.location, directive: directive.name, reason: reason))
    }

    /// Decodes the `vhost` blocks, first one of a name winning, and adds `__defaultVhost__` when absent.
    private mutating func vhosts(_ directives: [ConfigDirective]) throws(ConfigError) -> [String: VhostConfiguration] {
        var vhosts: [String: VhostConfiguration] = [:]
        for directive in directives {
            let name = directive.args[0]
            guard !name.isEmpty else {
                throw ConfigError(.invalidValue, at: directive.location, "the vhost name is empty")
            }
            if let first = vhosts[name]?.raw {
                self.warn(directive, .duplicate(first: first.location))
                continue
            }
            vhosts[name] = try self.vhost(directive)
        }
        if vhosts[VhostConfiguration.defaultName] == nil {
            vhosts[VhostConfiguration.defaultName] = VhostConfiguration(name: VhostConfiguration.defaultName)
        }
        return vhosts
    }

    private mutating func vhost(_ directive: ConfigDirective) throws(ConfigError) -> VhostConfiguration {
        var vhost = VhostConfiguration(name: directive.args[0])
        vhost.raw = directive
        let block = try self.screen(directive.children, in: .vhost)
        if let setting = block.first(DirectiveName.enabled) {
            vhost.enabled = try Self.boolean(setting)
        }
        if let setting = block.first(DirectiveName.chunkSize) {
            vhost.chunkSize = try Self.integer(setting, in: ServerConfiguration.chunkSizeRange)
        }
        if let setting = block.first(DirectiveName.tcpNoDelay) {
            vhost.tcpNoDelay = try Self.boolean(setting)
        }
        if let setting = block.first(DirectiveName.minLatency) {
            vhost.minLatency = try Self.boolean(setting)
        }
        if let play = block.first(DirectiveName.play) {
            vhost.play = try self.play(play)
        }
        if let publish = block.first(DirectiveName.publish) {
            vhost.publish = try self.publish(publish)
        }
        if let hls = block.first(DirectiveName.hls) {
            vhost.hls = try self.hls(hls)
        }
        if let dvr = block.first(DirectiveName.dvr) {
            vhost.dvr = try self.dvr(dvr)
        }
        if let remux = block.first(DirectiveName.httpRemux) {
            vhost.httpRemux = try self.httpRemux(remux)
        }
        if let security = block.first(DirectiveName.security) {
            vhost.security = try self.security(security)
        }
        if let hooks = block.first(DirectiveName.httpHooks) {
            vhost.httpHooks = try self.httpHooks(hooks)
        }
        vhost.cluster = try self.cluster(block, name: vhost.name, at: directive.location)
        if let forward = block.first(DirectiveName.forward) {
            vhost.forward = try self.forward(forward)
        }
        for directive in block.all(DirectiveName.transcode) {
            vhost.transcodes.append(try self.transcode(directive))
        }
        for directive in block.all(DirectiveName.ingest) {
            let ingest = try self.ingest(directive)
            if let first = vhost.ingests.first(where: { $0.id == ingest.id }) {
                throw ConfigError(
                    .invalidValue, at: directive.location, "ingest '\(ingest.id)' is already defined at \(first.location)")
            }
            vhost.ingests.append(ingest)
        }
        return vhost
    }

    private mutating func play(_ directive: ConfigDirective) throws(ConfigError) -> PlayConfiguration {
        var play = PlayConfiguration()
        let block = try self.screen(directive.children, in: .play)
        if let setting = block.first(DirectiveName.gopCache) {
            play.gopCache = try Self.boolean(setting)
        }
        if let setting = block.first(DirectiveName.gopCacheMaxFrames) {
            play.gopCacheMaxFrames = try Self.integer(setting, in: PlayConfiguration.gopCacheMaxFramesRange)
        }
        if let setting = block.first(DirectiveName.gopCacheMaxBytes) {
            play.gopCacheMaxBytes = try Self.integer(setting, in: PlayConfiguration.gopCacheMaxBytesRange)
        }
        if let setting = block.first(DirectiveName.queueLength) {
            play.queueLength = .seconds(try Self.integer(setting, in: PlayConfiguration.queueLengthRange))
        }
        if let setting = block.first(DirectiveName.timeJitter) {
            play.timeJitter = try Self.choice(setting)
        }
        if let setting = block.first(DirectiveName.mwLatency) {
            play.mwLatency = .milliseconds(try Self.integer(setting, in: PlayConfiguration.mwLatencyRange))
        }
        if let setting = block.first(DirectiveName.mwMessages) {
            play.mwMessages = try Self.integer(setting, in: PlayConfiguration.mwMessagesRange)
        }
        return play
    }

    private mutating func publish(_ directive: ConfigDirective) throws(ConfigError) -> PublishConfiguration {
        var publish = PublishConfiguration()
        let block = try self.screen(directive.children, in: .publish)
        if let setting = block.first(DirectiveName.firstPacketTimeout) {
            publish.firstPacketTimeout = .milliseconds(try Self.integer(setting, in: PublishConfiguration.timeoutRange))
        }
        if let setting = block.first(DirectiveName.normalTimeout) {
            publish.normalTimeout = .milliseconds(try Self.integer(setting, in: PublishConfiguration.timeoutRange))
        }
        return publish
    }
}

/// The `hls { }` block of a vhost (SRS `vhost { hls { } }`).
extension ConfigDecoder {
    mutating func hls(_ directive: ConfigDirective) throws(ConfigError) -> HLSConfiguration {
        var hls = HLSConfiguration()
        let block = try self.screen(directive.children, in: .hls)
        if let setting = block.first(DirectiveName.enabled) {
            hls.enabled = try Self.boolean(setting)
        }
        if let setting = block.first(DirectiveName.hlsFragment) {
            hls.fragment = try Self.seconds(setting, in: HLSConfiguration.fragmentRange)
        }
        if let setting = block.first(DirectiveName.hlsTDRatio) {
            hls.tdRatio = try Self.decimal(setting, in: HLSConfiguration.ratioRange)
        }
        if let setting = block.first(DirectiveName.hlsAOFRatio) {
            hls.aofRatio = try Self.decimal(setting, in: HLSConfiguration.ratioRange)
        }
        if let setting = block.first(DirectiveName.hlsWindow) {
            hls.window = try Self.seconds(setting, in: HLSConfiguration.windowRange)
        }
        if let setting = block.first(DirectiveName.hlsOnError) {
            hls.onError = try Self.choice(setting)
        }
        if let setting = block.first(DirectiveName.hlsPath) {
            hls.path = try Self.path(setting)
        }
        if let setting = block.first(DirectiveName.hlsM3U8File) {
            hls.m3u8File = try Self.fileTemplate(setting, endingWith: HLSConfiguration.playlistExtension)
        }
        if let setting = block.first(DirectiveName.hlsTSFile) {
            hls.tsFile = try Self.fileTemplate(setting, endingWith: HLSConfiguration.segmentExtension)
        }
        if let setting = block.first(DirectiveName.hlsEntryPrefix) {
            hls.entryPrefix = setting.args[0]
        }
        if let setting = block.first(DirectiveName.hlsAudioCodec) {
            hls.audioCodec = try Self.choice(setting)
        }
        if let setting = block.first(DirectiveName.hlsVideoCodec) {
            hls.videoCodec = try Self.choice(setting)
        }
        if let setting = block.first(DirectiveName.hlsCleanup) {
            hls.cleanup = try Self.boolean(setting)
        }
        if let setting = block.first(DirectiveName.hlsDispose) {
            hls.dispose = try Self.seconds(setting, in: HLSConfiguration.disposeRange)
        }
        if let setting = block.first(DirectiveName.hlsWaitKeyframe) {
            hls.waitKeyframe = try Self.boolean(setting)
        }
        try Self.checkWindow(of: hls, block: block, at: directive)
        return hls
    }

    /// A window shorter than one fragment would list no complete segment, so players would starve.
    /// The error points at whichever of the two was written, the window first.
    private static func checkWindow(
        of hls: HLSConfiguration,
        block: Block,
        at directive: ConfigDirective
    ) throws(ConfigError) {
        guard hls.window < hls.fragment else { return }
        let culprit = block.first(DirectiveName.hlsWindow) ?? block.first(DirectiveName.hlsFragment) ?? directive
        throw ConfigError(
            .invalidValue,
            at: culprit.location,
            "\(DirectiveName.hlsWindow) (\(Self.secondsText(hls.window)) s) is shorter than "
                + "\(DirectiveName.hlsFragment) (\(Self.secondsText(hls.fragment)) s); "
                + "the playlist must hold at least one segment"
        )
    }

    /// A playlist or segment template: relative to `hls_path`, never climbing out of it, and named with the
    /// extension players and the HTTP server expect.
    private static func fileTemplate(
        _ directive: ConfigDirective,
        endingWith fileExtension: String
    ) throws(ConfigError) -> String {
        let text = directive.args[0]
        if text.hasPrefix("/") {
            throw Self.invalid(directive, "must be relative to \(DirectiveName.hlsPath), not an absolute path")
        }
        if text.split(separator: "/").contains("..") {
            throw Self.invalid(directive, "must not contain '..'")
        }
        guard text.hasSuffix(fileExtension), text.count > fileExtension.count, !text.hasSuffix("/" + fileExtension)
        else {
            throw Self.invalid(directive, "must be a file name ending in '\(fileExtension)'")
        }
        return text
    }
}

/// The `dvr { }` block of a vhost (SRS `vhost { dvr { } }`).
extension ConfigDecoder {
    /// SRS's `dvr_apply` word for every stream.
    private static let applyAll = "all"
    /// SRS 2's plan that appended every publish to one file; SRS 3 removed it.
    private static let appendPlan = "append"
    /// Headwater records FLV only; SRS also writes MP4 when `dvr_path` ends so.
    private static let mp4Extension = ".mp4"

    mutating func dvr(_ directive: ConfigDirective) throws(ConfigError) -> DVRConfiguration {
        var dvr = DVRConfiguration()
        let block = try self.screen(directive.children, in: .dvr)
        if let setting = block.first(DirectiveName.enabled) {
            dvr.enabled = try Self.boolean(setting)
        }
        if let setting = block.first(DirectiveName.dvrApply) {
            dvr.apply = try Self.apply(setting)
        }
        if let setting = block.first(DirectiveName.dvrPlan) {
            if setting.args[0] == Self.appendPlan {
                throw Self.invalid(
                    setting,
                    "the append plan is not supported (SRS 3 removed it); use session or segment"
                )
            }
            dvr.plan = try Self.choice(setting)
        }
        if let setting = block.first(DirectiveName.dvrPath) {
            let path = try Self.path(setting)
            if path.lowercased().hasSuffix(Self.mp4Extension) {
                throw Self.invalid(setting, "recording to MP4 is not supported; use a path ending in .flv or a folder")
            }
            dvr.path = path
        }
        if let setting = block.first(DirectiveName.dvrDuration) {
            dvr.duration = try Self.seconds(setting, in: DVRConfiguration.durationRange)
        }
        if let setting = block.first(DirectiveName.dvrWaitKeyframe) {
            dvr.waitKeyframe = try Self.boolean(setting)
        }
        if let setting = block.first(DirectiveName.timeJitter) {
            dvr.timeJitter = try Self.choice(setting)
        }
        return dvr
    }

    /// `all` alone, or `app/stream` names. SRS only treats `all` specially when it is the one argument, and
    /// matches the rest against `app + "/" + stream`, so an entry without a `/` (or with an empty part) could
    /// never match: refuse it rather than record nothing without a word.
    private static func apply(_ directive: ConfigDirective) throws(ConfigError) -> DVRApply {
        if directive.args == [Self.applyAll] {
            return .all
        }
        var names: [String] = []
        for entry in directive.args {
            if entry == Self.applyAll {
                throw ConfigError(
                    .invalidValue,
                    at: directive.location,
                    "'\(Self.applyAll)' must be the only argument of '\(directive.name)'"
                )
            }
            let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty }) else {
                throw ConfigError(
                    .invalidValue,
                    at: directive.location,
                    "invalid value '\(entry)' for '\(directive.name)': expected '\(Self.applyAll)' or 'app/stream'"
                )
            }
            if !names.contains(entry) {
                names.append(entry)
            }
        }
        return .streams(names)
    }
}

/// The `http_remux { }` block of a vhost (SRS `vhost { http_remux { } }`).
extension ConfigDecoder {
    /// The variables a mount may use; `[vhost]` is replaced by the vhost's name when serving.
    private static let appVariable = "[app]"
    private static let streamVariable = "[stream]"

    mutating func httpRemux(_ directive: ConfigDirective) throws(ConfigError) -> HTTPRemuxConfiguration {
        var remux = HTTPRemuxConfiguration()
        let block = try self.screen(directive.children, in: .httpRemux)
        if let setting = block.first(DirectiveName.enabled) {
            remux.enabled = try Self.boolean(setting)
        }
        if let setting = block.first(DirectiveName.mount) {
            remux.mount = try Self.mount(setting)
        }
        return remux
    }

    /// SRS also serves `.ts`, `.aac` and `.mp3` mounts; Headwater only FLV, and says so rather than serve nothing.
    /// A mount names one stream per path segment, so `[app]` and `[stream]` must each appear once.
    private static func mount(_ directive: ConfigDirective) throws(ConfigError) -> String {
        let mount = try Self.path(directive)
        guard mount.lowercased().hasSuffix(HTTPRemuxConfiguration.flvExtension) else {
            throw Self.invalid(directive, "only .flv mounts are supported (SRS's .ts, .aac and .mp3 mounts are not)")
        }
        for variable in [Self.appVariable, Self.streamVariable] {
            guard mount.ranges(of: variable).count == 1 else {
                throw Self.invalid(directive, "the mount must contain \(variable) exactly once")
            }
        }
        for segment in mount.split(separator: "/") {
            let variables = segment.filter { $0 == "[" }.count
            guard variables <= 1 else {
                throw Self.invalid(directive, "each path segment of the mount may hold one variable")
            }
        }
        return mount
    }
}

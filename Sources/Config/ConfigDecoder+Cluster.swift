/// The `cluster { }` and `forward { }` blocks of a vhost, and SRS 1.x's vhost-level `mode`, `origin`
/// and `forward HOST:PORT ...;`.
extension ConfigDecoder {
    mutating func cluster(_ vhost: Block, name: String, at location: SourceLocation) throws(ConfigError)
        -> ClusterConfiguration
    {
        var cluster = ClusterConfiguration()
        // Where the mode in force was written, for the "edge without origin" error.
        var modeLocation: SourceLocation?
        // SRS 1.x spelled the two essentials directly in the vhost; a `cluster` block overrides them.
        if let setting = vhost.first(DirectiveName.mode) {
            cluster.mode = try Self.choice(setting)
            modeLocation = setting.location
        }
        if let setting = vhost.first(DirectiveName.origin) {
            cluster.origins = try Self.upstreams(setting)
        }
        if let directive = vhost.first(DirectiveName.cluster) {
            let block = try self.screen(directive.children, in: .cluster)
            if let setting = block.first(DirectiveName.mode) {
                cluster.mode = try Self.choice(setting)
                modeLocation = setting.location
            }
            if let setting = block.first(DirectiveName.origin) {
                cluster.origins = try Self.upstreams(setting)
            }
            if let setting = block.first(DirectiveName.tokenTraverse) {
                cluster.tokenTraverse = try Self.boolean(setting)
            }
            if let setting = block.first(DirectiveName.vhost) {
                cluster.vhost = setting.args[0]
            }
            if let setting = block.first(DirectiveName.debugSrsUpnode) {
                cluster.debugUpnode = try Self.boolean(setting)
            }
            if let setting = block.first(DirectiveName.idleTimeout) {
                cluster.idleTimeout = try Self.seconds(setting, in: ClusterConfiguration.idleTimeoutRange)
            }
            if let setting = block.first(DirectiveName.upstreamTimeout) {
                cluster.upstreamTimeout = try Self.seconds(setting, in: ClusterConfiguration.upstreamTimeoutRange)
            }
            if let setting = block.first(DirectiveName.clusterProtocol), setting.args[0] != "rtmp" {
                throw Self.invalid(setting, "only rtmp is supported between edge and origin")
            }
            if let setting = block.first(DirectiveName.followClient), try Self.boolean(setting) {
                throw Self.invalid(setting, "follow_client on is not supported: the edge pulls with RTMP")
            }
        }
        if cluster.isEdge && cluster.origins.isEmpty {
            throw ConfigError(
                .invalidValue, at: modeLocation ?? location, "vhost \(name) is an edge (mode remote) but names no origin")
        }
        return cluster
    }

    mutating func forward(_ directive: ConfigDirective) throws(ConfigError) -> ForwardConfiguration {
        var forward = ForwardConfiguration()
        if !directive.args.isEmpty {
            // SRS 1.x: `forward HOST:PORT ...;` forwards to those destinations.
            forward.enabled = true
            forward.destinations = try Self.upstreams(directive)
            return forward
        }
        let block = try self.screen(directive.children, in: .forward)
        if let setting = block.first(DirectiveName.enabled) {
            forward.enabled = try Self.boolean(setting)
        }
        if let setting = block.first(DirectiveName.destination) {
            forward.destinations = try Self.upstreams(setting)
        }
        // The block form has no argument to quote: name the `enabled on;` line instead.
        if forward.enabled && forward.destinations.isEmpty, let setting = block.first(DirectiveName.enabled) {
            throw Self.invalid(setting, "forward is enabled but names no destination")
        }
        return forward
    }

    private static func upstreams(_ directive: ConfigDirective) throws(ConfigError) -> [UpstreamAddress] {
        var addresses: [UpstreamAddress] = []
        for text in directive.args {
            guard let address = UpstreamAddress(text) else {
                throw ConfigError(
                    .invalidValue, at: directive.location,
                    "invalid server '\(text)' in '\(directive.name)': expected HOST, HOST:PORT or [IPv6]:PORT")
            }
            addresses.append(address)
        }
        return addresses
    }
}

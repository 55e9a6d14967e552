/// The top-level `http_api { }` block (SRS `http_api { }`).
extension ConfigDecoder {
    mutating func httpAPI(_ directive: ConfigDirective) throws(ConfigError) -> HTTPAPIConfiguration {
        var api = HTTPAPIConfiguration()
        let block = try self.screen(directive.children, in: .httpAPI)
        if let setting = block.first(DirectiveName.enabled) {
            api.enabled = try Self.boolean(setting)
        }
        if let setting = block.first(DirectiveName.listen) {
            // The table allows exactly one entry, so there is exactly one address.
            api.listen = try Self.listenAddresses([setting])[0]
        }
        if let setting = block.first(DirectiveName.crossdomain) {
            api.crossdomain = try Self.boolean(setting)
        }
        if let auth = block.first(DirectiveName.auth) {
            api.auth = try self.httpAPIAuthentication(auth)
        }
        return api
    }

    private mutating func httpAPIAuthentication(
        _ directive: ConfigDirective
    ) throws(ConfigError) -> HTTPAPIConfiguration.Authentication {
        var auth = HTTPAPIConfiguration.Authentication()
        let block = try self.screen(directive.children, in: .httpAPIAuth)
        if let setting = block.first(DirectiveName.enabled) {
            auth.enabled = try Self.boolean(setting)
        }
        if let setting = block.first(DirectiveName.username) {
            auth.username = setting.args[0]
        }
        if let setting = block.first(DirectiveName.password) {
            auth.password = setting.args[0]
        }
        // An empty credential would let anyone in while looking protected.
        if auth.enabled && (auth.username.isEmpty || auth.password.isEmpty) {
            throw ConfigError(
                .invalidValue, at: directive.location,
                "'auth' is enabled but 'username' or 'password' is missing or empty")
        }
        return auth
    }
}

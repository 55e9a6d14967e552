/// The top-level `http_server { }` block (SRS `http_server { }`).
extension ConfigDecoder {
    mutating func httpServer(_ directive: ConfigDirective) throws(ConfigError) -> HTTPServerConfiguration {
        var server = HTTPServerConfiguration()
        let block = try self.screen(directive.children, in: .httpServer)
        if let setting = block.first(DirectiveName.enabled) {
            server.enabled = try Self.boolean(setting)
        }
        if let setting = block.first(DirectiveName.listen) {
            // The table allows exactly one entry, so there is exactly one address.
            server.listen = try Self.listenAddresses([setting])[0]
        }
        if let setting = block.first(DirectiveName.dir) {
            server.dir = try Self.path(setting)
        }
        if let setting = block.first(DirectiveName.crossdomain) {
            server.crossdomain = try Self.boolean(setting)
        }
        return server
    }
}
